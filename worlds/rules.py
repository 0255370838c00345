"""World rules as data: toy kinds, body abilities and caregiver habits.

The YAML files under ``worlds/rules/`` are validated by pydantic models. A malformed
file raises :class:`RulesError` whose one-line message names the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from infancy.configfiles import ConfigModel, one_line, read_yaml

__all__ = [
    "AFFORDANCES",
    "BodyProfile",
    "BodyRules",
    "CaregiverHabits",
    "Rules",
    "RulesError",
    "ToyKind",
    "ToyRules",
    "load_rules",
]

# Bit flags of the affordances, in the order the kernels read them.
AFFORDANCES = ("graspable", "rolls", "sounds", "container", "occluder", "noisy")
LOCOMOTION = ("none", "crawl", "walk")


class RulesError(ValueError):
    """A rules file (or an override of it) is malformed."""


class _Strict(ConfigModel):
    model_config = ConfigDict(frozen=True)


class ToyKind(_Strict):
    """One kind of toy and its affordances (see ``toys.yaml``)."""

    colour: str
    graspable: bool = False
    rolls: bool = False
    sounds: bool = False
    container: bool = False
    occluder: bool = False
    noisy: bool = False
    nameable: bool = False


class ToyRules(_Strict):
    """Colours (RGB) and toy kinds."""

    colours: dict[str, tuple[int, int, int]] = Field(min_length=1)
    kinds: dict[str, ToyKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _colours_known(self) -> ToyRules:
        for name, kind in self.kinds.items():
            if kind.colour not in self.colours:
                raise ValueError(
                    f"kinds.{name}.colour: unknown colour {kind.colour!r}, "
                    f"expected one of {sorted(self.colours)}"
                )
        for name, rgb in self.colours.items():
            if not all(0 <= v <= 255 for v in rgb):
                raise ValueError(f"colours.{name}: RGB values must be in 0..255")
        return self


class BodyProfile(_Strict):
    """Body abilities of an infant at one stage (see ``body.yaml``)."""

    view_range: int = Field(ge=1, le=32)
    fov_degrees: float = Field(ge=30, le=360)
    locomotion: Literal["none", "crawl", "walk"]
    reach: bool
    point: bool
    vocalise: bool


class BodyRules(_Strict):
    """View size, locomotion success, postures and named ability profiles."""

    view_size: int = Field(ge=3, le=15)
    move_success: dict[Literal["none", "crawl", "walk"], float]
    posture: dict[
        Literal["none", "crawl", "walk"],
        Literal["lying", "sitting", "crawling", "standing"],
    ]
    profiles: dict[str, BodyProfile] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> BodyRules:
        if self.view_size % 2 == 0:
            raise ValueError("view_size: must be odd (the infant sits in the middle)")
        for table in ("move_success", "posture"):
            missing = set(LOCOMOTION) - set(getattr(self, table))
            if missing:
                raise ValueError(f"{table}: missing {sorted(missing)}")
        for level, p in self.move_success.items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"move_success.{level}: must be a probability in 0..1")
        return self


class CaregiverHabits(_Strict):
    """Habits of the scripted caregiver (see ``caregiver.yaml``)."""

    reliability: float = Field(ge=0.0, le=1.0)
    look_prob: float = Field(ge=0.0, le=1.0)
    eye_contact_prob: float = Field(ge=0.0, le=1.0)
    point_prob: float = Field(ge=0.0, le=1.0)
    name_prob: float = Field(ge=0.0, le=1.0)
    ostensive_prob: float = Field(ge=0.0, le=1.0)
    follow_attention_prob: float = Field(ge=0.0, le=1.0)
    attend_steps: int = Field(ge=1)
    arm_reach: int = Field(ge=1)
    attend_rule: Literal["turns", "nearest"] = "turns"


def _parse(model: type[BaseModel], data: Any, source: str) -> Any:
    if not isinstance(data, dict):
        raise RulesError(f"{source}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise RulesError(one_line(source, err)) from None


@dataclass(frozen=True)
class Rules:
    """All rules of the worlds, with the lookup tables the kernels use."""

    toys: ToyRules
    body: BodyRules
    caregiver: CaregiverHabits

    @property
    def kind_names(self) -> tuple[str, ...]:
        """Toy kind names; a kind's code in observations is its index + 1."""
        return tuple(self.toys.kinds)

    @property
    def colour_names(self) -> tuple[str, ...]:
        """Colour names; a colour's code in observations is its index + 1."""
        return tuple(self.toys.colours)

    @property
    def vocabulary(self) -> tuple[str, ...]:
        """Words of the caregiver: the nameable kinds. Word code = index + 1."""
        return tuple(n for n, k in self.toys.kinds.items() if k.nameable)

    def kind_index(self, name: str) -> int:
        """Index of a toy kind by name, with a clear error for unknown names."""
        try:
            return self.kind_names.index(name)
        except ValueError:
            raise ValueError(
                f"unknown toy kind {name!r}; known kinds: {list(self.kind_names)}"
            ) from None

    def kind_flags(self) -> np.ndarray:
        """Affordance bit flags per kind (bit i = ``AFFORDANCES[i]``), uint8."""
        flags = np.zeros(len(self.kind_names), dtype=np.uint8)
        for i, kind in enumerate(self.toys.kinds.values()):
            for bit, name in enumerate(AFFORDANCES):
                if getattr(kind, name):
                    flags[i] |= 1 << bit
        return flags

    def kind_colours(self) -> np.ndarray:
        """Default colour index per kind, uint8."""
        names = self.colour_names
        return np.array([names.index(k.colour) for k in self.toys.kinds.values()], dtype=np.uint8)

    def kind_words(self) -> np.ndarray:
        """Word code per kind (0 where the kind has no word), int16."""
        vocab = self.vocabulary
        return np.array(
            [vocab.index(n) + 1 if n in vocab else 0 for n in self.kind_names],
            dtype=np.int16,
        )

    def profile(self, spec: str | dict[str, Any] | BodyProfile) -> BodyProfile:
        """Resolve an ability spec: a profile name, or a mapping of overrides.

        A mapping may name a base profile with the key ``profile`` (default
        ``walker``) and override any of its fields.
        """
        if isinstance(spec, BodyProfile):
            return spec
        profiles = self.body.profiles
        if isinstance(spec, str):
            if spec not in profiles:
                raise ValueError(f"abilities: unknown profile {spec!r}; known: {sorted(profiles)}")
            return profiles[spec]
        if isinstance(spec, dict):
            spec = dict(spec)
            base = spec.pop("profile", "walker")
            merged = {**self.profile(base).model_dump(), **spec}
            return _parse_override(BodyProfile, merged, "abilities")
        raise ValueError(
            f"abilities: expected a profile name or a mapping, got {type(spec).__name__}"
        )

    def habits(self, overrides: dict[str, Any] | None) -> CaregiverHabits:
        """Caregiver habits with ``overrides`` applied (validated)."""
        if not overrides:
            return self.caregiver
        if not isinstance(overrides, dict):
            raise ValueError("caregiver: expected a mapping of habit overrides")
        merged = {**self.caregiver.model_dump(), **overrides}
        return _parse_override(CaregiverHabits, merged, "caregiver")


def _parse_override(model: type[BaseModel], data: dict[str, Any], param: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{param}.{key}: {first['msg']}") from None


_FILES = (("toys", ToyRules), ("body", BodyRules), ("caregiver", CaregiverHabits))


def load_rules(directory: str | Path | None = None) -> Rules:
    """Load and validate the rules.

    Parameters
    ----------
    directory
        A folder holding ``toys.yaml``, ``body.yaml`` and ``caregiver.yaml``. Missing
        files fall back to the shipped ones. ``None`` loads the shipped rules.

    Returns
    -------
    Rules
        The validated rules.

    Raises
    ------
    RulesError
        A file is not valid YAML or a key is missing or of the wrong type; the message
        names the file and the key.
    """
    if directory is None:
        return _shipped_rules()
    root = Path(directory)
    if not root.is_dir():
        raise RulesError(f"{root}: not a folder of rules files")
    return _load(root)


def _load(root: Path | None) -> Rules:
    shipped = resources.files("infancy.worlds") / "rules"
    parts = {}
    for name, model in _FILES:
        path = None if root is None else root / f"{name}.yaml"
        source = path if path is not None and path.exists() else shipped / f"{name}.yaml"
        parts[name] = _parse(model, read_yaml(source, str(source), RulesError), str(source))
    return Rules(**parts)


@lru_cache(maxsize=1)
def _shipped_rules() -> Rules:
    return _load(None)
