"""Development over time: the age clock and stages as YAML overlays.

A curriculum is ``defaults`` plus named overlays in one YAML file
(``curricula/presets/default.yaml``): an overlay such as ``tiny`` is merged into the
defaults key by key. The result is validated by :class:`Curriculum`; every problem is
one line naming the key and what was expected.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from infancy.configfiles import ConfigModel, filled_as_then, one_line, read_yaml
from infancy.worlds import list_worlds, scenario
from infancy.worlds.rules import CaregiverHabits, load_rules

from .probe_records import PROBES

__all__ = [
    "Clock",
    "Curriculum",
    "CurriculumError",
    "Stage",
    "apply_stage",
    "load_curriculum",
    "merge",
]

PRESETS = Path(__file__).parent / "presets"
RESOLVED = "resolved"
"""The curriculum ``file`` of a complete, resolved curriculum (a lifetime's record,
:func:`infancy.curricula.work.resolved_spec`): its keys are taken as they are, with no
preset's defaults merged under them, so that a key the record lacks is not filled in
from a default that has changed since."""
PROBE_NAMES = tuple(PROBES)  # the battery, in order, from the probe records
MAX_BATTERIES = 1000  # probe batteries in one lifetime: keeps a run's work and memory finite


def _check_probe(name: str) -> None:
    if name not in PROBE_NAMES:
        raise ValueError(f"unknown probe {name!r}; known: {', '.join(PROBE_NAMES)}")


class CurriculumError(ValueError):
    """A curriculum that cannot be used; one line naming the key."""


class _Strict(ConfigModel):
    pass


class Clock(_Strict):
    """Simulated steps to months."""

    steps_per_month: int = Field(ge=1, description="world steps per simulated month")
    start_months: float = Field(0.0, ge=0.0, description="age at the start of a lifetime")
    end_months: float = Field(24.0, gt=0.0, description="age at the end of a lifetime")

    @model_validator(mode="after")
    def _ordered(self) -> Clock:
        if self.end_months <= self.start_months:
            raise ValueError(
                f"end_months {self.end_months} must be after start_months {self.start_months}"
            )
        return self

    def age(self, step: int) -> float:
        """Age in months after ``step`` world steps."""
        return self.start_months + step / self.steps_per_month

    def steps(self, months: float) -> int:
        """World steps from the start to ``months`` of age."""
        return round((months - self.start_months) * self.steps_per_month)

    @property
    def lifetime_steps(self) -> int:
        return self.steps(self.end_months)


class Stage(_Strict):
    """One age range: body, caregiver, scenario mix, and where its ages come from."""

    name: str = Field(min_length=1, description="the stage's name")
    from_months: float = Field(ge=0.0, description="first month of the stage")
    to_months: float = Field(gt=0.0, description="month the stage ends (exclusive)")
    abilities: str | dict[str, Any] = Field(description="body profile name or overrides")
    caregiver: dict[str, float | str] = Field(
        default_factory=dict, description="overrides of the caregiver's habits"
    )
    scenarios: dict[str, float] = Field(description="world id -> weight of time spent there")
    mastery: str | None = Field(None, description="probe whose pass ends the stage (mastery)")
    memory_scale: float = Field(
        1.0,
        ge=0.0,
        le=100.0,
        description="factor on the infant's memory span (a.memory_span) while in this stage: "
        "working memory that grows with age is a curriculum's choice (no-memory stays 0)",
    )
    habit_scale: float = Field(
        1.0,
        ge=0.0,
        le=100.0,
        description="factor on the pull of the infant's motor habit (b.habit_pull) while "
        "in this stage: an inhibitory control that matures with age (Diamond 1985) is a "
        "curriculum's choice, scheduled, not learned (an infant with no pull has none)",
    )
    follow: bool = Field(
        True,
        description="geometric joint attention (b.follow) on while in this stage; false: "
        "the infant's word cue does not follow a caregiver's gaze or point along its line "
        "(with b.orient the nearest object still draws it), a joint attention that matures "
        "with age (Butterworth & Jarrett 1991; Corkum & Moore 1998) as a curriculum's schedule, "
        "not learned (an infant without b.follow has none)",
    )
    source: str = Field("", description="where the stage's ages come from")

    @model_validator(mode="after")
    def _check(self) -> Stage:
        if self.to_months <= self.from_months:
            raise ValueError(
                f"to_months {self.to_months} must be after from_months {self.from_months}"
            )
        return self

    @field_validator("scenarios")
    @classmethod
    def _known_worlds(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("expected at least one world id with a weight")
        known = list_worlds()
        for wid, weight in value.items():
            if wid not in known:
                raise ValueError(f"unknown world {wid!r}; known: {', '.join(known)}")
            if not weight > 0:
                raise ValueError(f"weight of {wid!r} must be positive, got {weight}")
        return value

    @field_validator("caregiver")
    @classmethod
    def _known_habits(cls, value: dict[str, float | str]) -> dict[str, float | str]:
        return _habits(value)

    @field_validator("abilities")
    @classmethod
    def _known_body(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        try:
            load_rules().profile(value)
        except (KeyError, ValueError) as exc:
            raise ValueError(str(exc).strip("'\"")) from None
        return value

    @field_validator("mastery")
    @classmethod
    def _known_probe(cls, value: str | None) -> str | None:
        if value is not None:
            _check_probe(value)
        return value

    def world_weights(self) -> tuple[list[str], list[float]]:
        """World ids and their normalised weights."""
        total = sum(self.scenarios.values())
        return list(self.scenarios), [w / total for w in self.scenarios.values()]


class Transition(_Strict):
    """How an infant leaves a stage: one mechanism, three options.

    ``age``: at the stage's ``to_months``. ``mastery``: at the first probe battery at
    which the infant passes the stage's mastery probe (stages without one end by age).
    ``m``: when the infant's System M says it is ready (:meth:`SystemM.ready`: its
    learning progress has run out), checked at every world change. With ``mastery`` and
    ``m`` an infant may move on early, but never before ``min_share`` of the stage's
    nominal span has passed, and is held back at most ``max_delay_months`` past
    ``to_months``.
    """

    mode: Literal["age", "mastery", "m"] = Field("age", description="age | mastery | m")
    min_share: float = Field(
        0.25, ge=0.0, le=1.0, description="share of a stage's span an infant spends in it first"
    )
    max_delay_months: float = Field(
        4.0, ge=0.0, description="months an infant may stay past a stage's to_months"
    )


class Probes(_Strict):
    """When the probe battery runs, which probes it holds, and how many trials each."""

    every_months: float = Field(0.5, gt=0.0, description="months between probe batteries")
    trials: int = Field(8, ge=1, le=256, description="trials per probe and infant")
    names: list[str] | None = Field(None, description="probes of the battery (all by default)")
    stable: int = Field(
        2, ge=1, le=16, description="consecutive passes that make a milestone (stable pass)"
    )

    @field_validator("names")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("expected at least one probe (or leave it out for all)")
            for name in value:
                _check_probe(name)
        return value

    @property
    def battery(self) -> tuple[str, ...]:
        """The probes that run, in battery order."""
        return tuple(self.names) if self.names is not None else PROBE_NAMES


def _habits(value: dict[str, float | str]) -> dict[str, float | str]:
    fields = CaregiverHabits.model_fields
    for key in value:
        if key not in fields:
            raise ValueError(f"unknown caregiver habit {key!r}; known: {', '.join(fields)}")
    try:  # the values too (probabilities in 0..1, whole steps >= 1), as the world will
        load_rules().habits(value)
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("caregiver.")) from None
    return value


class Curriculum(_Strict):
    """A validated curriculum (see the module docstring)."""

    clock: Clock
    transition: Transition = Field(default_factory=Transition)
    probes: Probes = Field(default_factory=Probes)
    caregiver: dict[str, float | str] = Field(
        default_factory=dict,
        description="caregiver habits for every stage, over each stage's own (an "
        "experiment's condition: no pointing, an unreliable caregiver)",
    )
    worlds: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="world id -> parameters of that world wherever the lifetime makes it "
        "(e.g. reach-v0's room and where the infant sits); the world's own defaults "
        "otherwise",
    )
    stages: list[Stage] = Field(min_length=1)

    @field_validator("caregiver")
    @classmethod
    def _known_habits(cls, value: dict[str, float | str]) -> dict[str, float | str]:
        return _habits(value)

    @field_validator("worlds")
    @classmethod
    def _known_world_params(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        known = list_worlds()
        for wid, params in value.items():
            if wid not in known:
                raise ValueError(f"unknown world {wid!r}; known: {', '.join(known)}")
            # The lifetime decides these itself (its infants per world, the stage's body
            # and caregiver).
            owned = sorted({"n_infants", "abilities", "caregiver"} & set(params))
            if owned:
                verb = "is" if len(owned) == 1 else "are"
                raise ValueError(
                    f"{wid}: {', '.join(owned)} {verb} set by the lifetime (stages), not here"
                )
            scenario(wid, **params)  # a ValueError naming the parameter
        return value

    def stage_habits(self, index: int) -> dict[str, float | str]:
        """The caregiver habits of stage ``index``: the stage's own, then the
        curriculum's ``caregiver`` over them."""
        return {**self.stages[index].caregiver, **self.caregiver}

    @model_validator(mode="after")
    def _contiguous(self) -> Curriculum:
        stages = self.stages
        if stages[0].from_months > self.clock.start_months:
            raise ValueError(
                f"stages start at {stages[0].from_months} months, after the clock's "
                f"start_months {self.clock.start_months}"
            )
        for a, b in itertools.pairwise(stages):
            if b.from_months != a.to_months:
                raise ValueError(
                    f"stage {b.name!r} starts at {b.from_months} months but {a.name!r} ends "
                    f"at {a.to_months}: stages must be contiguous"
                )
        if stages[-1].to_months < self.clock.end_months:
            raise ValueError(
                f"stages end at {stages[-1].to_months} months, before the clock's "
                f"end_months {self.clock.end_months}"
            )
        every = self.probes.every_months
        if every * self.clock.steps_per_month < 1:
            raise ValueError(
                f"probes.every_months: {every} is less than one step "
                f"(1/steps_per_month = {1 / self.clock.steps_per_month:.6g} months)"
            )
        batteries = int((self.clock.end_months - self.clock.start_months) / every)
        if batteries > MAX_BATTERIES:
            raise ValueError(
                f"probes.every_months: {every} gives {batteries} probe batteries in a "
                f"lifetime; at most {MAX_BATTERIES}"
            )
        names = [s.name for s in stages]
        if len(set(names)) != len(names):
            raise ValueError(f"stage names must be unique, got {names}")
        if self.transition.mode == "mastery":
            if not any(s.mastery for s in stages):
                raise ValueError("transition mode 'mastery' needs a stage with a mastery probe")
            for s in stages:
                if s.mastery and s.mastery not in self.probes.battery:
                    raise ValueError(
                        f"stage {s.name!r}: mastery probe {s.mastery!r} is not in probes.names"
                    )
        return self

    def stage_index(self, months: float) -> int:
        """Index of the stage an infant of ``months`` is in by age."""
        for i, stage in enumerate(self.stages):
            if stage.from_months <= months < stage.to_months:
                return i
        return len(self.stages) - 1

    def stage_at(self, months: float) -> Stage:
        """The stage an infant of ``months`` is in by age."""
        return self.stages[self.stage_index(months)]

    def probe_ages(self) -> list[float]:
        """Ages (months) at which the probe battery runs, end included."""
        step = self.probes.every_months
        ages, age = [], self.clock.start_months + step
        while age <= self.clock.end_months + 1e-9:
            ages.append(round(age, 6))
            age += step
        return ages


def merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """``overlay`` merged into ``base``: mappings recursively, everything else replaced."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# Keys of a resolved curriculum that the default curriculum sets since a date, with the
# value that gives the behaviour from before: a run written before (its config.yaml is
# the whole curriculum, merged into today's defaults when it is planned again) is read
# with that value, not today's, so that it goes on as it started. A stored curriculum is
# always resolved, so a key it lacks is one it ran without.
BEFORE_THEY_EXISTED: dict[tuple[str, ...], Any] = {
    # 2026-12-06: a third of the hiding game's trials are kept trials; before, none.
    ("worlds", "a-not-b-v0", "kept"): 0.0,
}


def as_written_then(curriculum: Any) -> Any:
    """A stored (resolved) curriculum with each key of :data:`BEFORE_THEY_EXISTED` that it
    lacks set to the behaviour from before the default set it (a copy; anything but a
    mapping is returned as it is, for the config's own validation to name)."""
    # A world the run lived with its own defaults is not in the stored worlds at all.
    return filled_as_then(curriculum, BEFORE_THEY_EXISTED, make_sections=True)


def load_curriculum(
    preset: str | Path = "default",
    *,
    overlays: tuple[str, ...] = (),
    source: str | None = None,
    **changes: Any,
) -> Curriculum:
    """Load a curriculum: a preset name (``default``) or a YAML path, with named
    overlays (``("tiny",)``) and keyword changes merged on top, in that order; or, with
    ``preset`` :data:`RESOLVED`, the changes alone, a complete curriculum.
    ``source`` names where the changes came from in error messages (the file's name by
    default).

    Raises
    ------
    CurriculumError
        Unknown preset or overlay, bad YAML, or an invalid key (named in the message).
    """
    if str(preset) == RESOLVED:
        if overlays:
            raise CurriculumError(
                f"{source or 'curriculum'}.preset: a resolved curriculum takes no overlay "
                f"(got {', '.join(overlays)})"
            )
        try:
            return Curriculum.model_validate(changes)
        except ValidationError as exc:
            raise CurriculumError(one_line(source or "curriculum", exc)) from None
    path = Path(preset)
    if path.suffix not in (".yaml", ".yml"):
        path = PRESETS / f"{preset}.yaml"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in PRESETS.glob("*.yaml")))
            where = f"{source}.file" if source else "curriculum"
            raise CurriculumError(f"{where}: unknown preset {str(preset)!r}; known: {known}")
    data = read_yaml(path, str(path), CurriculumError) or {}
    if not isinstance(data, dict) or "defaults" not in data:
        raise CurriculumError(f"{path}: expected a mapping with a 'defaults' key")
    config = data["defaults"]
    for name in overlays:
        if name == "defaults" or name not in data:
            known = ", ".join(k for k in data if k != "defaults") or "none"
            where = f"{source}.preset" if source else str(path)
            raise CurriculumError(
                f"{where}: unknown overlay {name!r} of {path.name}; known: {known}"
            )
        config = merge(config, data[name])
    config = merge(config, changes)
    try:
        return Curriculum.model_validate(config)
    except ValidationError as exc:
        raise CurriculumError(one_line(source or path.name, exc)) from None


def room_params(
    room: str, abilities: str = "crawler", preset: str | Path = "default", /, **extra: Any
) -> dict[str, Any]:
    """A world's parameters as curriculum ``preset`` sets them (its ``worlds``), with a
    body of ``abilities`` and ``extra`` on top: the room as a lifetime would live it, for
    a probe that lives one room outside a lifetime.

    Parameters
    ----------
    room : str
        A world's registered name (``noisy-tv-v0``); one the curriculum does not set is
        lived with its own defaults.
    abilities : str
        The body's abilities (``crawler``: turns and crawls, as the infant does by the
        time it meets most rooms).
    preset : str or Path
        The curriculum, as :func:`load_curriculum` takes it.
    **extra
        Parameters that replace the curriculum's (``screen=7``; ``room=6`` too: the
        arguments before are positional only, so a world's parameter may share a name).

    Returns
    -------
    dict
        Keyword arguments for :func:`infancy.worlds.make_batch`.
    """
    return {**load_curriculum(preset).worlds.get(room, {}), "abilities": abilities, **extra}


def apply_stage(world, stage: Stage, worlds=None, habits=None) -> None:
    """Give the infants of ``world`` (a ``BatchWorld``; all worlds, or those indexed by
    ``worlds``) the stage's body, and their caregiver the stage's habits (over the
    world's own), or ``habits`` when given (:meth:`Curriculum.stage_habits`)."""
    world.set_abilities(stage.abilities, worlds=worlds)
    world.set_habits(stage.caregiver if habits is None else habits, worlds=worlds)
