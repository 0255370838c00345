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

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numba import njit

from infancy.worlds.core.codes import (
    CELL_UNSEEN,
    CELL_WALL,
    CH_CELL,
    CH_GAZE,
    CH_KIND,
    CH_POINT,
    CONTAINER,
    FORWARD,
    GRASPABLE,
    INFANT_ACTIONS,
    OCCLUDER,
    REACH,
    S_EYE_CONTACT,
    S_HOLDING,
    S_MOVED,
    S_RESTRAINED,
    S_TURNED,
    S_WORD,
    SENSES,
    STAY,
    TURN_LEFT,
    TURN_RIGHT,
)
from infancy.worlds.core.geometry import cue_directions, cue_rays, egocentric_offsets
from infancy.worlds.rules import Rules, load_rules

from . import checkpoint, system_a, system_b, system_m  # noqa: F401  (registers the implementations)
from .base import ACT, IMAGINE, MODES, OBSERVE, SLEEP, Transitions, create
from .config import InfantConfig
from .control import Controller
from .memory import SalienceMemory, credit
from .nn import Obs, ObsEncoder, fused_policy
from .signals import Chunk, MetaSignals

__all__ = ["BORED", "CUE", "HABIT", "SECTORS", "Cohort", "Mind"]

CUE = 4
"""Size of the word cue B reads: the word in mind (the share of its hold left), how
strongly its toy is in view, and that toy's mean lateral and forward place in the view
(each in [-1, 1]). With ``b.cue_sectors`` :data:`SECTORS` more follow: the same place
coded by sector (:func:`_sectors`); ``Cohort.cue_size`` is the cue's whole size.

With no word in mind, or no word pathway (``b.word_pathway`` off), the cue is all 0,
unless ``b.orient`` (bottom-up orienting) is on: then its second to fourth slots are 1
and the place of the nearest object in view (none: 0), the first staying 0 so
that B tells the two apart. Of objects equally near, the first in the view's order
(further ahead, then further left) is taken, a bias no probe's answer depends on (the
probes' objects stand at equal distances on both sides, the answer drawn).

With ``b.follow`` (geometric joint attention) a caregiver in view whose arm or head
turns somewhere other than at the infant takes orienting's place: the place slots hold
the first object or wall along that direction in view; when the line leaves the
infant's sight coming towards it, where it reaches the infant's row (a toy beside the
infant is out of sight when the cue is given), or the next cell on when it passes
through the infant; when it leaves ahead, the last cell seen. The arm is read before
the head. The geometry is given, as it is to word learning
(:func:`_cues`); acting on it, B learns.

With the object file (``a.object_file``, see :class:`Mind`) and no toy in view, the
place slots hold where the filed toy went, carried through the body's felt turns and
moves, with its strength (fading with ``a.memory_span``) in the second slot: in place
of orienting when no word is in mind, and for a word in mind whose toy is out of sight
(if the word means the filed toy, or A knows no toy for it yet). So a toy hidden, or
left behind by a turn, is still somewhere to turn to and reach for."""


SECTORS = 4
"""Slots of the cue's sector code (``b.cue_sectors``): the cue's strength in the slot of
the sector its place lies in, to the left, to the right, ahead within reach (the cell in
front) or further ahead; 0 in the others (:func:`_sectors`)."""


HABIT = 3
"""Slots of the motor habit B reads (``b.habit``, after the word cue and its sectors):
how strong the habit is, and its place's lateral and forward offset in the body's frame
now (scaled as the word cue's place). The habit is where the infant's own reaches went
since it was last held (see :class:`Mind`); with ``b.cue_sectors`` :data:`SECTORS` more
follow, the habit's place by sector. This is the motor memory of Thelen, Schöner,
Scheier and Smith's (2001) account of the A-not-B error: each reach leaves a trace that
pulls the next reach its way, against what the object file says."""


BORED = 1
"""Slots of habituation B reads (``b.habituation``, last in the cue): the share of
``b.habituation_steps`` steps for which the infant's view has stayed the same while it
was free and awake (:func:`_habituate`). Sokolov's comparator: a scene that no longer
changes is looked away from; a surprise holds the gaze against it (``m.surprise_look``).
Looking time in the violation-of-expectation probe is the difference of the two."""


@njit(cache=True, nogil=True)
def _view_hash(view, i) -> np.int64:
    # FNV-1a over infant i's view bytes: "the same view" without keeping a copy of it.
    h = np.uint64(14695981039346656037)
    prime = np.uint64(1099511628211)
    flat = view[i].ravel()
    for k in range(flat.size):
        h = (h ^ np.uint64(flat[k])) * prime
    return np.int64(h & np.uint64(0x7FFFFFFFFFFFFFFF))


@njit(cache=True, nogil=True)
def _habituate(view, senses, awake, steps, same, seen, cue, at) -> None:
    """Move habituation (see :data:`BORED`) on one step for ``view[N, C, V, V]`` and
    write it into ``cue[:, at]``: ``same[N]`` counts the steps the view (its hash,
    ``seen[N]``) has stayed the same; it restarts when the view changes, and while the
    infant is held or asleep (what it cannot turn from is not looked away from)."""
    for i in range(view.shape[0]):
        h = _view_hash(view, i)
        if senses[i, S_RESTRAINED] or not awake[i]:
            same[i] = 0
        elif h == seen[i]:
            same[i] += 1
        else:
            same[i] = 0
        seen[i] = h
        cue[i, at] = min(1.0, same[i] / steps)


class Habituation:
    """Habituation's pull on the act (``b.habituation``): B's prior, added to its action
    logits (:attr:`~infancy.infants.base.SystemB.prior`). ``weight`` nats times the
    habituation slot (at ``at`` in ``[z, belief, cue]``, ``cue_at`` in the cue) go to
    both turns, so an unchanging view is looked away from unless B's own logits (or a
    surprise's hold) keep the gaze."""

    def __init__(self, at: int, cue_at: int, weight: float, n_actions: int) -> None:
        self.at, self.cue_at, self.weight, self.n_actions = at, cue_at, weight, n_actions

    def __call__(self, state: torch.Tensor) -> torch.Tensor:
        """The pull ``float32[..., A]`` for states ``[..., D]``."""
        out = torch.zeros(*state.shape[:-1], self.n_actions, dtype=state.dtype)
        pull = self.weight * state[..., self.at]
        out[..., TURN_LEFT] = pull
        out[..., TURN_RIGHT] = pull
        return out

    def of_cue(self, cue: np.ndarray) -> np.ndarray:
        """The same as :meth:`__call__` for the cues ``float32[N, C]``, as numpy."""
        out = np.zeros((cue.shape[0], self.n_actions), dtype=np.float32)
        pull = np.float32(self.weight) * cue[:, self.cue_at].astype(np.float32)
        out[:, TURN_LEFT] = pull
        out[:, TURN_RIGHT] = pull
        return out


class Priors:
    """Several priors on B's logits, summed (the habit's pull and habituation)."""

    def __init__(self, *parts) -> None:
        self.parts = parts

    def __call__(self, state: torch.Tensor) -> torch.Tensor:
        return sum(p(state) for p in self.parts)

    def of_cue(self, cue: np.ndarray) -> np.ndarray:
        return sum(p.of_cue(cue) for p in self.parts)


@njit(cache=True, nogil=True)
def _pull_rows(cue, at, weight, half, depth, out) -> None:
    # HabitPull._pull, row by row, in float32 as torch computes it (weight[i]: the
    # nats times the infant's scale, as HabitPull.weights).
    for i in range(cue.shape[0]):
        strength = cue[i, at]
        lat = cue[i, at + 1] * half
        fwd = cue[i, at + 2] * depth
        act = TURN_LEFT if lat < 0 else TURN_RIGHT
        if fwd >= 1.5 and fwd > abs(lat):
            act = FORWARD
        beside = abs(lat) < 0.5
        if beside and fwd > 0.5 and fwd < 1.5:
            act = REACH
        if beside and abs(fwd) <= 0.5:
            continue  # on the place itself: no pull
        out[i, act] = weight[i] * strength


class HabitPull:
    """The motor habit's pull on the act itself (``b.habit_pull``): B's prior, added to
    its action logits (:attr:`~infancy.infants.base.SystemB.prior`).

    ``weight`` nats times the habit's strength go to the one action that brings the
    habit's place nearer: the reach when the place is the cell in front, a step on when
    it lies further ahead, else a turn to its side (none when the infant stands on it).
    It is a function of B's state (the habit's slots, at ``at`` in ``[z, belief, cue]``),
    so the logits B acts with and the ones it learns from are the same. B reaches
    elsewhere only where its own learned logits outweigh the pull: the inhibitory
    control of Diamond's (1985) account of the A-not-B error, here learned. ``scale``
    (``float32[N]``, 1 unless :meth:`set_scale` changes it) is each infant's factor on
    the pull: a curriculum's stage may weaken it with age (``Stage.habit_scale``), an
    inhibition that matures on a schedule, not by learning. States and cues have the
    infant on their first axis.
    """

    def __init__(
        self,
        at: int,
        cue_at: int,
        weight: float,
        half: float,
        depth: float,
        n_actions: int,
        n: int,
    ) -> None:
        self.at, self.cue_at = at, cue_at
        self.weight, self.half, self.depth, self.n_actions = weight, half, depth, n_actions
        self.scale = torch.ones(n)
        # weight * scale, kept (not made at every step's inference) until set_scale.
        self._weights = self.weight * self.scale

    def set_scale(self, scale) -> None:
        """Set each infant's factor on the pull (``float[N]`` or one number, >= 0)."""
        scale = torch.as_tensor(scale, dtype=torch.float32).expand(len(self.scale))
        if bool((scale < 0).any()):
            raise ValueError(f"habit scale: expected factors >= 0, got {scale.tolist()}")
        self.scale.copy_(scale)
        self._weights = self.weight * self.scale

    def weights(self, rows: int) -> torch.Tensor:
        """``float32[rows]``: the nats of each row's pull at full strength, one row per
        infant (any number of rows while every infant's factor is the same)."""
        w = self._weights
        if len(w) == rows:
            return w
        if bool((w == w[0]).all()):
            return w[:1].expand(rows)
        raise ValueError(f"habit pull: {rows} rows, expected one per infant ({len(w)})")

    def __call__(self, state: torch.Tensor) -> torch.Tensor:
        """The pull ``float32[..., A]`` for states ``[..., D]``."""
        return self._pull(state[..., self.at : self.at + HABIT])

    def of_cue(self, cue: np.ndarray) -> np.ndarray:
        """The pull for the cues ``float32[N, C]`` (the state's last part), as numpy: the
        same numbers as :meth:`__call__`, compiled (a step's inference is tens of
        microseconds; the torch ops would double it)."""
        out = np.zeros((cue.shape[0], self.n_actions), dtype=np.float32)
        _pull_rows(
            np.ascontiguousarray(cue, dtype=np.float32),
            self.cue_at,
            np.ascontiguousarray(self.weights(cue.shape[0]).numpy()),
            np.float32(self.half),
            np.float32(self.depth),
            out,
        )
        return out

    def _pull(self, slots: torch.Tensor) -> torch.Tensor:
        strength = slots[..., 0]
        lat, fwd = slots[..., 1] * self.half, slots[..., 2] * self.depth
        side = torch.where(lat < 0, TURN_LEFT, TURN_RIGHT)
        act = torch.where((fwd >= 1.5) & (fwd > lat.abs()), FORWARD, side)
        beside = lat.abs() < 0.5
        act = torch.where(beside & (fwd > 0.5) & (fwd < 1.5), REACH, act)
        on_it = beside & (fwd.abs() <= 0.5)
        out = torch.zeros(*slots.shape[:-1], self.n_actions, dtype=slots.dtype)
        if strength.ndim:  # the infant's axis first
            weights = self.weights(len(strength)).reshape(-1, *([1] * (strength.ndim - 1)))
        else:
            weights = self.weights(1)[0]
        pull = torch.where(on_it, 0.0, weights * strength)
        return out.scatter_(-1, act[..., None], pull[..., None].to(slots.dtype))


class Mind:
    """What infants carry from step to step besides their weights: the belief state
    (``belief``, ``float32[N, Z]``, System A's trace of past latents), the word in mind
    (``word``, ``int64[N]``, 0 none, with ``left`` steps of its hold left) and the
    *object file* (``a.object_file``): the toy last attended (``file_kind``, its view
    kind code; the word's toy when a known word is in mind, else the filed toy, else the
    nearest), its place in the body's frame (``file_lat`` to the right, ``file_fwd``
    ahead, in cells), carried with the body's felt turns and moves (the ``turned`` and
    ``moved`` senses) while it is out of sight, and how strongly it is held
    (``file_str``, 1 when seen, fading as the belief state does, ``a.memory_span``;
    0 none). A toy taken into the hand leaves the file. ``file_watch`` says whether
    the file's place has been in sight at every step since the toy went out of sight (2;
    1: the toy is in view; 0: neither), so that what comes out of it can violate the
    file. ``dwell`` is the steps of looking a violated expectation still holds the
    infant to (it stays, see :meth:`Cohort.policy`).

    The *motor habit* (``b.habit``): ``reached`` says whether the infant's last action
    was a free reach (not held); ``frame_lat``, ``frame_fwd`` is where the body was when
    last held (the frame's origin, in the body's frame now) and ``frame_dlat``,
    ``frame_dfwd`` the way it faced then (a unit step; both carried with the felt turns
    and moves, reset at every step the infant is held); ``habit_lat``, ``habit_fwd``
    the place in that frame that its reaches went to, ``habit_str`` how strong the trace
    is. A new scene's frame is the body at its start.

    The cohort keeps one for its life (:attr:`Cohort.mind`); a probe keeps its own per
    session and :meth:`reset` s it at each new trial."""

    FIELDS = (
        "belief",
        "word",
        "left",
        "file_kind",
        "file_lat",
        "file_fwd",
        "file_str",
        "file_watch",
        "dwell",
        "reached",
        "frame_lat",
        "frame_fwd",
        "frame_dlat",
        "frame_dfwd",
        "habit_lat",
        "habit_fwd",
        "habit_str",
        "same",
        "seen",
    )

    def __init__(self, n: int, latent: int) -> None:
        self.belief = np.zeros((n, latent), dtype=np.float32)
        self.word = np.zeros(n, dtype=np.int64)
        self.left = np.zeros(n, dtype=np.int64)
        self.file_kind = np.zeros(n, dtype=np.int64)
        self.file_lat = np.zeros(n, dtype=np.float64)
        self.file_fwd = np.zeros(n, dtype=np.float64)
        self.file_str = np.zeros(n, dtype=np.float64)
        self.file_watch = np.zeros(n, dtype=np.int64)
        self.dwell = np.zeros(n, dtype=np.int64)
        self.reached = np.zeros(n, dtype=np.bool_)
        self.frame_lat = np.zeros(n, dtype=np.float64)
        self.frame_fwd = np.zeros(n, dtype=np.float64)
        self.frame_dlat = np.zeros(n, dtype=np.float64)
        self.frame_dfwd = np.zeros(n, dtype=np.float64)
        self.habit_lat = np.zeros(n, dtype=np.float64)
        self.habit_fwd = np.zeros(n, dtype=np.float64)
        self.habit_str = np.zeros(n, dtype=np.float64)
        self.same = np.zeros(n, dtype=np.int64)
        self.seen = np.zeros(n, dtype=np.int64)

    def reset(self, mask: np.ndarray | None = None) -> None:
        """Forget everything (a new scene), for the infants in ``mask`` (all by default)."""
        m = slice(None) if mask is None else np.asarray(mask, dtype=bool)
        for name in self.FIELDS:
            getattr(self, name)[m] = 0


@njit(cache=True, nogil=True)
def _carry_file(senses, i, file_lat, file_fwd) -> None:
    """Move infant ``i``'s object file with its body: the cell it moved to (``moved``,
    in the frame it had), then its turn (``turned``). Lateral is positive to the right:
    turning left brings what was ahead to the right."""
    m = senses[i, S_MOVED]
    if m == 1:
        file_fwd[i] -= 1.0
    elif m == 2:
        file_lat[i] -= 1.0
    elif m == 3:
        file_fwd[i] += 1.0
    elif m == 4:
        file_lat[i] += 1.0
    _turn_with(senses, i, file_lat, file_fwd)


@njit(cache=True, nogil=True)
def _turn_with(senses, i, file_lat, file_fwd) -> None:
    """Turn infant ``i``'s place or direction ``file_lat``, ``file_fwd`` with its body's
    felt turn (``turned``), as :func:`_carry_file` does after the move."""
    t = senses[i, S_TURNED]
    lat, fwd = file_lat[i], file_fwd[i]
    if t == 1:
        file_lat[i], file_fwd[i] = fwd, -lat
    elif t == 2:
        file_lat[i], file_fwd[i] = -fwd, lat
    elif t == 3:
        file_lat[i], file_fwd[i] = -lat, -fwd


@njit(cache=True, nogil=True)
def _place_cell(lat, fwd, v):
    """The view cell (row-major in a ``v`` by ``v`` view, the infant at the bottom
    middle) of a place ``lat`` cells to the right and ``fwd`` ahead; -1 when it is out
    of the view or the infant's own cell."""
    row = v - 1 - int(np.round(fwd))
    col = v // 2 + int(np.round(lat))
    if 0 <= col < v and (0 <= row < v - 1 or (row == v - 1 and col != v // 2)):
        return row * v + col
    return -1


@njit(cache=True, nogil=True)
def _fits(view, i, toy, lateral, forward, kind, lat, fwd):
    """Whether the toys infant ``i`` sees fit its object file (the toy ``kind`` at
    ``lat``, ``fwd``): 1 if that toy is at its place or beside it (it came out), 0 if
    it is somewhere else or another toy is there instead, -1 if neither (nothing came
    out of the place)."""
    wrong = False
    for c in range(view.shape[2]):
        k = view[i, CH_KIND, c]
        if k >= toy.shape[0] or not toy[k]:
            continue
        near = abs(lateral[c] - lat) + abs(forward[c] - fwd) <= 1.5
        if k == kind:
            if near:
                return 1
            wrong = True
        elif near:
            wrong = True
    return 0 if wrong else -1


@njit(cache=True, nogil=True)
def _word_cue(
    view,
    senses,
    awake,
    att,
    hold,
    pathway,
    orient,
    follow,
    rays,
    dirs,
    word,
    left,
    forward,
    lateral,
    toy,
    cover,
    decay,
    keep,
    look,
    rate,
    permanence,
    file_kind,
    file_lat,
    file_fwd,
    file_str,
    file_watch,
    dwell,
    cue,
):
    """The word cue of one step (see :data:`CUE`) from ``view[N, C, V*V]``,
    ``senses[N, S]`` and A's word attention ``att[N, W+1, K+1]``; updates the word in
    mind (``word``, ``left``: a heard word is held ``hold`` steps) and the object file
    (``file_*``, when ``keep``: see :class:`Mind`; ``toy[code]`` marks the view's kind
    codes that are toys, ``cover[code]`` those a toy can go into or behind, ``decay[N]``
    the file's fading per unseen step). When toys come into view again after none, what
    came out is checked against the file (:func:`_fits`): a fit raises the infant's
    expectation that hidden toys stay as they went (``permanence[N]``, by ``rate``); a
    misfit where the file's place was watched all along lowers it and holds the infant's
    gaze for ``look * permanence * strength`` steps (``dwell``). ``rays``:
    the view cells along each cue direction
    (:func:`~infancy.worlds.core.geometry.cue_rays`); ``dirs``: each code's direction
    (:func:`~infancy.worlds.core.geometry.cue_directions`)."""
    n, cells = view.shape[0], view.shape[2]
    v = int(np.sqrt(cells) + 0.5)
    half = max(1.0, float(np.max(np.abs(lateral))))
    depth = max(1.0, float(np.max(forward)))
    for i in range(n):
        w = np.int64(senses[i, S_WORD]) if awake[i] else 0
        if 0 < w < att.shape[1] and hold > 0:
            word[i] = w
            left[i] = hold
        elif left[i] > 0:
            left[i] -= 1
        if left[i] <= 0:
            word[i] = 0
        for j in range(cue.shape[1]):
            cue[i, j] = 0.0
        # A word A knows (its attention row is not empty) picks the toy to file.
        known = False
        if word[i] > 0 and pathway:
            for k in range(att.shape[2]):
                if att[i, word[i], k] > 0.0:
                    known = True
                    break
        # The object file: the toy last attended, carried with the body's own motion
        # while it is out of sight (a hidden toy is still where it went).
        seen = False
        if keep:
            if dwell[i] > 0:
                dwell[i] -= 1
            if file_str[i] > 0.0:
                _carry_file(senses, i, file_lat, file_fwd)
                if senses[i, S_HOLDING] > 0 and senses[i, S_HOLDING] == file_kind[i]:
                    file_str[i] = 0.0  # in my hand now
                    file_watch[i] = 0
            pick = -1
            if awake[i]:
                # What to file: the word's toy in view, else the filed toy, else the
                # nearest toy (the infant's own cell is not in view).
                score = 0.0
                for c in range(cells):
                    kind = view[i, CH_KIND, c]
                    if kind >= toy.shape[0] or not toy[kind]:
                        continue
                    d = abs(lateral[c]) + abs(forward[c])
                    if d <= 0.0:
                        continue
                    s = 1.0 / (1.0 + d)
                    if known and kind < att.shape[2]:
                        s += 4.0 * att[i, word[i], kind]
                    if file_str[i] > 0.0 and kind == file_kind[i]:
                        s += 2.0
                    if s > score:
                        score = s
                        pick = c
            if pick >= 0:
                if file_str[i] > 0.0 and file_watch[i] != 1:
                    # Toys in view again after none: does what came out fit the file?
                    fit = _fits(
                        view, i, toy, lateral, forward, file_kind[i], file_lat[i], file_fwd[i]
                    )
                    if fit == 1:
                        permanence[i] += rate * (1.0 - permanence[i])
                    elif fit == 0 and file_watch[i] == 2:
                        # Its place was in sight all along: the toy cannot be elsewhere,
                        # nor another toy in its place. The infant keeps looking.
                        permanence[i] -= rate * permanence[i]
                        hold_for = np.int64(look * permanence[i] * file_str[i] + 0.5)
                        if hold_for > dwell[i]:
                            dwell[i] = hold_for
                file_kind[i] = view[i, CH_KIND, pick]
                file_lat[i] = lateral[pick]
                file_fwd[i] = forward[pick]
                file_str[i] = 1.0
                file_watch[i] = 1
                seen = True
            elif file_str[i] > 0.0:
                file_str[i] *= decay[i]
                if file_str[i] < 0.05:
                    file_str[i] = 0.0
                # Its place in sight with nothing on it: the toy is not there any more
                # (taken away, put away), unless a box or a screen beside the place
                # took it in (the nearest, if several).
                c = _place_cell(file_lat[i], file_fwd[i], v)
                if c >= 0 and view[i, CH_CELL, c] != CELL_UNSEEN and view[i, CH_KIND, c] == 0:
                    near = 0.0
                    into = -1
                    for c2 in range(cells):  # the nearest cover (the first, on a tie)
                        k2 = view[i, CH_KIND, c2]
                        if k2 > 0 and k2 < cover.shape[0] and cover[k2]:
                            d = abs(lateral[c2] - file_lat[i]) + abs(forward[c2] - file_fwd[i])
                            if d <= 1.5 and (into < 0 or d < near):
                                near = d
                                into = c2
                    if into >= 0:
                        file_lat[i] = lateral[into]
                        file_fwd[i] = forward[into]
                        c = into
                    else:
                        file_str[i] = 0.0
                if file_str[i] > 0.0:
                    watched = c >= 0 and view[i, CH_CELL, c] != CELL_UNSEEN
                    file_watch[i] = 2 if (file_watch[i] >= 1 and watched) else 0
                else:
                    file_watch[i] = 0
        remembered = keep and not seen and file_str[i] > 0.0 and awake[i]
        if word[i] == 0 or not pathway:
            if (
                follow[i]
                and awake[i]
                and _follow(view, i, rays, dirs, forward, lateral, half, depth, cue)
            ):
                continue
            if remembered:
                # No toy in view: the remembered one, as strongly as it is remembered.
                cue[i, 1] = file_str[i]
                cue[i, 2] = min(1.0, max(-1.0, file_lat[i] / half))
                cue[i, 3] = min(1.0, max(-1.0, file_fwd[i] / depth))
                continue
            if orient and awake[i]:
                # The nearest object in view (fewest steps away; the first cell in the
                # view's order on a tie), not the infant's own cell; with the object
                # file, the nearest toy: a box or a screen draws the infant only for
                # what the file says is in it.
                near = -1
                steps = 1e9
                for c in range(cells):
                    kind = view[i, CH_KIND, c]
                    if kind > 0 and (not keep or (kind < toy.shape[0] and toy[kind])):
                        d = abs(lateral[c]) + abs(forward[c])
                        if 0.0 < d < steps:
                            steps = d
                            near = c
                if near >= 0:
                    cue[i, 1] = 1.0
                    cue[i, 2] = lateral[near] / half
                    cue[i, 3] = forward[near] / depth
            continue
        cue[i, 0] = left[i] / hold
        mass = 0.0
        best = 0.0
        lat = 0.0
        fwd = 0.0
        for c in range(cells):
            kind = view[i, CH_KIND, c]
            if 0 < kind < att.shape[2]:
                a = att[i, word[i], kind]
                if a > 0.0:
                    mass += a
                    best = max(best, a)
                    lat += a * lateral[c]
                    fwd += a * forward[c]
        if mass > 0.0:
            cue[i, 1] = best
            cue[i, 2] = lat / mass / half
            cue[i, 3] = fwd / mass / depth
        elif remembered:
            # No toy in view: the filed one, if the word means it (any toy, for a word
            # A does not know yet), as strongly as it is remembered.
            a = 1.0
            if known:
                a = att[i, word[i], file_kind[i]] if file_kind[i] < att.shape[2] else 0.0
            if a > 0.0:
                cue[i, 1] = a * file_str[i]
                cue[i, 2] = min(1.0, max(-1.0, file_lat[i] / half))
                cue[i, 3] = min(1.0, max(-1.0, file_fwd[i] / depth))


@njit(cache=True, nogil=True)
def _sectors(cue, half, depth, src=1, dst=CUE) -> None:
    """The cue's place by sector, in ``cue[:, dst:dst + SECTORS]`` (see
    :data:`SECTORS`): the strength ``cue[:, src]`` (its place in the two slots after it)
    in the slot of the left, the right, the cell in front, or further ahead. Ahead is a
    place more ahead than aside (so a diagonal counts as aside: a turn faces it first);
    the infant's own cell and a place straight behind are in none.

    Why: the place slots are two small numbers whose fine differences (a toy beside the
    infant or in front of it is a third of the lateral range, a sixth of the forward
    one, away from 0) B must carve into actions in every context anew; a coarse
    retinotopic code of the same place is what one reading of it can use everywhere."""
    for i in range(cue.shape[0]):
        for j in range(dst, dst + SECTORS):
            cue[i, j] = 0.0
        s = cue[i, src]
        if s <= 0.0:
            continue
        lat = cue[i, src + 1] * half
        fwd = cue[i, src + 2] * depth
        if fwd > abs(lat):
            cue[i, dst + (2 if fwd < 1.5 else 3)] = s
        elif lat < -1e-6:
            cue[i, dst] = s
        elif lat > 1e-6:
            cue[i, dst + 1] = s


@njit(cache=True, nogil=True)
def _habit(
    senses,
    rate,
    keep,
    reached,
    o_lat,
    o_fwd,
    d_lat,
    d_fwd,
    h_lat,
    h_fwd,
    h_str,
    cue,
    src,
    half,
    depth,
) -> None:
    """Move the motor habit (see :class:`Mind`) on one step and write it into
    ``cue[:, src:src + HABIT]`` (:data:`HABIT`). A free reach last step (``reached``)
    leaves its place, the cell then in front, in the frame of the body when last held:
    the same place again strengthens the habit by ``rate``, another moves it there at
    ``rate``. ``keep``: the strength kept a step.

    Why a frame from when last held: the habit is a reach's direction from where the
    infant sits, so it pulls the next reach from that seat the same way, wherever the
    infant turned to make it."""
    for i in range(cue.shape[0]):
        if d_lat[i] == 0.0 and d_fwd[i] == 0.0:  # a new scene: the frame is the body
            o_lat[i] = 0.0
            o_fwd[i] = 0.0
            d_fwd[i] = 1.0
        if reached[i]:
            # The cell in front last step, in the frame (the body's frame of last step:
            # the frame has not been carried yet).
            dl, df = -o_lat[i], 1.0 - o_fwd[i]
            lat = dl * d_fwd[i] - df * d_lat[i]  # the frame's right is its ahead turned right
            fwd = dl * d_lat[i] + df * d_fwd[i]
            if h_str[i] > 0.0 and abs(lat - h_lat[i]) + abs(fwd - h_fwd[i]) < 0.5:
                h_str[i] += rate * (1.0 - h_str[i])
            else:
                h_lat[i] = lat
                h_fwd[i] = fwd
                h_str[i] = rate
            reached[i] = False
        _carry_file(senses, i, o_lat, o_fwd)
        _turn_with(senses, i, d_lat, d_fwd)
        if senses[i, S_RESTRAINED]:
            o_lat[i] = 0.0
            o_fwd[i] = 0.0
            d_lat[i] = 0.0
            d_fwd[i] = 1.0
        h_str[i] *= keep
        if h_str[i] < 0.05:
            h_str[i] = 0.0
        cue[i, src] = h_str[i]
        cue[i, src + 1] = 0.0
        cue[i, src + 2] = 0.0
        if h_str[i] > 0.0:
            # The habit's place in the body's frame now.
            lat = o_lat[i] + h_lat[i] * d_fwd[i] + h_fwd[i] * d_lat[i]
            fwd = o_fwd[i] - h_lat[i] * d_lat[i] + h_fwd[i] * d_fwd[i]
            cue[i, src + 1] = min(1.0, max(-1.0, lat / half))
            cue[i, src + 2] = min(1.0, max(-1.0, fwd / depth))


@njit(cache=True, nogil=True)
def _follow(view, i, rays, dirs, forward, lateral, half, depth, cue) -> bool:
    """Geometric joint attention for infant ``i`` (see :data:`CUE`): writes the place
    the caregiver's arm (else head) turns to into ``cue[i, 1:]``; False when no
    caregiver in view turns anywhere but at the infant."""
    for c in range(view.shape[2]):
        for ch in (CH_POINT, CH_GAZE):
            code = view[i, ch, c]
            if code == 0 or code >= rays.shape[1] or rays[c, code, 0] < 0:
                continue
            # Along the caregiver's line, in view: the first object or wall.
            at = -1
            last = -1
            for j in range(rays.shape[2]):
                cell = rays[c, code, j]
                if cell < 0 or view[i, CH_CELL, cell] == CELL_UNSEEN:
                    break
                last = cell
                if view[i, CH_KIND, cell] > 0 or view[i, CH_CELL, cell] == CELL_WALL:
                    at = cell
                    break
            dl, df = dirs[code, 0], dirs[code, 1]
            if at >= 0:
                lat, fwd = lateral[at], forward[at]
            elif df < -1e-9:
                # Out of sight, coming towards the infant: where the line reaches the
                # infant's row, or, when it passes through the infant, the next cell on
                # (a toy beside the infant is out of sight when the cue is given).
                lat = lateral[c] - forward[c] / df * dl
                fwd = 0.0
                if abs(lat) < 1.0:
                    lat = 0.0 if dl == 0.0 else (1.0 if dl > 0 else -1.0)
            elif last >= 0:  # out of sight ahead, or past the view's edge
                lat, fwd = lateral[last], forward[last]
            else:
                lat, fwd = lateral[c] + dl, forward[c] + df
            cue[i, 1] = 1.0
            cue[i, 2] = min(1.0, max(-1.0, lat / half))
            cue[i, 3] = min(1.0, max(-1.0, fwd / depth))
            return True
    return False


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
        if c.m.rule.trap_signal == "noise" and not self.a.watches:
            raise ValueError(
                f"m.rule.trap_signal 'noise': System A {c.a.name!r} has no local model "
                "(its watches is False: it makes no noise)"
            )
        # B reads the state [z, belief, word cue] (see :meth:`state_of`).
        sectors = SECTORS if c.b.cue_sectors else 0
        # The habit's slots (b.habit) follow the word cue and its sectors.
        self.habit_at = CUE + sectors if c.b.habit else None
        habit = (HABIT + sectors) if c.b.habit else 0
        # Habituation's slot (b.habituation) comes last.
        self.bored_at = CUE + sectors + habit if c.b.habituation > 0 else None
        self.cue_size = CUE + sectors + habit + (BORED if c.b.habituation > 0 else 0)
        self.state_size = 2 * self.a.latent + self.cue_size
        self.b = create(
            "b", c.b.name, c.b, n, self.state_size, self.n_actions, self.gen, c.grad_clip
        )
        self.m = Controller(create("m", c.m.name, c.m, n), c.m)
        v, ch, ns = self.view_size, 6, len(SENSES)
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
                "belief": ((self.a.latent,), "float32"),
                "cue": ((self.cue_size,), "float32"),
                # A step's share of the reward it led to (memory.credit_steps), only
                # where credit reaches back: the default store is as it was.
                **({"credit": ((), "float32")} if c.memory.credit_steps else {}),
            },
            rewarded="credit" if c.memory.credit_steps else "reward",
        )
        t = c.chunk
        self._view = np.zeros((n, t + 1, ch, v, v), dtype=np.uint8)
        self._senses = np.zeros((n, t + 1, ns), dtype=np.uint8)
        self._action = np.zeros((n, t), dtype=np.int64)
        self._reward = np.zeros((n, t), dtype=np.float32)
        self._done = np.zeros((n, t), dtype=bool)
        self._logp = torch.zeros(n, t)
        self._value = torch.zeros(n, t)
        self._s = torch.zeros(n, t, self.state_size)  # B's state at each step
        self._held = np.zeros((n, t), dtype=bool)  # steps a surprise held the infant still
        # Frames of the chunk that start a new world (start() mid-chunk): the step into
        # one crosses worlds, and A's local model does not read it as a still step.
        self._entered = np.zeros(t + 1, dtype=bool)
        self.mind = Mind(n, self.a.latent)
        fwd, lat = egocentric_offsets(self.view_size)
        self._forward = fwd.reshape(-1).astype(np.float64)
        self._lateral = lat.reshape(-1).astype(np.float64)
        # The scales of the cue's place slots (as _word_cue computes them).
        self._half = max(1.0, float(np.max(np.abs(self._lateral))))
        self._depth = max(1.0, float(np.max(self._forward)))
        priors = []
        self.habit_pull: HabitPull | None = None  # the habit's pull, when b.habit_pull
        if c.b.habit_pull > 0:
            priors.append(
                HabitPull(
                    2 * self.a.latent + self.habit_at,
                    self.habit_at,
                    float(c.b.habit_pull),
                    self._half,
                    self._depth,
                    self.n_actions,
                    n,
                )
            )
            self.habit_pull = priors[-1]
        if self.bored_at is not None:
            priors.append(
                Habituation(
                    2 * self.a.latent + self.bored_at,
                    self.bored_at,
                    float(c.b.habituation),
                    self.n_actions,
                )
            )
        if priors:
            self.b.prior = priors[0] if len(priors) == 1 else Priors(*priors)
        self._rays = cue_rays(int(self.view_size))
        self._dirs = cue_directions()
        self._follow = np.full(self.n, bool(self.config.b.follow), dtype=np.bool_)
        self._able = np.ones(self.n, dtype=np.bool_)  # bodies that can reach (set_able)
        # The view's kind codes (1 + kind) that are toys: what the object file keeps.
        self._toy = np.zeros(self.n_kinds + 1, dtype=np.bool_)
        flags = self.rules.kind_flags()
        self._toy[1:] = (flags & GRASPABLE).astype(bool) & ~(flags & CONTAINER).astype(bool)
        # ... and those a toy can go into or behind (a box, a cup, a screen).
        self._cover = np.zeros(self.n_kinds + 1, dtype=np.bool_)
        self._cover[1:] = (flags & (CONTAINER | OCCLUDER)).astype(bool)
        # Learned: how strongly the infant expects a hidden toy to stay as it went (0 at
        # birth; toys that come out of hiding as they went raise it, misfits lower it).
        self.permanence = np.zeros(n)
        self.attend()
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
        # System M's meta-signals (infants/signals.py) and what they read at birth.
        self.signals = MetaSignals(c.signals, n)
        self.meta = self.signals.at_birth(self.energy, self.memory.sizes())
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
        self._entered[self._t] = True
        self._view[:, self._t] = view.reshape(self.n, *self._view.shape[2:])
        self._senses[:, self._t] = senses
        self._primed = True

    @property
    def primed(self) -> bool:
        """Whether :meth:`start` has given the cohort an observation to act on."""
        return self._primed

    def policy(self) -> tuple[np.ndarray, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Actions for the current observation (STAY for infants not acting), with
        their log-probabilities, values and B's states; the belief and the word in mind
        move on one step."""
        t = self._t
        awake = self.mode != SLEEP
        action, logp, value, state = self._infer(
            self._view[:, t], self._senses[:, t], self.gen, self.mind, awake, learn=True
        )
        # A violated expectation holds the infant's gaze: it stays, looking (B learns
        # from that step as from its own choice of STAY: see learn()).
        self._held[:, t] = held = self.mind.dwell > 0
        acting = (self.mode == ACT) & ~held
        self.mind.reached &= acting
        act = np.where(acting, action.numpy(), STAY)
        return act, logp, value, state

    def set_follow(self, on: np.ndarray | bool) -> None:
        """Turn geometric joint attention (``b.follow``) on or off for each infant: what
        a curriculum's stages schedule (``Stage.follow``, a joint attention that
        matures).

        Parameters
        ----------
        on
            ``bool[N]``, or one bool for every infant. An infant whose config has no
            ``b.follow`` has none to turn on: it stays off.
        """
        on = np.broadcast_to(np.asarray(on, dtype=np.bool_), (self.n,))
        self._follow = np.ascontiguousarray(on & bool(self.config.b.follow))

    def set_able(self, reach: np.ndarray | bool) -> None:
        """Say whose body can reach now (a curriculum stage's abilities). With
        ``b.effort_when_able`` the reach effort is charged only to these infants: a reach
        that the body cannot make is a no-op the world ignores, and charging for it
        teaches B to avoid reaching before reaching can pay. A lifetime sets it at the
        start of each segment; a cohort living outside one (:meth:`live` in a diagnostic
        or a test) counts every body as able until told otherwise, whatever the world's
        body is.

        Parameters
        ----------
        reach
            ``bool[N]``, or one bool for every infant.
        """
        self._able = np.array(np.broadcast_to(np.asarray(reach, dtype=np.bool_), (self.n,)))

    @property
    def able(self) -> np.ndarray:
        """``bool[N]``: whether each infant's body can reach now (:meth:`set_able`)."""
        return self._able.copy()

    @property
    def follow(self) -> np.ndarray:
        """``bool[N]``: whether each infant's word cue follows a caregiver's gaze or point
        now (``b.follow``, as a stage may turn it off: :meth:`set_follow`)."""
        return self._follow.copy()

    def attend(self) -> None:
        """Refresh the word-attention table the word cue reads (A's lexicon as it is
        now: :meth:`~infancy.infants.base.SystemA.word_attention`)."""
        with torch.no_grad():
            att = self.a.word_attention()
        self._att = np.ascontiguousarray(att.numpy(), dtype=np.float32)

    def word_cue(
        self,
        view: np.ndarray,
        senses: np.ndarray,
        mind: Mind,
        awake: np.ndarray | None = None,
        decay: np.ndarray | None = None,
        learn: bool = False,
    ) -> np.ndarray:
        """The word cue B reads (:data:`CUE`, :data:`SECTORS`), ``float32[N,
        cue_size]``, for ``view[N, C, V,
        V]``, ``senses[N, S]``; moves ``mind``'s word in mind on one step (a word heard
        while ``awake`` is held ``a.word_hold`` steps) and its object file (fading by
        ``decay[N]`` a step unseen; A's :meth:`memory_decay` when not given). With
        ``learn`` (life, not probes), toys coming out of hiding teach :attr:`permanence`
        (at ``a.permanence_rate``, when the infant learns at all)."""
        n = self.n
        cue = np.empty((n, self.cue_size), dtype=np.float32)
        _word_cue(
            np.ascontiguousarray(view, dtype=np.uint8).reshape(n, view.shape[1], -1),
            np.ascontiguousarray(senses, dtype=np.uint8),
            np.ones(n, dtype=np.bool_) if awake is None else np.ascontiguousarray(awake),
            self._att,
            int(self.config.a.word_hold),
            bool(self.config.b.word_pathway),
            bool(self.config.b.orient),
            self._follow,
            self._rays,
            self._dirs,
            mind.word,
            mind.left,
            self._forward,
            self._lateral,
            self._toy,
            self._cover,
            np.asarray(self.a.memory_decay().numpy() if decay is None else decay, np.float64),
            bool(self.config.a.object_file),
            int(self.config.m.surprise_look),
            float(self.config.a.permanence_rate * self.config.learning) if learn else 0.0,
            self.permanence,
            mind.file_kind,
            mind.file_lat,
            mind.file_fwd,
            mind.file_str,
            mind.file_watch,
            mind.dwell,
            cue,
        )
        b = self.config.b
        if b.cue_sectors:
            _sectors(cue, self._half, self._depth)
        if self.habit_at is not None:
            src = self.habit_at
            _habit(
                np.ascontiguousarray(senses, dtype=np.uint8),
                float(b.habit_rate),
                float(b.habit_decay),
                mind.reached,
                mind.frame_lat,
                mind.frame_fwd,
                mind.frame_dlat,
                mind.frame_dfwd,
                mind.habit_lat,
                mind.habit_fwd,
                mind.habit_str,
                cue,
                src,
                self._half,
                self._depth,
            )
            if b.cue_sectors:
                _sectors(cue, self._half, self._depth, src, src + HABIT)
        if self.bored_at is not None:
            _habituate(
                np.ascontiguousarray(view),
                np.ascontiguousarray(senses, dtype=np.uint8),
                np.ones(n, dtype=np.bool_) if awake is None else np.asarray(awake, np.bool_),
                float(b.habituation_steps),
                mind.same,
                mind.seen,
                cue,
                self.bored_at,
            )
        return cue

    def state_of(self, z: torch.Tensor, belief: torch.Tensor, cue: torch.Tensor) -> torch.Tensor:
        """B's state: ``[z, belief, cue]`` along the last axis."""
        return torch.cat([z, belief, cue], -1)

    @torch.inference_mode()
    def _infer(
        self,
        view: np.ndarray,
        senses: np.ndarray,
        generator: torch.Generator,
        mind: Mind,
        awake: np.ndarray | None = None,
        learn: bool = False,
    ):
        """B's actions, log-probabilities, values and states for ``view[N, C, V, V]``,
        ``senses[N, S]``, moving ``mind`` on one step: in one compiled pass when A and
        B are plain MLPs (the same numbers in less than half the time), else module by
        module. B's action is sampled whatever the mind's ``dwell``; the callers make
        the infants a surprise holds stay."""
        decay = self.a.memory_decay().numpy()  # one read for the file and the belief
        cue = self.word_cue(view, senses, mind, awake, decay, learn)
        enc, pol = self.a.inference_mlp(), self.b.inference_mlp()
        if enc is not None and pol is not None:
            draws = torch.empty(self.n, self.n_actions).exponential_(1.0, generator=generator)
            prior = None if self.b.prior is None else self.b.prior.of_cue(cue)
            out = fused_policy(
                self.obs, view, senses, enc, pol, draws, mind.belief, decay, cue, prior
            )
            if out is not None:
                state, action, logp, value = (torch.from_numpy(a) for a in out)
                self._note_reach(mind, action, senses, awake)
                return action, logp, value, state
        x = self.features(view[:, None], senses[:, None])
        z = self.a.encode(x)[:, 0]
        belief = self.a.remember(torch.from_numpy(mind.belief), z)
        mind.belief[...] = belief.numpy()
        state = self.state_of(z, belief, torch.from_numpy(cue))
        action, logp, value = self.b.act(state, generator)
        self._note_reach(mind, action, senses, awake)
        return action, logp, value, state

    def _note_reach(self, mind: Mind, action: torch.Tensor, senses, awake) -> None:
        # The motor habit's input: a free reach (the callers clear it for infants a
        # surprise holds, or that do not act).
        if self.config.b.habit:
            mind.reached[...] = (action.numpy() == REACH) & (senses[:, S_RESTRAINED] == 0)
            if awake is not None:
                mind.reached &= awake

    def choose(self) -> np.ndarray:
        """Each infant's action for the current observation, ``int64[N]`` (STAY for the
        infants not acting); the next :meth:`record` completes the step."""
        if not self._primed:
            raise RuntimeError("start() the cohort on an observation before choose()")
        clock = time.perf_counter()
        act, logp, value, state = self.policy()
        t = self._t
        self._action[:, t] = act
        # Written through numpy views: a torch index assignment costs ~10 us, a third of
        # a cohort's world step.
        self._logp.numpy()[:, t] = logp.numpy()
        self._value.numpy()[:, t] = value.numpy()
        self._s.numpy()[:, t] = state.numpy()
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
            self.mind.reset(done)  # a new episode is a new scene: nothing of it is hidden
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
    def _watch(
        self, x: Obs, t: int, action: torch.Tensor, awake: np.ndarray, gate: torch.Tensor
    ) -> dict[str, np.ndarray]:
        """A's local still-view model (:meth:`~infancy.infants.base.SystemA.watch`) on
        every ``local_stride``-th step of the chunk just lived, from its second (the
        model reads the step before): ``noise``, ``float64[N]``, its error per still
        step; 0 for an A with no such model, NaN for an infant with no still step (the
        signal reads 0); and, from an A that watches, ``noise_steps``, ``float64[N, S]``,
        each watched step's error (NaN where not still), for the signal's ``median``."""
        if not self.a.watches:  # no local model: build none of its inputs
            return {"noise": np.zeros(self.n)}
        k = self.config.a.local_stride
        steps = np.arange(1, t, k)
        if not len(steps):  # a chunk of one step: nothing before it to read
            return {"noise": np.full(self.n, np.nan), "noise_steps": np.full((self.n, 1), np.nan)}
        felt = self._senses[:, steps, :][..., [S_TURNED, S_MOVED]]  # over s-1 -> s
        felt_next = self._senses[:, steps + 1, :][..., [S_TURNED, S_MOVED]]  # s -> s+1
        still = (
            awake[:, steps]
            & ~self._done[:, steps - 1]
            & ~self._done[:, steps]
            & (felt == 0).all(-1)
            & (felt_next == 0).all(-1)
            & ~self._entered[steps]  # (frame 0 is the chunk's start: s >= 1)
            & ~self._entered[steps + 1]
        )
        at = torch.from_numpy(steps)
        err = self.a.watch(
            Obs(x.flat[:, at - 1], x.n_cell_inputs),
            Obs(x.flat[:, at], x.n_cell_inputs),
            Obs(x.flat[:, at + 1], x.n_cell_inputs),
            action[:, at],
            torch.from_numpy(still),
            gate,
        )
        if err is None:
            raise RuntimeError(f"System A {self.config.a.name!r}: watches, but watch() gave None")
        count = still.sum(1)
        total = err.sum(1).numpy().astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, total / count, np.nan)
        steps = np.where(still, err.numpy(), np.nan).astype(np.float64)
        return {"noise": mean, "noise_steps": steps}

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
        noise = self._watch(x, t, action, valid.numpy(), gate_a)
        # Words heard this chunk (a sleeping infant hears nothing).
        social, right, wrong = self._words(t, mode, act)
        # B: the acting infants' rollouts, rewards mixed as M says.
        stats: dict[str, Any] = {"mode": mode.copy()}
        gate_b = torch.as_tensor(act["gate_b"] * (mode == ACT) * learning, dtype=torch.float32)
        if bool((gate_b > 0).any()):
            w_int = torch.as_tensor(act["intrinsic_weight"], dtype=torch.float32)
            intrinsic = (sig["novelty_sample"][:, :t] - 1.0).clamp(-1.0, 3.0)
            mixed = reward + w_int[:, None] * intrinsic
            effort = self.config.b.reach_effort
            if effort:
                charged = action == REACH
                # A body that cannot reach yet (a newborn's) is not charged for a reach
                # the world ignores, where b.effort_when_able says so.
                if self.config.b.effort_when_able:
                    charged = charged & torch.from_numpy(self._able)[:, None]
                mixed = mixed - effort * charged.float()
            with torch.no_grad():
                # The state after the chunk: its latent, the belief as it now stands and
                # the last step's cue.
                z_last = self.a.encode(x.t(t, t + 1))[:, 0]
                belief = self.a.remember(torch.from_numpy(self.mind.belief), z_last)
                s_last = self.state_of(z_last, belief, self._s[:, t - 1, -self.cue_size :])
                last_value = self.b.evaluate(s_last[:, None])[1][:, 0]
            logp = self._logp[:, :t]
            held = self._held[:, :t] & (mode == ACT)[:, None]
            if held.any():
                # A surprise held these infants still: the action taken was STAY, so the
                # old log-probability is B's (unchanged since the step) of STAY.
                with torch.no_grad():
                    logits, _ = self.b.evaluate(self._s[:, :t])
                    stay = torch.log_softmax(logits, -1)[..., STAY]
                logp = torch.where(torch.from_numpy(held), stay, logp)
            rollout = {
                "z": self._s[:, :t],
                "action": action,
                "logp": logp,
                "value": self._value[:, :t],
                "reward": mixed,
                "done": done.float(),
                "last_value": last_value,
            }
            stats.update(self.b.learn(rollout, gate_b))
        dreaming = ((mode == IMAGINE) | (mode == SLEEP)) & bool(learning)
        if dreaming.any():
            stats.update(self.consolidate(dreaming))
            stats.update(self.rehearse(dreaming))
            stats.update(self.imagine(dreaming))
        # Memory keeps what was salient.
        # Surprise relative to the infant's own recent level (capped), so that salience
        # stays comparable as A's error falls and a reward or a word can outweigh it.
        err = sig["error_sample"][:, :t].numpy() * ~self._done[:, :t]
        surprise = np.minimum(err / (err.mean(1, keepdims=True) + 1e-6), 3.0)
        # A reward, or with memory.credit_steps the steps that led to it, is salient.
        steps_back = self.config.memory.credit_steps
        earned = (
            credit(self._reward[:, :t], self._done[:, :t], steps_back, self.b.discount)
            if steps_back
            else self._reward[:, :t]
        )
        salience = surprise + social + 5.0 * np.abs(earned)
        keep = valid.numpy() & (salience >= act["store_threshold"][:, None])
        z_dim = self.a.latent
        # What is held fades over the chunk's t steps; rewarded steps by their own
        # half-life where one is set.
        mem = self.config.memory
        factor = self._fade_factor(mem.half_life, t)
        rewarded = (
            factor if mem.reward_half_life is None else self._fade_factor(mem.reward_half_life, t)
        )
        if min(factor, rewarded) < 1.0:
            self.memory.fade(factor, rewarded)
        self.memory.store(
            {
                "view": self._view[:, :t],
                "senses": self._senses[:, :t],
                "action": self._action[:, :t],
                "reward": self._reward[:, :t],
                "terminal": self._done[:, :t],
                "view_next": self._view[:, 1 : t + 1],
                "senses_next": self._senses[:, 1 : t + 1],
                "belief": self._s.numpy()[:, :t, z_dim : 2 * z_dim],
                "cue": self._s.numpy()[:, :t, 2 * z_dim :],
                **({"credit": earned} if steps_back else {}),
            },
            salience,
            keep,
        )
        # Meta-signals (infants/signals.py), then M's next decision.
        self.meta = self.signals.update(
            Chunk(
                a={
                    **{k: sig[k].numpy() for k in ("prediction_error", "uncertainty", "novelty")},
                    **noise,
                },
                gate_a=act["gate_a"],
                mode=mode,
                reward=self._reward[:, :t],
                senses=self._senses[:, :t],
                social=social,
                right=right,
                wrong=wrong,
                energy=self.energy,
                memories=self.memory.sizes(),
            )
        )
        self._view[:, 0] = self._view[:, t]
        self._senses[:, 0] = self._senses[:, t]
        self._entered[:] = False
        self._t = 0
        self.action = self.m.decide(self.meta, self.age_months, self.steps)
        stats.update({k: v for k, v in sig.items() if not k.endswith("_sample")})
        self.last_stats = stats
        return stats

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
            self._rays,
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
        self.attend()
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

    @staticmethod
    def _fade_factor(half_life: float, t: int) -> float:
        """The factor by which ``t`` steps fade a memory of ``half_life`` (0: none)."""
        return 0.5 ** (t / half_life) if half_life > 0 else 1.0

    def rehearse(self, dreaming: np.ndarray) -> dict[str, Any]:
        """Replay against forgetting: B relives ``dream_batch`` remembered steps and
        imitates the actions that were rewarded, and with ``memory.credit_steps`` those
        that led to a reward within that many steps, in proportion to their share of it
        (:func:`~infancy.infants.memory.credit`; in the spirit of self-imitation
        learning, Oh et al. 2018, without its advantage gate: see
        :meth:`~infancy.infants.system_b.PpoB.learn_replayed`), for the ``dreaming``
        infants with memories; ``b.replay_weight`` 0 turns it off."""
        c = self.config
        if c.b.replay_weight <= 0:
            return {}
        mem = self.memory.sample(c.dream_batch, self.rng)
        if mem is None:
            return {}
        with torch.no_grad():
            z = self.a.encode(self.features(mem["view"], mem["senses"]))
            state = self.state_of(z, torch.from_numpy(mem["belief"]), torch.from_numpy(mem["cue"]))
        held = np.repeat(mem["held"][:, None], mem["action"].shape[1], 1)
        replayed = {
            "z": state,
            "action": torch.from_numpy(mem["action"]),
            # With memory.credit_steps, the steps that led to a reward are imitated too.
            "reward": torch.from_numpy(mem["credit" if "credit" in mem else "reward"]),
            "valid": torch.from_numpy(held),
        }
        gate = torch.as_tensor(dreaming & mem["held"], dtype=torch.float32)
        return self.b.learn_replayed(replayed, gate)

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
            belief = torch.from_numpy(mem["belief"])
            # The cue stays as it was at the memory's start: A predicts latents, not
            # places, so the word in mind and the place slots (of the named toy, or of
            # the nearest object under b.orient) are not updated as imagined moves go on.
            cue = torch.from_numpy(mem["cue"])
            zs, acts, rews = [], [], []
            for _ in range(c.imagine_horizon):
                state = self.state_of(z, belief, cue)
                logits = self.b.evaluate(state)[0]
                probs = torch.softmax(logits, -1).reshape(-1, self.n_actions)
                a = torch.multinomial(probs, 1, generator=self.gen).view(z.shape[:2])
                z_next, r = self.a.predict(z, a)
                zs.append(state)
                acts.append(a)
                rews.append(r)
                z = z_next
                belief = self.a.remember(belief, z)
            z = self.state_of(z, belief, cue)
            rew = torch.stack(rews, -1)  # [N, S, H]
            # An imagined episode ends at its first success (as a real one does).
            hit = rew >= c.imagine_success
            before = torch.cumsum(hit.float(), -1) - hit.float()
            alive = before == 0
            rew = rew * alive
            gamma = self.b.discount
            ret = torch.zeros_like(rew)
            # Bootstrap from the critic where the imagined episode is still going at the
            # horizon: a truncated imagination is not a failure.
            still = alive[..., -1] & ~hit[..., -1]
            running = torch.where(still, self.b.evaluate(z)[1], 0.0)
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
    def frozen(self, config: InfantConfig | dict[str, Any] | None = None) -> Cohort:
        """An independent copy for assessments: same parameters, memory and state;
        nothing done with it changes this cohort. ``config`` (this cohort's by default)
        makes a copy that goes on by another config holding the same arrays (a
        diagnostic's variant); one that changes what the cohort holds fails to load."""
        arrays, meta = self.state_dict()
        twin = Cohort(
            self.config if config is None else config,
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
        self,
        view: np.ndarray,
        senses: np.ndarray,
        generator: torch.Generator | None = None,
        mind: Mind | None = None,
    ) -> np.ndarray:
        """B's actions for observations ``view[N, C, V, V]``, ``senses[N, S]`` with no
        learning and no record (probes); samples with ``generator`` (the cohort's own by
        default). ``mind`` (a :class:`Mind`, moved on one step) carries the belief and
        the word in mind from the previous call; without one the infant acts with an
        empty mind, as at the first step of a scene."""
        mind = Mind(self.n, self.a.latent) if mind is None else mind
        gen = self.gen if generator is None else generator
        action, _, _, _ = self._infer(view, senses, gen, mind)
        mind.reached &= mind.dwell <= 0
        return np.where(mind.dwell > 0, STAY, action.numpy())

    def new_mind(self) -> Mind:
        """An empty :class:`Mind` for this cohort (a probe's, a demo's)."""
        return Mind(self.n, self.a.latent)

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
        restore the cohort exactly (:func:`~infancy.infants.checkpoint.state_dict`)."""
        return checkpoint.state_dict(self)

    def save(self, path: str | Path) -> Path:
        """Write ``infant.safetensors`` and ``infant.json`` into the folder ``path``."""
        return checkpoint.save(self, path)

    @classmethod
    def load(cls, path: str | Path, rules: Rules | None = None) -> Cohort:
        """A cohort restored from :meth:`save` (no pickle: safetensors and JSON)."""
        return checkpoint.load(path, rules, cls=cls)

    def load_state_dict(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` into this cohort (same config and size)."""
        checkpoint.load_state_dict(self, arrays, meta)
