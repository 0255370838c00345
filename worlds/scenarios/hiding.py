"""Object permanence: peekaboo behind a screen, and Piaget's A-not-B search task."""

from __future__ import annotations

from numba import njit, prange
from pydantic import Field

from ..core.codes import (
    CG_GAZE,
    CG_POINT,
    FLAG_OSTENSIVE,
    HAND_PLACE,
    HAND_TAKE,
    NORTH,
)
from ..core.kernels import chunk_size
from .base import (
    Scenario,
    WorldConfig,
    clear_action,
    hand,
    hold_infants,
    say_name,
)

# --------------------------------------------------------------------- peekaboo
P_SHOW, P_HIDE, P_DELAY, P_REVEAL, P_AFTER = range(5)


class PeekabooConfig(WorldConfig):
    """Parameters of ``peekaboo-v0``."""

    max_cycles: int = Field(30, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict = Field("crawler", description="Body profile or overrides.")
    show_steps: int = Field(3, ge=1, description="Steps the toy is shown before hiding.")
    delay: int = Field(4, ge=0, description="Steps the toy stays behind the screen.")
    impossible: bool = Field(
        False, description="Violation of expectation: a different toy comes out."
    )


@njit(cache=True, parallel=True)
def _direct_peekaboo(st, u, habits, params, kind_words, kind_flags, out):
    """params: [reward, show_steps, delay, impossible, spot_row, spot_col, width,
    n_kinds, kinds..., colours...] (the kinds an impossible reveal may swap in)."""
    n = st.done.shape[1]
    show = int(params[1])
    delay = int(params[2])
    impossible = int(params[3])
    spot = 1 + n + st.obj_kind.shape[1] + int(params[4]) * int(params[6]) + int(params[5])
    toy_code = 1 + n  # the toy is object slot 0
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            clear_action(out, b)
            if st.ended[b]:
                continue
            ph = st.phase[b]
            if ph == P_SHOW:
                out[b, CG_GAZE] = 1 if st.timer[b] == 0 else toy_code
                if st.timer[b] == 1:
                    say_name(st, b, 0, 0.0, 0.0, habits, kind_words, out, FLAG_OSTENSIVE)
                st.timer[b] += 1
                if st.timer[b] >= show:
                    st.phase[b] = P_HIDE
                    st.timer[b] = 0
            elif ph == P_HIDE:
                out[b, CG_GAZE] = spot
                hand(out, b, HAND_PLACE, spot)
                st.phase[b] = P_DELAY
                st.aux[b, 1] = 1  # hidden
            elif ph == P_DELAY:
                out[b, CG_GAZE] = 1
                st.timer[b] += 1
                if st.timer[b] >= delay:
                    st.phase[b] = P_REVEAL
                    st.timer[b] = 0
            elif ph == P_REVEAL:
                out[b, CG_GAZE] = toy_code
                if st.obj_holder[b, 0] < 0:
                    hand(out, b, HAND_TAKE, toy_code)
                    if impossible:
                        # The experimenter's trick: a toy of another kind comes out.
                        n_kinds = int(params[7])
                        j = int(u[b, 7] * n_kinds)
                        if int(params[8 + j]) == st.obj_kind[b, 0]:
                            j = (j + 1) % n_kinds
                        st.obj_kind[b, 0] = int(params[8 + j])
                        st.obj_colour[b, 0] = int(params[8 + n_kinds + j])
                st.aux[b, 1] = 0
                st.phase[b] = P_AFTER
            else:
                out[b, CG_GAZE] = toy_code if st.timer[b] % 2 == 0 else 1
                if st.timer[b] == 0:
                    say_name(st, b, 0, 0.0, 0.0, habits, kind_words, out, FLAG_OSTENSIVE)
                st.timer[b] += 1
                if st.timer[b] >= 2:
                    st.ended[b] = 1


class Peekaboo(Scenario):
    """## Description
    Object permanence and violation of expectation. The caregiver, beside a screen in
    front of the infant, shows a toy (eye contact, then "look, a ball!"), puts it behind
    the screen while looking there, waits ``delay`` steps looking at the infant, then
    takes the toy out again and shows it ("peekaboo"). With ``impossible=True`` a toy of
    another kind comes out (an identity violation, for looking-time tests of System A's
    surprise). While the toy is hidden a crawling infant can search for it behind the
    screen.

    ## Agents
    ``infant_0`` and ``caregiver``.

    ## Observations
    As ``playroom-v0``. Nothing behind the screen is visible from the infant's start.

    ## Actions
    As ``playroom-v0``.

    ## Rewards
    ``success_reward`` for taking the hidden toy.

    ## Termination
    When the infant takes the toy, or after the reveal; truncated after ``max_cycles``.
    ``info`` has ``phase`` (0 show, 1 hide, 2 delay, 3 reveal, 4 after), ``hidden``
    and ``impossible``.

    ## Registered ids
    ``peekaboo-v0``
    """

    max_infants = 1

    id = "peekaboo-v0"
    Config = PeekabooConfig
    height = width = 7
    n_objects = 2
    aux_names = ("impossible", "hidden")
    spot = (2, 3)

    def check(self):
        if self.config.n_infants > 1:
            raise ValueError(f"{self.id}: parameter 'n_infants' must be 1")
        if self.habits.arm_reach < 2:
            raise ValueError(f"{self.id}: parameter 'caregiver.arm_reach' must be at least 2")

    def extra_params(self):
        cfg = self.config
        kinds = self.graspable_kinds()
        colours = self.rules.kind_colours()[kinds]
        return (
            cfg.show_steps,
            cfg.delay,
            int(cfg.impossible),
            *self.spot,
            self.width,
            len(kinds),
            *kinds,
            *colours,
        )

    def layout(self, st, idx, rng):
        self.room(st, idx)
        self.place_agent(st, idx, 0, (5, 3), NORTH)
        self.place_agent(st, idx, 1, (2, 1), 0)
        self.caregiver_holds_toy(st, idx, rng, 0)
        self.put(st, idx, 1, "screen", (3, 3))
        st.target[idx] = 0
        st.aux[idx, 0] = int(self.config.impossible)
        st.phase[idx] = P_SHOW

    def direct(self, st, u, habits, params, kind_words, kind_flags, out):
        _direct_peekaboo(st, u, habits, params, kind_words, kind_flags, out)

    def judge_rule(self):
        return (False, True, False)


# ----------------------------------------------------------------------- A-not-B
AB_SHOW, AB_HIDE, AB_DELAY, AB_SEARCH, AB_RETRIEVE = range(5)


class ANotBConfig(WorldConfig):
    """Parameters of ``a-not-b-v0``."""

    max_cycles: int = Field(120, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict = Field(
        default_factory=lambda: {"profile": "reacher", "fov_degrees": 180},
        description="Body profile or overrides (both wells must be in view).",
    )
    a_trials: int = Field(3, ge=1, description="Trials hiding at A.")
    b_trials: int = Field(1, ge=0, description="Trials hiding at B, after the A trials.")
    delay: int = Field(2, ge=0, description="Steps the infant is held between hiding and search.")
    search_steps: int = Field(8, ge=1, description="Steps allowed for the search.")
    kept: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="Chance that a trial is a kept trial: the caregiver shows the toy and "
        "keeps it in her hand while the infant waits and may search, so both boxes are "
        "empty (the object-permanence probe's control, lived). Kept trials come on top of "
        "the A and B trials.",
    )


@njit(cache=True, parallel=True)
def _direct_anotb(st, u, habits, params, kind_words, kind_flags, out):
    """params: [reward, a_trials, b_trials, delay, search_steps, kept].

    aux: [0] well A's object slot (1 or 2; the other is B), [1] where the toy is hidden
    this trial (1 A, 2 B, 0 kept in the caregiver's hand), [2] where the infant searched
    (0 not yet, 1 A, 2 B), [3] perseverative errors so far (searched A on a B trial).
    Reads uniform ``u[b, 6]`` at the start of each trial (kept or not).
    """
    n = st.done.shape[1]
    a_trials = int(params[1])
    trials = a_trials + int(params[2])
    delay = int(params[3])
    search = int(params[4])
    kept = params[5]
    toy_code = 1 + n
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            clear_action(out, b)
            if st.ended[b]:
                continue
            well_a = st.aux[b, 0]
            well_b = 3 - well_a
            hide_slot = well_a if st.trial[b] < a_trials else well_b
            ph = st.phase[b]
            if ph == AB_SHOW:
                hold_infants(st, b, 1)
                if st.timer[b] == 0:
                    if u[b, 6] < kept:
                        st.aux[b, 1] = 0
                    else:
                        st.aux[b, 1] = 1 if hide_slot == well_a else 2
                st.aux[b, 2] = 0
                out[b, CG_GAZE] = 1 if st.timer[b] == 0 else toy_code
                if st.timer[b] == 1:
                    say_name(st, b, 0, 0.0, 0.0, habits, kind_words, out, FLAG_OSTENSIVE)
                st.timer[b] += 1
                if st.timer[b] >= 2:
                    st.phase[b] = AB_HIDE
                    st.timer[b] = 0
            elif ph == AB_HIDE:
                if st.aux[b, 1] == 0:
                    out[b, CG_GAZE] = toy_code  # she looks at the toy she keeps
                else:
                    out[b, CG_GAZE] = 1 + n + hide_slot
                    out[b, CG_POINT] = 1 + n + hide_slot
                    if st.timer[b] == 1:
                        hand(out, b, HAND_PLACE, 1 + n + hide_slot)
                st.timer[b] += 1
                if st.timer[b] >= 2:
                    st.phase[b] = AB_DELAY if delay > 0 else AB_SEARCH
                    st.timer[b] = 0
            elif ph == AB_DELAY:
                out[b, CG_GAZE] = 1
                st.timer[b] += 1
                if st.timer[b] >= delay:
                    st.phase[b] = AB_SEARCH
                    st.timer[b] = 0
            if st.phase[b] == AB_SEARCH:
                hold_infants(st, b, 0)
                touched = st.touched[b, 0]  # the well reached into last step, if any
                if (touched == well_a or touched == well_b) and st.aux[b, 2] == 0:
                    st.aux[b, 2] = 1 if touched == well_a else 2
                    if st.aux[b, 2] == 1 and st.aux[b, 1] == 2:
                        st.aux[b, 3] += 1
                # A kept trial's search runs its full time, so that searching an empty
                # box does not bring the next trial (and its toy) sooner.
                if st.aux[b, 2] != 0 and st.aux[b, 1] != 0:
                    st.phase[b] = AB_RETRIEVE
                elif st.timer[b] >= search:
                    st.phase[b] = AB_RETRIEVE
                else:
                    st.timer[b] += 1
            if st.phase[b] == AB_RETRIEVE:
                hold_infants(st, b, 1)
                out[b, CG_GAZE] = toy_code
                if st.aux[b, 1] != 0:  # a kept trial is not an A or B trial
                    hand(out, b, HAND_TAKE, toy_code)
                    st.trial[b] += 1
                st.phase[b] = AB_SHOW
                st.timer[b] = 0
                if st.trial[b] >= trials:
                    st.ended[b] = 1


class ANotB(Scenario):
    """## Description
    Piaget's A-not-B task as Diamond (1985) ran it. Two wells (boxes) sit to the
    infant's left and right. On each trial the caregiver shows a toy, looks and points at
    a well and puts the toy in it; the infant is held facing the caregiver for
    ``delay`` steps and then may search by turning and reaching into a well. The toy is
    hidden at A for ``a_trials`` trials, then at B. Reaching into A on a B trial is the
    perseverative A-not-B error. The side of A is random per episode. With ``kept`` >
    0 some trials are kept trials: the toy is shown and stays in the caregiver's hand,
    both boxes empty, so that searching pays only when the toy went into a box.

    ## Agents
    ``infant_0`` and ``caregiver``.

    ## Observations
    As ``playroom-v0``; ``senses.restrained`` is 1 while the infant is held.

    ## Actions
    As ``playroom-v0``; actions have no effect while restrained.

    ## Rewards
    ``success_reward`` when the infant takes the toy out of a well.

    ## Termination
    After ``a_trials + b_trials`` trials; truncated after ``max_cycles``. ``info`` has
    ``trial``, ``phase`` (0 show, 1 hide, 2 delay, 3 search, 4 retrieve),
    ``well_a_slot``, ``hidden_at`` (1 A, 2 B, 0 kept), ``searched`` (0 none, 1 A, 2 B) and
    ``errors`` (perseverative errors so far).

    ## Registered ids
    ``a-not-b-v0``
    """

    max_infants = 1

    id = "a-not-b-v0"
    Config = ANotBConfig
    height = 5
    width = 5
    n_objects = 3
    aux_names = ("well_a_slot", "hidden_at", "searched", "errors")

    def check(self):
        if self.config.n_infants > 1:
            raise ValueError(f"{self.id}: parameter 'n_infants' must be 1")
        if not self.profile.reach:
            raise ValueError(f"{self.id}: parameter 'abilities' must include reach")

    def extra_params(self):
        c = self.config
        return (c.a_trials, c.b_trials, c.delay, c.search_steps, c.kept)

    def layout(self, st, idx, rng):
        n = idx.size
        self.room(st, idx)
        self.place_agent(st, idx, 0, (3, 2), NORTH)
        self.place_agent(st, idx, 1, (1, 2), 1)
        self.caregiver_holds_toy(st, idx, rng, 0)
        self.put(st, idx, 1, "box", (3, 1))
        self.put(st, idx, 2, "box", (3, 3))
        st.aux[idx, 0] = rng.integers(1, 3, size=n)  # which box is A
        st.target[idx] = 0
        st.phase[idx] = AB_SHOW

    def direct(self, st, u, habits, params, kind_words, kind_flags, out):
        _direct_anotb(st, u, habits, params, kind_words, kind_flags, out)

    def judge_rule(self):
        return (False, False, False)


__all__ = ["ANotB", "Peekaboo"]
