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

:func:`check` lives a stored run's first months again, in memory, from its own
``config.yaml`` and compares the tables with the stored ones (``infancy run --check``).
"""

from __future__ import annotations

import copy
import errno
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field, ValidationError, model_validator
from safetensors.numpy import load_file, save_file

from infancy.configfiles import ConfigModel, one_line, read_yaml
from infancy.infants import Cohort, InfantConfig
from infancy.infants.config import ConfigError
from infancy.infants.config import as_written_then as infant_as_written_then
from infancy.store import CONFIG, RunError, RunStore, environment

from .lifetime import TABLES, Lifecycle
from .stages import RESOLVED, Curriculum, CurriculumError, load_curriculum, merge
from .stages import as_written_then as curriculum_as_written_then

INFANT_PRESETS = Path(__file__).parents[1] / "infants" / "presets"

__all__ = [
    "CheckResult",
    "Plan",
    "RunConfig",
    "RunConfigError",
    "check",
    "execute",
    "load_plan",
    "merge_run_configs",
    "plan",
    "resume",
    "run_world_params",
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
        description="'file' (packaged name or YAML path, default 'default'; 'resolved': "
        "the keys given are the whole curriculum, as a lifetime's record), 'preset' "
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
    infants_per_world: int = Field(
        1,
        ge=1,
        le=4,
        description="infants sharing one world where its scenario allows it (playroom, "
        "noisy TV; one-infant tasks stay one per room); a divisor of n",
    )

    @model_validator(mode="after")
    def _divides(self) -> RunConfig:
        if self.n % self.infants_per_world:
            raise ValueError(
                f"infants_per_world: {self.infants_per_world} does not divide n={self.n}"
            )
        return self


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
            "infants_per_world": self.config.infants_per_world,
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
            infants_per_world=c.infants_per_world,
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


def merge_run_configs(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Run-config overrides ``overlay`` merged into ``base`` (:func:`~.stages.merge`:
    mappings recursively, lists and values replaced), reading an ``infant`` given as a
    preset's name as ``{"preset": name}`` on either side, so that a preset named by one
    and the infant keys of the other are both kept (see :func:`infant_preset_keys`).

    Returns
    -------
    dict
        A new mapping that shares nothing with its inputs.
    """

    def mapping(config: dict[str, Any]) -> dict[str, Any]:
        # A deep copy (the caller may change it) that takes any value YAML gives (a date),
        # so that validation, not the copy, tells the user about it in one line.
        out = copy.deepcopy(config)
        if isinstance(out.get("infant"), str):
            out["infant"] = {"preset": out["infant"]}
        return out

    return merge(mapping(base), mapping(overlay))


def load_plan(path: str | Path, **changes: Any) -> Plan:
    """:func:`plan` of a YAML run configuration file.

    A run directory's own ``config.yaml`` (a ``run.json`` beside it) is the whole
    configuration the run was planned to, and is read as written then
    (:func:`as_written_then`): a new run from it lives the curriculum the old one lived,
    not that curriculum merged onto the default curriculum file (a key deleted from it by
    hand takes the curriculum model's default). Any other file is a user's
    configuration, whose curriculum without ``file`` means the default file.

    With a run's ``config.yaml``, ``infant_preset`` replaces the run's infant (the
    stored infant is complete: merged on a preset, it would leave nothing of it), and
    the new run keeps the old one's curriculum label.

    Raises
    ------
    RunConfigError
        One line: the file unreadable or not a run configuration; a curriculum overlay
        (``preset``) on a run's ``config.yaml``, a whole curriculum that takes none.
    """
    p = Path(path)
    data = read_yaml(p, str(p), RunConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RunConfigError(f"{p}: expected a mapping at the top level")
    try:
        store = RunStore.open(p.parent) if p.name == CONFIG else None
    except RunError:
        store = None  # a config.yaml outside a run directory
    if store is None:
        return plan(data, source=p.name, **changes)
    if changes.get("preset") is not None:
        raise RunConfigError(
            f"{p}: a run's config.yaml is its whole curriculum and takes no curriculum "
            f"overlay (got preset {changes['preset']!r})"
        )
    data = as_written_then(data)
    if changes.get("infant_preset") is not None:
        data["infant"] = {"preset": changes.pop("infant_preset")}
    the_plan = plan(data, source=p.name, **changes)
    try:
        label = store.status().get("curriculum")
    except RunError:
        label = None  # an unreadable run.json: the plan's own label
    return replace(the_plan, label=label) if isinstance(label, str) else the_plan


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


def as_written_then(config: dict[str, Any]) -> dict[str, Any]:
    """A run's written configuration with its infant and its curriculum read as written
    then (:func:`infancy.infants.config.as_written_then`,
    :func:`.stages.as_written_then`: a field whose default changed since it was added,
    absent, gets the behaviour from before it; a copy). The curriculum is planned as
    the complete curriculum it is (``file:`` :data:`~.stages.RESOLVED` unless it names
    a file), whatever curriculum file the run was made from."""
    config = dict(config)
    if "infant" in config:
        config["infant"] = infant_as_written_then(config["infant"])
    if "curriculum" in config:
        cur = curriculum_as_written_then(config["curriculum"])
        if isinstance(cur, dict) and "file" not in cur:
            # Written out whole (Plan.resolved): planned again, no curriculum file's
            # entries are merged under it (a run from a file without ``worlds`` did
            # not live with the default file's).
            cur = {"file": RESOLVED, **cur}
        config["curriculum"] = cur
    return config


def run_world_params(path: str | Path, world: str) -> tuple[dict[str, Any], str]:
    """The parameters ``world`` is made with in the lifetime of the run at ``path``, and
    where they were read.

    Parameters
    ----------
    path
        A run folder (with ``config.yaml`` and ``run.json``), or a cohort folder inside
        one (``RUN/checkpoints/NAME/cohort``), or a cohort folder with no run around it
        (any other folder).
    world
        A world id.

    Returns
    -------
    tuple of (dict, str)
        The run's curriculum ``worlds:`` entry for ``world``, read as written then
        (:func:`as_written_then`: a run from before an entry existed lived without it),
        and the run's ``config.yaml``; the default curriculum's entry and ``"default
        curriculum"`` where no run holds ``path``. ``{}`` where the curriculum sets
        nothing for ``world`` (the world's own defaults).

    Raises
    ------
    RunError
        The run's configuration does not read (one line).
    """
    path = Path(path)
    runs = [path]
    if path.parent.parent.name == "checkpoints":  # RUN/checkpoints/NAME/cohort
        runs.append(path.parents[2])
    for run in runs:
        if (run / CONFIG).is_file() and (run / "run.json").is_file():
            config = as_written_then(RunStore.open(run).config())
            worlds = (config.get("curriculum") or {}).get("worlds") or {}
            return dict(worlds.get(world) or {}), str(run / CONFIG)
    return dict(load_curriculum("default").worlds.get(world) or {}), "default curriculum"


def upgraded(config: dict[str, Any]) -> dict[str, Any]:
    """A resolved configuration as this code resolves it: a field added since it was
    written gets its default, or the behaviour from before it where the default has
    changed since (:func:`as_written_then`); what :meth:`RunStore.check_config` compares
    a run's starting configuration by. One that no longer plans is returned as written,
    so the comparison names the key that differs."""
    try:
        return plan(as_written_then(config)).resolved()
    except RunConfigError:
        return config


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
            the_plan = plan(as_written_then(store.config()), source=str(Path(path) / "config.yaml"))
        except RunConfigError as exc:
            raise RunError(str(exc)) from None
        store.check_config(the_plan.resolved(), upgrade=upgraded)
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
    store.check_config(the_plan.resolved(), upgrade=upgraded)
    store.check_parts()
    life, seq = _restored(store, the_plan)
    store.drop_parts_after(seq)
    if the_plan.infant.threads:  # the run owns this process: its torch threads are its call
        import torch

        torch.set_num_threads(the_plan.infant.threads)
    here = environment()  # after the threads are set
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


CHECKED = ("probes", "lexicon", "timeline")


@dataclass
class CheckResult:
    """What :func:`check` found: whether the first ``age`` months of the run at ``path``
    reproduce, over how many ``rows`` in how many ``tables``; where they do not, the
    first ``table``, ``at`` (age in months) and ``column`` that differ, with the
    ``stored`` and ``now`` values; and ``versions``, the entries of the environment
    recorded in ``run.json`` that differ from this one (``key then -> now``)."""

    path: Path
    age: float
    reproduces: bool
    rows: int = 0
    tables: int = 0
    table: str | None = None
    at: float | None = None
    column: str | None = None
    stored: Any = None
    now: Any = None
    versions: list[str] | None = None
    recorded: bool = True

    def lines(self) -> list[str]:
        """What ``infancy run --check`` prints: one line, and when the run does not
        reproduce, one more naming the recorded versions that differ from now."""
        if self.reproduces:
            return [
                f"reproduces: the first {_months(self.age)} months of {self.path} match "
                f"({self.rows} rows in {self.tables} tables)"
            ]
        first = (
            f"does not reproduce: {self.table} differs first at age {_months(self.at)} months, "
            f"column {self.column} (stored {self.stored}, now {self.now})"
        )
        if not self.recorded:
            second = "run.json records no environment to compare with this one"
        elif self.versions:
            second = "recorded versions that differ from now: " + "; ".join(self.versions)
        else:
            second = "the recorded environment is the same as this one (same versions)"
        return [first, second]


def _months(value: float) -> str:
    """An age as the user would write it: ``1.0``, ``2.5``, ``0.0625``."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.6g}"


def check(path: str | Path, months: float = 1.0) -> CheckResult:
    """Live the first ``months`` of the stored run at ``path`` again, in memory, from its
    own ``config.yaml`` (under the torch thread count it recorded), and compare the
    ``probes``, ``lexicon`` and ``timeline`` rows with ``age_months`` up to the checked
    age with the stored tables (finished files, or the parts of a run under way).
    Nothing in ``path`` is written.

    The checked age is the run's start plus ``months``, no later than its end and, for
    a run under way, than the age it reached.

    Raises
    ------
    RunError
        One line: ``path`` is missing or not a run, ``months`` is not positive, its
        ``config.yaml`` no longer plans or changed since the run started.
    """
    p = Path(path)
    if not p.exists():
        raise RunError(f"{p}: no such run directory")
    if not p.is_dir():
        raise RunError(f"{p}: a file, not a run directory")
    if not months > 0:
        raise RunError(f"--months: expected a number of months > 0, got {months}")
    store = RunStore.open(p)
    status = store.status()
    try:
        the_plan = plan(as_written_then(store.config()), source=str(p / "config.yaml"))
    except RunConfigError as exc:
        raise RunError(str(exc)) from None
    store.check_config(the_plan.resolved(), upgrade=upgraded, refused="cannot check it")
    clock = the_plan.curriculum.clock
    age = min(clock.start_months + months, clock.end_months)
    reached = status.get("age_months")
    if status.get("status") != "finished":  # under way: as far as it got
        ok = isinstance(reached, int | float) and not isinstance(reached, bool)
        age = min(age, float(reached) if ok else clock.start_months)
    stored = {name: _upto(_stored(store, name), age) for name in CHECKED}
    recorded = status.get("environment")
    now = _relive(the_plan, age, (recorded or {}).get("torch_threads"))
    result = CheckResult(p, age - clock.start_months, True, recorded=recorded is not None)
    for name in CHECKED:
        diff = _first_row_difference(stored[name], now[name])
        if diff is not None:
            result.reproduces = False
            result.table = name
            result.at, result.column, result.stored, result.now = diff
            result.versions = _versions(recorded or {}, environment())
            return result
        result.rows += len(stored[name])
        result.tables += bool(len(stored[name]))
    return result


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"age_months": pd.Series([], dtype=float)})


def _stored(store: RunStore, name: str) -> pd.DataFrame:
    try:
        return store.table(name)
    except RunError:  # none written yet
        return _empty()


def _upto(df: pd.DataFrame, age: float) -> pd.DataFrame:
    return df[df["age_months"] <= age + 1e-9].reset_index(drop=True)


def _relive(the_plan: Plan, age: float, threads: Any) -> dict[str, pd.DataFrame]:
    """The checked tables of a lifetime lived in memory up to ``age`` (months)."""
    import torch

    before = torch.get_num_threads()
    if isinstance(threads, int) and threads > 0:
        torch.set_num_threads(threads)
    try:
        life = the_plan.lifecycle()
        parts: dict[str, list[pd.DataFrame]] = {k: [] for k in CHECKED}
        while not life.done and life.age_months <= age + 1e-9:
            life.segment()
            for k, v in life.take().items():
                if k in parts:
                    parts[k].append(v)
    finally:
        torch.set_num_threads(before)
    return {
        k: _upto(pd.concat(v, ignore_index=True) if v else _empty(), age) for k, v in parts.items()
    }


def _first_row_difference(
    stored: pd.DataFrame, now: pd.DataFrame
) -> tuple[float, str, Any, Any] | None:
    """The first row (in the order written) at which two tables differ: its age, the
    column and both values; ``None`` when they are equal."""
    columns = [*stored.columns, *(c for c in now.columns if c not in stored.columns)]
    rows = min(len(stored), len(now))
    first: tuple[int, str] | None = None
    for c in columns:
        if c not in stored.columns or c not in now.columns:
            if rows:
                first = (0, c)
                break
            continue
        a, b = stored[c].iloc[:rows], now[c].iloc[:rows]
        same = (a.to_numpy() == b.to_numpy()) | (a.isna().to_numpy() & b.isna().to_numpy())
        if not same.all():
            i = int(same.argmin())
            if first is None or i < first[0]:
                first = (i, c)
    if first is not None:
        i, c = first
        return (
            float(stored["age_months"].iloc[i]),
            c,
            _value(stored, c, i),
            _value(now, c, i),
        )
    if len(stored) != len(now):
        longer = stored if len(stored) > len(now) else now
        at = float(longer["age_months"].iloc[rows])
        count = {k: int((df["age_months"] == at).sum()) for k, df in (("s", stored), ("n", now))}
        return at, "(rows at that age)", count["s"], count["n"]
    return None


def _value(df: pd.DataFrame, column: str, row: int) -> Any:
    if column not in df.columns:
        return "absent"
    value = df[column].iloc[row]
    return f"{value:.10g}" if isinstance(value, float) else value


def _versions(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """``key then -> now`` for each entry of a recorded environment that differs."""
    out = []
    for key in [*then, *(k for k in now if k not in then)]:
        a, b = then.get(key), now.get(key)
        if a != b:
            if key == "commit":
                a, b = (str(x)[:12] if x else x for x in (a, b))
            out.append(f"{key} {a} -> {b}")
    return out
