"""Experiments over seeds and rearing conditions: cohorts raised several times, compared.

Each function raises one or more cohorts per seed and condition, lets them live, and
returns tidy ``pandas.DataFrame`` objects, so the experiment scripts in
``experiments/``, the notebooks and the tests share one implementation:

==========================  ========================================================
``cue_comparison``          cohorts raised by caregivers with different habits (cue
                            ablation, reliability): words comprehended, trust
``reach_curve``             one cohort's success on ``reach-v0`` against its *acting*
                            steps; ``steps_to_criterion`` reads such a curve
``imagination_comparison``  infants with and without imagination replay at equal real
                            steps (conditions: :data:`IMAGINATION_CONDITIONS`,
                            :func:`imagination_config`)
==========================  ========================================================

What an infant knows at one moment (its lexicon) is read by
:mod:`infancy.infants.evaluation`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from infancy.curricula.stages import merge
from infancy.infants.base import ACT
from infancy.infants.cohort import Cohort
from infancy.infants.evaluation import lexicon_table
from infancy.worlds import make_batch

__all__ = [
    "IMAGINATION_CONDITIONS",
    "cue_comparison",
    "imagination_comparison",
    "imagination_config",
    "reach_curve",
    "steps_to_criterion",
]


def cue_comparison(
    conditions: dict[str, dict[str, Any]],
    *,
    world: str = "naming-v0",
    steps: int = 1024,
    n: int = 8,
    seeds: tuple[int, ...] = (0,),
    infant: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Cohorts raised by caregivers with different habits (cue ablation, reliability).

    Parameters
    ----------
    conditions
        Name -> caregiver habits for the world (``{"reliability": 0.3}``,
        ``{"eye_contact_prob": 0.0}``, ...; ``{}`` keeps the world's own).
    world
        The world they live in (a registered id).
    steps, n, seeds
        Steps lived, infants per cohort, one cohort per seed and condition.
    infant
        Infant configuration (default: the default infant with chunks of 8).

    Returns
    -------
    pandas.DataFrame
        Per condition, seed and infant: ``words_comprehended`` (A's lexicon above its
        threshold), ``words_correct`` (comprehended and bound to the right toy),
        ``trust`` (M's trust in the caregiver at the end).
    """
    rows = []
    for name, habits in conditions.items():
        for seed in seeds:
            env = make_batch(world, n, seed=seed, autoreset=True, caregiver=dict(habits))
            env.reset()
            cohort = Cohort(infant or {"chunk": 8}, n=n, seed=seed)
            cohort.live(env, steps)
            lex = lexicon_table(cohort)
            lex["right"] = lex["comprehended"] & lex["correct"]
            counts = lex.groupby("infant")[["comprehended", "right"]].sum()  # infants 0..n-1
            per = pd.DataFrame(
                {
                    "condition": name,
                    "seed": seed,
                    "infant": np.arange(n),
                    "words_comprehended": counts["comprehended"].to_numpy(),
                    "words_correct": counts["right"].to_numpy(),
                    "trust": np.asarray(cohort.meta["trust"], dtype=float),
                }
            )
            rows.append(per)
    return pd.concat(rows, ignore_index=True)


def reach_curve(
    config: dict[str, Any] | None,
    *,
    seed: int,
    acting_steps: int,
    n: int = 16,
    world: str = "reach-v0",
    bin_size: int = 256,
) -> pd.DataFrame:
    """Success of a cohort's own episodes against its *acting* steps (real experience).

    Only episodes the infant acted in throughout count. The cohort lives in ``world``
    until every infant has acted ``acting_steps`` times (steps spent imagining or
    sleeping do not count).

    Parameters
    ----------
    config
        Infant configuration (``None``: the default infant).
    seed
        Seeds the world and the cohort.
    acting_steps
        Real (acting) steps each infant lives.
    n, world, bin_size
        Infants, the world they live in (a registered id), acting steps per bin.

    Returns
    -------
    pandas.DataFrame
        One row per infant and bin: ``seed, infant, acting_steps`` (bin end),
        ``success`` (share of the episodes it finished acting in that bin),
        ``episodes``.
    """
    env = make_batch(world, n, seed=seed, autoreset=True)
    env.reset()
    cohort = Cohort(config, n=n, seed=seed)
    limit = 50 * acting_steps  # a cohort that never acts is a bug, not an endless loop
    while cohort.acting_steps.min() < acting_steps and cohort.steps < limit:
        cohort.step(env)
    ep = cohort.episodes()
    # Episodes the infant acted in from start to end: one that began while it imagined
    # or slept had fewer steps left to succeed in, which is not a fair trial.
    ep = ep[(ep["mode"] == ACT) & (ep["idle_steps"] == 0) & (ep["acting_steps"] <= acting_steps)]
    ep = ep.assign(bin=(ep["acting_steps"] - 1) // bin_size)
    out = (
        ep.groupby(["infant", "bin"])["success"].agg(success="mean", episodes="size").reset_index()
    )
    out["acting_steps"] = (out["bin"] + 1) * bin_size
    out["seed"] = seed
    return out[["seed", "infant", "acting_steps", "success", "episodes"]]


def steps_to_criterion(curve: pd.DataFrame, criterion: float = 0.8) -> pd.DataFrame:
    """First ``acting_steps`` bin at which the cohort's mean success reaches
    ``criterion``, per seed.

    Parameters
    ----------
    curve
        :func:`reach_curve` rows (``seed, acting_steps, success``).
    criterion
        Mean success to reach.

    Returns
    -------
    pandas.DataFrame
        ``seed, steps_to_criterion`` (``NaN`` if never reached).
    """
    mean = curve.groupby(["seed", "acting_steps"])["success"].mean().reset_index()
    rows = []
    for seed, g in mean.groupby("seed"):
        hit = g[g["success"] >= criterion]
        rows.append(
            {"seed": seed, "steps_to_criterion": hit["acting_steps"].min() if len(hit) else np.nan}
        )
    return pd.DataFrame(rows)


IMAGINATION_CONDITIONS = ("none", "pause", "imagination", "consolidation")
"""The conditions :func:`imagination_comparison` can raise infants in."""


def imagination_config(condition: str, imagine_every: int = 2) -> dict[str, Any]:
    """The infant configuration of one condition of :func:`imagination_comparison`.

    Every condition runs System M's fixed schedule (``m.name: schedule``), so that the
    chunks spent away from acting are the same. ``none`` never imagines;
    ``imagination`` imagines one chunk in ``imagine_every``;
    ``pause`` is the control: the same chunks away from acting, but no replay at all
    (B learns nothing from imagination, asleep or not); ``consolidation`` is
    ``imagination`` plus one update of A on remembered transitions in every imagine or
    sleep chunk (``dream_updates`` 1: the default infant's consolidation).

    Parameters
    ----------
    condition
        One of :data:`IMAGINATION_CONDITIONS`.
    imagine_every
        One chunk in this many is imagined (conditions that imagine).

    Returns
    -------
    dict
        Overrides of the default infant configuration.

    Raises
    ------
    ValueError
        An unknown condition (the known ones are listed).
    """
    # The fixed schedule: every condition spends the same chunks away from acting.
    rule = {"imagine_every": imagine_every, "imagine_after": 128, "social_above": 1.0}
    m = {"name": "schedule", "rule": rule}
    if condition == "none":
        return {"m": {**m, "rule": {**rule, "imagine_every": 0}}, "dream_updates": 0}
    if condition == "imagination":
        return {"m": m, "dream_updates": 0}
    if condition == "pause":
        return {"m": m, "dream_updates": 0, "b": {"imagined_weight": 0.0}}
    if condition == "consolidation":
        return {"m": m, "dream_updates": 1}
    raise ValueError(
        f"condition: expected one of {', '.join(IMAGINATION_CONDITIONS)}, got {condition!r}"
    )


def imagination_comparison(
    seeds: list[int],
    *,
    acting_steps: int = 4096,
    n: int = 16,
    imagine_every: int = 2,
    criterion: float = 0.8,
    bin_size: int = 256,
    conditions: tuple[str, ...] = ("none", "imagination"),
    infant: dict[str, Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Infants with and without imagination replay on ``reach-v0``, at equal real steps.

    Every condition uses the ``rule`` System M (see :func:`imagination_config`).
    "imagination" imagines one chunk in ``imagine_every`` (once it holds 128 memories);
    "none" never imagines; "pause" (the control) leaves acting on the same schedule as
    "imagination" but learns nothing from imagination, so it separates replay from the
    pause itself: while an infant imagines, the world goes on and A keeps learning from
    what it sees. Social salience does not switch them to observing here
    (``social_above=1``), so acting steps accrue the same way in all. ``infant``:
    overrides of the default infant under every condition's own (for example
    ``{"b": {"orient": False}}``, the infant before 2026-12-03's orienting).

    Returns
    -------
    curves
        :func:`reach_curve` rows with a ``condition`` column.
    summary
        Per seed and condition: ``steps_to_criterion`` and ``auc`` (mean success over
        the bins, the area under the learning curve).
    """
    curves, summary = [], []
    for seed in seeds:
        for condition in conditions:
            cfg = merge(infant or {}, imagination_config(condition, imagine_every))
            curve = reach_curve(cfg, seed=seed, acting_steps=acting_steps, n=n, bin_size=bin_size)
            curve["condition"] = condition
            curves.append(curve)
            stc = steps_to_criterion(curve, criterion)["steps_to_criterion"].iloc[0]
            auc = curve.groupby("acting_steps")["success"].mean().mean()
            summary.append(
                {"seed": seed, "condition": condition, "steps_to_criterion": stc, "auc": auc}
            )
    return pd.concat(curves, ignore_index=True), pd.DataFrame(summary)
