"""A whole (tiny) lifetime in memory: stages, worlds, probes, timeline."""

from __future__ import annotations

import numpy as np

from infancy.curricula import load_curriculum
from infancy.curricula.lifetime import live


def test_a_tiny_lifetime_goes_through_every_stage_and_probes_on_schedule():
    cur = load_curriculum(overlays=("tiny",))
    life = live(cur, n=4, seed=0, probe_trials=1, probes=("locomotion", "word_comprehension"))
    tl = life.timeline
    assert list(tl["stage"].unique()) == [s.name for s in cur.stages]
    assert tl["age_months"].max() <= cur.clock.end_months + 1e-9
    assert life.cohort.steps == cur.clock.lifetime_steps
    assert abs(life.cohort.age_months - 24.0) < 1e-9
    # Every world visited belongs to the stage's mix at that time.
    for stage in cur.stages:
        seen = set(tl[tl["stage"] == stage.name]["world"])
        assert seen <= set(stage.scenarios)
    # One battery per probe age, every infant in every probe.
    ages = sorted(life.probes["age_months"].unique())
    assert ages == cur.probe_ages()
    per_age = life.probes.groupby("age_months").size()
    assert (per_age == per_age.iloc[0]).all() and per_age.iloc[0] % 4 == 0
    # The body followed the stages: no locomotion to pass before the crawler stage.
    loco = life.probes[(life.probes["probe"] == "locomotion") & (life.probes["age_months"] < 8)]
    assert (loco["score"] == 0).all()
    shares = tl[[c for c in tl.columns if c.startswith("share_")]].sum(axis=1)
    assert np.allclose(shares, 1.0)


def test_same_seed_same_lifetime():
    cur = load_curriculum(
        overlays=("tiny",),
        clock={"end_months": 4.0},
        stages=[s.model_dump() | {"to_months": 4.0} for s in load_curriculum().stages[:1]],
    )
    a = live(cur, n=2, seed=3, probe_trials=1, probes=("reaching", "a_not_b"))
    b = live(cur, n=2, seed=3, probe_trials=1, probes=("reaching", "a_not_b"))
    assert a.timeline.equals(b.timeline) and a.probes.equals(b.probes)
