"""The lifecycle runner: a stored, resumable lifetime of a cohort.

A run is described by a :class:`RunConfig` (YAML or keywords) that names the cohort
(``n``, ``seed``), the curriculum (a packaged or YAML curriculum, an overlay such as
``tiny``, and changes) and the infants (:class:`~infancy.infants.InfantConfig` keys).
:func:`plan` validates all of it before anything is written: a bad key, type, age range,
world or module name is one line naming the key (:class:`RunConfigError`).
:func:`start` makes the run directory (:class:`~infancy.store.RunStore`),
:func:`resume` reopens one, and :func:`execute` lives the lifetime to its end, writing
the tables and a checkpoint every ``checkpoint_every_months`` of simulated age.

A writer holds the run's lock from :func:`start` or :func:`resume` until
:func:`execute` returns, so a second writer of the same run is refused in one line
naming the first; resuming refuses a ``config.yaml`` that changed since the run started
and a stray file among the parts, and passes over a checkpoint that does not read
completely for the newest one that does.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field, ValidationError
from safetensors.numpy import load_file, save_file

from infancy.configfiles import ConfigModel, one_line, read_yaml
from infancy.infants import Cohort, InfantConfig
from infancy.infants.config import ConfigError
from infancy.store import RunError, RunStore, environment

from .lifetime import TABLES, Lifecycle
from .stages import Curriculum, CurriculumError, load_curriculum, merge

INFANT_PRESETS = Path(__file__).parents[1] / "infants" / "presets"

__all__ = [
    "Plan",
    "RunConfig",
    "RunConfigError",
    "execute",
    "load_plan",
    "plan",
    "resume",
    "start",
]


class RunConfigError(ValueError):
    """A run configuration that cannot be used; one line naming the key."""


class RunConfig(ConfigModel):
    """What a run is (see the module docstring); unknown keys, booleans for numbers
    and floats that are not finite are refused."""

    n: int = Field(8, ge=1, le=4096, description="infants in the cohort")
    seed: int = Field(0, ge=0, lt=2**32, description="seed of every random draw")
    curriculum: dict[str, Any] = Field(
        default_factory=dict,
        description="'file' (packaged name or YAML path, default 'default'), 'preset' "
        "(an overlay of that file, e.g. tiny) and any curriculum keys merged on top",
    )
    infant: str | dict[str, Any] = Field(
        default_factory=dict,
        description="a shipped infant preset's name (default, no-learning, ...), or "
        "InfantConfig keys (System A, B, M, memory) with an optional 'preset' under them",
    )
    segment_chunks: int = Field(
        4, ge=1, le=4096, description="chunks lived in one world before the next is drawn"
    )
    checkpoint_every_months: float = Field(
        0.5, gt=0.0, le=12_000.0, description="simulated months between checkpoints"
    )


@dataclass
class Plan:
    """A validated run: the config with its curriculum and infants resolved."""

    config: RunConfig
    curriculum: Curriculum
    infant: InfantConfig
    label: str

    def resolved(self) -> dict[str, Any]:
        """The full configuration, written as ``config.yaml``; :func:`plan` of it gives
        the same run."""
        return {
            "n": self.config.n,
            "seed": self.config.seed,
            "segment_chunks": self.config.segment_chunks,
            "checkpoint_every_months": self.config.checkpoint_every_months,
            "curriculum": self.curriculum.model_dump(mode="json"),
            "infant": self.infant.model_dump(mode="json"),
        }

    def lifecycle(self) -> Lifecycle:
        c = self.config
        return Lifecycle(
            self.curriculum,
            n=c.n,
            seed=c.seed,
            infant=self.infant,
            segment_chunks=c.segment_chunks,
        )


def plan(
    data: dict[str, Any] | None = None,
    *,
    source: str = "run config",
    preset: str | None = None,
    **changes: Any,
) -> Plan:
    """Validate a run configuration (a mapping, with keyword ``changes`` on top and
    ``preset``, when given, as the curriculum's overlay).

    Raises
    ------
    RunConfigError
        One line naming ``source`` and the key, with what was expected.
    """
    infant_preset = changes.pop("infant_preset", None)
    merged = {**(data or {}), **{k: v for k, v in changes.items() if v is not None}}
    if infant_preset is not None:
        inf = merged.get("infant", {})
        inf = {"preset": inf} if isinstance(inf, str) else dict(inf or {})
        merged["infant"] = {**inf, "preset": infant_preset}
    if preset is not None:
        cur = merged.get("curriculum", {})
        merged["curriculum"] = {**cur, "preset": preset} if isinstance(cur, dict) else cur
    try:
        config = RunConfig.model_validate(merged)
    except ValidationError as exc:
        raise RunConfigError(one_line(source, exc)) from None
    cur = dict(config.curriculum)
    file = cur.pop("file", "default")
    preset = cur.pop("preset", None)
    overlays = tuple(preset) if isinstance(preset, list) else ((preset,) if preset else ())
    if not isinstance(file, str) or not all(isinstance(o, str) for o in overlays):
        raise RunConfigError(f"{source}: curriculum.file/preset: expected names")
    try:
        curriculum = load_curriculum(file, overlays=overlays, source=f"{source}: curriculum", **cur)
        infant = InfantConfig.from_dict(
            infant_preset_keys(config.infant, source=f"{source}: infant"),
            source=f"{source}: infant",
        )
    except (CurriculumError, ConfigError) as exc:
        raise RunConfigError(str(exc)) from None
    label = overlays[-1] if overlays else Path(file).stem
    return Plan(config, curriculum, infant, label)


def infant_presets() -> list[str]:
    """Names of the shipped infant presets (``infants/presets/*.yaml``)."""
    return sorted(p.stem for p in INFANT_PRESETS.glob("*.yaml"))


def infant_preset_keys(value: str | dict[str, Any], *, source: str) -> dict[str, Any]:
    """The InfantConfig keys of a run config's ``infant`` entry: a preset's name, or a
    mapping whose optional ``preset`` names the preset its other keys are merged on."""
    data = {"preset": value} if isinstance(value, str) else dict(value)
    name = data.pop("preset", None)
    if name is None:
        return data
    if not isinstance(name, str) or name not in infant_presets():
        raise ConfigError(
            f"{source}.preset: unknown infant preset {name!r}; known: {', '.join(infant_presets())}"
        )
    base = read_yaml(INFANT_PRESETS / f"{name}.yaml", f"{name}.yaml", ConfigError) or {}
    return merge(base, data)


def load_plan(path: str | Path, **changes: Any) -> Plan:
    """:func:`plan` of a YAML run configuration file."""
    p = Path(path)
    data = read_yaml(p, str(p), RunConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RunConfigError(f"{p}: expected a mapping at the top level")
    return plan(data, source=p.name, **changes)


def start(the_plan: Plan, out: str | Path) -> RunStore:
    """Make the run directory ``out`` (refused if it exists) for ``the_plan``; the
    store holds the run's writer lock until :func:`execute` returns."""
    c = the_plan.curriculum.clock
    info = {
        "n": the_plan.config.n,
        "seed": the_plan.config.seed,
        "curriculum": the_plan.label,
        "age_months": c.start_months,
        "end_months": c.end_months,
    }
    return RunStore.create(out, the_plan.resolved(), info)


def resume(path: str | Path) -> tuple[RunStore, Plan]:
    """Reopen a run directory that did not finish, taking its writer lock (held until
    :func:`execute` returns).

    Raises
    ------
    RunError
        One line: not a run, finished, another writer holds it, its config no longer
        plans or changed since the run started, or a stray file among its parts.
    """
    store = RunStore.open(path)
    store.lock()
    try:
        status = store.status().get("status")
        if status == "finished":
            raise RunError(f"{store.path}: finished; there is nothing to resume")
        try:
            the_plan = plan(store.config(), source=str(Path(path) / "config.yaml"))
        except RunConfigError as exc:
            raise RunError(str(exc)) from None
        store.check_config(the_plan.resolved())
        store.check_parts()
    except BaseException:
        store.unlock()
        raise
    return store, the_plan


def _checkpoint(life: Lifecycle):
    def write(folder: Path) -> None:
        life.cohort.save(folder / "cohort")
        arrays, meta = life.state_dict()
        save_file(arrays, str(folder / "lifetime.safetensors"))
        (folder / "lifetime.json").write_text(json.dumps(meta))

    return write


def _restore(life: Lifecycle, folder: Path) -> None:
    life.cohort = Cohort.load(folder / "cohort")
    meta = json.loads((folder / "lifetime.json").read_text())
    life.load_state_dict(load_file(str(folder / "lifetime.safetensors")), meta)


def _restored(store: RunStore, the_plan: Plan) -> tuple[Lifecycle, int]:
    """A lifecycle at the newest checkpoint that reads completely (a fresh one before
    the first checkpoint) and that checkpoint's number (-1 for none)."""
    found = store.checkpoints()
    if not found:
        return the_plan.lifecycle(), -1
    problems = []
    for folder, meta in found:
        life = the_plan.lifecycle()
        try:
            _restore(life, folder)
        except Exception as exc:  # anything a damaged file raises: try the next one
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            problems.append(f"{folder.name}: {why}")
            continue
        return life, int(meta["seq"])
    raise RunError(
        f"{store.path}: no checkpoint reads completely ({'; '.join(problems)}); nothing was changed"
    )


def execute(
    store: RunStore,
    the_plan: Plan,
    *,
    progress: Callable[[Lifecycle], None] | None = None,
) -> Lifecycle:
    """Live the run to its end, from its newest checkpoint that reads completely if
    it has one, holding the run's writer lock until it returns.

    ``progress(lifecycle)`` is called after every segment. Tables go to the store in
    parts at every checkpoint and are joined when the lifetime ends; a
    ``KeyboardInterrupt`` or an error marks the run ``interrupted`` or ``failed`` (it
    can be resumed) and is raised again. A write that fails (a full disk) marks it
    ``interrupted`` and becomes a one-line :class:`RunError`. ``run.json`` records what
    the run ran with (:func:`~infancy.store.environment`: ``environment`` at the start,
    one entry of ``resumed_with`` per resume).

    Raises
    ------
    RunError
        Before anything is written: another writer holds the run, ``the_plan`` is not
        the configuration the run started with, a stray file among the parts, or no
        checkpoint reads completely; or later, a write that failed (disk full: free
        space and resume).
    """
    store.lock()
    try:
        return _execute(store, the_plan, progress)
    finally:
        store.unlock()


def _execute(
    store: RunStore, the_plan: Plan, progress: Callable[[Lifecycle], None] | None
) -> Lifecycle:
    store.check_config(the_plan.resolved())
    store.check_parts()
    life, seq = _restored(store, the_plan)
    store.drop_parts_after(seq)
    here = environment()  # after the lifecycle set its threads
    status = store.status()
    if "environment" not in status:
        envs = {"environment": here}
    else:  # a resume: the start's is kept, and each resume's added
        envs = {"resumed_with": [*status.get("resumed_with", []), {"seq": seq, **here}]}
    store.update_status(status="running", resumed_from=seq if seq >= 0 else None, **envs)
    clock = the_plan.curriculum.clock
    every = max(1, round(the_plan.config.checkpoint_every_months * clock.steps_per_month))
    next_checkpoint = (life.step // every + 1) * every
    try:
        while not life.done:
            life.segment()
            if life.step >= next_checkpoint or life.done:
                tick = time.perf_counter()
                seq += 1
                store.write_parts(life.take(), seq)
                store.save_checkpoint(
                    seq,
                    _checkpoint(life),
                    {"step": life.step, "age_months": life.age_months},
                    config=the_plan.resolved(),
                )
                store.update_status(age_months=life.age_months, step=life.step)
                next_checkpoint = (life.step // every + 1) * every
                life.timing["bookkeeping"] += time.perf_counter() - tick
            if progress is not None:
                progress(life)
        tick = time.perf_counter()
        store.finish(TABLES)
        life.timing["bookkeeping"] += time.perf_counter() - tick
    except KeyboardInterrupt:
        store.update_status(status="interrupted")
        raise
    except Exception as exc:
        why = _write_problem(exc)
        if why is None:
            store.update_status(status="failed", error=f"{type(exc).__name__}: {exc}")
            raise
        try:
            store.update_status(status="interrupted", error=f"cannot write: {why}")
        except OSError:  # the disk is still full: run.json keeps its last status
            pass
        raise RunError(
            f"{store.path}: cannot write ({why}); the run is kept up to its last checkpoint: "
            f"free some space and resume with  infancy run --resume {store.path}"
        ) from None
    return life


def _write_problem(exc: BaseException) -> str | None:
    """What went wrong writing the run (a full disk, a folder that cannot be written),
    or ``None`` for an error that is not about writing."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.strerror or os.strerror(exc.errno)
    if "No space left on device" in str(exc):  # safetensors and pyarrow wrap the OSError
        return os.strerror(errno.ENOSPC)
    return None


def tables(store: RunStore) -> dict[str, pd.DataFrame]:
    """Every table of a run (finished or under way) as DataFrames."""
    out = {}
    for name in TABLES:
        try:
            out[name] = store.table(name)
        except RunError:
            continue
    return out
