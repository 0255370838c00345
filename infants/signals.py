"""System M's meta-signals: one small registered object per signal, in this file.

A meta-signal turns what one chunk of life gave (a :class:`Chunk`: A's signals, the
rewards, the words' evidence, the body) into one float per infant that System M reads.
Each signal states its name, what it means, which fields of the chunk it reads and its
constants (a pydantic ``Config``, under ``InfantConfig.signals.<name>``); a signal that
remembers across chunks (a running average, counts) keeps named state arrays, which
the cohort checkpoints as ``signals.<key>``.

The registry :data:`SIGNALS` is the one record of what M reads: the signals marked
``meta_state`` are, in registration order, exactly
:data:`~infancy.infants.base.META_STATES` (checked at import), the others (``memories``)
are inputs M reads that the audit log does not record.

>>> from infancy.infants.signals import SIGNALS
>>> list(SIGNALS)[:3]
['prediction_error', 'uncertainty', 'novelty']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import ConfigDict, Field, create_model

from infancy.configfiles import ConfigModel
from infancy.worlds.core.codes import S_RESTRAINED

from .base import ACT, META_STATES

__all__ = [
    "SIGNALS",
    "Chunk",
    "MetaSignal",
    "MetaSignals",
    "SignalsConfig",
    "check_registry",
    "register_signal",
]


class _Block(ConfigModel):
    model_config = ConfigDict(frozen=False, validate_assignment=True)


@dataclass
class Chunk:
    """What one chunk of life gives the meta-signals (``N`` infants, ``T`` steps).

    Attributes
    ----------
    a
        System A's per-infant signals from its last update: ``prediction_error``,
        ``uncertainty``, ``novelty``, ``noise`` (``[N]``; ``noise`` NaN for an infant
        with no still step); and, from a cohort whose A watches, ``noise_steps``
        (``[N, S]``: the error of each watched step, NaN where not still).
    gate_a
        ``float[N]``: System M's gate on A this chunk (``> 0``: A learned).
    mode
        ``int[N]``: the mode of this chunk (indexes ``MODES``).
    reward
        ``float[N, T]``: the extrinsic rewards of the chunk.
    senses
        ``uint8[N, T, S]``: the senses along the chunk (``S_RESTRAINED`` among them).
    social
        ``float[N, T]``: social salience per step (being spoken to, looked in the
        eyes, pointed for).
    right, wrong
        ``float[N]``: names that proved right and wrong this chunk (evidence for trust).
    energy
        ``float[N]``: energy now.
    memories
        ``float[N]``: memories held now.
    """

    a: dict[str, np.ndarray]
    gate_a: np.ndarray
    mode: np.ndarray
    reward: np.ndarray
    senses: np.ndarray
    social: np.ndarray
    right: np.ndarray
    wrong: np.ndarray
    energy: np.ndarray
    memories: np.ndarray

    @classmethod
    def birth(
        cls, n: int, a: dict[str, np.ndarray], energy: np.ndarray, memories: np.ndarray
    ) -> Chunk:
        """The chunk before the first one: nothing lived (one silent step, no reward)."""
        return cls(
            a=a,
            gate_a=np.zeros(n),
            mode=np.full(n, ACT, dtype=np.int64),
            reward=np.zeros((n, 1), dtype=np.float32),
            senses=np.zeros((n, 1, S_RESTRAINED + 1), dtype=np.uint8),
            social=np.zeros((n, 1)),
            right=np.zeros(n),
            wrong=np.zeros(n),
            energy=energy,
            memories=memories,
        )


class MetaSignal:
    """One meta-signal (subclass it and decorate with :func:`register_signal`).

    Class attributes: ``name`` (set by the registry), ``description`` (one line),
    ``reads`` (the :class:`Chunk` fields it reads), ``meta_state`` (whether it is one of
    ``META_STATES``, recorded in the audit log), ``Config`` (its constants, a pydantic
    model; ``None`` when it has none).

    Parameters
    ----------
    config
        An instance of ``Config`` (``None`` when the signal has no constants).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reads: ClassVar[tuple[str, ...]] = ()
    meta_state: ClassVar[bool] = True
    Config: ClassVar[type[ConfigModel] | None] = None

    def __init__(self, config: Any = None) -> None:
        self.config = config

    def init_state(self, n: int) -> dict[str, np.ndarray]:
        """The state at birth, named ``float[N]`` arrays (empty for a memoryless signal)."""
        return {}

    def fold(self, state: dict[str, np.ndarray], chunk: Chunk) -> None:
        """Take the chunk's evidence into ``state`` (in place; nothing by default)."""

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        """The signal's value, ``float64[N]``, from ``state`` and ``chunk`` (no change)."""
        raise NotImplementedError

    def update(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        """:meth:`fold` the chunk, then :meth:`read`: the value after this chunk,
        ``float64[N]``."""
        self.fold(state, chunk)
        return self.read(state, chunk)


SIGNALS: dict[str, type[MetaSignal]] = {}
"""Registered meta-signals by name, in the order M reads them."""


def register_signal(name: str):
    """Class decorator: register a :class:`MetaSignal` under ``name``.

    Raises
    ------
    ValueError
        The name is taken, or a state key of the signal is another signal's.
    """

    def wrap(cls: type[MetaSignal]) -> type[MetaSignal]:
        if name in SIGNALS:
            raise ValueError(f"signal {name!r} is registered already")
        cls.name = name
        SIGNALS[name] = cls
        return cls

    return wrap


# ---------------------------------------------------------------------- System A's reads
class _FromA(MetaSignal):
    """A signal System A reports per chunk, read as it is."""

    reads = ("a",)

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return np.asarray(chunk.a[self.name], dtype=np.float64)


def _birth(value: float) -> type[_Block]:
    """A config block with the signal's value at birth."""
    return create_model(
        "AtBirth",
        __base__=_Block,
        at_birth=(float, Field(value, description="the value M reads before A's first update")),
    )


@register_signal("prediction_error")
class PredictionError(_FromA):
    description = "A's normalised prediction error on the chunk (about 1: no better than the mean)"
    Config = _birth(1.0)


@register_signal("uncertainty")
class Uncertainty(_FromA):
    description = "disagreement between A's predictor heads, normalised like the error"
    Config = _birth(0.0)


@register_signal("novelty")
class Novelty(_FromA):
    description = "A's novelty (random network distillation error over its running mean)"
    Config = _birth(1.0)


# ---------------------------------------------------------------------- learning progress
class EmaPair(_Block):
    """A fast and a slow running average; their difference is learning progress."""

    fast: float = Field(0.5, gt=0.0, le=1.0, description="rate of the fast running average")
    slow: float = Field(0.1, gt=0.0, le=1.0, description="rate of the slow running average")


def _ema(old: np.ndarray, new: np.ndarray, rate: float, where: np.ndarray) -> np.ndarray:
    return np.where(where, (1.0 - rate) * old + rate * new, old)


@register_signal("lp_a")
class LearningProgressA(MetaSignal):
    description = "A's learning progress: slow minus fast average of its prediction error"
    reads = ("a", "gate_a")
    Config = EmaPair

    def init_state(self, n: int) -> dict[str, np.ndarray]:
        # The error at birth: a predictor no better than the mean.
        return {"pe_fast": np.ones(n), "pe_slow": np.ones(n)}

    def fold(self, state: dict[str, np.ndarray], chunk: Chunk) -> None:
        learned = chunk.gate_a > 0  # the averages move only when A learned
        pe = chunk.a["prediction_error"]
        state["pe_fast"] = _ema(state["pe_fast"], pe, self.config.fast, learned)
        state["pe_slow"] = _ema(state["pe_slow"], pe, self.config.slow, learned)

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return state["pe_slow"] - state["pe_fast"]


@register_signal("lp_b")
class LearningProgressB(MetaSignal):
    description = "B's learning progress: fast minus slow average of the return per acting chunk"
    reads = ("mode", "reward")
    Config = EmaPair

    def init_state(self, n: int) -> dict[str, np.ndarray]:
        return {"ret_fast": np.zeros(n), "ret_slow": np.zeros(n)}

    def fold(self, state: dict[str, np.ndarray], chunk: Chunk) -> None:
        acted = chunk.mode == ACT
        ret = chunk.reward.sum(1)
        state["ret_fast"] = _ema(state["ret_fast"], ret, self.config.fast, acted)
        state["ret_slow"] = _ema(state["ret_slow"], ret, self.config.slow, acted)

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return state["ret_fast"] - state["ret_slow"]


# ---------------------------------------------------------------------- body and feelings
@register_signal("energy")
class Energy(MetaSignal):
    description = "energy now (0 exhausted, 1 rested)"
    reads = ("energy",)

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return chunk.energy.copy()


class StressConfig(_Block):
    """Stress: a running average of frustration."""

    rate: float = Field(0.2, gt=0.0, le=1.0, description="rate of the running average")


@register_signal("stress")
class Stress(MetaSignal):
    description = (
        "running average of frustration: the share of the chunk restrained, or 1 for an "
        "acting chunk without reward"
    )
    reads = ("senses", "mode", "reward")
    Config = StressConfig

    def init_state(self, n: int) -> dict[str, np.ndarray]:
        return {"stress": np.zeros(n)}

    def fold(self, state: dict[str, np.ndarray], chunk: Chunk) -> None:
        restrained = (chunk.senses[:, :, S_RESTRAINED] > 0).mean(1)
        acted = chunk.mode == ACT
        frustrated = np.maximum(restrained, acted * (chunk.reward.sum(1) <= 0))
        rate = self.config.rate
        state["stress"] = (1.0 - rate) * state["stress"] + rate * frustrated

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return state["stress"].copy()


@register_signal("social")
class Social(MetaSignal):
    description = "social salience, the mean over the chunk"
    reads = ("social",)

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return np.asarray(chunk.social.mean(1), dtype=np.float64)


class TrustConfig(_Block):
    """Trust in the caregiver's names: the mean of a Beta posterior."""

    prior: tuple[float, float] = Field(
        (4.0, 1.0), description="Beta prior (right, wrong) on the caregiver's names"
    )


@register_signal("trust")
class Trust(MetaSignal):
    description = "trust in the caregiver's names: right names over all checked, with a prior"
    reads = ("right", "wrong")
    Config = TrustConfig

    def init_state(self, n: int) -> dict[str, np.ndarray]:
        return {"trust_right": np.zeros(n), "trust_wrong": np.zeros(n)}

    def fold(self, state: dict[str, np.ndarray], chunk: Chunk) -> None:
        state["trust_right"] += chunk.right
        state["trust_wrong"] += chunk.wrong

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        prior_r, prior_w = self.config.prior
        right, wrong = state["trust_right"], state["trust_wrong"]
        return (prior_r + right) / (prior_r + prior_w + right + wrong)


class _NoiseConfig(_birth(0.0)):  # type: ignore[misc]
    summary: Literal["mean", "median"] = Field(
        "mean",
        description="how the chunk's still steps make the noise: 'mean' (the default), the "
        "error per still step; 'median', the error of the typical still step, high for a "
        "source that changes unforetold on most steps (a noisy TV) and not for one that "
        "surprises now and then (a caregiver's look, point or named toy)",
    )


@register_signal("noise")
class Noise(_FromA):
    description = (
        "what of the view changes unpredictably while the infant is still: A's local "
        "still-view model's error per still step (its mean or median over the chunk's "
        "still steps, summary), summed over the view's cells; 0 in a chunk with no still "
        "step (no evidence of noise) or with no such model"
    )
    Config = _NoiseConfig

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        # A chunk with no still step showed nothing changing at random: holding the last
        # chunk's value instead carried a TV room's noise into the next room (in
        # experiments/noisy_tv_diagnostic.py, 96% of the playroom's chunks over the
        # threshold with a wide screen; docs/measurements.md, session 35).
        steps = chunk.a.get("noise_steps")
        if self.config.summary == "median" and steps is not None:
            with warnings.catch_warnings():  # an infant with no still step: NaN, read as 0
                warnings.simplefilter("ignore", RuntimeWarning)
                value = np.nanmedian(np.asarray(steps, dtype=np.float64), axis=1)
        else:
            value = np.asarray(chunk.a["noise"], dtype=np.float64)
        return np.nan_to_num(value, nan=0.0)


@register_signal("memories")
class Memories(MetaSignal):
    description = "memories held (not a meta-state: M reads it, the audit does not record it)"
    reads = ("memories",)
    meta_state = False

    def read(self, state: dict[str, np.ndarray], chunk: Chunk) -> np.ndarray:
        return np.asarray(chunk.memories, dtype=np.float64)


# ---------------------------------------------------------------------- config and bank
def check_registry() -> None:
    """The registry agrees with ``META_STATES`` (same names, same order) and no two
    signals share a state key.

    Raises
    ------
    AssertionError
        With what disagrees.
    """
    states = tuple(k for k, cls in SIGNALS.items() if cls.meta_state)
    assert states == META_STATES, f"signals {states} != META_STATES {META_STATES}"
    seen: dict[str, str] = {}
    for name, cls in SIGNALS.items():
        for key in cls(cls.Config() if cls.Config else None).init_state(1):
            assert key not in seen, f"signals {seen.get(key)} and {name} share state {key!r}"
            seen[key] = name
        fields = set(Chunk.__dataclass_fields__)
        assert set(cls.reads) <= fields, f"signal {name} reads {cls.reads}; a chunk has {fields}"


check_registry()

SignalsConfig = create_model(
    "SignalsConfig",
    __base__=_Block,
    __doc__="The constants of the meta-signals, one block per signal that has any.",
    **{
        name: (cls.Config, Field(default_factory=cls.Config, description=cls.description))
        for name, cls in SIGNALS.items()
        if cls.Config is not None
    },
)


class MetaSignals:
    """Every registered signal for a cohort of ``n``, with their state.

    Parameters
    ----------
    config
        The :data:`SignalsConfig` (``InfantConfig.signals``).
    n
        Number of infants.
    """

    def __init__(self, config: Any, n: int) -> None:
        self.signals = {
            name: cls(getattr(config, name, None) if cls.Config else None)
            for name, cls in SIGNALS.items()
        }
        self.state: dict[str, np.ndarray] = {}
        for signal in self.signals.values():
            self.state.update(signal.init_state(n))

    def update(self, chunk: Chunk) -> dict[str, np.ndarray]:
        """Every signal after ``chunk``: ``{name: float64[N]}`` (state folded in)."""
        return {name: s.update(self.state, chunk) for name, s in self.signals.items()}

    def read(self, chunk: Chunk) -> dict[str, np.ndarray]:
        """Every signal's value now, without folding ``chunk`` into the state."""
        return {name: s.read(self.state, chunk) for name, s in self.signals.items()}

    def at_birth(self, energy: np.ndarray, memories: np.ndarray) -> dict[str, np.ndarray]:
        """Every signal before the first chunk: A's signals at their ``at_birth``
        values, nothing lived."""
        n = len(energy)
        a = {
            name: np.full(n, s.config.at_birth)
            for name, s in self.signals.items()
            if isinstance(s, _FromA)
        }
        return self.read(Chunk.birth(n, a, energy, memories))

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The state to checkpoint, by state key."""
        return dict(self.state)

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore :meth:`state_arrays` (every key must be there)."""
        self.state = {k: np.array(arrays[k]) for k in self.state}
