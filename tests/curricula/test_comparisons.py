"""Experiments over seeds and conditions: small deterministic cases with outcomes that
could fail."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.curricula.comparisons import imagination_comparison, imagination_config
from infancy.infants.config import InfantConfig


def test_imagining_infants_are_ahead_at_equal_real_steps():
    """A small deterministic case of the imagination experiment's contrast with "none"
    (the claim itself rested on experiments/imagination_replay.py over 12 seeds, now
    retired for the sleep-and-imagination experiment): with
    the same real acting steps, infants that imagine are ahead of infants that never do
    over the budget (learning-curve area, and the first half alone) and reach 80%
    reaching success no later (here in the same 256-step bin). Since infants' gates were
    made to leave a gated-off learner untouched (2026-11-24), the experiment's control
    ("pause": the same chunks away from acting, no replay) gains as much: the pauses,
    not the replay, carry the gain; see docs/architecture.md.

    The infant is the one the claim was made with: ``b.orient`` and ``b.follow`` off,
    and no object file (``a.object_file``, 2026-12-04 night).
    With the default's bottom-up orienting (2026-12-03 afternoon) reaching is learned
    faster by every condition, and in this case the imagining infants are still ahead
    in area and in the first half but reach 80% one bin later (1,280 against 1,024 acting steps;
    docs/measurements.md, 2026-12-03 afternoon): whether imagination still pays there
    is a question for the experiment over many seeds, not for this case."""
    curves, summary = imagination_comparison(
        [0],
        acting_steps=1536,
        n=16,
        criterion=0.8,
        infant={"a": {"object_file": False}, "b": {"orient": False, "follow": False}},
    )
    by = summary.set_index("condition")
    steps = by["steps_to_criterion"].fillna(np.inf)
    assert steps["imagination"] <= steps["none"] < np.inf
    assert by.loc["imagination", "auc"] > by.loc["none", "auc"]
    early = curves[curves["acting_steps"] <= 768]
    mean = early.groupby("condition")["success"].mean()
    assert mean["imagination"] > mean["none"]


def test_imagination_conditions_are_named():
    """The control condition replays nothing; an unknown condition names the known ones."""
    pause = InfantConfig.from_dict(imagination_config("pause"))
    imagine = InfantConfig.from_dict(imagination_config("imagination"))
    consolidate = InfantConfig.from_dict(imagination_config("consolidation"))
    every = (c.m.rule.imagine_every for c in (pause, imagine, consolidate))
    assert len(set(every)) == 1 and pause.m.rule.imagine_every > 0
    assert pause.b.imagined_weight == 0.0 < imagine.b.imagined_weight
    assert pause.dream_updates == imagine.dream_updates == 0 < consolidate.dream_updates
    assert InfantConfig.from_dict(imagination_config("none")).m.rule.imagine_every == 0
    with pytest.raises(ValueError, match="condition: expected one of none, pause, imagination"):
        imagination_config("dream")
