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
    "noise",
)
"""What System M reads and the audit log records, one float per infant: the registered
meta-signals marked ``meta_state``, in this order (one record per signal, with its
description and constants, in :mod:`infancy.infants.signals`, which checks the two
agree)."""

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

    Built as ``cls(config, n, spec, n_actions, n_words, n_kinds, generator, grad_clip)``:
    its :class:`~infancy.infants.config.AConfig`, the number of infants N, the front end
    (:class:`~infancy.infants.nn.ObsEncoder`), the sizes of the action set, the
    vocabulary (W words, numbered from 1; 0 is "no word") and the toy kinds (K, from 1;
    0 is "no toy"), the generator of its initial weights and the per-infant
    gradient-norm clip.

    Contract: every method works on the whole cohort (leading axis N). :meth:`encode`,
    :meth:`predict`, :meth:`surprise`, :meth:`comprehends` and :meth:`associations`
    change no state; :meth:`learn` and :meth:`refine` update A only where ``gate > 0``
    (an infant gated off is left exactly as it was, optimiser state and running scales
    included). A checkpoint holds its ``state_dict()`` and every attribute holding a
    :class:`~infancy.infants.nn.GroupAdam`, so all state must live there, each tensor
    with the infants on its leading axis (``N`` or ``N * k``, infant-major).

    Attributes
    ----------
    n : int
        N, the number of infants.
    latent : int
        Z, the size of the latent state.
    """

    n: int
    latent: int

    @abstractmethod
    def encode(self, x: Any) -> torch.Tensor:
        """The latent state of observations.

        Parameters
        ----------
        x : Obs
            Observation features with axes ``[N, T]``.

        Returns
        -------
        torch.Tensor
            ``float32[N, T, Z]``.
        """

    def inference_mlp(self) -> Any:
        """The encoder, if it is one :class:`~infancy.infants.nn.GroupMLP` on the front
        end's features (``Obs.flat``); else ``None`` (the default). With it (and B's),
        the cohort runs a step's inference in one compiled pass
        (:func:`~infancy.infants.nn.fused_policy`)."""
        return None

    @abstractmethod
    def learn(self, batch: Transitions, gate: torch.Tensor) -> dict[str, torch.Tensor]:
        """Learn from ``batch`` where ``gate > 0``.

        Parameters
        ----------
        batch
            ``[N, T]`` transitions.
        gate
            ``float32[N]``: a factor on each infant's learning rate (0: no change).

        Returns
        -------
        dict of str to torch.Tensor
            ``prediction_error``, ``uncertainty``, ``novelty`` (``float32[N]``; the
            meta-signals M reads) and ``novelty_sample``, ``error_sample``
            (``float32[N, T]``, normalised to mean ~1; intrinsic reward and salience).
        """

    def refine(self, batch: Transitions, gate: torch.Tensor, steps: int) -> None:
        """Offline consolidation after a :meth:`learn` on memories (sleep, imagination):
        ``steps`` cheap extra updates where ``gate > 0`` (``batch``: ``[N, T]``
        transitions; ``gate``: ``float32[N]``). Nothing by default."""

    @property
    def watches(self) -> bool:
        """Whether :meth:`watch` has a local model to learn and score (False, the
        default: it returns ``None`` and the caller builds none of its inputs)."""
        return False

    def watch(
        self,
        before: Any,
        x: Any,
        x_next: Any,
        action: torch.Tensor,
        still: torch.Tensor,
        gate: torch.Tensor,
    ) -> torch.Tensor | None:
        """What of the view changes unpredictably while the infant is still: learn a
        local model of how each view cell changes over a step in which the infant did
        not turn or move, and return its error per step, before this update.

        Parameters
        ----------
        before, x, x_next
            :class:`~infancy.infants.nn.Obs` with axes ``[N, T]``: the observation a
            step before each step, at it, and after it.
        action
            ``int64[N, T]``: the infant's actions.
        still
            ``bool[N, T]``: the steps it may learn from and is scored on (awake, inside
            one episode from ``before`` to ``x_next``, no turn or move felt over either
            step).
        gate
            ``float32[N]``: a factor on each infant's learning rate (0: no change).

        Returns
        -------
        torch.Tensor or None
            ``float32[N, T]``: the error summed over the view's cells (0 where not
            ``still``); ``None`` (the default) for an A with no local model, whose
            ``noise`` meta-state then reads 0. An A that overrides this must also make
            :attr:`watches` True when it returns an error: the cohort calls it only then.
        """
        return None

    @abstractmethod
    def predict(self, z: torch.Tensor, action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The world model used for imagination (no learning).

        Parameters
        ----------
        z
            ``float32[N, S, Z]`` latents.
        action
            ``int64[N, S]`` actions.

        Returns
        -------
        z_next : torch.Tensor
            ``float32[N, S, Z]``, the predicted next latent.
        reward : torch.Tensor
            ``float32[N, S]``, the predicted extrinsic reward.
        """

    @abstractmethod
    def surprise(self, batch: Transitions) -> torch.Tensor:
        """Looking time: the normalised prediction error per transition of ``[N, T]``
        transitions, ``float32[N, T]`` (no learning)."""

    @abstractmethod
    def learn_words(
        self,
        word: torch.Tensor,
        visible: torch.Tensor,
        cued: torch.Tensor,
        communicative: torch.Tensor,
        strength: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Update the lexicon from heard words.

        Parameters
        ----------
        word
            ``int64[N, T]``: the word heard (0: none).
        visible, cued
            ``float32[N, T, K+1]``: multi-hot kinds in view, and cued by the
            caregiver's gaze or point (column 0, "no toy", is 0).
        communicative
            ``bool[N, T]``: a word with eye contact or a cued toy.
        strength
            ``float32[N]``: M's one-shot strength.

        Returns
        -------
        right, wrong : torch.Tensor
            ``float32[N]``: names that proved right and wrong (evidence for trust).
        """

    @abstractmethod
    def comprehends(self) -> torch.Tensor:
        """``bool[N, W+1]``: which words each infant comprehends (column 0 False)."""

    @abstractmethod
    def associations(self) -> torch.Tensor:
        """``float32[N, W+1, K+1]``: the strength of each word-kind association (row
        0, "no word", and column 0, "no toy", hold nothing)."""

    def remember(self, h: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """The belief state after seeing ``z``: ``h' = d h + (1 - d) z`` with
        ``d = memory_decay()`` per infant (``h``, ``z``: ``float32[N, ..., Z]``; no
        state changes). The belief keeps what was seen after it is hidden, fading with
        the span; with no memory (``d = 0``) it is ``z`` itself."""
        d = self.memory_decay().view(-1, *([1] * (z.dim() - 1)))
        return d * h + (1.0 - d) * z

    def memory_decay(self) -> torch.Tensor:
        """``float32[N]``: the share of the belief state kept at each step. ``0`` (the
        default) means no memory."""
        return torch.zeros(self.n)

    def set_memory_span(self, span) -> None:
        """Set each infant's memory span (steps; ``float[N]`` or one number): what a
        curriculum's stages scale (``memory_scale``) and a lesion sets to 0. An A with
        no memory (the default) has none to set."""
        raise NotImplementedError(f"{type(self).__name__} has no memory span to set")

    def word_attention(self) -> torch.Tensor:
        """``float32[N, W+1, K+1]`` in [0, 1]: how strongly a word in mind draws each
        infant's attention to each kind (the word's toy, as A knows it; row 0 and
        column 0 hold nothing). By default the association over the comprehension
        threshold, capped at 1, for the strongest kind of each word only."""
        with torch.no_grad():
            lex = self.associations().clone()
            lex[:, :, 0] = 0.0
            best = lex.amax(-1, keepdim=True)
            strong = (lex >= best) & (best > 0)
            thr = getattr(getattr(self, "config", None), "comprehension_threshold", 1.0)
            return (lex / thr).clamp(0.0, 1.0) * strong

    def referent(self) -> torch.Tensor:
        """The kind each word means to each infant, ``int64[N, W+1]`` (kind codes from
        1; 0 where the word is not comprehended). By default the strongest association
        of each comprehended word."""
        with torch.no_grad():
            best = self.associations()[:, :, 1:].argmax(-1) + 1
            return torch.where(self.comprehends(), best, 0)


class SystemB(ABC, torch.nn.Module):
    """Learning from action: a policy and value on the cohort's state.

    Built as ``cls(config, n, latent, n_actions, generator, grad_clip)``: its
    :class:`~infancy.infants.config.BConfig`, the number of infants N, the size D of
    the state it reads (``Cohort.state_size``: A's latent, A's belief state and the
    word cue, ``[z, belief, cue]``; "``z``" in the methods below), the number of
    actions, the generator of its initial weights and the per-infant gradient-norm
    clip.

    Contract: :meth:`act` samples actions with the given generator and, like
    :meth:`evaluate`, changes no state; :meth:`learn`, :meth:`learn_imagined` and
    :meth:`learn_replayed` update
    only infants with ``gate > 0`` (the others are left exactly as they were, optimiser
    state included). A checkpoint holds its ``state_dict()`` and every attribute
    holding a :class:`~infancy.infants.nn.GroupAdam` (infants on the leading axis).

    :attr:`prior`, when the cohort sets it (``b.habit_pull``), maps states ``[..., Z]``
    to a fixed bias ``[..., n_actions]`` that :meth:`act` and :meth:`evaluate` add to the
    logits (the cohort's compiled inference adds it too, so an implementation whose
    :meth:`inference_mlp` is not ``None`` must add it in :meth:`evaluate`).
    """

    prior: Callable[[torch.Tensor], torch.Tensor] | None = None

    @abstractmethod
    def act(
        self, z: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sample one action per infant.

        Parameters
        ----------
        z
            ``float32[N, Z]`` latents.
        generator
            Every draw comes from it.

        Returns
        -------
        action : torch.Tensor
            ``int64[N]`` in ``range(n_actions)``.
        logp : torch.Tensor
            ``float32[N]``, the log-probability of each action.
        value : torch.Tensor
            ``float32[N]``, the critic's value of ``z``.
        """

    @abstractmethod
    def evaluate(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The policy's logits and the critic's value (differentiable; no sampling).

        Parameters
        ----------
        z
            ``float32[N, S, Z]`` latents.

        Returns
        -------
        logits : torch.Tensor
            ``float32[N, S, n_actions]``.
        value : torch.Tensor
            ``float32[N, S]``.
        """

    @property
    @abstractmethod
    def discount(self) -> float:
        """The discount the critic's values are computed with (gamma, in (0, 1]); the
        cohort discounts imagined returns with it."""

    def inference_mlp(self) -> Any:
        """The actor-critic, if it is one :class:`~infancy.infants.nn.GroupMLP` on ``z``
        whose outputs are the action logits, then the value, and :meth:`act` samples
        from them as :func:`~infancy.infants.nn.fused_policy` does (one exponential
        draw per action from the generator); else ``None`` (the default)."""
        return None

    @abstractmethod
    def learn(self, rollout: dict[str, torch.Tensor], gate: torch.Tensor) -> dict[str, Any]:
        """Learn from the acting infants' rollouts where ``gate > 0``.

        Parameters
        ----------
        rollout
            ``z`` (``float32[N, T, Z]``), ``action`` (``int64[N, T]``), ``logp``,
            ``value``, ``reward`` (mixed by M), ``done`` (``float32[N, T]``) and
            ``last_value`` (``float32[N]``, the value after the last step).
        gate
            ``float32[N]``: a factor on each infant's learning rate (0: no change).

        Returns
        -------
        dict
            Per-infant statistics (``[N]`` tensors) for the log.
        """

    @abstractmethod
    def learn_replayed(
        self, replayed: dict[str, torch.Tensor], gate: torch.Tensor
    ) -> dict[str, Any]:
        """Learn from remembered real steps (replay against forgetting) where
        ``gate > 0``: ``z[N, S, D]`` states, ``action[N, S]``, ``reward[N, S]`` and
        ``valid[N, S]`` (which steps count). Nothing by default; returns statistics."""
        return {}

    def learn_imagined(
        self, imagined: dict[str, torch.Tensor], gate: torch.Tensor
    ) -> dict[str, Any]:
        """Learn from imagined trajectories where ``gate > 0``.

        Parameters
        ----------
        imagined
            ``z`` (``float32[N, S, H, Z]``), ``action`` (``int64[N, S, H]``), ``ret``
            (``float32[N, S, H]``, imagined returns to go), ``alive`` (``bool[N, S, H]``,
            steps up to the imagined episode's end), ``success`` (``bool[N, S]``).
        gate
            ``float32[N]``.

        Returns
        -------
        dict
            Per-infant statistics (``[N]`` tensors) for the log.
        """


class SystemM(ABC):
    """Meta-control: from meta-states (``META_STATES``) to meta-actions (``META_ACTIONS``).

    Built as ``cls(config, n)`` with the whole
    :class:`~infancy.infants.config.MConfig` (its own parameters are in the block named
    after it, e.g. ``config.rule``) and the number of infants N.

    Contract: :meth:`decide` is called once per chunk with ``float[N]`` arrays and the
    simulated age, and returns one array per meta-action. Constraints, the manual
    override and the audit log are applied around it by
    :class:`~infancy.infants.control.Controller`, the same for every implementation.
    State it keeps across decisions is checkpointed through :meth:`state_arrays`.
    """

    def __init__(self, config, n: int) -> None:
        self.config = config
        self.n = n

    @abstractmethod
    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]:
        """The next chunk's meta-actions.

        Parameters
        ----------
        meta
            ``float64[N]`` per meta-signal (every name in
            :data:`~infancy.infants.signals.SIGNALS`: ``META_STATES`` and
            ``memories``).
        age_months
            Simulated age.

        Returns
        -------
        dict of str to numpy.ndarray
            One entry per name in ``META_ACTIONS``, a scalar or an ``[N]`` array:
            ``mode`` integers indexing ``MODES``, the others floats (not NaN;
            ``store_threshold`` may be ``inf``: store nothing).
        """

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

    @abstractmethod
    def fade(self, factor: float, rewarded: float | None = None) -> None:
        """Scale every held item's salience by ``factor`` in (0, 1]: old memories weigh
        less, in sampling and against newcomers, than they did when stored. Items
        stored with a non-zero ``reward`` field (or the field the store was told marks a
        rewarded memory) are scaled by ``rewarded`` instead, where it is given (also in
        (0, 1])."""


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
