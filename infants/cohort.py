"""A cohort of infants: Systems A, B, M and episodic memory wired together, batched.

``Cohort`` owns N infants that live in a :class:`~infancy.worlds.core.engine.BatchWorld`
(``batch_size * n_infants == N``). One :meth:`Cohort.step` is one world step for all of
them: A encodes, B proposes, the mode M chose says who acts (the others stay still),
the world moves, energy drains or refills. Every ``config.chunk`` steps the cohort
learns (:meth:`Cohort.learn`): A on the chunk and on replayed memories, the lexicon on
the words heard, B on the acting infants' rollouts, imagination for the infants that
imagine or sleep; then memory stores what was salient, the meta-states are updated and
M decides the next chunk's meta-actions (audited by the
:class:`~infancy.infants.control.Controller`).

Randomness: one ``torch.Generator`` (actions, imagination, initial weights) and one numpy
``Generator`` (memory sampling), both seeded from ``seed`` and both checkpointed.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numba import njit
from safetensors.numpy import load_file, save_file

from infancy.worlds.core.codes import (
    CH_GAZE,
    CH_KIND,
    CH_POINT,
    INFANT_ACTIONS,
    S_EYE_CONTACT,
    S_RESTRAINED,
    S_WORD,
    STAY,
)
from infancy.worlds.core.geometry import cue_rays
from infancy.worlds.rules import Rules, load_rules

from . import system_a, system_b, system_m  # noqa: F401  (registers the implementations)
from .base import ACT, IMAGINE, MODES, OBSERVE, SLEEP, Transitions, create
from .config import InfantConfig
from .control import CONSTRAINTS, Controller
from .memory import SalienceMemory
from .nn import GroupAdam, Obs, ObsEncoder, fused_policy

__all__ = ["Cohort"]

CHECKPOINT_VERSION = 1


def _optimisers(module: torch.nn.Module) -> list[tuple[str, GroupAdam]]:
    """The module's optimisers (attributes holding a GroupAdam), by attribute name."""
    return sorted((k, v) for k, v in vars(module).items() if isinstance(v, GroupAdam))


@njit(cache=True, nogil=True)
def _cues(view, senses, awake, rays, visible, cued, word, communicative, social) -> None:
    """What word learning reads from ``view[N, T, C, V*V]`` and ``senses[N, T, S]``
    (one pass; as numpy ops, mostly fancy-indexed scatters, it cost 30x more).

    ``visible``/``cued[N, T, K+1]`` (zeroed by the caller): the kinds in view, and those
    on a cell in the direction the caregiver looks or points (its head and arm codes on
    its own cell, followed along ``rays``: :func:`~infancy.worlds.core.geometry.cue_rays`;
    the infant's built-in joint attention); column 0, "no toy", stays 0. ``word``: the
    word heard (0 when asleep). ``communicative``: a word with eye contact or a cued
    toy. ``social``: salience, being spoken to, looked in the eyes or pointed for (a
    glance elsewhere alone is too common to count); 0 when asleep."""
    n, t, _, cells = view.shape
    k = visible.shape[2]
    for i in range(n):
        for s in range(t):
            pointing = False
            has_cue = False
            for c in range(cells):
                kind = view[i, s, CH_KIND, c]
                if 0 < kind < k:
                    visible[i, s, kind] = 1.0
            for c in range(cells):
                for ch in (CH_GAZE, CH_POINT):
                    code = view[i, s, ch, c]
                    if code == 0:
                        continue
                    if ch == CH_POINT:
                        pointing = True
                    for j in range(rays.shape[2]):
                        cell = rays[c, code, j]
                        if cell < 0:
                            break
                        kind = view[i, s, CH_KIND, cell]
                        if kind > 0:  # the first toy in that direction
                            if kind < k:
                                cued[i, s, kind] = 1.0
                                has_cue = True
                            break
            w = np.int64(senses[i, s, S_WORD]) if awake[i] else 0
            eye = senses[i, s, S_EYE_CONTACT] > 0
            word[i, s] = w
            communicative[i, s] = w > 0 and (eye or has_cue) and awake[i]
            social[i, s] = 1.0 if awake[i] and (w > 0 or eye or pointing) else 0.0


class Cohort:
    """N infants assembled from ``config`` (see the module docstring).

    Parameters
    ----------
    config
        An :class:`~infancy.infants.config.InfantConfig`, a mapping, or ``None`` for
        the defaults.
    n
        Number of infants N.
    seed
        Seed of every random draw the infants make.
    rules
        The world's rules (vocabulary, kinds); the packaged rules by default.
    view_size
        Side of the egocentric view (the rules' ``body.view_size`` by default).
    months_per_step
        The age clock: simulated months per world step (curricula set it).
    """

    def __init__(
        self,
        config: InfantConfig | dict[str, Any] | None = None,
        n: int = 16,
        *,
        seed: int = 0,
        rules: Rules | None = None,
        view_size: int | None = None,
        months_per_step: float = 0.0,
    ) -> None:
        if config is None:
            config = InfantConfig()
        elif isinstance(config, dict):
            config = InfantConfig.from_dict(config)
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n: expected a positive number of infants, got {n!r}")
        self.config = c = config
        self.n = n
        self.seed = seed
        self.rules = rules or load_rules()
        self.view_size = view_size or self.rules.body.view_size
        self.months_per_step = months_per_step
        seeds = np.random.SeedSequence(seed).generate_state(2)
        self.gen = torch.Generator().manual_seed(int(seeds[0]))
        self.rng = np.random.default_rng(int(seeds[1]))
        self.obs = ObsEncoder.for_rules(self.rules, self.view_size, c.a.embed, self.gen)
        self.n_actions = len(INFANT_ACTIONS)
        self.n_words = len(self.rules.vocabulary)
        self.n_kinds = len(self.rules.kind_names)
        self.a = create(
            "a",
            c.a.name,
            c.a,
            n,
            self.obs,
            self.n_actions,
            self.n_words,
            self.n_kinds,
            self.gen,
            c.grad_clip,
        )
        self.b = create("b", c.b.name, c.b, n, self.a.latent, self.n_actions, self.gen, c.grad_clip)
        self.m = Controller(create("m", c.m.name, c.m, n), c.m)
        v, ch, ns = self.view_size, 6, 10
        self.memory = SalienceMemory(
            n,
            c.memory.capacity,
            {
                "view": ((ch, v, v), "uint8"),
                "senses": ((ns,), "uint8"),
                "action": ((), "int64"),
                "reward": ((), "float32"),
                "terminal": ((), "bool"),
                "view_next": ((ch, v, v), "uint8"),
                "senses_next": ((ns,), "uint8"),
            },
        )
        t = c.chunk
        self._view = np.zeros((n, t + 1, ch, v, v), dtype=np.uint8)
        self._senses = np.zeros((n, t + 1, ns), dtype=np.uint8)
        self._action = np.zeros((n, t), dtype=np.int64)
        self._reward = np.zeros((n, t), dtype=np.float32)
        self._done = np.zeros((n, t), dtype=bool)
        self._logp = torch.zeros(n, t)
        self._value = torch.zeros(n, t)
        self._z = torch.zeros(n, t, self.a.latent)
        self._t = 0
        self._primed = False
        self.steps = 0
        self.energy = np.ones(n)
        self._felt = np.full(n, -1.0)  # energy as last written to the world (0..255)
        self._drain = np.array([c.m.drain[m] for m in MODES])
        self.real_steps = np.zeros(n, dtype=np.int64)  # steps spent acting or observing
        self.acting_steps = np.zeros(n, dtype=np.int64)
        self._ep_return = np.zeros(n)
        self._ep_idle = np.zeros(n, dtype=np.int64)  # steps of this episode not acting
        self._episodes: list[dict[str, np.ndarray]] = []
        # Wall time (s) spent stepping worlds, choosing actions and learning, for the
        # lifetime benchmark's shares (not part of the state: a restored cohort starts at 0).
        self.timing = {"world": 0.0, "inference": 0.0, "learning": 0.0}
        self._signals = {
            "pe_fast": np.ones(n),
            "pe_slow": np.ones(n),
            "ret_fast": np.zeros(n),
            "ret_slow": np.zeros(n),
            "stress": np.zeros(n),
            "trust_right": np.zeros(n),
            "trust_wrong": np.zeros(n),
        }
        self.meta = self._meta_state(
            {"prediction_error": np.ones(n), "uncertainty": np.zeros(n), "novelty": np.ones(n)},
            social=np.zeros(n),
        )
        self.action = self.m.decide(self.meta, self.age_months, 0)
        self.last_stats: dict[str, Any] = {}

    # ------------------------------------------------------------------ helpers
    @property
    def age_months(self) -> float:
        """Simulated age: world steps times ``months_per_step``."""
        return self.steps * self.months_per_step

    @property
    def mode(self) -> np.ndarray:
        """Each infant's mode this chunk (indexes ``MODES``)."""
        return self.action["mode"]

    def _check_world(self, world) -> None:
        if world.batch_size * world.n_infants != self.n:
            raise ValueError(
                f"world: {world.batch_size} worlds x {world.n_infants} infants "
                f"!= cohort of {self.n}"
            )
        if world.view_size != self.view_size:
            raise ValueError(f"world: view_size {world.view_size} != cohort's {self.view_size}")

    def features(self, view: np.ndarray, senses: np.ndarray) -> Obs:
        """Network input for views ``[N, T, C, V, V]`` and senses ``[N, T, S]``."""
        return self.obs.encode(view, senses)

    # ------------------------------------------------------------------ acting
    # The world loop is not here: :class:`~infancy.curricula.driver.Driver` owns it and
    # calls :meth:`start`, :meth:`choose` and :meth:`record` (through its infants role),
    # so several cohorts and any caregiver can share one world.
    def begin(self, world) -> None:
        """Take the world's current observation as the start of the next chunk."""
        self._check_world(world)
        self.start(world.view.reshape(self.n, -1), world.senses.reshape(self.n, -1))

    def start(self, view: np.ndarray, senses: np.ndarray) -> None:
        """Take observations ``view[N, ...]`` (flattened cells allowed) and
        ``senses[N, S]`` as the start of the next chunk, in a new world."""
        self._felt = np.full(self.n, -1.0)  # a new world: write the energy next step
        self._view[:, self._t] = view.reshape(self.n, *self._view.shape[2:])
        self._senses[:, self._t] = senses
        self._primed = True

    @property
    def primed(self) -> bool:
        """Whether :meth:`start` has given the cohort an observation to act on."""
        return self._primed

    def policy(self) -> tuple[np.ndarray, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Actions for the current observation (STAY for infants not acting)."""
        t = self._t
        action, logp, value, z = self._infer(self._view[:, t], self._senses[:, t], self.gen)
        act = np.where(self.mode == ACT, action.numpy(), STAY)
        return act, logp, value, z

    @torch.inference_mode()
    def _infer(self, view: np.ndarray, senses: np.ndarray, generator: torch.Generator):
        """B's actions, log-probabilities and values and A's latent for ``view[N, C, V,
        V]``, ``senses[N, S]``: in one compiled pass when A and B are plain MLPs (the
        same numbers in less than half the time), else module by module."""
        enc, pol = self.a.inference_mlp(), self.b.inference_mlp()
        if enc is not None and pol is not None:
            draws = torch.empty(self.n, self.n_actions).exponential_(1.0, generator=generator)
            out = fused_policy(self.obs, view, senses, enc, pol, draws)
            if out is not None:
                z, action, logp, value = (torch.from_numpy(a) for a in out)
                return action, logp, value, z
        x = self.features(view[:, None], senses[:, None])
        z = self.a.encode(x)[:, 0]
        action, logp, value = self.b.act(z, generator)
        return action, logp, value, z

    def choose(self) -> np.ndarray:
        """Each infant's action for the current observation, ``int64[N]`` (STAY for the
        infants not acting); the next :meth:`record` completes the step."""
        if not self._primed:
            raise RuntimeError("start() the cohort on an observation before choose()")
        clock = time.perf_counter()
        act, logp, value, z = self.policy()
        t = self._t
        self._action[:, t] = act
        # Written through numpy views: a torch index assignment costs ~10 us, a third of
        # a cohort's world step.
        self._logp.numpy()[:, t] = logp.numpy()
        self._value.numpy()[:, t] = value.numpy()
        self._z.numpy()[:, t] = z.numpy()
        self.timing["inference"] += time.perf_counter() - clock
        return act

    def record(
        self,
        view: np.ndarray,
        senses: np.ndarray,
        reward: np.ndarray,
        done: np.ndarray,
        success: np.ndarray,
    ) -> bool:
        """Complete the step :meth:`choose` began with what followed: ``view[N, ...]``,
        ``senses[N, S]``, ``reward[N]``, ``done[N]`` (terminated or truncated) and
        ``success[N]``; learns when a chunk is full.

        Returns
        -------
        bool
            Whether the energy the infants feel (an 8-bit sense) changed, so that the
            caller writes :attr:`energy` into the world.
        """
        t, n = self._t, self.n
        self._reward[:, t] = reward
        self._done[:, t] = done
        self._view[:, t + 1] = view.reshape(n, *self._view.shape[2:])
        self._senses[:, t + 1] = senses
        mode = self.mode
        # (np.clip and np.array_equal cost several times these ufuncs at this size.)
        energy = self.energy - self._drain[mode]
        self.energy = np.minimum(np.maximum(energy, 0.0, out=energy), 1.0, out=energy)
        felt = np.round(energy * 255)
        changed = bool((felt != self._felt).any())  # the sense is 8-bit: often unchanged
        if changed:
            self._felt = felt
        acting = mode == ACT
        self.real_steps += acting | (mode == OBSERVE)
        self.acting_steps += acting
        self._ep_return += reward
        self._ep_idle += ~acting
        if done.any():
            idx = np.flatnonzero(done)
            self._episodes.append(
                {
                    "step": np.full(idx.size, self.steps, dtype=np.int64),
                    "infant": idx,
                    "age_months": np.full(idx.size, self.age_months),
                    "acting_steps": self.acting_steps[idx].copy(),
                    "mode": mode[idx].copy(),
                    "success": success[idx].copy(),
                    "return": self._ep_return[idx].copy(),
                    "idle_steps": self._ep_idle[idx].copy(),
                }
            )
            self._ep_return[idx] = 0.0
            self._ep_idle[idx] = 0
        self.steps += 1
        self._t += 1
        if self._t == self.config.chunk:
            tick = time.perf_counter()
            self.learn()
            self.timing["learning"] += time.perf_counter() - tick
        return changed

    def step(self, world):
        """One world step for this cohort alone, with the world's scripted caregiver:
        a shortcut for a one-step :class:`~infancy.curricula.driver.Driver` (the same
        loop, the same numbers).

        Returns the world's :class:`~infancy.worlds.core.engine.StepResult`.
        """
        return self._driver(world).step()

    def live(self, world, steps: int) -> None:
        """Run ``steps`` world steps (learning as chunks fill), as :meth:`step`."""
        self._driver(world).run(steps)

    def _driver(self, world):
        from infancy.curricula.driver import Driver  # the loop lives with the curricula

        d = self.__dict__.get("_own_driver")
        if d is None or d.world is not world:
            self._check_world(world)
            d = self._own_driver = Driver(world, self)
        return d

    # ------------------------------------------------------------------ learning
    def learn(self) -> dict[str, Any]:
        """Learn from the chunk just lived, then let M decide the next one."""
        n, t = self.n, self._t
        act = self.action
        mode = act["mode"]
        x = self.features(self._view[:, : t + 1], self._senses[:, : t + 1])
        action = torch.from_numpy(self._action[:, :t])
        reward = torch.from_numpy(self._reward[:, :t])
        done = torch.from_numpy(self._done[:, :t])
        awake = torch.from_numpy(mode != SLEEP)
        valid = awake[:, None].expand(n, t)
        # A: the chunk plus replayed memories (M's replay ratio, per infant).
        batch = Transitions(x.t(0, t), action, x.t(1), reward, valid, done)
        replay = math.ceil(float(act["replay_ratio"].max()) * t)
        mem = self.memory.sample(replay, self.rng) if replay else None
        if mem is not None:
            take = np.arange(replay)[None] < np.round(act["replay_ratio"] * t)[:, None]
            batch = batch.cat(self._remembered(mem, take & mem["held"][:, None]))
        # An infant that does not learn (``learning: false``, the ``no-learning`` preset)
        # lives, is assessed and keeps its memories, with every learning gate shut.
        learning = float(self.config.learning)
        gate_a = torch.as_tensor(act["gate_a"] * learning, dtype=torch.float32)
        sig = self.a.learn(batch, gate_a)
        # Words heard this chunk (a sleeping infant hears nothing).
        social, right, wrong = self._words(t, mode, act)
        # B: the acting infants' rollouts, rewards mixed as M says.
        stats: dict[str, Any] = {"mode": mode.copy()}
        gate_b = torch.as_tensor(act["gate_b"] * (mode == ACT) * learning, dtype=torch.float32)
        if bool((gate_b > 0).any()):
            w_int = torch.as_tensor(act["intrinsic_weight"], dtype=torch.float32)
            intrinsic = (sig["novelty_sample"][:, :t] - 1.0).clamp(-1.0, 3.0)
            mixed = reward + w_int[:, None] * intrinsic
            with torch.no_grad():
                z_last = self.a.encode(x.t(t, t + 1))[:, 0]
                last_value = self.b(z_last[:, None])[1][:, 0]
            rollout = {
                "z": self._z[:, :t],
                "action": action,
                "logp": self._logp[:, :t],
                "value": self._value[:, :t],
                "reward": mixed,
                "done": done.float(),
                "last_value": last_value,
            }
            stats.update(self.b.learn(rollout, gate_b))
        dreaming = ((mode == IMAGINE) | (mode == SLEEP)) & bool(learning)
        if dreaming.any():
            stats.update(self.consolidate(dreaming))
            stats.update(self.imagine(dreaming))
        # Memory keeps what was salient.
        # Surprise relative to the infant's own recent level (capped), so that salience
        # stays comparable as A's error falls and a reward or a word can outweigh it.
        err = sig["error_sample"][:, :t].numpy() * ~self._done[:, :t]
        surprise = np.minimum(err / (err.mean(1, keepdims=True) + 1e-6), 3.0)
        salience = surprise + social + 5.0 * np.abs(self._reward[:, :t])
        keep = valid.numpy() & (salience >= act["store_threshold"][:, None])
        self.memory.store(
            {
                "view": self._view[:, :t],
                "senses": self._senses[:, :t],
                "action": self._action[:, :t],
                "reward": self._reward[:, :t],
                "terminal": self._done[:, :t],
                "view_next": self._view[:, 1 : t + 1],
                "senses_next": self._senses[:, 1 : t + 1],
            },
            salience,
            keep,
        )
        # Meta-states, then M's next decision.
        s = self._signals
        learned = act["gate_a"] > 0
        pe = sig["prediction_error"].numpy()
        s["pe_fast"] = np.where(learned, 0.5 * s["pe_fast"] + 0.5 * pe, s["pe_fast"])
        s["pe_slow"] = np.where(learned, 0.9 * s["pe_slow"] + 0.1 * pe, s["pe_slow"])
        acted = mode == ACT
        ret = self._reward[:, :t].sum(1)
        s["ret_fast"] = np.where(acted, 0.5 * s["ret_fast"] + 0.5 * ret, s["ret_fast"])
        s["ret_slow"] = np.where(acted, 0.9 * s["ret_slow"] + 0.1 * ret, s["ret_slow"])
        restrained = (self._senses[:, :t, S_RESTRAINED] > 0).mean(1)
        frustrated = np.maximum(restrained, acted * (ret <= 0))
        s["stress"] = 0.8 * s["stress"] + 0.2 * frustrated
        s["trust_right"] += right
        s["trust_wrong"] += wrong
        self.meta = self._meta_state(
            {k: sig[k].numpy() for k in ("prediction_error", "uncertainty", "novelty")},
            social=social.mean(1),
        )
        self._view[:, 0] = self._view[:, t]
        self._senses[:, 0] = self._senses[:, t]
        self._t = 0
        self.action = self.m.decide(self.meta, self.age_months, self.steps)
        stats.update({k: v for k, v in sig.items() if not k.endswith("_sample")})
        self.last_stats = stats
        return stats

    def _meta_state(
        self, a_signals: dict[str, np.ndarray], social: np.ndarray
    ) -> dict[str, np.ndarray]:
        s = self._signals
        prior_r, prior_w = self.config.m.trust_prior
        trust = (prior_r + s["trust_right"]) / (
            prior_r + prior_w + s["trust_right"] + s["trust_wrong"]
        )
        meta = {
            **{k: np.asarray(v, dtype=np.float64) for k, v in a_signals.items()},
            "lp_a": s["pe_slow"] - s["pe_fast"],
            "lp_b": s["ret_fast"] - s["ret_slow"],
            "energy": self.energy.copy(),
            "stress": s["stress"].copy(),
            "social": np.asarray(social, dtype=np.float64),
            "trust": trust,
            "memories": self.memory.sizes().astype(np.float64),
        }
        return meta

    def _words(self, t: int, mode: np.ndarray, act: dict[str, np.ndarray]):
        return self.hear(
            self._view[:, :t],
            self._senses[:, :t],
            mode=mode,
            one_shot=act["one_shot"],
            learn=self.config.learning,
        )

    def hear(
        self,
        view: np.ndarray,
        senses: np.ndarray,
        *,
        mode: np.ndarray | None = None,
        one_shot: np.ndarray | None = None,
        learn: bool = True,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Word learning from observations ``view[N, T, C, V, V]``, ``senses[N, T, S]``.

        A heard word is associated a little with every visible kind; when the step is
        communicative (eye contact, or the caregiver's gaze or point on a toy, plus the
        word) the cued kind gets ``one_shot`` (M's meta-action; the current decision by
        default) at once; with ``learn`` false the cues are read but nothing is learned.
        Returns social salience per step (``[N, T]``) and the counts of names that proved
        right and wrong (evidence for trust)."""
        mode = self.mode if mode is None else mode
        one_shot = self.action["one_shot"] if one_shot is None else one_shot
        n, t = view.shape[:2]
        visible = np.zeros((n, t, self.n_kinds + 1), dtype=np.float32)
        cued = np.zeros_like(visible)
        word = np.empty((n, t), dtype=np.int64)
        communicative = np.empty((n, t), dtype=np.bool_)
        social = np.empty((n, t), dtype=np.float64)
        _cues(
            np.ascontiguousarray(view, dtype=np.uint8).reshape(n, t, view.shape[2], -1),
            np.ascontiguousarray(senses, dtype=np.uint8),
            np.ascontiguousarray(mode != SLEEP),
            cue_rays(int(self.view_size)),
            visible,
            cued,
            word,
            communicative,
            social,
        )
        if not learn:  # cues read (for salience), nothing learned
            return social, np.zeros(n), np.zeros(n)
        right, wrong = self.a.learn_words(
            torch.from_numpy(word),
            torch.from_numpy(visible),
            torch.from_numpy(cued),
            torch.from_numpy(communicative),
            torch.as_tensor(one_shot, dtype=torch.float32),
        )
        return social, right.numpy(), wrong.numpy()

    def _remembered(self, mem: dict[str, np.ndarray], valid: np.ndarray) -> Transitions:
        """Transitions from a memory sample (``valid[N, S]``: which ones count)."""
        return Transitions(
            self.features(mem["view"], mem["senses"]),
            torch.from_numpy(mem["action"]),
            self.features(mem["view_next"], mem["senses_next"]),
            torch.from_numpy(mem["reward"]),
            torch.from_numpy(valid),
            torch.from_numpy(mem["terminal"]),
        )

    def consolidate(self, dreaming: np.ndarray) -> dict[str, Any]:
        """Offline replay: ``dream_updates`` extra updates of A on memories, each
        followed by ``dream_head_steps`` updates of its predictor and reward heads alone,
        for the ``dreaming`` infants only (the world is not acted on: this costs compute,
        not experience)."""
        c = self.config
        stats: dict[str, Any] = {}
        for _ in range(c.dream_updates):
            mem = self.memory.sample(c.dream_batch, self.rng)
            if mem is None:
                break
            held = np.repeat(mem["held"][:, None], mem["action"].shape[1], 1)
            batch = self._remembered(mem, held)
            gate = torch.as_tensor(dreaming & mem["held"], dtype=torch.float32)
            out = self.a.learn(batch, gate)
            self.a.refine(batch, gate, c.dream_head_steps)
            stats["dream_prediction_error"] = out["prediction_error"]
        return stats

    def imagine(self, dreaming: np.ndarray) -> dict[str, Any]:
        """Imagination: roll memories forward with A's world model under B's policy; B
        learns from the successful imagined trajectories. Only ``dreaming`` infants
        (with memories) learn."""
        c = self.config
        mem = self.memory.sample(c.imagine_starts, self.rng)
        if mem is None:
            return {}
        gate = torch.as_tensor(dreaming & mem["held"], dtype=torch.float32)
        with torch.no_grad():
            z = self.a.encode(self.features(mem["view"], mem["senses"]))
            zs, acts, rews = [], [], []
            for _ in range(c.imagine_horizon):
                logits = self.b(z)[0]
                probs = torch.softmax(logits, -1).reshape(-1, self.n_actions)
                a = torch.multinomial(probs, 1, generator=self.gen).view(z.shape[:2])
                z_next, r = self.a.predict(z, a)
                zs.append(z)
                acts.append(a)
                rews.append(r)
                z = z_next
            rew = torch.stack(rews, -1)  # [N, S, H]
            # An imagined episode ends at its first success (as a real one does).
            hit = rew >= c.imagine_success
            before = torch.cumsum(hit.float(), -1) - hit.float()
            alive = before == 0
            rew = rew * alive
            gamma = self.b.config.gamma
            ret = torch.zeros_like(rew)
            # Bootstrap from the critic where the imagined episode is still going at the
            # horizon: a truncated imagination is not a failure.
            still = alive[..., -1] & ~hit[..., -1]
            running = torch.where(still, self.b(z)[1], 0.0)
            for h in range(rew.shape[-1] - 1, -1, -1):
                running = rew[..., h] + gamma * running
                ret[..., h] = running
            success = hit.any(-1)
        imagined = {
            "z": torch.stack(zs, 2),
            "action": torch.stack(acts, 2),
            "ret": ret,
            "success": success,
            "alive": alive,
        }
        stats = self.b.learn_imagined(imagined, gate)
        stats["imagined_success"] = success.float().mean(1)
        return stats

    # ------------------------------------------------------------------ probes
    def frozen(self) -> Cohort:
        """An independent copy for assessments: same parameters, memory and state;
        nothing done with it changes this cohort."""
        arrays, meta = self.state_dict()
        twin = Cohort(
            self.config,
            self.n,
            seed=self.seed,
            rules=self.rules,
            view_size=self.view_size,
            months_per_step=self.months_per_step,
        )
        twin.load_state_dict({k: v.copy() for k, v in arrays.items()}, meta)
        return twin

    @torch.inference_mode()
    def act(
        self, view: np.ndarray, senses: np.ndarray, generator: torch.Generator | None = None
    ) -> np.ndarray:
        """B's actions for observations ``view[N, C, V, V]``, ``senses[N, S]`` with no
        learning and no record (probes); samples with ``generator`` (the cohort's own by
        default)."""
        action, _, _, _ = self._infer(view, senses, self.gen if generator is None else generator)
        return action.numpy()

    # ------------------------------------------------------------------ read-outs
    def episodes(self):
        """Finished episodes as a tidy ``pandas.DataFrame``: ``step``, ``infant``,
        ``age_months``, ``acting_steps`` (the infant's total so far), ``mode`` at the end,
        ``success``, ``return`` and ``idle_steps`` (steps of the episode spent not
        acting: observing, imagining or asleep while the world went on)."""
        import pandas as pd

        if not self._episodes:
            return pd.DataFrame(
                columns=[
                    "step",
                    "infant",
                    "age_months",
                    "acting_steps",
                    "mode",
                    "success",
                    "return",
                ]
            )
        cols = {k: np.concatenate([e[k] for e in self._episodes]) for k in self._episodes[0]}
        return pd.DataFrame(cols)

    def drain_episodes(self):
        """:meth:`episodes`, then forget them (a run store takes them in pieces)."""
        out = self.episodes()
        self._episodes = []
        return out

    def vocabulary(self) -> np.ndarray:
        """Words each infant comprehends, ``bool[N, W]`` (column j is word ``j``; the
        vocabulary starts at column 1)."""
        return self.a.comprehends().numpy()

    def surprise(self, view: np.ndarray, senses: np.ndarray, action: np.ndarray) -> np.ndarray:
        """Looking time: A's normalised prediction error along ``[N, T+1]`` observations
        and ``[N, T]`` actions (no learning)."""
        x = self.features(view, senses)
        tt = action.shape[1]
        batch = Transitions(
            x.t(0, tt),
            torch.as_tensor(action, dtype=torch.int64),
            x.t(1, tt + 1),
            torch.zeros(action.shape),
            torch.ones(action.shape, dtype=torch.bool),
            torch.zeros(action.shape, dtype=torch.bool),
        )
        return self.a.surprise(batch).numpy()

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Arrays (for safetensors) and a JSON-serialisable mapping that together
        restore the cohort exactly."""
        arrays: dict[str, np.ndarray] = {}
        for prefix, module in (("a", self.a), ("b", self.b)):
            for k, v in module.state_dict().items():
                arrays[f"{prefix}.{k}"] = v.detach().numpy().copy()
            for name, opt in _optimisers(module):
                for k, v in opt.state_tensors(f"{prefix}.{name}").items():
                    arrays[k] = v.detach().numpy().copy()
        for k, v in self.memory.state_arrays().items():
            arrays[f"memory.{k}"] = v
        for k, v in self.m.m.state_arrays().items():
            arrays[f"m.{k}"] = np.asarray(v)
        for k, v in self.m.audit.columns().items():
            arrays[f"audit.{k}"] = v.astype(np.uint8) if v.dtype == bool else v
        if self._episodes:
            for k in self._episodes[0]:
                v = np.concatenate([e[k] for e in self._episodes])
                arrays[f"episodes.{k}"] = v.astype(np.uint8) if v.dtype == bool else v
        for k, v in self._signals.items():
            arrays[f"signals.{k}"] = v
        for k, v in self.meta.items():
            arrays[f"meta.{k}"] = v
        for k, v in self.action.items():
            arrays[f"action.{k}"] = v
        arrays.update(
            {
                "buf.view": self._view,
                "buf.senses": self._senses,
                "buf.action": self._action,
                "buf.reward": self._reward,
                "buf.done": self._done.astype(np.uint8),
                "buf.logp": self._logp.numpy(),
                "buf.value": self._value.numpy(),
                "buf.z": self._z.numpy(),
                "energy": self.energy,
                "real_steps": self.real_steps,
                "acting_steps": self.acting_steps,
                "ep_return": self._ep_return,
                "ep_idle": self._ep_idle,
                "torch_rng": self.gen.get_state().numpy(),
            }
        )
        meta = {
            "version": CHECKPOINT_VERSION,
            "config": self.config.model_dump(mode="json"),
            "n": self.n,
            "seed": self.seed,
            "view_size": self.view_size,
            "months_per_step": self.months_per_step,
            "t": self._t,
            "primed": self._primed,
            "steps": self.steps,
            "numpy_rng": self.rng.bit_generator.state,
            "violations": self.m.violations,
            "override": {k: np.asarray(v).tolist() for k, v in self.m.overridden.items()},
            "audit_columns": list(self.m.audit.columns()),
            "episode_columns": list(self._episodes[0]) if self._episodes else [],
        }
        return {k: np.ascontiguousarray(v) for k, v in arrays.items()}, meta

    def save(self, path: str | Path) -> Path:
        """Write ``infant.safetensors`` and ``infant.json`` into the folder ``path``."""
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        arrays, meta = self.state_dict()
        save_file(arrays, str(p / "infant.safetensors"))
        (p / "infant.json").write_text(json.dumps(meta, indent=1))
        return p

    @classmethod
    def load(cls, path: str | Path, rules: Rules | None = None) -> Cohort:
        """A cohort restored from :meth:`save` (no pickle: safetensors and JSON)."""
        p = Path(path)
        source = p / "infant.json"
        try:
            meta = json.loads(source.read_text())
            arrays = load_file(str(p / "infant.safetensors"))
        except FileNotFoundError as exc:
            raise ValueError(f"{p}: not an infant checkpoint ({exc.filename} is missing)") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}: not valid JSON (line {exc.lineno})") from None
        if not isinstance(meta, dict):
            raise ValueError(f"{source}: expected a mapping at the top level")
        if meta.get("version") != CHECKPOINT_VERSION:
            raise ValueError(f"{source}: version: expected {CHECKPOINT_VERSION}")
        missing = [
            k for k in ("config", "n", "seed", "view_size", "months_per_step") if k not in meta
        ]
        if missing:
            raise ValueError(f"{source}: {missing[0]}: missing")
        n = meta["n"]
        if type(n) is not int or n < 1 or arrays.get("energy", np.zeros(0)).shape[:1] != (n,):
            have = arrays["energy"].shape[0] if "energy" in arrays else "no"
            raise ValueError(f"{source}: n: {n!r} does not match the arrays ({have} infants)")
        cohort = cls(
            InfantConfig.from_dict(meta["config"], source=str(source)),
            n,
            seed=meta["seed"],
            rules=rules,
            view_size=meta["view_size"],
            months_per_step=meta["months_per_step"],
        )
        try:
            cohort.load_state_dict(arrays, meta)
        except (KeyError, IndexError, RuntimeError, TypeError, ValueError) as exc:
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ValueError(f"{p}: the arrays do not match {source.name} ({why})") from None
        return cohort

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` into this cohort (same config and size)."""
        for prefix, module in (("a", self.a), ("b", self.b)):
            opts = _optimisers(module)
            opt_prefixes = tuple(f"{prefix}.{name}." for name, _ in opts)
            sd = {
                k[len(prefix) + 1 :]: torch.from_numpy(v.copy())
                for k, v in arrays.items()
                if k.startswith(prefix + ".") and not k.startswith(opt_prefixes)
            }
            module.load_state_dict(sd)
            for name, opt in opts:
                p = f"{prefix}.{name}."
                state = {
                    k: torch.from_numpy(v.copy()) for k, v in arrays.items() if k.startswith(p)
                }
                opt.load_state_tensors(f"{prefix}.{name}", state)
        self.memory.load_state_arrays(
            {k[len("memory.") :]: v for k, v in arrays.items() if k.startswith("memory.")}
        )
        self.m.m.load_state_arrays({k[2:]: v for k, v in arrays.items() if k.startswith("m.")})
        audit = {c: arrays[f"audit.{c}"] for c in meta["audit_columns"]}
        for col in ("overridden", *(f"violated_{k}" for k in CONSTRAINTS)):
            if col in audit:
                audit[col] = audit[col].astype(bool)
        self.m.audit.load_columns(audit)
        self.m.violations = {k: int(v) for k, v in meta["violations"].items()}
        self.m.release()
        if meta["override"]:
            self.m.override(**{k: np.asarray(v) for k, v in meta["override"].items()})
        if meta["episode_columns"]:
            ep = {c: arrays[f"episodes.{c}"] for c in meta["episode_columns"]}
            ep["success"] = ep["success"].astype(bool)
            self._episodes = [ep]
        else:
            self._episodes = []
        self._signals = {k: arrays[f"signals.{k}"].copy() for k in self._signals}
        self.meta = {k[5:]: v.copy() for k, v in arrays.items() if k.startswith("meta.")}
        self.action = {k[7:]: v.copy() for k, v in arrays.items() if k.startswith("action.")}
        self._view[...] = arrays["buf.view"]
        self._senses[...] = arrays["buf.senses"]
        self._action[...] = arrays["buf.action"]
        self._reward[...] = arrays["buf.reward"]
        self._done[...] = arrays["buf.done"].astype(bool)
        self._logp.copy_(torch.from_numpy(arrays["buf.logp"]))
        self._value.copy_(torch.from_numpy(arrays["buf.value"]))
        self._z.copy_(torch.from_numpy(arrays["buf.z"]))
        self.energy = arrays["energy"].copy()
        self.real_steps = arrays["real_steps"].copy()
        self.acting_steps = arrays["acting_steps"].copy()
        self._ep_return = arrays["ep_return"].copy()
        self._ep_idle = arrays["ep_idle"].copy()
        self.gen.set_state(torch.from_numpy(arrays["torch_rng"].copy()))
        self.rng.bit_generator.state = meta["numpy_rng"]
        self._t = int(meta["t"])
        self._primed = bool(meta["primed"])
        self.steps = int(meta["steps"])
