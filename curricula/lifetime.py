"""A lifetime in memory (started): a cohort through the curriculum's stages, with the
probe battery at the curriculum's ages.

This is the loop the lifecycle runner will wrap (run directory, Parquet tables,
checkpoints, resume, progress bar: not built yet). Worlds change at chunk boundaries:
every ``segment_chunks`` chunks the cohort moves to a world drawn from the current
stage's scenario mix, whose body and caregiver are set by :func:`apply_stage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from infancy.infants import MODES, Cohort
from infancy.worlds import make_batch

from .probes import run_probes
from .stages import Curriculum, apply_stage

__all__ = ["Lifetime", "live"]


@dataclass
class Lifetime:
    """What a lifetime produced: the cohort at the end, a ``timeline`` (one row per
    chunk: ``step, age_months, stage, world`` and the cohort-mean meta-states and mode
    shares) and the ``probes`` rows of every battery."""

    cohort: Cohort
    timeline: pd.DataFrame
    probes: pd.DataFrame


def live(
    curriculum: Curriculum,
    *,
    n: int = 8,
    seed: int = 0,
    infant: dict[str, Any] | None = None,
    probe_trials: int = 8,
    probes: tuple[str, ...] | None = None,
    segment_chunks: int = 4,
) -> Lifetime:
    """Run ``n`` infants from the curriculum's start to its end (see module docstring);
    ``probes`` picks a subset of the battery (all by default)."""
    clock = curriculum.clock
    cohort = Cohort(infant, n=n, seed=seed, months_per_step=1.0 / clock.steps_per_month)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    worlds: dict[str, Any] = {}
    chunk = cohort.config.chunk
    segment = chunk * segment_chunks
    probe_ages = curriculum.probe_ages()
    probe_steps = [clock.steps(a) for a in probe_ages]
    rows, battery = [], []
    step, world_id, world = 0, None, None
    next_probe = 0
    while step < clock.lifetime_steps:
        age = clock.age(step)
        stage = curriculum.stage_at(age)
        ids, weights = stage.world_weights()
        new_id = ids[rng.choice(len(ids), p=weights)]
        if new_id not in worlds:
            w = make_batch(new_id, n, seed=seed + len(worlds), autoreset=True)
            w.reset()
            worlds[new_id] = w
        world, world_id = worlds[new_id], new_id
        apply_stage(world, stage)
        cohort.begin(world)
        end = min(step + segment, clock.lifetime_steps)
        while step < end:
            cohort.step(world)
            step += 1
            if cohort._t == 0:  # a chunk was just learned
                meta = cohort.meta
                modes = np.bincount(cohort.mode, minlength=len(MODES)) / n  # just decided
                rows.append(
                    {
                        "step": step,
                        "age_months": clock.age(step),
                        "stage": stage.name,
                        "world": world_id,
                        **{k: float(np.mean(v)) for k, v in meta.items()},
                        **{f"share_{m}": float(s) for m, s in zip(MODES, modes, strict=True)},
                    }
                )
            while next_probe < len(probe_steps) and step >= probe_steps[next_probe]:
                at = probe_ages[next_probe]
                battery.append(
                    run_probes(
                        cohort,
                        curriculum.stage_at(min(at, clock.end_months - 1e-9)).abilities,
                        age_months=at,
                        trials=probe_trials,
                        seed=seed * 1000 + next_probe,
                        probes=probes,
                    )
                )
                next_probe += 1
    return Lifetime(cohort, pd.DataFrame(rows), pd.concat(battery, ignore_index=True))
