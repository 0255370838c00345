"""What every scenario shares: its config, its map, its script and its judge.

A scenario lays out its map (``layout``, vectorised over the worlds being reset, like
MiniGrid's ``_gen_grid``), directs the scripted caregiver each step (``direct``, a
compiled kernel that also keeps the scenario's phases) and says how each step's outcome
is judged (``judge_rule``: success, reward, termination). Mechanics stay in
:mod:`..core.kernels`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numba import njit
from pydantic import Field, ValidationError

from infancy.configfiles import ConfigModel

from ..core.codes import (
    CG_FLAG,
    CG_GAZE,
    CG_HAND,
    CG_HAND_TARGET,
    CG_POINT,
    CG_WORD,
    CONTAINER,
    FLAG_OSTENSIVE,
    FLAGS,
    GRASPABLE,
    MOVES,
    NORTH,
    WALL,
)
from ..core.state import State
from ..rules import BodyProfile, CaregiverHabits, Rules, load_rules

__all__ = ["Scenario", "WorldConfig"]

# Indices of the caregiver habits in the array the scripts read.
H_REL, H_LOOK, H_EYE, H_POINT, H_NAME, H_OST, H_FOLLOW, H_ATTEND, H_ARM, H_WHO = range(10)
HABIT_ORDER = (
    "reliability",
    "look_prob",
    "eye_contact_prob",
    "point_prob",
    "name_prob",
    "ostensive_prob",
    "follow_attention_prob",
    "attend_steps",
    "arm_reach",
    "attend_rule",
)
# Codes of ``attend_rule`` in the habits array (see caregiver.yaml).
ATTEND_RULES = ("turns", "nearest")


class WorldConfig(ConfigModel):
    """Parameters every world accepts (scenarios add their own)."""

    n_infants: int = Field(1, ge=1, le=4, description="Infants in each world.")
    max_cycles: int = Field(50, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict[str, Any] = Field(
        "walker", description="Body profile name from body.yaml, or a mapping of overrides."
    )
    caregiver: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of the caregiver habits."
    )
    success_reward: float = Field(1.0, description="Reward for reaching the scenario's goal.")


class Scenario:
    """Base class of scenarios. Subclasses set the class attributes and methods.

    Parameters
    ----------
    rules
        World rules (the shipped ones by default).
    **kwargs
        Values for the fields of the scenario's ``Config``.
    """

    id: ClassVar[str]
    Config: ClassVar[type[WorldConfig]] = WorldConfig
    height: int = 9
    width: int = 9
    n_objects: int = 6
    aux_names: ClassVar[tuple[str, ...]] = ()
    #: Whether episodes can end before ``max_cycles`` (success, a choice, a script's end).
    ends_early: ClassVar[bool] = True
    #: Most infants one world of this scenario holds (``n_infants``): a task staged for
    #: one infant (a hiding, a cue trial) says 1.
    max_infants: ClassVar[int] = 4

    def __init__(self, rules: Rules | None = None, **kwargs: Any) -> None:
        self.rules = rules if rules is not None else load_rules()
        try:
            self.config = self.Config(**kwargs)
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "(arguments)"
            if first["type"] == "extra_forbidden":
                known = sorted(self.Config.model_fields)
                raise ValueError(
                    f"{self.id}: unknown parameter {key!r}; known parameters: {known}"
                ) from None
            raise ValueError(f"{self.id}: parameter {key!r}: {first['msg']}") from None
        self.profile: BodyProfile = self.rules.profile(self.config.abilities)
        self.habits: CaregiverHabits = self.rules.habits(self.config.caregiver)
        # Tables the layouts use at every reset, computed once (resets are frequent in a
        # large batch: about B / max_cycles worlds every step).
        self._kind_colours = self.rules.kind_colours()
        flags = self.rules.kind_flags()
        words = self.rules.kind_words()
        self._graspable = np.flatnonzero(
            (flags & GRASPABLE).astype(bool) & (words > 0) & ~(flags & CONTAINER).astype(bool)
        )
        self._interiors: dict[tuple, np.ndarray] = {}
        self.check()

    # -- hooks for subclasses ------------------------------------------------------
    def check(self) -> None:
        """Validate combinations of parameters (raise ``ValueError`` naming them)."""

    def layout(self, st: State, idx: np.ndarray, rng: np.random.Generator) -> None:
        """Lay out the worlds ``idx``: walls, objects, agents, script start."""
        raise NotImplementedError

    def params_array(self) -> np.ndarray:
        """Parameters the script and judge kernels read: ``[0]`` is the success
        reward, then ``extra_params()``."""
        return np.array([self.config.success_reward, *self.extra_params()], dtype=np.float64)

    def judge_rule(self) -> tuple[bool, bool, bool]:
        """How each step is judged, as ``(use_look, terminate, any_choice_ends)``.

        An infant succeeds when it grasps (or, with ``use_look``, looks straight at)
        the caregiver's target: success, approval and the success reward. With
        ``terminate`` success ends that infant's episode; with ``any_choice_ends`` so
        does choosing any other toy (a forced-choice test). The engine's step kernel
        applies the rule (:func:`~infancy.worlds.core.kernels.judge_world`).
        """
        raise NotImplementedError

    def extra_params(self) -> tuple[float, ...]:
        """Scenario parameters for the kernels (index 1 onwards of ``params``)."""
        return ()

    def direct(self, st, u, habits, params, kind_words, kind_flags, out) -> None:
        """Write the scripted caregiver's actions into ``out[B, 7]``; keep phases.

        ``u[B, >= 8]`` holds the step's uniforms; a script reads columns 0 to 7 only
        (the rest are the mechanics').
        """
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------
    def habits_array(self, habits: CaregiverHabits | None = None) -> np.ndarray:
        """Caregiver habits (the world's own by default) as floats in ``HABIT_ORDER``."""
        h = self.habits if habits is None else habits
        return np.array(
            [
                float(ATTEND_RULES.index(h.attend_rule) if k == "attend_rule" else getattr(h, k))
                for k in HABIT_ORDER
            ]
        )

    def caregiver_action_sizes(self) -> tuple[int, ...]:
        """Sizes of the caregiver's MultiDiscrete action (see ``CAREGIVER_ACTION_FIELDS``)."""
        targets = 1 + self.config.n_infants + self.n_objects + self.height * self.width
        words = 1 + len(self.rules.vocabulary)
        return (len(MOVES), targets, targets, words, len(FLAGS), 3, targets)

    def object_code(self, k: int) -> int:
        """Target code of object slot ``k``."""
        return 1 + self.config.n_infants + k

    # -- layout helpers ------------------------------------------------------------
    def room(self, st: State, idx: np.ndarray) -> None:
        """Walls around the border, floor inside."""
        st.cells[idx] = 0
        st.cells[idx, 0, :] = WALL
        st.cells[idx, -1, :] = WALL
        st.cells[idx, :, 0] = WALL
        st.cells[idx, :, -1] = WALL

    def put(self, st: State, idx: np.ndarray, slot: int, kind: Any, pos: Any) -> None:
        """Put objects of ``kind`` (name, or index array) at ``pos`` (``[n, 2]`` or 2)."""
        kinds = np.broadcast_to(
            self.rules.kind_index(kind) if isinstance(kind, str) else np.asarray(kind),
            idx.shape,
        )
        st.obj_kind[idx, slot] = kinds
        st.obj_colour[idx, slot] = self._kind_colours[kinds]
        st.obj_pos[idx, slot] = np.broadcast_to(np.asarray(pos, dtype=np.int16), (idx.size, 2))

    def place_agent(self, st: State, idx: np.ndarray, agent: int, pos: Any, heading: Any) -> None:
        """Put an agent at ``pos`` facing ``heading`` (0 east, 1 south, 2 west, 3 north)."""
        st.agent_pos[idx, agent] = np.broadcast_to(np.asarray(pos, dtype=np.int16), (idx.size, 2))
        st.agent_dir[idx, agent] = np.broadcast_to(np.asarray(heading, dtype=np.int8), idx.shape)

    @staticmethod
    def distinct_cells(
        rng: np.random.Generator, n: int, candidates: np.ndarray, k: int
    ) -> np.ndarray:
        """``k`` distinct cells per world drawn from ``candidates[M, 2]``: ``[n, k, 2]``."""
        order = np.argsort(rng.random((n, len(candidates))), axis=1)[:, :k]
        return candidates[order]

    def interior(self, exclude: tuple[tuple[int, int], ...] = ()) -> np.ndarray:
        """Interior cells of the room except ``exclude``, ``int16[M, 2]`` (cached)."""
        cells = self._interiors.get(exclude)
        if cells is None:
            rows, cols = np.mgrid[1 : self.height - 1, 1 : self.width - 1]
            cells = np.stack([rows.ravel(), cols.ravel()], axis=1)
            keep = np.ones(len(cells), dtype=bool)
            for r, c in exclude:
                keep &= ~((cells[:, 0] == r) & (cells[:, 1] == c))
            cells = self._interiors[exclude] = cells[keep].astype(np.int16)
        return cells

    def graspable_kinds(self) -> np.ndarray:
        """Indices of kinds an infant can pick up and the caregiver can name (not
        containers)."""
        return self._graspable

    def caregiver_holds_toy(
        self, st: State, idx: np.ndarray, rng: np.random.Generator, slot: int
    ) -> None:
        """Put a toy of a random graspable kind in object ``slot``, in the caregiver's
        hand (the caregiver must be placed first)."""
        caregiver = self.config.n_infants
        kinds = self.distinct_kinds(rng, idx.size, 1)
        self.put(st, idx, slot, kinds[:, 0], st.agent_pos[idx, caregiver])
        st.obj_holder[idx, slot] = caregiver
        st.agent_hold[idx, caregiver] = slot

    def distinct_kinds(self, rng: np.random.Generator, n: int, k: int) -> np.ndarray:
        """``k`` distinct graspable, nameable kinds per world, ``[n, k]``."""
        pool = self.graspable_kinds()
        order = np.argsort(rng.random((n, len(pool))), axis=1)[:, :k]
        return pool[order]


# ---------------------------------------------------------------- script helpers
@njit(cache=True, inline="always")
def clear_action(out, b):
    for j in range(out.shape[1]):
        out[b, j] = 0


@njit(cache=True, inline="always")
def say_name(st, b, obj, u_rel, u_word, habits, kind_words, out, flag):
    """Say the word for ``obj`` (or, with probability 1 - reliability, a wrong one)."""
    correct = kind_words[st.obj_kind[b, obj]]
    if correct <= 0:
        return
    vocab = kind_words.max()
    word = correct
    if u_rel >= habits[b, H_REL] and vocab > 1:
        word = 1 + int(u_word * (vocab - 1))
        if word >= correct:
            word += 1
    out[b, CG_WORD] = word
    out[b, CG_FLAG] = flag


@njit(cache=True, inline="always")
def play_with(st, b, obj, u, habits, kind_words, out):
    """Everyday joint attention on ``obj``: look, sometimes seek eye contact, point and
    name, following the caregiver's habits. Reads uniforms ``u[b, 0..5]``."""
    n = st.done.shape[1]
    eye = 1 + st.cg_attends[b]  # the target code of the infant it attends to
    if obj < 0:
        out[b, CG_GAZE] = eye if u[b, 0] < habits[b, H_EYE] else 0
        return
    code = 1 + n + obj
    if u[b, 0] < habits[b, H_EYE]:
        out[b, CG_GAZE] = eye  # eye contact
    elif u[b, 0] < habits[b, H_EYE] + habits[b, H_LOOK] * (1.0 - habits[b, H_EYE]):
        out[b, CG_GAZE] = code
    if u[b, 1] < habits[b, H_POINT]:
        out[b, CG_POINT] = code
    if u[b, 2] < habits[b, H_NAME]:
        flag = FLAG_OSTENSIVE if u[b, 3] < habits[b, H_OST] else 0
        say_name(st, b, obj, u[b, 4], u[b, 5], habits, kind_words, out, flag)


@njit(cache=True, inline="always")
def choose_attended(st, b, habits):
    """Turn to the infant the caregiver attends to next (``st.cg_attends[b]``), by the
    ``attend_rule`` habit: ``turns`` takes each infant in turn, ``nearest`` the one
    closest to the caregiver (city-block; the lower index on a tie). One infant: 0."""
    n = st.done.shape[1]
    if n == 1:
        st.cg_attends[b] = 0
        return
    if habits[b, H_WHO] == 0:
        st.cg_attends[b] = (st.cg_attends[b] + 1) % n
        return
    best, who = 1 << 30, 0
    for i in range(n):
        d = abs(st.agent_pos[b, i, 0] - st.agent_pos[b, n, 0]) + abs(
            st.agent_pos[b, i, 1] - st.agent_pos[b, n, 1]
        )
        if d < best:
            best, who = d, i
    st.cg_attends[b] = who


@njit(cache=True, inline="always")
def pick_toy(st, b, u, kind_flags):
    """A uniformly chosen toy that is out in the room (graspable, not inside), or -1."""
    count = 0
    for k in range(st.obj_kind.shape[1]):
        if (
            st.obj_kind[b, k] >= 0
            and kind_flags[st.obj_kind[b, k]] & GRASPABLE
            and st.obj_inside[b, k] < 0
        ):
            count += 1
    if count == 0:
        return -1
    chosen = int(u * count)
    for k in range(st.obj_kind.shape[1]):
        if (
            st.obj_kind[b, k] >= 0
            and kind_flags[st.obj_kind[b, k]] & GRASPABLE
            and st.obj_inside[b, k] < 0
        ):
            if chosen == 0:
                return k
            chosen -= 1
    return -1


@njit(cache=True, inline="always")
def hold_infants(st, b, on):
    """Hold (restrain) every infant of world ``b`` facing north, towards the caregiver
    across the table, or let them go."""
    for i in range(st.done.shape[1]):
        st.restrained[b, i] = on
        if on:
            st.agent_dir[b, i] = NORTH


@njit(cache=True, inline="always")
def hand(out, b, op, code):
    out[b, CG_HAND] = op
    out[b, CG_HAND_TARGET] = code
