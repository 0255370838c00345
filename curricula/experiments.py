"""Experiments as data: conditions x seeds of lifetimes, measures, contrasts.

An experiment is a YAML file (the shipped ones live in ``curricula/data/experiments/``,
listed by ``infancy experiment list``)::

    name: cue-ablation
    question: Do gaze, pointing and naming speed word learning?
    source: Tomasello & Farrar 1986; Baldwin 1993 (reference/child_development.md)
    size: small            # tiny | small | full: the curriculum preset of every lifetime
    seeds: 10              # seeds 0..9 in every condition
    base: {n: 8}           # run-config keys every lifetime shares
    control: cues-on
    conditions:            # name -> run-config overrides (merged into base)
      cues-on: {}
      cues-off: {curriculum: {caregiver: {point_prob: 0.0, look_prob: 0.0}}}
    measures:
      - {name: words_24, kind: words_known, at_months: 24, label: words known at 24 months}
    contrasts: [[cues-off, cues-on]]   # default: every condition against the control
    headline: words_24     # the measure a one-line result quotes (default: the first)

Measures (one value per infant and lifetime; ``at_months``: the battery at or before
that age, the last one by default):

``probe_score`` / ``probe_passed``
    a probe's score, or 1 when passed (``probe``);
``probe_age``
    the age of the first stable pass of ``probe``; an infant that never passes counts
    at the lifetime's end (right-censored: a difference then understates the effect);
``probe_slope``
    the growth of ``probe``'s score per month between ``from_months`` and
    ``at_months``, fitted from the infant's first pass on (before it the score is a
    floor, such as A-not-B's -1); an infant with fewer than two batteries from its
    first pass on has no value and is left out (a condition where none has one says
    so instead of giving a number);
``words_known``
    words shown by looking (the word-comprehension probe's known words);
``words_associated``
    words System A binds to the right toy (the lexicon table);
``mode_share``
    the share of chunks spent in ``mode`` (observe, act, imagine, sleep) up to
    ``at_months``;
``column``
    any numeric ``column`` of a run ``table``, per infant, aggregated by ``aggregate``
    (mean, last, max) up to ``at_months``, over the rows matching ``where`` (e.g.
    ``{measure: trust}`` in the long-form timeline).

:func:`run_experiment` runs every lifetime through an executor and writes an experiment
directory that is never overwritten and resumes where it stopped::

    experiment.yaml        the experiment as resolved (seeds, size, every default)
    experiment.json        status: name, question, lifetimes done and failed, executor
    lifetimes.json         every lifetime's spec as resolved when the experiment started
                           (infancy.curricula.work.resolved_spec): what a resume runs, so
                           that a default changed in between does not mix two defaults
    lock.json              the writer's lock (one writer at a time)
    lifetimes/C__sS.parquet  the measure rows of one finished lifetime (atomic writes)
    failures.json          lifetimes that failed, with their spec and error
    measures.parquet       every row: condition, seed, infant, measure, value
    summary.parquet        one row per contrast and measure (infancy.analysis.experiments)
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, ValidationError, model_validator

from infancy.configfiles import ConfigModel, one_line, read_yaml
from infancy.constants import MODES
from infancy.store import fingerprint, take_lock, write_atomic

from .probe_records import PROBES

__all__ = [
    "SIZES",
    "ExperimentError",
    "ExperimentSpec",
    "Measure",
    "list_experiments",
    "load_experiment",
    "measure_rows",
    "run_experiment",
]

SIZES = {"tiny": "tiny", "small": "small", "full": None}
"""Experiment size -> the curriculum preset of its lifetimes (``full``: the default)."""

STATUS = "experiment.json"
PLANNED = "lifetimes.json"
TABLES_BY_KIND = {
    "probe_score": "probes",
    "probe_passed": "probes",
    "probe_age": "probes",
    "probe_slope": "probes",
    "words_known": "probes",
    "words_associated": "lexicon",
    "mode_share": "timeline",
}


class ExperimentError(ValueError):
    """An experiment that cannot be run; one line naming the file and key."""


class Measure(ConfigModel):
    """One measure of an experiment (see the module docstring)."""

    name: str = Field(min_length=1, description="the measure's column name")
    kind: Literal[
        "probe_score",
        "probe_passed",
        "probe_age",
        "probe_slope",
        "words_known",
        "words_associated",
        "mode_share",
        "column",
    ]
    label: str = Field("", description="plain words for tables and figures")
    probe: str | None = None
    mode: str | None = None
    at_months: float | None = Field(None, ge=0.0)
    from_months: float | None = Field(
        None, ge=0.0, description="probe_slope: the start of the age window"
    )
    table: str | None = None
    column: str | None = None
    aggregate: Literal["mean", "last", "max"] = "mean"
    where: dict[str, Any] = Field(
        default_factory=dict, description="column measures: keep rows with these values"
    )

    @model_validator(mode="after")
    def _complete(self) -> Measure:
        if self.kind.startswith("probe_") and self.probe not in PROBES:
            raise ValueError(f"probe: expected one of {', '.join(PROBES)}, got {self.probe!r}")
        if self.kind == "mode_share" and self.mode not in MODES:
            raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {self.mode!r}")
        if self.kind == "column" and not (self.table and self.column):
            raise ValueError("a column measure needs 'table' and 'column'")
        if self.from_months is not None and self.kind != "probe_slope":
            raise ValueError("from_months: only a probe_slope measure takes an age window")
        if (
            self.from_months is not None
            and self.at_months is not None
            and self.from_months >= self.at_months
        ):
            raise ValueError(
                f"from_months: expected less than at_months ({self.at_months:g}), "
                f"got {self.from_months:g}"
            )
        return self

    @property
    def needs(self) -> str:
        """The run table the measure reads."""
        return self.table if self.kind == "column" else TABLES_BY_KIND[self.kind]

    @property
    def text(self) -> str:
        return self.label or self.name


class ExperimentSpec(ConfigModel):
    """An experiment (see the module docstring)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    question: str = Field(min_length=1, description="the question, in one line")
    source: str = Field("", description="what the child literature says, with its source")
    size: Literal["tiny", "small", "full"] = "small"
    seeds: int = Field(10, ge=1, le=10_000)
    base: dict[str, Any] = Field(default_factory=dict, description="shared run-config keys")
    control: str
    conditions: dict[str, dict[str, Any]] = Field(min_length=2)
    measures: list[Measure] = Field(min_length=1)
    contrasts: list[tuple[str, str]] | None = None
    headline: str | None = Field(
        None, description="the measure a one-line result quotes (default: the first)"
    )

    @model_validator(mode="after")
    def _names(self) -> ExperimentSpec:
        if self.control not in self.conditions:
            raise ValueError(f"control: {self.control!r} is not one of the conditions")
        for pair in self.pairs():
            for c in pair:
                if c not in self.conditions:
                    raise ValueError(f"contrasts: {c!r} is not one of the conditions")
        names = [m.name for m in self.measures]
        if len(set(names)) != len(names):
            raise ValueError("measures: two measures share a name")
        if self.headline is not None and self.headline not in names:
            raise ValueError(f"headline: {self.headline!r} is not one of the measures")
        for key in ("seed", "tables", "run_dir", "label"):
            for name, over in {"base": self.base, **self.conditions}.items():
                if key in over:
                    raise ValueError(f"{name}: {key!r} is set by the experiment, not here")
        return self

    @property
    def headline_measure(self) -> str:
        """The measure a one-line result quotes: ``headline``, or the first."""
        return self.headline or self.measures[0].name

    def pairs(self) -> list[tuple[str, str]]:
        """The contrasts: the listed ones, or every condition against the control."""
        if self.contrasts is not None:
            return [tuple(p) for p in self.contrasts]
        return [(c, self.control) for c in self.conditions if c != self.control]

    def specs(self) -> list[dict[str, Any]]:
        """One lifetime spec per condition and seed (plain mappings, in order)."""
        preset = SIZES[self.size]
        tables = sorted({m.needs for m in self.measures})
        # Deferred, as in _check: the runner loads torch, which reading an experiment need not.
        from .runner import merge_run_configs

        out = []
        for cond, over in self.conditions.items():
            # An infant preset named on one side and infant keys on the other are both kept.
            config = merge_run_configs(self.base, over)
            cur = dict(config.get("curriculum") or {})
            if preset is not None and "preset" not in cur:
                cur["preset"] = preset
            config["curriculum"] = cur
            for seed in range(self.seeds):
                out.append({**config, "seed": seed, "tables": tables, "label": f"{cond}__s{seed}"})
        return out


def _check(data: Any, source: str) -> ExperimentSpec:
    if not isinstance(data, dict):
        raise ExperimentError(f"{source}: expected a mapping at the top level")
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(one_line(source, exc)) from None
    # Every lifetime must be a valid run config: checked before anything runs.
    from .runner import RunConfigError, plan

    for s in spec.specs()[:: spec.seeds]:  # one per condition: seeds change nothing else
        try:
            plan({k: v for k, v in s.items() if k not in ("tables", "label")}, source=source)
        except RunConfigError as exc:
            raise ExperimentError(f"{exc} (condition {s['label'].split('__')[0]!r})") from None
    return spec


def _shipped() -> dict[str, Any]:
    folder = resources.files("infancy.curricula") / "data" / "experiments"
    return {p.name[: -len(".yaml")]: p for p in folder.iterdir() if p.name.endswith(".yaml")}


def list_experiments() -> pd.DataFrame:
    """The shipped experiments: ``name, question, conditions, seeds, size``."""
    rows = []
    for name, path in sorted(_shipped().items()):
        spec = _check(yaml.safe_load(path.read_text()), f"{name}.yaml")
        rows.append(
            {
                "name": spec.name,
                "question": spec.question,
                "conditions": ", ".join(spec.conditions),
                "seeds": spec.seeds,
                "size": spec.size,
            }
        )
    return pd.DataFrame(rows, columns=["name", "question", "conditions", "seeds", "size"])


def load_experiment(
    name_or_path: str | Path, *, seeds: int | None = None, size: str | None = None
) -> ExperimentSpec:
    """A shipped experiment by name, or a YAML file, with ``seeds``/``size`` on top.

    Raises
    ------
    ExperimentError
        Unknown name, unreadable file, or a bad key (one line naming it).
    """
    shipped = _shipped()
    if str(name_or_path) in shipped:
        source = f"{name_or_path}.yaml"
        data = yaml.safe_load(shipped[str(name_or_path)].read_text())
    else:
        p = Path(name_or_path)
        if not p.suffix and not p.exists():
            raise ExperimentError(
                f"experiment: unknown {str(name_or_path)!r}; shipped: {', '.join(sorted(shipped))}"
                " (or a YAML file)"
            )
        source = str(p)
        data = read_yaml(p, source, ExperimentError)
    if isinstance(data, dict):
        if seeds is not None:
            data = {**data, "seeds": seeds}
        if size is not None:
            data = {**data, "size": size}
    return _check(data, source)


# ----------------------------------------------------------------------- measures
def _at(df: pd.DataFrame, at: float | None) -> pd.DataFrame:
    """Rows of the battery at or before ``at`` (the last battery when ``None``)."""
    if df.empty:
        return df
    ages = df["age_months"]
    age = ages.max() if at is None else ages[ages <= at + 1e-9].max()
    return df[np.isclose(ages, age)] if not np.isnan(age) else df.iloc[:0]


def measure_rows(
    tables: dict[str, pd.DataFrame], measures: list[Measure], *, end_months: float, n: int
) -> pd.DataFrame:
    """The measures of one lifetime: ``infant, measure, value`` (one row per infant
    and measure; a measure its tables cannot give is left out)."""
    frames = []
    infants = np.arange(n)
    for m in measures:
        df = tables.get(m.needs, pd.DataFrame())
        if df.empty:
            continue
        if m.kind in ("probe_score", "probe_passed"):
            rows = _at(df[df["probe"] == m.probe], m.at_months)
            col = "score" if m.kind == "probe_score" else "passed"
            value = rows.groupby("infant")[col].mean().astype(float)
        elif m.kind == "probe_age":
            from infancy.analysis.acquisition import first_stable_pass

            got = df[df["probe"] == m.probe]
            if m.at_months is not None:
                got = got[got["age_months"] <= m.at_months + 1e-9]
            ages = first_stable_pass(got).set_index("infant")["age_months"]
            value = ages.reindex(infants).fillna(m.at_months or end_months)
        elif m.kind == "probe_slope":
            from infancy.analysis.compare import score_slopes

            slopes = score_slopes(df, m.probe, from_months=m.from_months, to_months=m.at_months)
            value = slopes.set_index("infant")["slope"]  # NaN (left out): < 2 passed batteries
        elif m.kind == "words_known":
            rows = _at(df[df["probe"] == "word_comprehension"], m.at_months)
            known = rows.set_index("infant")["known_words"].fillna("")
            value = known.map(lambda s: len([w for w in s.split(",") if w])).astype(float)
        elif m.kind == "words_associated":
            rows = _at(df, m.at_months)
            right = rows["comprehended"].astype(bool) & rows["correct"].astype(bool)
            value = right.groupby(rows["infant"]).sum().astype(float)
        elif m.kind == "mode_share":
            rows = df[df["measure"] == f"share_{m.mode}"]
            if m.at_months is not None:
                rows = rows[rows["age_months"] <= m.at_months + 1e-9]
            value = rows.groupby("infant")["value"].mean()
        else:
            if m.column not in df.columns or "infant" not in df.columns:
                raise ValueError(f"measure {m.name}: table {m.table} has no column {m.column!r}")
            rows = df
            for col, want in m.where.items():
                if col not in rows.columns:
                    raise ValueError(f"measure {m.name}: table {m.table} has no column {col!r}")
                rows = rows[rows[col] == want]
            if m.at_months is not None and "age_months" in df.columns:
                rows = rows[rows["age_months"] <= m.at_months + 1e-9]
            g = rows.sort_values([c for c in ("age_months", "step") if c in rows.columns])
            value = getattr(g.groupby("infant")[m.column], m.aggregate)().astype(float)
        value = value.reindex(infants).dropna()
        frames.append(
            pd.DataFrame(
                {
                    "infant": value.index.to_numpy(dtype=np.int64),
                    "measure": m.name,
                    "value": value.to_numpy(dtype=float),
                }
            )
        )
    if not frames:
        return pd.DataFrame({"infant": [], "measure": [], "value": []})
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------- running
def _status_of(folder: Path) -> dict[str, Any]:
    path = folder / STATUS
    try:
        st = json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError) as exc:
        raise ExperimentError(f"{path}: unreadable ({exc})") from None
    if not isinstance(st, dict):
        raise ExperimentError(f"{path}: expected a mapping at the top level")
    return st


def _status(folder: Path, **changes: Any) -> dict[str, Any]:
    path = folder / STATUS
    st = _status_of(folder)
    st.update(changes)
    write_atomic(path, lambda p: p.write_text(json.dumps(st, indent=1)))
    return st


def run_experiment(
    spec: ExperimentSpec | None = None,
    out: str | Path | None = None,
    *,
    resume: str | Path | None = None,
    executor: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> Path:
    """Run an experiment into a new directory ``out``, or finish the one at ``resume``.

    Parameters
    ----------
    spec, out
        The experiment and its new directory (refused if it exists).
    resume
        An experiment directory to finish (only its missing lifetimes run).
    executor, workers
        :func:`infancy.curricula.executors.executor` (``process`` by default).
    progress
        Called with ``(done, total, failed)`` once before any lifetime runs (where a
        resumed experiment stands) and after each lifetime.

    Returns
    -------
    pathlib.Path
        The experiment directory, with ``summary.parquet`` when every lifetime ran.
    """
    from .executors import executor as get_executor

    if resume is not None:
        folder = Path(resume)
        if not (folder / "experiment.yaml").exists():
            raise ExperimentError(f"{folder}: not an experiment directory (no experiment.yaml)")
        data = read_yaml(folder / "experiment.yaml", str(folder), ExperimentError)
        spec = _check(data, str(folder))
        then = _status_of(folder).get("experiment_sha256")
        # The file as written, not as this code reads it: a field added since is no edit.
        if then is not None and then != fingerprint(data):
            raise ExperimentError(
                f"{folder / 'experiment.yaml'}: changed since the experiment started; its "
                "finished lifetimes were measured by the old one (run it in a new directory)"
            )
    else:
        if spec is None or out is None:
            raise ExperimentError("run_experiment: give an experiment and out, or resume")
        folder = Path(out)
        if folder.exists():
            raise ExperimentError(
                f"{folder}: exists; an experiment is never overwritten (resume it with --resume)"
            )
        folder.mkdir(parents=True)
    fd = take_lock(folder, "an experiment")
    try:
        if resume is None:
            (folder / "lifetimes").mkdir()
            resolved = spec.model_dump(mode="json")
            (folder / "experiment.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False))
            _status(
                folder,
                name=spec.name,
                question=spec.question,
                created=time.time(),
                experiment_sha256=fingerprint(resolved),
            )
        specs = _recorded(spec, folder)
        return _run(spec, specs, folder, get_executor(executor, workers), progress)
    finally:
        os.close(fd)


def _recorded(spec: ExperimentSpec, folder: Path) -> list[dict[str, Any]]:
    """The lifetimes to run, as the experiment recorded them when it started
    (``lifetimes.json``; written now if the experiment has none and no lifetime is done).

    The record, not the experiment's conditions as this code resolves them, decides a
    resumed lifetime: a default that changed in between would otherwise give the
    lifetimes still to run another infant or curriculum than the finished ones.
    """
    from .work import from_record, resolved_spec

    path = folder / PLANNED
    specs = spec.specs()
    if not path.exists():
        done = sorted((folder / "lifetimes").glob("*.parquet"))
        if done:
            raise ExperimentError(
                f"{folder}: {len(done)} lifetimes are done but {PLANNED} is missing (an "
                "experiment from before lifetimes were recorded), so what they ran with "
                "cannot be known; run the experiment again in a new directory"
            )
        record, first = [], {}
        for s in specs:
            # Seeds change nothing but the seed: one resolution per condition.
            cond = s["label"].rsplit("__s", 1)[0]
            if cond not in first:
                first[cond] = resolved_spec(s)
            record.append({**first[cond], "seed": s["seed"], "label": s["label"]})
        write_atomic(path, lambda p: p.write_text(json.dumps(record, indent=1)))
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ExperimentError(f"{path}: unreadable ({exc})") from None
    if not isinstance(record, list) or not all(
        isinstance(r, dict) and isinstance(r.get("label"), str) for r in record
    ):
        raise ExperimentError(f"{path}: expected a list of lifetime specs, each with a label")
    if [r["label"] for r in record] != [s["label"] for s in specs]:
        raise ExperimentError(
            f"{path}: its lifetimes are not the conditions and seeds of experiment.yaml "
            "(edited?); run the experiment again in a new directory"
        )
    return [from_record(r) for r in record]


def _run(spec: ExperimentSpec, specs: list[dict[str, Any]], folder: Path, pool, progress) -> Path:
    todo = [s for s in specs if not (folder / "lifetimes" / f"{s['label']}.parquet").exists()]
    total, failed_list = len(specs), []
    done = total - len(todo)
    _status(folder, status="running", lifetimes=total, done=done, executor=pool.name)
    from .runner import plan

    def finished(i: int, result) -> None:
        nonlocal done
        s = todo[i]
        done += 1
        if not result.ok:
            failed_list.append({"label": s["label"], "error": result.error, "spec": result.spec})
        else:
            cond, seed = s["label"].rsplit("__s", 1)
            end = plan(
                {k: v for k, v in s.items() if k not in ("tables", "label")}
            ).curriculum.clock.end_months
            rows = measure_rows(result.tables, spec.measures, end_months=end, n=s.get("n", 8))
            rows.insert(0, "seed", int(seed))
            rows.insert(0, "condition", cond)
            path = folder / "lifetimes" / f"{s['label']}.parquet"
            write_atomic(path, lambda p: rows.to_parquet(p, index=False))
        _status(folder, done=done, failed=len(failed_list))
        if progress is not None:
            progress(done, total, len(failed_list))

    if progress is not None:
        progress(done, total, 0)  # where a resumed experiment starts from
    with pool:
        pool.map(todo, progress=finished)
    if failed_list:
        (folder / "failures.json").write_text(json.dumps(failed_list, indent=1))
        _status(folder, status="incomplete", failed=len(failed_list))
        return folder
    (folder / "failures.json").unlink(missing_ok=True)
    measures = pd.concat(
        [pd.read_parquet(folder / "lifetimes" / f"{s['label']}.parquet") for s in specs],
        ignore_index=True,
    )
    write_atomic(folder / "measures.parquet", lambda p: measures.to_parquet(p, index=False))
    summary = summarise(spec, measures)
    write_atomic(folder / "summary.parquet", lambda p: summary.to_parquet(p, index=False))
    _status(folder, status="finished", finished=time.time())
    return folder


def _why_empty(m: Measure) -> str:
    if m.kind == "probe_slope":
        return f"a slope needs two batteries from the infant's first pass of {m.probe} on"
    if m.kind.startswith("probe_"):
        return f"the {m.probe} probe was not given"
    return f"the lifetimes' {m.needs} table has no rows for it"


def summarise(spec: ExperimentSpec, measures: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """One row per contrast and measure (:func:`infancy.analysis.experiments.contrasts`),
    with the measures' labels.

    A measure with no value in a condition of a pair (no infant ever passed the probe
    whose slope it is, say) still gets its row: every number missing and a verdict that
    says, in words, which condition has no value and why.
    """
    from infancy.analysis.experiments import CONTRAST_COLUMNS, contrasts

    labels = {m.name: m.text for m in spec.measures}
    has = measures.groupby("measure")["condition"].agg(set).to_dict()
    frames = []
    for a, b in spec.pairs():
        for m in spec.measures:
            empty = [c for c in (a, b) if c not in has.get(m.name, set())]
            if not empty:
                frames.append(contrasts(measures, [(a, b)], measure=[m.name], **kwargs))
                continue
            row = dict.fromkeys(CONTRAST_COLUMNS, np.nan)
            row.update(condition=a, control=b, measure=m.name, conclusive=False)
            row.update(n_seeds_condition=0, n_seeds_control=0)
            row.update(n_infants_condition=0, n_infants_control=0)
            for c, key in ((a, "condition"), (b, "control")):
                if c not in empty:
                    g = measures[(measures["measure"] == m.name) & (measures["condition"] == c)]
                    row[f"n_seeds_{key}"] = int(g["seed"].nunique())
                    row[f"n_infants_{key}"] = len(g[["seed", "infant"]].drop_duplicates())
            row["ci_level"] = kwargs.get("ci", 0.95)
            row["verdict"] = (
                f"{m.name}: {a} minus {b} is not computable: no infant of "
                f"{' or '.join(empty)} has a value ({_why_empty(m)})."
            )
            frames.append(pd.DataFrame([row], columns=CONTRAST_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out.insert(3, "label", out["measure"].map(labels))
    # The verdict opens with the measure's plain label rather than its column name.
    out["verdict"] = [
        v.replace(f"{m}:", f"{labels[m]}:", 1) if v.startswith(f"{m}:") else v
        for m, v in zip(out["measure"], out["verdict"], strict=True)
    ]
    return out
