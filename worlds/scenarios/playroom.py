"""Free play: the playroom and the noisy-TV room."""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from pydantic import Field

from ..core.codes import DIR_DC, DIR_DR, GRASPABLE
from ..core.kernels import chunk_size
from .base import (
    H_ATTEND,
    H_FOLLOW,
    Scenario,
    WorldConfig,
    choose_attended,
    clear_action,
    pick_toy,
    play_with,
)


class PlayroomConfig(WorldConfig):
    """Parameters of ``playroom-v0``."""

    max_cycles: int = Field(200, ge=1, description="Steps before the episode is truncated.")
    n_toys: int = Field(5, ge=1, le=6, description="Toys scattered in the room.")


@njit(cache=True, parallel=True)
def _direct_play(st, u, habits, params, kind_words, kind_flags, out):
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            clear_action(out, b)
            if st.ended[b]:
                continue
            if st.timer[b] <= 0:
                # A new focus of play, with the infant it attends to (its turn, or the
                # nearest): often what that infant is looking at.
                choose_attended(st, b, habits)
                seen = st.looking[b, st.cg_attends[b]]
                if (
                    u[b, 6] < habits[b, H_FOLLOW]
                    and seen >= 0
                    and kind_flags[st.obj_kind[b, seen]] & GRASPABLE
                ):
                    st.target[b] = seen
                else:
                    st.target[b] = pick_toy(st, b, u[b, 7], kind_flags)
                st.timer[b] = int(habits[b, H_ATTEND])
            st.timer[b] -= 1
            play_with(st, b, st.target[b], u, habits, kind_words, out)


class Playroom(Scenario):
    """## Description
    A 7x7 playroom with toys scattered on the floor. The caregiver plays: every few
    steps it picks a focus of play, often the toy the infant is looking at, and looks
    at it, points at it and names it with the habits in ``caregiver.yaml``. The infant
    explores freely. With several infants, the caregiver attends to one at a time (its
    eye contact, and the toy it follows), chosen at each new focus of play by the
    ``attend_rule`` habit.

    ## Agents
    ``infant_0`` (up to ``n_infants``) and ``caregiver``.

    ## Observations
    Infants: the egocentric ``view`` and ``senses`` described in ``OBSERVATION_DOC``.
    Caregiver: allocentric planes of the whole room.

    ## Actions
    Infants: ``Discrete(8)`` (stay, turn_left, turn_right, forward, reach, release,
    point, vocalise). Caregiver: ``MultiDiscrete`` (move, gaze, point, word, flag,
    hand, hand_target).

    ## Rewards
    ``success_reward`` when an infant takes the toy the caregiver is attending to
    (caregiver approval).

    ## Termination
    None; truncated after ``max_cycles`` steps (default 200).

    ## Registered ids
    ``playroom-v0``
    """

    id = "playroom-v0"
    Config = PlayroomConfig
    ends_early = False
    height = width = 9
    n_objects = 6

    def layout(self, st, idx, rng):
        n_inf = self.config.n_infants
        n_toys = self.config.n_toys
        self.room(st, idx)
        cells = self.distinct_cells(
            rng, idx.size, self.interior(self.reserved()), n_inf + 1 + n_toys
        )
        headings = rng.integers(0, 4, size=(idx.size, n_inf + 1))
        for a in range(n_inf + 1):
            self.place_agent(st, idx, a, cells[:, a], headings[:, a])
        kinds = self.toy_kinds(rng, idx.size, n_toys)
        for j in range(n_toys):
            self.put(st, idx, j, kinds[:, j], cells[:, n_inf + 1 + j])
        self.furnish(st, idx)

    def toy_kinds(self, rng, n, k):
        """Random toy kinds (with repeats): the graspable ones and cups."""
        pool = self._toy_pool
        return pool[rng.integers(0, len(pool), size=(n, k))]

    @property
    def _toy_pool(self) -> np.ndarray:
        if not hasattr(self, "_pool"):
            self._pool = np.append(self.graspable_kinds(), self.rules.kind_index("cup"))
        return self._pool

    def reserved(self) -> tuple[tuple[int, int], ...]:
        """Cells kept free of random placement (furniture goes there)."""
        return ()

    def furnish(self, st, idx) -> None:
        """Fixed furniture after the random placement (none in the playroom)."""

    def direct(self, st, u, habits, params, kind_words, kind_flags, out):
        _direct_play(st, u, habits, params, kind_words, kind_flags, out)

    def judge_rule(self):
        return (False, False, False)


class NoisyTVConfig(PlayroomConfig):
    """Parameters of ``noisy-tv-v0``."""

    screen: int = Field(
        1,
        ge=1,
        le=7,
        description="Cells of the top row the TV's screen spans, centred (an even width "
        "half a cell to the right; 7: the whole wall); each shows its own random colour "
        "every step.",
    )


class NoisyTV(Playroom):
    """## Description
    The playroom with a television against the top wall whose screen shows a random
    colour and makes random sounds every step: unlearnable noise, the "noisy TV" that
    traps a learner whose curiosity is its error in predicting the next observation
    (Burda et al. 2018). It need not trap others: random network distillation's
    novelty, a function of the observation alone, learns the screen's few colours in
    part (``experiments/noisy_tv_diagnostic.py`` measures how novel the room stays and
    how much the TV draws an infant). The
    screen is one cell wide, or ``screen`` cells (each its own noise). The caregiver
    plays as in ``playroom-v0`` and never attends to the TV.

    ## Agents
    ``infant_0`` (up to ``n_infants``) and ``caregiver``.

    ## Observations
    As ``playroom-v0``; the TV's colour channel changes at random.

    ## Actions
    As ``playroom-v0``.

    ## Rewards
    As ``playroom-v0``.

    ## Termination
    None; truncated after ``max_cycles`` steps.

    ## Registered ids
    ``noisy-tv-v0``
    """

    id = "noisy-tv-v0"
    Config = NoisyTVConfig
    n_objects = 7  # with one cell of screen; see __init__

    def __init__(self, rules=None, **kwargs) -> None:
        super().__init__(rules, **kwargs)
        # The toys' slots, then one per cell of screen.
        self.n_objects = Playroom.n_objects + self.config.screen

    def reserved(self):
        left = self.width // 2 - self.config.screen // 2
        return tuple((1, left + j) for j in range(self.config.screen))

    def furnish(self, st, idx):
        for j, cell in enumerate(self.reserved()):
            self.put(st, idx, Playroom.n_objects + j, "tv", cell)


class ReachConfig(WorldConfig):
    """Parameters of ``reach-v0``."""

    max_cycles: int = Field(20, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict = Field("reacher", description="Body profile or overrides.")
    distance: int = Field(
        1,
        ge=1,
        le=4,
        description="Cells between the infant and the toy (at most what fits the room: "
        "from its centre ``room - 2 - room // 2``, with ``anywhere`` ``(room - 2) // 2``).",
    )
    distractors: int = Field(0, ge=0, le=3, description="Other toys in the room.")
    empty_share: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="Share of episodes with no wanted toy (nothing to reach for: they only "
        "truncate), so that reaching at nothing earns nothing.",
    )
    quiet: bool = Field(
        False,
        description="The caregiver neither looks at, points to nor names the wanted toy "
        "(it stays where it is and does nothing): the infant finds the toy by seeing it, "
        "as in the battery's reaching and locomotion probes.",
    )
    up_to: bool = Field(
        False,
        description="Draw each episode's distance from 1 to ``distance`` (equally often) "
        "instead of always ``distance``: near toys to reach, far ones to crawl to.",
    )
    room: int = Field(7, ge=5, le=11, description="Side of the square room, walls included.")
    anywhere: bool = Field(
        False,
        description="Seat the infant on a random cell of the room (the toy ``distance`` cells "
        "away, inside the room) instead of its centre, so that the walls around a toy "
        "differ from episode to episode and a reach is learned for the toy, not for one "
        "view of the room.",
    )


@njit(cache=True, parallel=True)
def _direct_reach(st, u, habits, params, kind_words, kind_flags, out):
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            clear_action(out, b)
            if not st.ended[b] and params[1] == 0.0:
                play_with(st, b, st.target[b], u, habits, kind_words, out)


class Reach(Scenario):
    """## Description
    A small room with one wanted toy ``distance`` cells from the infant in one of the
    four directions, and optional distractor toys. The infant must turn to face the
    toy (and, when ``distance`` is 2, move next to it) and reach. The caregiver looks at
    and sometimes names the wanted toy. The default body is a ``reacher`` (no
    locomotion), so ``distance=2`` needs ``abilities="crawler"`` or better. With ``quiet``
    the caregiver does nothing, as in the battery's probes. With
    ``empty_share`` above 0, that share of episodes has no wanted toy: nothing there
    can be earned, so reaching at nothing does not pay. The room is ``room`` cells on a
    side (7, walls included), the infant at its centre (the cell ``room // 2``); with
    ``anywhere`` it sits on a random cell and the toy ``distance`` cells away inside the
    room, so the walls in view differ from episode to episode (the default curriculum
    practises reaching this way, in a room of 8).

    ## Agents
    ``infant_0`` (up to ``n_infants``, all aiming at the same toy) and ``caregiver``.

    ## Observations
    As ``playroom-v0``.

    ## Actions
    As ``playroom-v0``.

    ## Rewards
    ``success_reward`` on grasping the wanted toy.

    ## Termination
    An infant terminates when it grasps the wanted toy; truncated after ``max_cycles``
    steps (default 20). An episode without a toy only truncates.

    ## Registered ids
    ``reach-v0``
    """

    max_infants = 1

    id = "reach-v0"
    Config = ReachConfig
    height = width = 7
    n_objects = 4

    def __init__(self, rules=None, **kwargs) -> None:
        super().__init__(rules, **kwargs)
        self.height = self.width = self.config.room

    def check(self):
        room, d = self.config.room, self.config.distance
        # From the centre, the toy must fit between it and the wall. Seated anywhere, every
        # seat needs a side with a cell ``d`` away inside: true of every seat when ``d`` is
        # at most half the floor's width.
        most = (room - 2) // 2 if self.config.anywhere else room - 2 - room // 2
        if d > most:
            where = "anywhere in" if self.config.anywhere else "at the centre of"
            raise ValueError(
                f"{self.id}: parameter 'distance' {d} does not fit {where} a room of side "
                f"{room} (at most {most})"
            )
        if self.config.distance > 1 and self.profile.locomotion == "none":
            raise ValueError(
                f"{self.id}: parameter 'distance' {self.config.distance} needs locomotion; "
                "pass abilities='crawler' or 'walker'"
            )
        if self.config.n_infants > 1:
            raise ValueError(f"{self.id}: parameter 'n_infants' must be 1 (one infant, one toy)")

    def layout(self, st, idx, rng):
        n = idx.size
        self.room(st, idx)
        d = self.config.distance
        if self.config.up_to:  # drawn only when asked: the default's draws stay
            d = rng.integers(1, d + 1, size=n)
        centre = np.array([self.height // 2, self.width // 2], dtype=np.int16)
        dcol = np.reshape(d, (-1, 1))  # one distance, or one per episode
        if self.config.anywhere:
            cells = self.interior()
            seat = cells[rng.integers(0, len(cells), size=n)]
            self.place_agent(st, idx, 0, seat, rng.integers(0, 4, size=n))
            # The toy on a side whose cell ``d`` away is inside the room (check() makes
            # sure every seat has one).
            r = seat[:, :1] + dcol * np.array(DIR_DR)
            c = seat[:, 1:] + dcol * np.array(DIR_DC)
            inside = (r >= 1) & (r <= self.height - 2) & (c >= 1) & (c <= self.width - 2)
            side = np.argmax(np.where(inside, rng.random((n, 4)), -1.0), axis=1)
        else:
            seat = np.broadcast_to(centre, (n, 2))
            self.place_agent(st, idx, 0, centre, rng.integers(0, 4, size=n))
            side = rng.integers(0, 4, size=n)
        dr = np.array(DIR_DR)[side]
        dc = np.array(DIR_DC)[side]
        toy = np.stack([seat[:, 0] + d * dr, seat[:, 1] + d * dc], axis=1)
        kinds = self.distinct_kinds(rng, n, 1 + self.config.distractors)
        if self.config.empty_share > 0:  # drawn only when asked: the default's draws stay
            empty = rng.random(n) < self.config.empty_share
            kinds[:, 0] = np.where(empty, -1, kinds[:, 0])
            st.target[idx] = np.where(empty, -1, 0)
        else:
            st.target[idx] = 0
        self.put(st, idx, 0, kinds[:, 0], toy)
        if self.config.empty_share > 0:  # an empty slot, as a reset leaves it
            st.obj_colour[idx, 0] = np.where(kinds[:, 0] >= 0, st.obj_colour[idx, 0], 0)
            st.obj_pos[idx, 0] = np.where(kinds[:, :1] >= 0, st.obj_pos[idx, 0], 0)
        free = self.interior(
            ((int(centre[0]), int(centre[1])),) if not self.config.anywhere else ()
        )
        # Caregiver and distractors go to cells other than the toy's (and the infant's).
        order = np.argsort(rng.random((n, len(free))), axis=1)
        cells = free[order]
        clash = (cells[:, :, 0] == toy[:, None, 0]) & (cells[:, :, 1] == toy[:, None, 1])
        if self.config.anywhere:
            clash |= (cells[:, :, 0] == seat[:, None, 0]) & (cells[:, :, 1] == seat[:, None, 1])
        cells = np.stack([row[~c] for row, c in zip(cells, clash, strict=True)])
        self.place_agent(st, idx, 1, cells[:, 0], rng.integers(0, 4, size=n))
        for j in range(self.config.distractors):
            self.put(st, idx, 1 + j, kinds[:, 1 + j], cells[:, 1 + j])

    def extra_params(self):
        return (float(self.config.quiet),)

    def direct(self, st, u, habits, params, kind_words, kind_flags, out):
        _direct_reach(st, u, habits, params, kind_words, kind_flags, out)

    def judge_rule(self):
        return (False, True, False)


class CrawlConfig(ReachConfig):
    """Parameters of ``crawl-v0``: those of ``reach-v0`` with a crawler's defaults."""

    max_cycles: int = Field(30, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict = Field("crawler", description="Body profile or overrides.")
    distance: int = Field(
        3,
        ge=1,
        le=4,
        description="Cells between the infant and the toy (at most what fits the room, as "
        "for ``reach-v0``).",
    )
    room: int = Field(8, ge=5, le=11, description="Side of the square room, walls included.")
    anywhere: bool = Field(
        True, description="Seat the infant on a random cell of the room (as for ``reach-v0``)."
    )
    up_to: bool = Field(
        True,
        description="Draw each episode's distance from 1 to ``distance`` (as for ``reach-v0``).",
    )
    quiet: bool = Field(
        True, description="The caregiver does nothing, as in the probes (as for ``reach-v0``)."
    )


class Crawl(Reach):
    """## Description
    Crawling to a wanted toy: ``reach-v0`` with the toy 1 to ``distance`` (3) cells from
    the infant (drawn, equally often), who sits anywhere in a room of 8 and must turn to
    it, crawl next to it and reach, while the caregiver stays quiet (``quiet``: a skill
    learned while the caregiver names the toy was used only when it was named, measured
    in docs/measurements.md, 2026-12-03). The practice world of the default curriculum's
    crawler and walker stages: the locomotion probe's task in a room it never tests in
    (the probe's room is a row of 7 floor cells, this one's 6).

    ## Agents
    ``infant_0`` and ``caregiver``.

    ## Observations
    As ``playroom-v0``.

    ## Actions
    As ``playroom-v0``.

    ## Rewards
    ``success_reward`` on grasping the wanted toy.

    ## Termination
    As ``reach-v0``; truncated after ``max_cycles`` steps (default 30).

    ## Registered ids
    ``crawl-v0``
    """

    id = "crawl-v0"
    Config = CrawlConfig
    height = width = 8
