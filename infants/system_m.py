"""System M implementations: ``rule``, ``recipe`` and ``evolvable``.

Each reads the meta-states (``META_STATES``, ``float[N]`` arrays) once per chunk and
returns the meta-actions (``META_ACTIONS``). Constraints, the override and the audit log
are the :class:`~infancy.infants.control.Controller`'s job, not theirs.
"""

from __future__ import annotations

import numpy as np

from .base import (
    ACT,
    IMAGINE,
    META_ACTIONS,
    META_STATES,
    MODES,
    OBSERVE,
    SLEEP,
    SystemM,
    register_m,
)
from .config import MConfig

__all__ = ["EvolvableM", "RecipeM", "RuleM", "ScheduleM"]


def _full(n: int, value: float) -> np.ndarray:
    return np.full(n, value, dtype=np.float64)


@register_m("rule")
class RuleM(SystemM):
    """Readable rules on the meta-states, in order of priority (thresholds in
    ``m.rule``: :class:`~infancy.infants.config.RuleMConfig`):

    1. *fatigue*: asleep and energy below ``wake_above``: keep sleeping; energy below
       ``sleep_below``: fall asleep;
    2. *a cue or a change*: the caregiver communicates (social salience above
       ``social_above``), or A's prediction error rose over its slow average by
       ``shift_above`` (the world changed; ``None``: a shift alone never makes it
       observe): observe, unless the infant observed last chunk (an infant in a chatty
       room still gets to play);
    3. *imagination when it should pay*: enough memories (``imagine_after``), a world
       model that predicts well (prediction error below ``imagine_error_below``) and
       acting that does not pay (stress above ``imagine_stress_above``): imagine,
       unless it imagined last chunk (``imagine_every`` 0: never);
    4. otherwise act.

    One-shot word learning is ``one_shot`` times trust. Curiosity (the intrinsic
    weight) is damped to ``trap_damping`` once novelty has stayed above
    ``trap_novelty`` without learning progress for ``trap_chunks`` chunks running (an
    unlearnable source such as a noisy TV; a single novel chunk is not a trap). The
    novelty it reads is a running average moved ``trap_rate`` a chunk (1.0: the chunk's
    own, the default).
    """

    def __init__(self, config: MConfig, n: int) -> None:
        super().__init__(config, n)
        self.asleep = np.zeros(n, dtype=bool)
        self.observed = np.zeros(n, dtype=bool)
        self.imagined = np.zeros(n, dtype=bool)
        self.trap = np.zeros(n, dtype=np.int64)
        # The signal the trap reads, from its value at birth (novelty 1: no more novel
        # than usual; noise 0).
        self.trap_level = np.full(n, self._at_birth(), dtype=np.float64)
        self.chunks = np.zeros(n, dtype=np.int64)

    def _sleep(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        c = self.config.rule
        energy = meta["energy"]
        self.asleep = np.where(self.asleep, energy < c.wake_above, energy < c.sleep_below)
        self.chunks += 1
        return self.asleep

    def _schedule(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        """The mode of each infant by rules 1-4; updates the sleep, observation and
        imagination state."""
        c = self.config.rule
        asleep = self._sleep(meta)
        cue = meta["social"] > c.social_above
        shift = (
            meta["lp_a"] < -c.shift_above if c.shift_above is not None else np.zeros(self.n, bool)
        )
        observe = (cue | shift) & ~self.observed
        imagine = (
            (c.imagine_every > 0)  # 0: never imagine
            & (meta["memories"] >= c.imagine_after)
            & (meta["prediction_error"] < c.imagine_error_below)
            & (meta["stress"] > c.imagine_stress_above)
            & ~self.imagined
        )
        mode = np.full(self.n, ACT, dtype=np.int64)
        mode[imagine] = IMAGINE
        mode[observe] = OBSERVE
        mode[asleep] = SLEEP
        self.observed = mode == OBSERVE
        self.imagined = mode == IMAGINE
        return mode

    def _at_birth(self) -> float:
        return 0.0 if self.config.rule.trap_signal == "noise" else 1.0

    def _curiosity(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        c = self.config.rule
        # Novelty without learning progress is a trap, once it lasts: damp curiosity.
        # Or, read per cell of the view: change that A's local model cannot learn (noise).
        rate, value = c.trap_rate, meta[c.trap_signal].astype(np.float64)
        if rate == 1.0:
            self.trap_level = value  # the chunk's own, exactly (astype copied it)
        else:
            # A value that could not be read (not finite) leaves the average as it was.
            moved = (1.0 - rate) * self.trap_level + rate * value
            self.trap_level = np.where(np.isfinite(value), moved, self.trap_level)
        if c.trap_signal == "noise":
            # The local model's error is what it could not learn: no progress is in it.
            suspect = self.trap_level > c.trap_noise
        else:
            suspect = (self.trap_level > c.trap_novelty) & (meta["lp_a"] <= 0.0)
        self.trap = np.where(suspect, self.trap + 1, 0)
        trapped = self.trap >= c.trap_chunks
        return np.where(trapped, c.trap_damping, 1.0) * c.intrinsic_weight

    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]:
        c, n = self.config.rule, self.n
        mode = self._schedule(meta)
        return {
            "mode": mode,
            "gate_a": _full(n, 1.0),
            "gate_b": (mode == ACT).astype(np.float64),
            "intrinsic_weight": self._curiosity(meta),
            "store_threshold": _full(n, c.store_threshold),
            "replay_ratio": _full(n, c.replay_ratio),
            "one_shot": c.one_shot * meta["trust"],
        }

    def state_arrays(self) -> dict[str, np.ndarray]:
        return {
            "asleep": self.asleep.astype(np.uint8),
            "observed": self.observed.astype(np.uint8),
            "imagined": self.imagined.astype(np.uint8),
            "trap": self.trap,
            "trap_level": self.trap_level,
            "chunks": self.chunks,
        }

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        self.asleep = arrays["asleep"].astype(bool)
        self.observed = arrays["observed"].astype(bool)
        self.imagined = arrays["imagined"].astype(bool)
        self.trap = arrays["trap"].astype(np.int64)
        # A state saved before trap_rate existed read each chunk's own novelty: at rate
        # 1 the level is overwritten before it is read.
        level = arrays.get("trap_level", np.full(self.n, self._at_birth()))
        self.trap_level = np.asarray(level, dtype=np.float64)
        self.chunks = arrays["chunks"].astype(np.int64)


@register_m("schedule")
class ScheduleM(RuleM):
    """A fixed schedule, blind to everything but energy, social salience and the chunk
    count (the ``fixed-schedule-m`` ablation preset): the four lines that were found to
    reproduce 99.8% of the earlier ``rule`` M's decisions in a default lifetime.

    1. asleep and energy below ``m.rule.wake_above``: keep sleeping; energy below
       ``m.rule.sleep_below``: fall asleep;
    2. social salience above ``m.rule.social_above`` and not observed last chunk: observe;
    3. every ``m.rule.imagine_every``-th chunk: imagine;
    4. otherwise act.

    The other meta-actions are constants (the rule's base values): no damping of
    curiosity, one-shot word learning not scaled by trust.
    """

    def _schedule(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        c = self.config.rule
        asleep = self._sleep(meta)
        social = (meta["social"] > c.social_above) & ~self.observed
        mode = np.full(self.n, ACT, dtype=np.int64)
        if c.imagine_every > 0:
            mode[self.chunks % c.imagine_every == 0] = IMAGINE
        mode[social] = OBSERVE
        mode[asleep] = SLEEP
        self.observed = mode == OBSERVE
        self.imagined = mode == IMAGINE
        return mode

    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]:
        c, n = self.config.rule, self.n
        mode = self._schedule(meta)
        return {
            "mode": mode,
            "gate_a": _full(n, 1.0),
            "gate_b": (mode == ACT).astype(np.float64),
            "intrinsic_weight": _full(n, c.intrinsic_weight),
            "store_threshold": _full(n, c.store_threshold),
            "replay_ratio": _full(n, c.replay_ratio),
            "one_shot": _full(n, c.one_shot),
        }


@register_m("recipe")
class RecipeM(SystemM):
    """The rigid human pipeline the paper criticises: observe only (A learns, B does not)
    for ``m.recipe.observe_chunks`` chunks, then act only (A frozen, B learns), on a fixed
    schedule, whatever the signals say. No imagination, no sleep of its own (the energy
    floor still forces sleep, and the audit counts it), no one-shot words."""

    def __init__(self, config: MConfig, n: int) -> None:
        super().__init__(config, n)
        self.chunks = np.zeros(n, dtype=np.int64)

    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]:
        n = self.n
        pretrain = self.chunks < self.config.recipe.observe_chunks
        self.chunks += 1
        mode = np.where(pretrain, OBSERVE, ACT).astype(np.int64)
        return {
            "mode": mode,
            "gate_a": pretrain.astype(np.float64),
            "gate_b": (~pretrain).astype(np.float64),
            "intrinsic_weight": _full(n, 0.0),
            "store_threshold": _full(n, np.inf),
            "replay_ratio": _full(n, 0.0),
            "one_shot": _full(n, 0.0),
        }

    def state_arrays(self) -> dict[str, np.ndarray]:
        return {"chunks": self.chunks}

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        self.chunks = arrays["chunks"].astype(np.int64)


@register_m("evolvable")
class EvolvableM(SystemM):
    """A small parametric map with a flat parameter vector ``phi`` per infant, for an
    outer loop.

    Inputs: the meta-states (``META_STATES``), memories held (scaled), age / 24 and a
    bias. Outputs: four mode logits (the largest wins), then squashed meta-actions:
    ``gate_a``, ``gate_b`` in [0, 1], ``intrinsic_weight`` in [0, 1],
    ``store_threshold`` in [0, 2], ``replay_ratio`` in [0, 4], ``one_shot`` in [0, 2]
    times trust. ``phi`` has ``n_inputs * n_outputs`` numbers (row-major weights) per
    infant (``self.phi`` is ``[N, P]``); ``m.evolvable.genome`` sets it (one vector for
    every infant, or one per infant). The default ``phi`` acts when energy is high and
    sleeps when it is low.
    """

    inputs = (*META_STATES, "memories", "age", "bias")
    # Four mode logits (one per mode), then every other meta-action, in META_ACTIONS order.
    outputs = (*MODES, *META_ACTIONS[1:])

    def __init__(self, config: MConfig, n: int, phi: np.ndarray | None = None) -> None:
        super().__init__(config, n)
        genome = config.evolvable.genome
        if phi is None and genome is not None:
            try:
                self.phi = self._per_infant(genome)
            except ValueError as exc:
                raise ValueError(f"m.evolvable.genome: {exc}") from None
        else:
            self.phi = self._per_infant(self.default_phi() if phi is None else phi)

    @property
    def n_params(self) -> int:
        """P, the numbers in one infant's ``phi``."""
        return len(self.inputs) * len(self.outputs)

    @classmethod
    def default_phi(cls) -> np.ndarray:
        """The default genome, ``float64[P]``."""
        w = np.zeros((len(cls.inputs), len(cls.outputs)))
        i, o = cls.inputs.index, cls.outputs.index
        w[i("bias"), o("act")] = 1.0
        w[i("energy"), o("sleep")] = -4.0
        w[i("bias"), o("sleep")] = 2.0  # sleep (2 - 4 energy) beats act (1) below 0.25
        w[i("social"), o("observe")] = 3.0  # observe beats act above salience 1/3
        for name in ("gate_a", "gate_b", "one_shot"):
            w[i("bias"), o(name)] = 3.0
        w[i("bias"), o("intrinsic_weight")] = -2.0
        w[i("bias"), o("replay_ratio")] = -1.0
        return w.reshape(-1)

    def _per_infant(self, phi) -> np.ndarray:
        """``phi`` as ``float64[N, P]`` from ``[P]`` (every infant) or ``[N, P]``."""
        phi = np.asarray(phi, dtype=np.float64)
        p, n = self.n_params, self.n
        if phi.shape == (p,):
            return np.tile(phi, (n, 1))
        if phi.shape == (n, p):
            return phi.copy()
        raise ValueError(f"expected {p} numbers or {n} rows of {p} (phi), got shape {phi.shape}")

    def set_params(self, phi: np.ndarray) -> None:
        """Set ``phi`` (the outer loop's genome): ``[P]`` for every infant or ``[N, P]``
        one per infant.

        Raises
        ------
        ValueError
            ``phi`` has another shape.
        """
        try:
            self.phi = self._per_infant(phi)
        except ValueError as exc:
            raise ValueError(f"phi: {exc}") from None

    def decide(self, meta: dict[str, np.ndarray], age_months: float) -> dict[str, np.ndarray]:
        n = self.n
        x = np.stack(
            [np.clip(meta[k], -10, 10) for k in META_STATES]
            + [
                np.minimum(meta["memories"] / 1000.0, 1.0),
                _full(n, age_months / 24.0),
                _full(n, 1.0),
            ],
            axis=1,
        )
        # Each infant its own phi; one product per distinct genome (with one genome for
        # all, the same numbers as a single product).
        genomes, which = np.unique(self.phi, axis=0, return_inverse=True)
        which = which.reshape(-1)
        y = np.empty((n, len(self.outputs)))
        for g, phi in enumerate(genomes):
            rows = which == g
            y[rows] = x[rows] @ phi.reshape(len(self.inputs), len(self.outputs))
        sig = 1.0 / (1.0 + np.exp(-y[:, 4:]))
        mode = y[:, :4].argmax(1).astype(np.int64)
        return {
            "mode": mode,
            "gate_a": sig[:, 0],
            "gate_b": sig[:, 1] * (mode == ACT),
            "intrinsic_weight": sig[:, 2],
            "store_threshold": 2.0 * sig[:, 3],
            "replay_ratio": 4.0 * sig[:, 4],
            "one_shot": 2.0 * sig[:, 5] * meta["trust"],
        }

    def state_arrays(self) -> dict[str, np.ndarray]:
        return {"phi": self.phi}

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        # A checkpoint from before per-infant genomes holds one ``[P]`` phi.
        self.phi = self._per_infant(arrays["phi"])
