"""The batched engine: B worlds of one scenario stepped together.

This is the fast path (``infancy.worlds.make_batch``). The PettingZoo and Gymnasium
environments are thin views on a batch of one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import kernels
from .codes import (
    CAREGIVER_ACTION_FIELDS,
    CAREGIVER_CHANNELS,
    INFANT_ACTIONS,
    SENSES,
    VIEW_CHANNELS,
)
from .draws import fill_uniforms, fill_uniforms_serial
from .geometry import box_view, ray_table, sight_mask, world_offsets
from .state import KernelState, State, allocate_state, kernel_state, take_worlds

if TYPE_CHECKING:
    from ..rules import BodyProfile
    from ..scenarios.base import Scenario

__all__ = ["BatchWorld", "StepResult"]

N_SCRIPT_UNIFORMS = 8
LOCOMOTION_CODE = {"none": 0, "crawl": 1, "walk": 2}
POSTURE_CODE = {"lying": 0, "sitting": 1, "crawling": 2, "standing": 3}


# Below this many worlds a step runs the serial twins of the batch kernels: waking a
# second thread for a few worlds costs more than it saves (a batched step at B=1 took
# 42 us on two threads and 26 us on one; the two are equal near 32 worlds;
# docs/architecture.md has the measurements), and the serial twins compile in a
# fraction of the parallel ones' time. Both give the same numbers (tested).
SERIAL_BELOW = 32


class _Kernels(NamedTuple):
    """The batch kernels a world steps with: parallel ones or their serial twins."""

    fill_uniforms: Callable[..., None]
    refresh_worlds: Callable[..., None]
    step_observe: Callable[..., None]
    observe: Callable[..., None]


_PARALLEL = _Kernels(fill_uniforms, kernels.refresh_worlds, kernels.step_observe, kernels.observe)
_SERIAL = _Kernels(
    fill_uniforms_serial,
    kernels.refresh_worlds_serial,
    kernels.step_observe_serial,
    kernels.observe_serial,
)


def _kernel_array(arr: np.ndarray) -> np.ndarray:
    """A writable C-contiguous ``int64`` copy of ``arr``.

    Numba compiles a kernel once per argument *type*, and a read-only or strided array
    is a different type from a plain one: without this, the actions' origin (a broadcast
    scalar, the scripted caregiver's buffer) and the batch size decided which of four
    versions of the step kernel ran, each a minute's compile on a fresh machine.
    """
    return np.array(arr, dtype=np.int64, order="C")


@dataclass
class StepResult:
    """What one batched step returns. Arrays have leading axis B (worlds).

    Attributes
    ----------
    view, senses
        Infant observations, ``uint8[B, N, C, V, V]`` and ``uint8[B, N, S]`` (after an
        automatic reset, the first observation of the new episode).
    reward
        ``float32[B, N]``.
    terminated
        ``bool[B, N]``: the infant's episode ended (success, a final choice, or the
        scenario's script finished).
    truncated
        ``bool[B, N]``: the episode hit ``max_cycles``.
    info
        Arrays ``success``, ``looking``, ``holding``, ``grasped``, ``target``,
        ``phase``, ``trial`` and the scenario's named extras.
    """

    view: np.ndarray
    senses: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    info: dict[str, np.ndarray]


class BatchWorld:
    """B worlds of one scenario, stepped by compiled kernels.

    Parameters
    ----------
    scenario
        A configured :class:`~infancy.worlds.scenarios.base.Scenario`.
    batch_size
        Number of worlds B.
    seed
        Seed of the engine's random generator (every random draw goes through it).
    autoreset
        Reset a world as soon as its episode is over, inside :meth:`step`.
    track_seen
        Keep ``state.seen_map`` (which cells each infant sees) up to date every step.
        Only pictures and the caregiver's observation use it; when off, they compute it
        on demand (:meth:`update_seen`), which saves about a tenth of a batched step.
    """

    view_channels = VIEW_CHANNELS
    senses_names = SENSES
    infant_actions = INFANT_ACTIONS
    caregiver_action_fields = CAREGIVER_ACTION_FIELDS
    caregiver_channels = CAREGIVER_CHANNELS

    def __init__(
        self,
        scenario: Scenario,
        batch_size: int = 1,
        *,
        seed: int | None = None,
        autoreset: bool = False,
        track_seen: bool = True,
    ) -> None:
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size: expected a positive integer, got {batch_size!r}")
        self.scenario = scenario
        self.rules = scenario.rules
        self.batch_size = int(batch_size)
        self.n_infants = scenario.config.n_infants
        self.max_cycles = scenario.config.max_cycles
        self.autoreset = autoreset
        self.track_seen = track_seen
        self.view_size = self.rules.body.view_size
        self.height, self.width = scenario.height, scenario.width
        if max(self.height, self.width) > kernels.MAX_GRID:
            raise ValueError(
                f"{scenario.id}: grid {self.height}x{self.width} is larger than the "
                f"engine's {kernels.MAX_GRID} cells a side"
            )
        self.n_objects = scenario.n_objects
        self.state: State = allocate_state(
            self.batch_size,
            self.n_infants,
            self.n_objects,
            self.height,
            self.width,
            self.view_size,
        )
        self._kstate: KernelState = kernel_state(self.state)
        self._all_worlds = np.ones(self.batch_size, dtype=np.bool_)
        # Lookup tables the kernels read.
        self._kind_flags = self.rules.kind_flags()
        self._kind_words = self.rules.kind_words()
        self._n_colours = len(self.rules.colour_names)
        body = self.rules.body
        self._move_success = np.array(
            [body.move_success[k] for k in ("none", "crawl", "walk")], dtype=np.float64
        )
        posture_code = np.array(
            [POSTURE_CODE[body.posture[k]] for k in ("none", "crawl", "walk")], dtype=np.uint8
        )
        self._rays = ray_table(self.height, self.width)
        # What the observation reads besides the state, in the kernels' argument order
        # (view and line-of-sight offsets, the closed-box view, rays, postures).
        self._observation_tables = (
            *world_offsets(self.view_size),
            box_view(self.height, self.width, self.view_size),
            self._rays,
            posture_code,
        )
        # One row of caregiver habits per world, so a curriculum can give each infant
        # the caregiver of its own stage.
        self._habits = np.tile(scenario.habits_array(), (self.batch_size, 1))
        self._params = scenario.params_array()
        self._judge_rule = np.array(scenario.judge_rule(), dtype=np.int64)
        self.view = np.zeros(
            (self.batch_size, self.n_infants, len(VIEW_CHANNELS), self.view_size, self.view_size),
            dtype=np.uint8,
        )
        self.senses = np.zeros((self.batch_size, self.n_infants, len(SENSES)), dtype=np.uint8)
        self._view_flat = self.view.reshape(self.batch_size, self.n_infants, -1)  # same memory
        self.caregiver_actions = np.zeros((self.batch_size, 7), dtype=np.int64)
        self.caregiver_space_sizes = np.array(scenario.caregiver_action_sizes(), dtype=np.int64)
        self._rng = np.random.default_rng(seed)
        self._planned_u: np.ndarray | None = None
        self._needs_reset = True
        self.set_abilities(scenario.profile)
        self.state.energy[...] = 255

    # ------------------------------------------------------------------ set-up
    @property
    def _k(self) -> _Kernels:
        # read at each call, so that a test can move SERIAL_BELOW
        return _SERIAL if self.batch_size < SERIAL_BELOW else _PARALLEL

    @property
    def target_count(self) -> int:
        """Number of caregiver target codes (see :mod:`.kernels`)."""
        return 1 + self.n_infants + self.n_objects + self.height * self.width

    def seed(self, seed: int | None) -> None:
        """Re-seed the engine's random generator."""
        self._rng = np.random.default_rng(seed)

    def rng_state(self) -> dict[str, Any]:
        """The generator's state (JSON-serialisable), for checkpoints."""
        return self._rng.bit_generator.state

    def set_rng_state(self, state: dict[str, Any]) -> None:
        """Restore the generator's state from :meth:`rng_state`."""
        self._rng.bit_generator.state = state

    def state_dict(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Everything needed to continue exactly from here: arrays (for safetensors)
        and a JSON-serialisable mapping (the generator's state and flags)."""
        arrays = {f"state.{k}": v.copy() for k, v in self.state._asdict().items()}
        arrays["view"] = self.view.copy()
        arrays["senses"] = self.senses.copy()
        arrays["caregiver_actions"] = self.caregiver_actions.copy()
        if self._planned_u is not None:
            arrays["planned_u"] = self._planned_u.copy()
        meta = {"rng": self.rng_state(), "needs_reset": self._needs_reset}
        return arrays, meta

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` (in place: the kernels keep their references)."""
        for k, v in self.state._asdict().items():
            src = arrays[f"state.{k}"]
            if src.shape != v.shape:
                raise ValueError(f"state.{k}: expected shape {v.shape}, got {src.shape}")
            v[...] = src
        self.view[...] = arrays["view"]
        self.senses[...] = arrays["senses"]
        self.caregiver_actions[...] = arrays["caregiver_actions"]
        self._planned_u = arrays["planned_u"].copy() if "planned_u" in arrays else None
        self.set_rng_state(meta["rng"])
        self._needs_reset = bool(meta["needs_reset"])
        # The derived maps are redrawn from the state rather than trusted: their
        # bookkeeping (``ray_key``) may come from an older version of the engine.
        self._k.refresh_worlds(self._kstate, self._all_worlds, self._kind_flags, self._rays)

    def set_abilities(
        self,
        profile: str | dict[str, Any] | BodyProfile,
        *,
        worlds: np.ndarray | slice | None = None,
        infants: np.ndarray | slice | int | None = None,
    ) -> None:
        """Switch body abilities on or off (a profile name or a mapping of overrides).

        Parameters
        ----------
        profile
            Name from ``body.yaml`` or a mapping such as ``{"profile": "crawler",
            "point": True}``.
        worlds, infants
            Which worlds and infants; all by default.
        """
        p = self.rules.profile(profile)
        w = slice(None) if worlds is None else worlds
        i = slice(None) if infants is None else infants
        st = self.state
        st.locomotion[w, i] = LOCOMOTION_CODE[p.locomotion]
        st.can_reach[w, i] = p.reach
        st.can_point[w, i] = p.point
        st.can_vocalise[w, i] = p.vocalise
        st.sight[w, i] = sight_mask(self.view_size, p.view_range, p.fov_degrees)

    def set_habits(
        self,
        overrides: dict[str, Any] | None = None,
        *,
        worlds: np.ndarray | slice | None = None,
    ) -> None:
        """Change the scripted caregiver's habits from the next step on (a mapping of
        ``caregiver.yaml`` keys over the world's own habits; ``None`` restores them), in
        all worlds or those indexed by ``worlds``. Curricula use it as the caregiver's
        behaviour changes with the infant's age."""
        base = self.scenario.habits.model_dump()
        habits = self.rules.habits({**base, **(overrides or {})})
        self._habits[slice(None) if worlds is None else worlds] = self.scenario.habits_array(habits)

    def set_energy(self, energy: np.ndarray) -> None:
        """Set the energy the infants feel (0..1 floats, shape ``[B, N]``), shown in
        their senses until changed."""
        e = np.clip(np.asarray(energy, dtype=np.float64), 0.0, 1.0)
        self.state.energy[...] = np.round(e * 255).astype(np.uint8)

    # ------------------------------------------------------------------ episodes
    def reset(
        self, seed: int | None = None, worlds: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start new episodes in all worlds (or those in the boolean mask ``worlds``).

        Returns
        -------
        view, senses
            The first observations (views of the engine's buffers).
        """
        if seed is not None:
            self.seed(seed)
        mask = np.ones(self.batch_size, dtype=bool) if worlds is None else np.asarray(worlds, bool)
        idx = np.flatnonzero(mask)
        if idx.size:
            self._reset_worlds(idx, mask)
        self._needs_reset = False
        self._observe()
        return self.view, self.senses

    def _reset_worlds(self, idx: np.ndarray, mask: np.ndarray) -> None:
        st = self.state
        for name, arr in st._asdict().items():
            if name not in _PERSISTENT:
                arr[idx] = -1 if name in _MINUS_ONE else 0
        self.scenario.layout(st, idx, self._rng)
        # A new episode starts still: the vestibular senses compare with the start.
        n = self.n_infants
        st.felt_dir[idx] = st.agent_dir[idx, :n]
        st.felt_pos[idx] = st.agent_pos[idx, :n]
        self._k.refresh_worlds(self._kstate, mask, self._kind_flags, self._rays)
        self._planned_u = None

    def scripted_caregiver(self) -> np.ndarray:
        """The scripted caregiver's actions for the coming step, ``int64[B, 7]``.

        The scenario's script also keeps its own bookkeeping (phases, restraint); it
        runs once per step, here or inside :meth:`step`, whatever the caregiver
        actually does.
        """
        self._plan()
        return self.caregiver_actions.copy()

    def _plan(self) -> np.ndarray:
        if self._needs_reset:
            raise RuntimeError("call reset() before step()")
        if self._planned_u is None:
            b, n, k = self.batch_size, self.n_infants, self.n_objects
            u = np.empty((b, N_SCRIPT_UNIFORMS + n + 2 * k), dtype=np.float32)
            self._k.fill_uniforms(u, self._rng.integers(0, 2**64, dtype=np.uint64))
            self.scenario.direct(
                self._kstate,
                u,  # the script reads columns 0..N_SCRIPT_UNIFORMS-1
                self._habits,
                self._params,
                self._kind_words,
                self._kind_flags,
                self.caregiver_actions,
            )
            self._planned_u = u
        return self._planned_u

    def step(
        self,
        infant_actions: np.ndarray | int | dict[str, Any],
        caregiver_actions: np.ndarray | None = None,
    ) -> StepResult:
        """Advance every world by one step.

        Parameters
        ----------
        infant_actions
            ``int[B, N]`` (or anything broadcastable to it) from ``INFANT_ACTIONS``; or
            the whole action set keyed by role, ``{"infants": ..., "caregiver": ...}``
            (the caregiver's entry optional), as :class:`~infancy.curricula.driver.Driver`
            passes it.
        caregiver_actions
            ``int[B, 7]``; ``None`` lets the scripted caregiver act.

        Returns
        -------
        StepResult
        """
        if isinstance(infant_actions, dict):
            unknown = sorted(set(infant_actions) - {"infants", "caregiver"})
            if unknown or "infants" not in infant_actions or caregiver_actions is not None:
                raise ValueError(
                    "actions: expected the roles 'infants' and optionally 'caregiver', got "
                    f"{sorted(infant_actions)}"
                )
            caregiver_actions = infant_actions.get("caregiver")
            infant_actions = infant_actions["infants"]
        b, n = self.batch_size, self.n_infants
        acts = self._check_infant_actions(infant_actions)
        cg = None if caregiver_actions is None else self._check_caregiver_actions(caregiver_actions)
        u = self._plan()  # after the checks: a rejected call changes nothing
        self._planned_u = None
        if cg is None:
            cg = self.caregiver_actions
        reward = np.empty((b, n), dtype=np.float32)
        terminated = np.empty((b, n), dtype=np.bool_)
        truncated = np.empty((b, n), dtype=np.bool_)
        episode_over = np.empty(b, dtype=np.bool_)
        self._k.step_observe(
            self._kstate,
            acts,
            cg,
            u,
            N_SCRIPT_UNIFORMS,
            self._kind_flags,
            self._move_success,
            int(self.scenario.habits.arm_reach),
            self._n_colours,
            self._view_flat,
            self.senses,
            *self._observation_tables,
            self.track_seen,
            float(self._params[0]),
            self._judge_rule,
            self.max_cycles,
            reward,
            terminated,
            truncated,
            episode_over,
        )
        info = self._info()
        if self.autoreset and episode_over.any():
            self._reset_worlds(np.flatnonzero(episode_over), episode_over)
            self._observe(episode_over)
        return StepResult(self.view, self.senses, reward, terminated, truncated, info)

    def _check_infant_actions(self, actions: Any) -> np.ndarray:
        n_actions = len(INFANT_ACTIONS)
        shape = (self.batch_size, self.n_infants)
        arr = np.asarray(actions)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"infant action: expected integers in 0..{n_actions - 1}, got {arr!r}")
        if arr.shape != shape:
            try:
                arr = np.broadcast_to(arr, shape)
            except ValueError:
                raise ValueError(
                    f"infant action: expected shape {shape}, got {arr.shape}"
                ) from None
        # Two reductions, not a mask: at a cohort's size the mask's ops were a third of
        # the check's cost; the mask is built only to name a bad action.
        if arr.min() < 0 or arr.max() >= n_actions:
            bad = (arr < 0) | (arr >= n_actions)
            raise ValueError(
                f"infant action: expected integers in 0..{n_actions - 1}, got {arr[bad][0]}"
            )
        return _kernel_array(arr)

    def _check_caregiver_actions(self, actions: Any) -> np.ndarray:
        arr = np.asarray(actions)
        if arr.dtype.kind not in "iu":
            raise ValueError(f"caregiver action: expected integers, got {arr!r}")
        try:
            arr = np.broadcast_to(arr, (self.batch_size, len(CAREGIVER_ACTION_FIELDS)))
        except ValueError:
            raise ValueError(
                f"caregiver action: expected shape ({self.batch_size}, 7), got {arr.shape}"
            ) from None
        sizes = self.caregiver_space_sizes
        bad = (arr < 0) | (arr >= sizes)
        if bad.any():
            j = int(np.argwhere(bad)[0, 1])
            raise ValueError(
                f"caregiver action: {CAREGIVER_ACTION_FIELDS[j]} must be in 0..{sizes[j] - 1}"
            )
        return _kernel_array(arr)

    def update_seen(self, world: int | None = None) -> None:
        """Bring ``state.seen_map`` up to date for one world (or all) when the engine
        does not track it every step."""
        if self.track_seen:
            return
        mask = self._all_worlds
        if world is not None:
            mask = np.zeros(self.batch_size, dtype=np.bool_)
            mask[world] = True
        self._observe(mask, track_seen=True)

    def _observe(self, worlds: np.ndarray | None = None, *, track_seen: bool | None = None) -> None:
        mask = self._all_worlds if worlds is None else worlds
        track = self.track_seen if track_seen is None else track_seen
        self._k.observe(
            self._kstate,
            self._view_flat,
            self.senses,
            *self._observation_tables,
            mask,
            track,
        )

    def _info(self) -> dict[str, np.ndarray]:
        st = self.state
        held = st.agent_hold[:, : self.n_infants]
        info = {
            "success": st.success.astype(bool),
            "looking": st.looking.copy(),
            "holding": held.copy(),
            "grasped": st.grasped.copy(),
            "target": st.target.copy(),
            "phase": st.phase.copy(),
            "trial": st.trial.copy(),
            "t": st.t.copy(),
        }
        for j, name in enumerate(self.scenario.aux_names):
            info[name] = st.aux[:, j].copy()
        return info

    def refresh(self, worlds: np.ndarray | None = None) -> None:
        """Rebuild derived maps and observations after editing ``state`` by hand
        (e.g. placing a toy for a demonstration or a probe)."""
        mask = np.ones(self.batch_size, dtype=bool) if worlds is None else np.asarray(worlds, bool)
        self._k.refresh_worlds(self._kstate, mask, self._kind_flags, self._rays)
        self._observe()

    @property
    def kernel_state(self) -> KernelState:
        """The state as the compiled kernels take it (shares memory with ``state``)."""
        return self._kstate

    # ------------------------------------------------------------------ views
    def caregiver_observation(self, world: int = 0) -> np.ndarray:
        """Allocentric planes seen by the caregiver of one world, ``uint8[6, H, W]``."""
        self.update_seen(world)
        out = np.zeros((len(CAREGIVER_CHANNELS), self.height, self.width), dtype=np.uint8)
        kernels.observe_caregiver(self._kstate, int(world), out)
        return out

    def world(self, index: int) -> State:
        """A copy of one world's state (a batch of one)."""
        return take_worlds(self.state, np.array([index]))


# Infant properties that outlive an episode (curricula set them).
_PERSISTENT = {"energy", "locomotion", "can_reach", "can_point", "can_vocalise", "sight"}
_MINUS_ONE = {
    "obj_kind",
    "obj_holder",
    "obj_inside",
    "agent_hold",
    "grasped",
    "touched",
    "looking",
    "target",
    "obj_map",
    "agent_map",
}
