"""A lifetime as a unit of work: a serialisable spec in, small tidy tables out.

:class:`LifetimeSpec` is everything that decides one lifetime: the run configuration
(curriculum, infant config or preset, cohort size, seed, infants per world), an optional
genome for System M (one vector for every infant, or one per infant), the tables to keep
and, when wanted, a run directory for the full stored run. It is plain data (JSON or
YAML round-trip), so it travels to a worker process or a Ray node, and an outer loop
(experiments over seeds, evolution over genomes) builds thousands of them.

:func:`run_lifetime` is pure: the same spec gives the same tables, in any process, on
any executor (:mod:`infancy.curricula.executors`). Modules are named in the infant
config by registered name or by import path (``"mypkg.mymodule:MyM"``), so a worker
rebuilds a class that a notebook defined in its own module.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import Field, field_validator

from infancy.store import fingerprint, first_difference

from .lifetime import TABLES
from .runner import RunConfig, as_written_then, execute, plan, start, tables
from .stages import RESOLVED

__all__ = [
    "LifetimeResult",
    "LifetimeSpec",
    "from_record",
    "recorded_change",
    "resolved_spec",
    "run_lifetime",
]


class LifetimeSpec(RunConfig):
    """One lifetime (see the module docstring). The run configuration's keys, plus:"""

    genome: list[float] | list[list[float]] | None = Field(
        None,
        description="System M's genome: one vector for every infant or one per infant "
        "(sets m.name to 'evolvable' unless the infant config names another M)",
    )
    tables: tuple[str, ...] = Field(
        ("probes", "lexicon"), description=f"tables to return, of {', '.join(TABLES)}"
    )
    run_dir: str | None = Field(
        None, description="write the full run directory here too (refused if it exists)"
    )
    label: str = Field("", description="a name carried into the result (a condition)")

    @field_validator("tables")
    @classmethod
    def _known_tables(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in value if t not in TABLES]
        if unknown:
            raise ValueError(f"unknown table {unknown[0]!r}; known: {', '.join(TABLES)}")
        return value

    def run_config(self) -> dict[str, Any]:
        """The run configuration this spec stands for (what ``config.yaml`` records),
        with the genome written into the infant config."""
        data = self.model_dump(mode="json", exclude={"genome", "tables", "run_dir", "label"})
        if self.genome is not None:
            infant = data["infant"]
            infant = {"preset": infant} if isinstance(infant, str) else dict(infant)
            m = dict(infant.get("m") or {})
            name = m.setdefault("name", "evolvable")
            m[name] = {**(m.get(name) or {}), "genome": self.genome}
            infant["m"] = m
            data["infant"] = infant
        return data


@dataclass
class LifetimeResult:
    """What :func:`run_lifetime` returns.

    Attributes
    ----------
    spec
        The spec, as a mapping (``LifetimeSpec.model_validate`` rebuilds it).
    tables
        The kept tables, tidy DataFrames (empty when the lifetime failed).
    seconds
        Wall time of the lifetime.
    error
        ``None``, or one line saying why the lifetime failed (with ``traceback``).
    """

    spec: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the lifetime ran to its end."""
        return self.error is None


def run_lifetime(spec: LifetimeSpec | dict[str, Any]) -> LifetimeResult:
    """Live one lifetime and return its kept tables.

    Parameters
    ----------
    spec
        A :class:`LifetimeSpec` or a mapping of its keys.

    Returns
    -------
    LifetimeResult
        A failed lifetime (bad spec included) is returned with ``error`` set, not
        raised, so that one failure does not sink a batch of lifetimes.
    """
    tick = time.perf_counter()
    raw = spec.model_dump(mode="json") if isinstance(spec, LifetimeSpec) else dict(spec)
    try:
        s = spec if isinstance(spec, LifetimeSpec) else LifetimeSpec.model_validate(spec)
        the_plan = plan(s.run_config(), source=f"lifetime {s.label or s.seed}")
        if s.run_dir is not None:
            store = start(the_plan, s.run_dir)
            execute(store, the_plan)
            got = {k: v for k, v in tables(store).items() if k in s.tables}
        else:
            got = the_plan.lifecycle().run(s.tables)
    except Exception as exc:  # reported with the spec, not raised: see Returns
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return LifetimeResult(
            raw,
            seconds=time.perf_counter() - tick,
            error=f"{type(exc).__name__}: {why}",
            traceback=traceback.format_exc(),
        )
    return LifetimeResult(raw, got, seconds=time.perf_counter() - tick)


def resolved_spec(spec: LifetimeSpec | dict[str, Any]) -> dict[str, Any]:
    """A lifetime spec with its run configuration as this code resolves it.

    Every key of the curriculum and the infant config is written out
    (:meth:`~infancy.curricula.runner.Plan.resolved`, the genome inside the infant
    config); ``tables``, ``label`` and ``run_dir`` are kept. This is what a batch of
    lifetimes records when it starts, so that the lifetimes it runs later are the ones
    it started with, whatever default changes in between (:func:`recorded_change`,
    :func:`from_record`).

    Raises
    ------
    pydantic.ValidationError, infancy.curricula.runner.RunConfigError
        A spec that is not a valid lifetime.
    """
    s = spec if isinstance(spec, LifetimeSpec) else LifetimeSpec.model_validate(spec)
    out = plan(s.run_config(), source=f"lifetime {s.label or s.seed}").resolved()
    # Complete as it stands: planned again, no preset's defaults are merged under it.
    out["curriculum"] = {"file": RESOLVED, **out["curriculum"]}
    out.update(tables=list(s.tables), label=s.label)
    if s.run_dir is not None:
        out["run_dir"] = s.run_dir
    return out


def from_record(record: dict[str, Any]) -> dict[str, Any]:
    """The spec to run for a lifetime recorded by :func:`resolved_spec`, possibly by
    older code: a field added since, whose default has changed since it was added, gets
    the behaviour from before it (:func:`~infancy.curricula.runner.as_written_then`)."""
    return as_written_then(record)


def recorded_change(record: dict[str, Any], spec: LifetimeSpec | dict[str, Any]) -> str | None:
    """How a recorded lifetime (:func:`resolved_spec`) differs from ``spec`` as this
    code resolves it.

    Returns
    -------
    str or None
        ``None`` when they are the same lifetime (same run configuration, same tables),
        else ``"KEY (OLD -> NEW)"`` for the first key that differs, the record read as
        written then (:func:`from_record`) and resolved again.
    """
    # Both sides as records read back: a stored key the table of fields from before
    # fills (a world lived with its defaults) is filled in both.
    now = resolved_spec(from_record(resolved_spec(spec)))
    try:
        then = resolved_spec(from_record(record))
    except (ValueError, TypeError) as exc:  # pydantic's and the runner's errors
        return f"the record no longer plans ({str(exc).splitlines()[0]})"
    if fingerprint(then) == fingerprint(now):
        return None
    key, old, new = first_difference(then, now)
    return f"{key} ({old} -> {new})"
