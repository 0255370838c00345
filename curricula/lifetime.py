"""A lifetime: a cohort through the curriculum's stages, with the probe battery at the
curriculum's ages.

:class:`Lifecycle` is the state machine that the run store wraps (run directory,
Parquet tables, checkpoints, resume: :mod:`infancy.curricula.runner`); :func:`live`
runs one in memory. Life goes in *segments* of ``segment_chunks`` chunks: at the start
of each, the cohort moves to a world drawn from the scenario mix of the infants' current
stages (averaged over the infants), and every infant gets the body and caregiver of its
own stage. Each infant has its own stage: it moves on by age, by mastery of the stage's
probe, or when its System M is ready (``transition.mode``), checked at segment ends.

Everything a lifetime produces is a tidy table, kept in :attr:`Lifecycle.records` until
taken:

``timeline``
    one row per chunk, infant and measure: System M's meta-states, the infant's mode
    (``share_<mode>``: 1 for the mode it was in, else 0, so means are shares) and the
    losses of the chunk. Columns ``step, age_months, infant, stage, world, measure,
    value``.
``audit``
    System M's meta-actions, one row per infant and decision (see
    :class:`~infancy.infants.control.AuditLog`), plus ``stage`` and ``world`` (the world
    of the chunk the decision followed; from session 32 on).
``probes``
    the battery: ``age_months, infant, stage, probe, score, passed, trials, chance``.
``lexicon``
    at every battery, what each word means to each infant: ``age_months, infant, word,
    meaning, strength, comprehended, correct``.
``episodes``
    finished episodes (:meth:`Cohort.episodes`) with the ``world`` they were in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from infancy.infants import MODES, Cohort
from infancy.infants.evaluation import lexicon_table
from infancy.worlds import make_batch, max_infants

from .driver import Driver
from .probes import run_probes
from .stages import Curriculum, apply_stage

__all__ = ["TABLES", "Lifecycle", "Lifetime", "live"]

TABLES = ("timeline", "audit", "probes", "lexicon", "episodes")


@dataclass
class Lifetime:
    """What :func:`live` produced: the cohort at the end and every table (see the
    module docstring) as a DataFrame."""

    cohort: Cohort
    tables: dict[str, pd.DataFrame]

    @property
    def timeline(self) -> pd.DataFrame:
        return self.tables["timeline"]

    @property
    def probes(self) -> pd.DataFrame:
        return self.tables["probes"]


def _world_seed(seed: int, index: int) -> int:
    # Worlds of one cohort and of neighbouring seeds draw from unrelated streams.
    return int(np.random.SeedSequence([seed, 2, index]).generate_state(1)[0])


class Lifecycle:
    """The state of one cohort's lifetime (see the module docstring).

    Parameters
    ----------
    curriculum
        The validated :class:`~infancy.curricula.Curriculum` (clock, stages, battery).
    n, seed
        Cohort size and seed of every random draw.
    infant
        An :class:`~infancy.infants.InfantConfig` or mapping (defaults when ``None``).
    segment_chunks
        Chunks lived in one world before the next world is drawn.
    infants_per_world
        Infants that share one world where its scenario allows it (the playroom and the
        noisy-TV room hold up to 4; a task staged for one infant, such as a hiding or a
        cue trial, puts each infant in its own room). ``n`` must be a multiple.
    caregiver
        The caregiver's role in every world (:class:`~infancy.curricula.driver.
        ScriptedCaregiver`, the worlds' own script, by default).
    """

    def __init__(
        self,
        curriculum: Curriculum,
        *,
        n: int = 8,
        seed: int = 0,
        infant: Any = None,
        segment_chunks: int = 4,
        infants_per_world: int = 1,
        caregiver: Any = None,
    ) -> None:
        if infants_per_world < 1 or n % infants_per_world:
            raise ValueError(
                f"infants_per_world: {infants_per_world} must be a positive divisor of n={n}"
            )
        self.infants_per_world = infants_per_world
        self.caregiver = caregiver
        self.drivers: dict[str, Driver] = {}
        self.world_id: str | None = None  # the world of the current (or last) segment
        self.curriculum = curriculum
        self.clock = clock = curriculum.clock
        self.n, self.seed = n, seed
        self.segment_chunks = segment_chunks
        self.cohort = Cohort(infant, n=n, seed=seed, months_per_step=1.0 / clock.steps_per_month)
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        self.worlds: dict[str, Any] = {}
        self.step = 0
        self.next_probe = 0
        first = curriculum.stage_index(clock.start_months)
        self.stage = np.full(n, first, dtype=np.int64)
        self.entered = np.full(n, clock.start_months)
        self.mastered = np.zeros(n, dtype=bool)
        self.probe_ages = curriculum.probe_ages()
        self.probe_steps = [clock.steps(a) for a in self.probe_ages]
        self.records: dict[str, list[pd.DataFrame]] = {k: [] for k in TABLES}
        self.latest: pd.DataFrame | None = None  # the last battery
        self.timing = {"probes": 0.0, "bookkeeping": 0.0}

    # ------------------------------------------------------------------ state
    @property
    def done(self) -> bool:
        return self.step >= self.clock.lifetime_steps

    @property
    def age_months(self) -> float:
        return self.clock.age(self.step)

    def stage_names(self) -> list[str]:
        """Each infant's current stage."""
        return [self.curriculum.stages[i].name for i in self.stage]

    def _world(self, world_id: str):
        if world_id not in self.worlds:
            k = self.infants_per_world if max_infants(world_id) >= self.infants_per_world else 1
            kw = dict(self.curriculum.worlds.get(world_id, {}))
            if k > 1:
                kw["n_infants"] = k
            w = make_batch(
                world_id,
                self.n // k,
                seed=_world_seed(self.seed, len(self.worlds)),
                autoreset=True,
                **kw,
            )
            w.reset()
            self.worlds[world_id] = w
        return self.worlds[world_id]

    def _driver(self, world_id: str) -> Driver:
        if world_id not in self.drivers:
            self.drivers[world_id] = Driver(self._world(world_id), self.cohort, self.caregiver)
        return self.drivers[world_id]

    def _mix(self) -> tuple[list[str], np.ndarray]:
        weights: dict[str, float] = {}
        for i in self.stage:
            ids, w = self.curriculum.stages[i].world_weights()
            for wid, x in zip(ids, w, strict=True):
                weights[wid] = weights.get(wid, 0.0) + x / self.n
        p = np.array(list(weights.values()))
        return list(weights), p / p.sum()

    # ------------------------------------------------------------------ living
    def segment(self) -> None:
        """Live one segment (see the module docstring), with the batteries that fall
        in it; the tables it produced are added to :attr:`records`."""
        clock, cohort = self.clock, self.cohort
        ids, p = self._mix()
        world_id = ids[self.rng.choice(len(ids), p=p)]
        self.world_id = world_id
        world = self._world(world_id)
        driver = self._driver(world_id)
        stages = self.curriculum.stages
        per = world.n_infants  # infants b*per .. b*per+per-1 share world b
        if per == 1:
            for k in np.unique(self.stage):
                habits = self.curriculum.stage_habits(k)
                apply_stage(world, stages[k], worlds=self.stage == k, habits=habits)
        else:
            grid = self.stage.reshape(-1, per)
            for k in np.unique(self.stage):
                for j in range(per):  # each infant its own stage's body
                    world.set_abilities(stages[k].abilities, worlds=grid[:, j] == k, infants=j)
                # A shared room's caregiver behaves as for its youngest infant.
                world.set_habits(self.curriculum.stage_habits(k), worlds=grid.min(1) == k)
        # Each infant's memory span as its stage scales it, where a stage says so.
        if any(s.memory_scale != 1.0 for s in stages):
            scale = np.array([stages[k].memory_scale for k in self.stage])
            cohort.a.set_memory_span(cohort.config.a.memory_span * scale)
        # And the pull of its motor habit, where a stage scales it and the infant has one.
        pull = getattr(cohort, "habit_pull", None)
        if pull is not None and any(s.habit_scale != 1.0 for s in stages):
            pull.set_scale(np.array([stages[k].habit_scale for k in self.stage]))
        # Whose body can reach, where the reach effort asks (b.effort_when_able).
        if cohort.config.b.effort_when_able:
            body = world.rules.profile  # the world's rules say what a profile can do
            cohort.set_able(np.array([body(stages[k].abilities).reach for k in self.stage]))
        # And its geometric joint attention, where a stage turns it off.
        if any(not s.follow for s in stages):
            cohort.set_follow(np.array([stages[k].follow for k in self.stage]))
        driver.begin()
        end = min(self.step + cohort.config.chunk * self.segment_chunks, clock.lifetime_steps)
        ready = np.zeros(self.n, dtype=np.int64)
        chunks = 0
        while self.step < end:
            driver.step()
            self.step += 1
            if cohort._t == 0:  # a chunk was just learned and M decided the next
                tick = time.perf_counter()
                self._chunk_rows(world_id)
                ready += cohort.m.ready(cohort.meta)
                chunks += 1
                self.timing["bookkeeping"] += time.perf_counter() - tick
            while (
                self.next_probe < len(self.probe_steps)
                and self.step >= self.probe_steps[self.next_probe]
            ):
                self._battery(self.probe_ages[self.next_probe])
                self.next_probe += 1
        tick = time.perf_counter()
        episodes = cohort.drain_episodes()
        if len(episodes):
            episodes["world"] = world_id
            self.records["episodes"].append(episodes)
        audit = cohort.m.audit.drain()
        if audit:
            df = pd.DataFrame(audit)
            for col in ("mode", "proposed_mode"):
                df[col] = np.asarray(MODES, dtype=object)[df[col].to_numpy()]
            df["stage"] = np.asarray(self.stage_names(), dtype=object)[df["infant"].to_numpy()]
            # The room each decision was made in: the whole cohort lives the segment there
            # (the decision at birth, before any chunk, gets the first segment's room).
            df["world"] = world_id
            self.records["audit"].append(df)
        # M is ready when it said so in at least half of the segment's decisions.
        self._advance(ready_m=(ready * 2 >= chunks) & (chunks > 0))
        self.timing["bookkeeping"] += time.perf_counter() - tick

    def _chunk_rows(self, world_id: str) -> None:
        cohort, n = self.cohort, self.n
        measures = {k: np.asarray(v, dtype=np.float64) for k, v in cohort.meta.items()}
        # The mode the infant was in during the chunk just learned.
        lived = cohort.last_stats["mode"]
        for j, m in enumerate(MODES):
            measures[f"share_{m}"] = (lived == j).astype(np.float64)
        for k, v in cohort.last_stats.items():
            if k == "mode" or k in measures:
                continue
            arr = v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)
            if arr.shape == (n,):
                measures[k if k != "loss" else "a_loss"] = arr.astype(np.float64)
        names = list(measures)
        values = np.stack([measures[k] for k in names], 1)  # [n, m]
        m = len(names)
        self.records["timeline"].append(
            pd.DataFrame(
                {
                    "step": np.full(n * m, self.step, dtype=np.int64),
                    "age_months": np.full(n * m, self.clock.age(self.step)),
                    "infant": np.repeat(np.arange(n, dtype=np.int64), m),
                    "stage": np.repeat(np.asarray(self.stage_names(), dtype=object), m),
                    "world": world_id,
                    "measure": np.tile(np.asarray(names, dtype=object), n),
                    "value": values.reshape(-1),
                }
            )
        )

    def _battery(self, age: float) -> None:
        tick = time.perf_counter()
        stages = self.curriculum.stages
        # Probes at the end of life use the body of the last stage each infant is in.
        bodies = [stages[i].abilities for i in self.stage]
        probes = self.curriculum.probes
        rows = run_probes(
            self.cohort,
            bodies,
            age_months=age,
            trials=probes.trials,
            seed=self.seed * 1000 + self.next_probe,
            probes=probes.battery,
        )
        rows.insert(2, "stage", np.asarray(self.stage_names(), dtype=object)[rows["infant"]])
        self.records["probes"].append(rows)
        self.records["lexicon"].append(self._lexicon(age))
        self.latest = rows
        # Mastery of the current stage's probe (latched until the infant moves on).
        for i, k in enumerate(self.stage):
            name = stages[k].mastery
            if name:
                hit = rows[(rows["probe"] == name) & (rows["infant"] == i)]["passed"]
                self.mastered[i] |= bool(hit.any())
        self.timing["probes"] += time.perf_counter() - tick

    def _lexicon(self, age: float) -> pd.DataFrame:
        table = lexicon_table(self.cohort)
        table.insert(0, "age_months", age)
        return table

    def _advance(self, *, ready_m: np.ndarray) -> None:
        """Move infants on to their next stage where the transition rule says so."""
        t, stages, age = self.curriculum.transition, self.curriculum.stages, self.age_months
        for i, k in enumerate(self.stage):
            if k + 1 >= len(stages):
                continue
            s = stages[k]
            earliest = max(self.entered[i], s.from_months) + t.min_share * (
                s.to_months - s.from_months
            )
            latest = s.to_months + t.max_delay_months
            if t.mode == "age" or (t.mode == "mastery" and not s.mastery):
                go = age >= s.to_months
            elif t.mode == "mastery":
                go = (age >= earliest and self.mastered[i]) or age >= latest
            else:
                go = (age >= earliest and bool(ready_m[i])) or age >= latest
            if go:
                self.stage[i] = k + 1
                self.entered[i] = age
                self.mastered[i] = False

    def run(self, keep: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
        """Live to the end; the tables named in ``keep`` (the others are dropped as they
        come, so a long lifetime does not hold them)."""
        parts: dict[str, list[pd.DataFrame]] = {k: [] for k in keep}
        while not self.done:
            self.segment()
            for k, v in self.take().items():
                if k in parts:
                    parts[k].append(v)
        return {k: pd.concat(v, ignore_index=True) for k, v in parts.items() if v}

    def take(self) -> dict[str, pd.DataFrame]:
        """The tables produced since the last call (empty tables are left out)."""
        out = {}
        for name, frames in self.records.items():
            if frames:
                out[name] = pd.concat(frames, ignore_index=True)
            frames.clear()
        return out

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Arrays and a JSON mapping that restore the lifetime exactly (the cohort is
        saved apart, with :meth:`Cohort.save`; :attr:`records` must be taken first)."""
        if any(self.records.values()):
            raise RuntimeError("take() the records before checkpointing")
        arrays: dict[str, np.ndarray] = {
            "stage": self.stage,
            "entered": self.entered,
            "mastered": self.mastered.astype(np.uint8),
        }
        worlds = {}
        for i, (wid, w) in enumerate(self.worlds.items()):
            a, meta = w.state_dict()
            arrays.update({f"world{i}.{k}": v for k, v in a.items()})
            arrays[f"world{i}.habits"] = w._habits
            worlds[wid] = meta
        meta = {
            "step": self.step,
            "next_probe": self.next_probe,
            "rng": self.rng.bit_generator.state,
            "worlds": worlds,
        }
        return {k: np.ascontiguousarray(v) for k, v in arrays.items()}, meta

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` (into a lifecycle built with the same settings)."""
        self.step = int(meta["step"])
        self.next_probe = int(meta["next_probe"])
        self.rng.bit_generator.state = meta["rng"]
        self.stage = arrays["stage"].astype(np.int64)
        self.entered = arrays["entered"].astype(np.float64)
        self.mastered = arrays["mastered"].astype(bool)
        self.worlds = {}
        for i, (wid, wmeta) in enumerate(meta["worlds"].items()):
            w = self._world(wid)
            prefix = f"world{i}."
            w.load_state_dict(
                {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}, wmeta
            )
            w._habits[...] = arrays[f"{prefix}habits"]


def live(
    curriculum: Curriculum,
    *,
    n: int = 8,
    seed: int = 0,
    infant: Any = None,
    segment_chunks: int = 4,
    infants_per_world: int = 1,
    caregiver: Any = None,
) -> Lifetime:
    """Run ``n`` infants through a whole lifetime in memory (no run directory; see
    :func:`infancy.curricula.runner.start` for a run that is stored and resumable, and
    :func:`infancy.curricula.work.run_lifetime` for a lifetime as a unit of work)."""
    life = Lifecycle(
        curriculum,
        n=n,
        seed=seed,
        infant=infant,
        segment_chunks=segment_chunks,
        infants_per_world=infants_per_world,
        caregiver=caregiver,
    )
    return Lifetime(life.cohort, life.run(TABLES))
