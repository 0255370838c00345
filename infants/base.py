"""The contracts between the modules of an infant, and the registries that pick them.

An infant is System A (learns from observation), System B (learns from action),
System M (meta-control) and an episodic memory, wired by
:class:`~infancy.infants.cohort.Cohort`. Every method works on the whole cohort at once:
leading axis N (infants), then T (time) where there is one. Implementations register by
name (``@register_a("jepa")``) and the config picks them, so a researcher replaces one
module without touching the others.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from infancy.constants import MODES  # defined torch-free, for the analysis

__all__ = [
    "META_ACTIONS",
    "META_STATES",
    "MODES",
    "EpisodicMemory",
    "SystemA",
    "SystemB",
    "SystemM",
    "Transitions",
    "available",
    "create",
    "register_a",
    "register_b",
    "register_m",
    "resolve",
]

OBSERVE, ACT, IMAGINE, SLEEP = range(4)

META_STATES = (
    "prediction_error",
    "uncertainty",
    "novelty",
    "lp_a",
    "lp_b",
    "energy",
    "stress",
    "social",
    "trust",
)
"""What System M reads, one float per infant (see docs/architecture.md for each)."""

META_ACTIONS = (
    "mode",
    "gate_a",
    "gate_b",
    "intrinsic_weight",
    "store_threshold",
    "replay_ratio",
    "one_shot",
)
"""What System M decides, one value per infant (``mode`` indexes ``MODES``)."""


@dataclass
class Transitions:
    """A batch of real transitions, ``[N, T, ...]`` tensors.

    ``x``/``x_next`` are :class:`~infancy.infants.nn.Obs`; ``valid`` marks transitions
    A may learn from (eyes open); ``terminal`` marks the last step of an episode, whose
    ``x_next`` is not its consequence (the world has reset): its reward counts, its
    next state does not.
    """

    x: Any
    action: torch.Tensor
    x_next: Any
    reward: torch.Tensor
    valid: torch.Tensor
    terminal: torch.Tensor

    def cat(self, other: Transitions) -> Transitions:
        """Both batches, concatenated along the time axis."""
        return Transitions(
            self.x.cat(other.x),
            torch.cat([self.action, other.action], 1),
            self.x_next.cat(other.x_next),
            torch.cat([self.reward, other.reward], 1),
            torch.cat([self.valid, other.valid], 1),
            torch.cat([self.terminal, other.terminal], 1),
        )


class SystemA(ABC, torch.nn.Module):
    """Learning from observation: encoder, latent world model, novelty, words.

    Contract: :meth:`encode` maps observations (``Obs`` with axes ``[N, T]``) to
    latents ``[N, T, Z]`` and never changes state; :meth:`learn` updates A only where
    ``gate > 0`` (per infant; an infant gated off is left exactly as it was, optimiser
    state and running scales included) and returns per-infant signals; :meth:`predict` is the
    world model used for imagination; :meth:`surprise` is the looking-time read-out
    (no learning).
    """

    latent: int

    @abstractmethod
    def encode(self, x: Any) -> torch.Tensor: ...

    def inference_mlp(self) -> Any:
        """The encoder, if it is one :class:`~infancy.infants.nn.GroupMLP` on the front
        end's features (``Obs.flat``); else ``None``. With it (and B's), the cohort runs
        a step's inference in one compiled pass (:func:`~infancy.infants.nn.fused_policy`)."""
        return None

    @abstractmethod
    def learn(self, batch: Transitions, gate: torch.Tensor) -> dict[str, torch.Tensor]:
        """Learn from ``batch``; returns ``prediction_error``, ``uncertainty``,
        ``novelty`` (``[N]``) and ``novelty_sample``, ``error_sample`` (``[N, T]``,
        normalised to mean ~1)."""

    @abstractmethod
    def predict(self, z: torch.Tensor, action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Next latent and predicted reward for ``z[N, S, Z]`` and ``action[N, S]``."""

    @abstractmethod
    def surprise(self, batch: Transitions) -> torch.Tensor:
        """Normalised prediction error per transition, ``[N, T]`` (looking time)."""

    @abstractmethod
    def learn_words(
        self,
        word: torch.Tensor,
        visible: torch.Tensor,
        cued: torch.Tensor,
        communicative: torch.Tensor,
        strength: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Update the lexicon from heard words; returns per-infant counts of names that
        proved right and wrong (evidence for M's trust)."""

    @abstractmethod
    def comprehends(self) -> torch.Tensor:
        """``bool[N, W]``: which words each infant comprehends."""


class SystemB(ABC, torch.nn.Module):
    """Learning from action: a policy and value on A's latent.

    Contract: :meth:`act` samples actions with the given generator and changes no
    state; :meth:`learn` and :meth:`learn_imagined` update only infants with
    ``gate > 0`` (the others are left exactly as they were, optimiser state included).
    """

    @abstractmethod
    def act(
        self, z: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Actions, their log-probabilities and values for ``z[N, Z]``."""

    def inference_mlp(self) -> Any:
        """The actor-critic, if it is one :class:`~infancy.infants.nn.GroupMLP` on ``z``
        whose outputs are the action logits, then the value, and :meth:`act` samples
        from them as :func:`~infancy.infants.nn.fused_policy` does (one exponential
        draw per action from the generator); else ``None``."""
        return None

    @abstractmethod
    def learn(self, rollout: dict[str, torch.Tensor], gate: torch.Tensor) -> dict[str, Any]: ...

    @abstractmethod
    def learn_imagined(
        self, imagined: dict[str, torch.Tensor], gate: torch.Tensor
    ) -> dict[str, Any]: ...


class SystemM(ABC):
    """Meta-control: from meta-states (``META_STATES``) to meta-actions (``META_ACTIONS``).

    Contract: :meth:`decide` is called once per chunk with ``float[N]`` arrays and the
    simulated age, and returns one array per meta-action. Constraints, the manual
    override and the audit log are applied around it by
    :class:`~infancy.infants.control.Controller`, the same for every implementation.
    """

    def __init__(self, config, n: int) -> None:
        self.config = config
        self.n = n

    @abstractmethod
    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]: ...

    def ready(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        """``bool[N]``: whether each infant is ready to leave its developmental stage
        (used by curricula whose transitions System M chooses). By default: its
        learning progress has run out, A's below ``ready_progress`` of its prediction
        error and B's below ``ready_return`` in size, so the stage has little left to
        teach it."""
        c = self.config
        a = np.abs(meta["lp_a"]) < c.ready_progress * np.abs(meta["prediction_error"])
        return a & (np.abs(meta["lp_b"]) < c.ready_return)

    def state_arrays(self) -> dict[str, np.ndarray]:
        """Internal state to checkpoint (arrays); empty for stateless controllers."""
        return {}

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:  # noqa: B027
        """Restore :meth:`state_arrays` (nothing to do for stateless controllers)."""


class EpisodicMemory(ABC):
    """Salience-tagged memory of real transitions, one store per infant."""

    @abstractmethod
    def store(self, items: dict[str, np.ndarray], salience: np.ndarray, keep: np.ndarray) -> None:
        """Store the ``[N, T, ...]`` items where ``keep`` is set."""

    @abstractmethod
    def sample(self, count: int, rng: np.random.Generator) -> dict[str, np.ndarray] | None:
        """``count`` items per infant, drawn with probability growing with salience,
        plus ``held[N]`` (False for an infant whose store is empty); ``None`` when every
        store is empty."""

    @abstractmethod
    def sizes(self) -> np.ndarray:
        """Items held per infant."""


_REGISTRIES: dict[str, dict[str, Callable[..., Any]]] = {"a": {}, "b": {}, "m": {}}


def _register(kind: str, name: str):
    def wrap(cls):
        _REGISTRIES[kind][name] = cls
        return cls

    return wrap


def register_a(name: str):
    """Class decorator: register a System A implementation under ``name``."""
    return _register("a", name)


def register_b(name: str):
    """Class decorator: register a System B implementation under ``name``."""
    return _register("b", name)


def register_m(name: str):
    """Class decorator: register a System M implementation under ``name``."""
    return _register("m", name)


def available(kind: str) -> list[str]:
    """Registered names for ``kind`` in ``"a"``, ``"b"``, ``"m"``."""
    return sorted(_REGISTRIES[kind])


_BASES = {"a": "SystemA", "b": "SystemB", "m": "SystemM"}


def resolve(kind: str, name: str) -> Callable[..., Any]:
    """The implementation class for ``name``: a registered name, or an import path
    ``"package.module:Class"`` (so that a worker process, which has not run the
    notebook or test that registered a class, can rebuild it).

    Raises
    ------
    ValueError
        An unknown name (the known ones are listed), a path that does not import, or a
        class that is not a System ``kind``.
    """
    if ":" not in name:
        try:
            return _REGISTRIES[kind][name]
        except KeyError:
            known = ", ".join(available(kind))
            raise ValueError(
                f"{kind}.name: unknown implementation {name!r}; known: {known} "
                "(or an import path 'package.module:Class')"
            ) from None
    module, _, attr = name.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"{kind}.name: cannot import {name!r} ({exc})") from None
    base = globals()[_BASES[kind]]
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ValueError(f"{kind}.name: {name!r} is not a {base.__name__} subclass")
    return cls


def create(kind: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Instantiate ``name`` (see :func:`resolve`); an unknown name lists the known ones."""
    return resolve(kind, name)(*args, **kwargs)
