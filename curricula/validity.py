"""The validity kit: any policy through the battery, shortcut policies, oracles, nulls.

A probe measures its construct only if nothing easier passes it. This module runs any
policy through the battery (:func:`run_battery`) and ships the policies that attack it:

* **shortcuts** (:data:`SHORTCUTS`), each the cheapest strategy that could fake some
  probes (listed in :attr:`Shortcut.targets`) without the ability they name:
  ``random``, ``perseverator``, ``side-bias``, ``favourite-toy``, ``novelty``,
  ``last-vanished``, ``reach-ahead``, ``fixed-route``, ``sweep``, ``cue-ignorer``,
  ``head-side``, ``nearest-object``;
* **oracles** (:func:`oracle`), one per probe, which read the trial's answer from the
  world state (``state.aux``, see :data:`~infancy.curricula.probes.AUX`) and do what a
  child with the ability would do, within what the body allows.

The tests (``tests/curricula/test_validity.py``) run every shortcut through the probes
it targets with every body, and require it to fail at the battery's own rule; and every
oracle through its probe, which it must pass wherever its body makes the probe possible
(:func:`maturation`, shipped as ``curricula/data/maturation.csv``). :func:`null_rates`
gives the rate of false "stable" milestones of a policy over a lifetime's batteries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from infancy.worlds.core.codes import (
    CH_COLOUR,
    CH_GAZE,
    CH_KIND,
    CH_POINT,
    CUE_AT_ME,
    FORWARD,
    REACH,
    S_RESTRAINED,
    STAY,
    TURN_LEFT,
    TURN_RIGHT,
)
from infancy.worlds.core.geometry import egocentric_offsets
from infancy.worlds.rules import load_rules

from .probe_records import PROBE_ROOM
from .probes import ALPHA, PROBES, SPOT_HEADING, battery_rows, per_infant

ALPHA_TEXT = f"{ALPHA:g}"

__all__ = [
    "BODIES",
    "SHORTCUTS",
    "Shortcut",
    "maturation",
    "null_rates",
    "oracle",
    "run_battery",
]

BODIES = ("newborn", "reacher", "crawler", "walker")
MATURATION = Path(__file__).parent / "data" / "maturation.csv"


def run_battery(
    policy,
    *,
    body: str | list = "walker",
    trials: int = 8,
    seed: int = 0,
    probes: tuple[str, ...] | None = None,
    n: int = 16,
) -> pd.DataFrame:
    """Run ``policy`` through the battery and return the battery's own rows.

    Parameters
    ----------
    policy
        A :class:`~infancy.infants.Cohort` (run frozen, with ``n`` its size), or a
        callable ``policy(view, senses, state) -> actions`` (see
        :mod:`infancy.curricula.probes`).
    body
        A body profile name (``newborn``, ``reacher``, ``crawler``, ``walker``) for
        every simulated infant, or one per infant.
    trials, seed, probes
        Trials per probe, the seed of every draw, the probes (all by default).
    n
        Simulated infants, for a callable policy.

    Returns
    -------
    pandas.DataFrame
        ``infant, probe, score, passed, trials, chance`` (and ``detail``), plus
        ``body``.
    """
    from infancy.infants import Cohort

    if isinstance(policy, Cohort):
        from .probes import run_probes

        rows = run_probes(policy, body, age_months=0.0, trials=trials, seed=seed, probes=probes)
        rows = rows.drop(columns="age_months")
    else:
        bodies = per_infant(body, n)
        rows = battery_rows(policy, bodies, trials=trials, seed=seed, probes=probes)
    rows["body"] = body if isinstance(body, str) else "mixed"
    return rows


# ---------------------------------------------------------------- helpers
def _free(senses) -> np.ndarray:
    return senses[:, S_RESTRAINED] == 0


def _turn(now: np.ndarray, want: np.ndarray) -> np.ndarray:
    """The action that turns from heading ``now`` towards ``want`` (STAY when there)."""
    left = (now + 3) % 4 == want
    return np.where(now == want, STAY, np.where(left, TURN_LEFT, TURN_RIGHT))


def _heading_to(dr, dc) -> np.ndarray:
    """The heading (0 east, 1 south, 2 west, 3 north) that faces an offset ``(dr, dc)``
    lying west or east (by its column first) or north or south."""
    return np.where(dc < 0, 2, np.where(dc > 0, 0, np.where(dr < 0, 3, 1)))


class _Memory:
    """Per-world memory that forgets when an episode begins."""

    def __init__(self, fill: int = 0) -> None:
        self.fill = fill
        self.m: np.ndarray | None = None

    def get(self, b: int) -> np.ndarray:
        if self.m is None or len(self.m) != b:
            self.m = np.full(b, self.fill, dtype=np.int64)
        return self.m


# ---------------------------------------------------------------- shortcuts
@dataclass(frozen=True)
class Shortcut:
    """A policy that lacks the abilities it is a shortcut for.

    ``make(seed)`` builds it; ``targets`` are the probes it tries to fake; ``needs``
    says what it uses that a child might too (nothing of the construct)."""

    name: str
    description: str
    targets: tuple[str, ...]
    make: Callable[[int], Callable]


class _Random:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, 901])

    def __call__(self, view, senses, state):
        return self.rng.integers(0, 8, size=len(view))


class _Perseverator:
    """Searches where it searched before, whatever it saw: its first search goes to a
    side it draws once, and every later one repeats the last reach's heading. Memory
    across trials is kept (that is the point); nothing of the hiding is used."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, 902])
        self.last: np.ndarray | None = None

    def __call__(self, view, senses, state):
        b = len(view)
        if self.last is None or len(self.last) != b:
            self.last = self.rng.choice([0, 2, 3], size=b)
        now = state.agent_dir[:, 0].astype(np.int64)
        act = _turn(now, self.last)
        act = np.where(act == STAY, REACH, act)
        return np.where(_free(senses), act, STAY)


class _SideBias:
    """Always turns left, then reaches (and stays looking left)."""

    def __init__(self, seed: int) -> None:
        pass

    def __call__(self, view, senses, state):
        now = state.agent_dir[:, 0].astype(np.int64)
        act = np.where(now == 2, REACH, _turn(now, np.full_like(now, 2)))
        return np.where(_free(senses), act, STAY)


class _FavouriteToy:
    """Turns to its favourite toy kind wherever it is and stays with it; ignores words
    and cues. The favourite is drawn per world."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, 903])
        self.fav: np.ndarray | None = None

    def __call__(self, view, senses, state):
        b = len(view)
        kinds = state.obj_kind[:, :2].astype(np.int64)
        if self.fav is None or len(self.fav) != b:
            rules = load_rules()
            pool = [rules.kind_index(k) for k in rules.vocabulary]
            self.fav = self.rng.choice(pool, size=b)
        now = state.agent_dir[:, 0].astype(np.int64)
        pos = state.obj_pos[:, :2].astype(np.int64)
        me = state.agent_pos[:, 0].astype(np.int64)
        # Heading towards each toy (the one at the front diagonals counts by its side).
        dr = pos[:, :, 0] - me[:, None, 0]
        dc = pos[:, :, 1] - me[:, None, 1]
        heading = _heading_to(dr, dc)
        has = kinds == self.fav[:, None]
        want = np.where(has[:, 0], heading[:, 0], np.where(has[:, 1], heading[:, 1], now))
        act = _turn(now, want)
        return np.where(_free(senses), act, STAY)


class _Novelty:
    """Looks long when a colour appears that it has not seen in this episode, and
    turns away at once otherwise (a novelty detector, not an expectation)."""

    def __init__(self, seed: int) -> None:
        self.seen: np.ndarray | None = None
        self.novel: np.ndarray | None = None

    def begin(self, mask):
        if self.seen is not None:
            self.seen[mask] = False
            self.novel[mask] = False

    def __call__(self, view, senses, state):
        b = len(view)
        if self.seen is None or len(self.seen) != b:
            self.seen = np.zeros((b, 256), dtype=bool)
            self.novel = np.zeros(b, dtype=bool)
        colours = view[:, CH_COLOUR].reshape(b, -1)
        for i in range(b):
            now = np.unique(colours[i][colours[i] > 0])
            new = ~self.seen[i, now]
            if new.any() and self.seen[i].any():
                self.novel[i] = True
            self.seen[i, now] = True
        act = np.where(self.novel, STAY, TURN_LEFT)
        return np.where(_free(senses), act, STAY)


class _Habituated:
    """Keeps still while its view changes and turns away once the view has stayed the
    same for two steps (habituation, ``b.habituation``, with nothing that expects)."""

    def __init__(self, seed: int) -> None:
        self.last: np.ndarray | None = None
        self.same: np.ndarray | None = None

    def begin(self, mask):
        if self.same is not None:
            self.same[mask] = 0
            self.last[mask] = 0

    def __call__(self, view, senses, state):
        b = len(view)
        flat = view.reshape(b, -1)
        if self.last is None or self.last.shape != flat.shape:
            self.last = np.zeros_like(flat)
            self.same = np.zeros(b, dtype=np.int64)
        free = _free(senses)
        unchanged = (flat == self.last).all(1) & free
        self.same = np.where(unchanged, self.same + 1, 0)
        self.last = flat.copy()
        return np.where(free & (self.same >= 2), TURN_LEFT, STAY)


class _LastVanished:
    """Looks long when the toy that reappears is not the last one it saw disappear (a
    rule on the last event, no tracking of where each toy went)."""

    def __init__(self, seed: int) -> None:
        self.prev: np.ndarray | None = None
        self.last_gone: np.ndarray | None = None
        self.odd: np.ndarray | None = None

    def begin(self, mask):
        if self.prev is not None:
            self.prev[mask] = False
            self.last_gone[mask] = -1
            self.odd[mask] = False

    def __call__(self, view, senses, state):
        b = len(view)
        if self.prev is None or len(self.prev) != b:
            self.prev = np.zeros((b, 256), dtype=bool)
            self.last_gone = np.full(b, -1)
            self.odd = np.zeros(b, dtype=bool)
        kinds = view[:, CH_KIND].reshape(b, -1)
        for i in range(b):
            now = np.zeros(256, dtype=bool)
            now[kinds[i][kinds[i] > 0]] = True
            gone = np.flatnonzero(self.prev[i] & ~now)
            back = np.flatnonzero(now & ~self.prev[i])
            if len(back) and self.last_gone[i] >= 0 and self.prev[i].any():
                self.odd[i] = self.odd[i] or back[0] != self.last_gone[i]
            if len(gone):
                self.last_gone[i] = gone[-1]
            self.prev[i] = now
        act = np.where(self.odd, STAY, TURN_LEFT)
        return np.where(_free(senses), act, STAY)


class _ReachAhead:
    """Reaches straight ahead whenever it is free (the way it was last turned by the
    experimenter), and never turns."""

    def __init__(self, seed: int) -> None:
        pass

    def __call__(self, view, senses, state):
        return np.where(_free(senses), REACH, STAY)


class _FixedRoute:
    """A fixed sequence of actions from the start of every episode (turn left, reach,
    turn right, forward, forward, reach, turn right, reach, again), whatever it sees."""

    ROUTE = (TURN_LEFT, REACH, TURN_RIGHT, FORWARD, FORWARD, REACH, TURN_RIGHT, REACH)

    def __init__(self, seed: int) -> None:
        self.t = _Memory()

    def begin(self, mask):
        self.t.get(len(mask))[mask] = 0

    def __call__(self, view, senses, state):
        t = self.t.get(len(view))
        free = _free(senses)
        act = np.asarray(self.ROUTE)[t % len(self.ROUTE)]
        t[free] += 1
        return np.where(free, act, STAY)


class _Sweep(_FixedRoute):
    """Turns to every side in turn and reaches at each (north, west, east), whatever it
    sees."""

    ROUTE = (REACH, TURN_LEFT, REACH, TURN_RIGHT, TURN_RIGHT, REACH, TURN_LEFT)


class _CueIgnorer:
    """Knows where both toys are (privileged) and turns to one of them at random,
    ignoring the caregiver's gaze, point and words; then stays."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, 904])
        self.pick = _Memory(-1)

    def begin(self, mask):
        self.pick.get(len(mask))[mask] = -1

    def __call__(self, view, senses, state):
        b = len(view)
        pick = self.pick.get(b)
        new = pick < 0
        pick[new] = self.rng.integers(0, 2, size=int(new.sum()))
        pos = state.obj_pos[np.arange(b), pick].astype(np.int64)
        me = state.agent_pos[:, 0].astype(np.int64)
        dr, dc = pos[:, 0] - me[:, 0], pos[:, 1] - me[:, 1]
        want = _heading_to(dr, dc)
        act = _turn(state.agent_dir[:, 0].astype(np.int64), want)
        return np.where(_free(senses), act, STAY)


class _HeadSide:
    """Turns to the side the caregiver's head (or arm) points to in its own view: left
    for directions to its left, right for those to its right, stays otherwise. Uses the
    cue's direction but not where the caregiver stands (no geometry)."""

    def __init__(self, seed: int) -> None:
        self.side = _Memory(0)

    def begin(self, mask):
        self.side.get(len(mask))[mask] = 0

    def __call__(self, view, senses, state):
        b = len(view)
        side = self.side.get(b)
        # The arm's direction where it points, else the head's: a caregiver who points
        # keeps eye contact, and the head's "at me" code must not hide the arm.
        head = view[:, CH_GAZE].reshape(b, -1).max(1).astype(np.int64)
        arm = view[:, CH_POINT].reshape(b, -1).max(1).astype(np.int64)
        codes = np.where((arm > 0) & (arm < CUE_AT_ME), arm, head)
        sector = codes - 1
        seen = (codes > 0) & (codes < CUE_AT_ME)
        new = np.where((sector >= 1) & (sector <= 7), 1, np.where(sector >= 9, -1, 0))
        side[seen] = new[seen]
        act = np.where(side > 0, TURN_LEFT, np.where(side < 0, TURN_RIGHT, STAY))
        now = state.agent_dir[:, 0].astype(np.int64)
        # One turn is enough: stop once facing west or east.
        act = np.where((side > 0) & (now == 2), STAY, act)
        act = np.where((side < 0) & (now == 0), STAY, act)
        return np.where(_free(senses), act, STAY)


class _NearestObject:
    """Goes to the nearest object in its own view and reaches it: the place B's
    orienting cue (``b.orient``) gives, by the cue's own rule (fewest steps away, not
    its own cell; on a tie the first in the view's order, further ahead then further
    left). It turns when the object lies more to a side than ahead, steps forward
    otherwise and reaches when it is right ahead; with nothing in view it turns left.
    Uses nothing the caregiver does and no memory."""

    def __init__(self, seed: int) -> None:
        self.offsets: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, view, senses, state):
        b, v = len(view), view.shape[-1]
        if self.offsets is None or self.offsets[0].size != v * v:
            fwd, lat = egocentric_offsets(v)
            self.offsets = (fwd.reshape(-1).astype(np.int64), lat.reshape(-1).astype(np.int64))
        fwd, lat = self.offsets
        steps = np.abs(fwd) + np.abs(lat)
        kind = view[:, CH_KIND].reshape(b, -1) > 0
        d = np.where(kind & (steps > 0), steps, 10**6)
        near = d.argmin(1)  # the first cell in the view's order on a tie
        seen = d[np.arange(b), near] < 10**6
        f, s = fwd[near], lat[near]
        act = np.where(
            np.abs(s) > f,
            np.where(s < 0, TURN_LEFT, TURN_RIGHT),
            np.where((s == 0) & (f == 1), REACH, FORWARD),
        )
        act = np.where(seen, act, TURN_LEFT)
        return np.where(_free(senses), act, STAY)


_ALL = tuple(PROBES)  # shortcuts that aim at every probe
SHORTCUTS: dict[str, Shortcut] = {
    s.name: s
    for s in (
        Shortcut("random", "uniformly random actions", _ALL, _Random),
        Shortcut(
            "perseverator",
            "searches where it searched before",
            ("object_permanence", "a_not_b"),
            _Perseverator,
        ),
        Shortcut(
            "side-bias",
            "always turns left and reaches",
            (
                "object_permanence",
                "a_not_b",
                "gaze_following",
                "point_following",
                "word_comprehension",
                "reaching",
            ),
            _SideBias,
        ),
        Shortcut(
            "favourite-toy",
            "turns to its favourite toy wherever it is",
            ("word_comprehension", "gaze_following", "point_following"),
            _FavouriteToy,
        ),
        Shortcut(
            "novelty",
            "looks long at a colour new in this event",
            ("violation_of_expectation",),
            _Novelty,
        ),
        Shortcut(
            "habituated",
            "looks away once its view has stayed the same for two steps",
            ("violation_of_expectation",),
            _Habituated,
        ),
        Shortcut(
            "last-vanished",
            "looks long when the toy that comes back is not the last one that vanished",
            ("violation_of_expectation",),
            _LastVanished,
        ),
        Shortcut(
            "reach-ahead",
            "reaches straight ahead when released, never turns",
            ("object_permanence", "a_not_b", "reaching"),
            _ReachAhead,
        ),
        Shortcut(
            "fixed-route",
            "the same route every episode, ignoring the toy",
            ("object_permanence", "a_not_b", "reaching", "locomotion"),
            _FixedRoute,
        ),
        Shortcut(
            "sweep",
            "reaches on every side in turn",
            ("object_permanence", "a_not_b", "reaching"),
            _Sweep,
        ),
        Shortcut(
            "cue-ignorer",
            "turns to one of the toys at random, ignoring cues and words",
            ("gaze_following", "point_following", "word_comprehension"),
            _CueIgnorer,
        ),
        Shortcut(
            "head-side",
            "turns to the side the caregiver's head or arm points to, without geometry",
            ("gaze_following", "point_following"),
            _HeadSide,
        ),
        Shortcut(
            "nearest-object",
            "goes to the nearest object in view and reaches it (the orienting cue's place)",
            (
                "object_permanence",
                "a_not_b",
                "gaze_following",
                "point_following",
                "word_comprehension",
            ),
            _NearestObject,
        ),
    )
}
"""Shortcut policies by name (see the module docstring)."""


# ---------------------------------------------------------------- oracles
class _Oracle:
    """Does what a child with the probe's ability would do, reading the answer from
    ``state.aux`` (privileged), and nothing the body cannot."""

    def __init__(self, probe: str) -> None:
        self.probe = probe

    def __call__(self, view, senses, state):
        free = _free(senses)
        now = state.agent_dir[:, 0].astype(np.int64)
        spot, cond = state.aux[:, 0].astype(np.int64), state.aux[:, 1].astype(bool)
        if self.probe in ("reaching", "locomotion"):
            return np.where(free & (spot > 0), self._fetch(state, now), STAY)
        if self.probe in ("object_permanence", "a_not_b"):
            want = SPOT_HEADING[spot]
            act = _turn(now, want)
            act = np.where(act == STAY, REACH, act)
            go = free & (spot > 0) & cond & (state.agent_hold[:, 0] < 0)
            return np.where(go, act, STAY)
        if self.probe == "violation_of_expectation":
            return np.where(free & ~cond, TURN_LEFT, STAY)
        if self.probe in ("gaze_following", "point_following"):
            want = SPOT_HEADING[spot]
            return np.where(free, _turn(now, want), STAY)
        if self.probe == "word_comprehension":
            want = np.where(spot == 2, 2, 0)  # the named toy's side: west or east
            return np.where(free, _turn(now, want), STAY)
        raise ValueError(f"oracle: unknown probe {self.probe!r}")

    @staticmethod
    def _fetch(state, now):
        pos = state.obj_pos[:, 0].astype(np.int64)
        me = state.agent_pos[:, 0].astype(np.int64)
        dr, dc = pos[:, 0] - me[:, 0], pos[:, 1] - me[:, 1]
        want = _heading_to(dr, dc)
        dist = np.abs(dr) + np.abs(dc)
        act = _turn(now, want)
        return np.where(act != STAY, act, np.where(dist <= 1, REACH, FORWARD))


def oracle(probe: str) -> Callable:
    """The oracle policy of ``probe`` (see :class:`_Oracle`)."""
    if probe not in PROBES:
        raise ValueError(f"oracle: unknown probe {probe!r}; known: {', '.join(PROBES)}")
    return _Oracle(probe)


# ---------------------------------------------------------------- tables
def maturation(*, n: int = 16, trials: int = 8, seed: int = 0) -> pd.DataFrame:
    """Whether each probe's oracle passes with each body, and the earliest age at which
    the default curriculum gives that body (so the earliest age a learner could pass).

    Returns
    -------
    pandas.DataFrame
        ``probe, body, oracle_pass_share, possible, from_months``; and one row per
        probe with ``body == "earliest"`` and the earliest possible age (``from_months``;
        empty when no body makes it possible).
    """
    from .stages import load_curriculum

    stages = load_curriculum().stages
    start = {}
    for st in stages:
        name = st.abilities if isinstance(st.abilities, str) else None
        if name and name not in start:
            start[name] = st.from_months
    rows = []
    for probe in PROBES:
        for body in BODIES:
            r = run_battery(
                oracle(probe), body=body, trials=trials, seed=seed, probes=(probe,), n=n
            )
            share = float(r["passed"].mean())
            rows.append(
                {
                    "probe": probe,
                    "body": body,
                    "oracle_pass_share": share,
                    "possible": share >= 0.9,
                    "from_months": start.get(body, float("nan")),
                }
            )
    out = pd.DataFrame(rows)
    ok = out[out["possible"]]
    earliest = ok.groupby("probe")["from_months"].min().reindex(list(PROBES))
    extra = pd.DataFrame(
        {
            "probe": list(PROBES),
            "body": "earliest",
            "oracle_pass_share": np.nan,
            "possible": earliest.notna().to_numpy(),
            "from_months": earliest.to_numpy(),
        }
    )
    return pd.concat([out, extra], ignore_index=True)


def shipped_maturation() -> pd.DataFrame:
    """The maturation table as shipped (``curricula/data/maturation.csv``)."""
    return pd.read_csv(MATURATION)


def null_rates(
    make_policy: Callable[[int], Callable],
    *,
    schedule: list[tuple[float, str]],
    n: int = 32,
    trials: int = 8,
    stable: int = 2,
    seed: int = 0,
) -> pd.DataFrame:
    """The rate of false "stable" milestones of a policy that lacks every ability, over
    one lifetime's batteries.

    Parameters
    ----------
    make_policy
        ``make_policy(seed) -> policy`` (a fresh one per battery).
    schedule
        ``(age_months, body)`` of every battery of the lifetime.
    stable
        Consecutive passes that make a milestone.

    Returns
    -------
    pandas.DataFrame
        One row per probe: ``probe, infants, false_milestones, rate``.
    """
    passes = []
    for k, (_age, body) in enumerate(schedule):
        rows = run_battery(
            make_policy(seed * 1000 + k), body=body, trials=trials, seed=seed * 1000 + k, n=n
        )
        passes.append(rows.pivot(index="infant", columns="probe", values="passed"))
    stack = np.stack([p[list(PROBES)].to_numpy() for p in passes])  # [batteries, n, probes]
    run = np.zeros(stack.shape[1:], dtype=int)
    hit = np.zeros(stack.shape[1:], dtype=bool)
    for p in stack:
        run = np.where(p, run + 1, 0)
        hit |= run >= stable
    return pd.DataFrame(
        {"probe": list(PROBES), "infants": n, "false_milestones": hit.sum(0), "rate": hit.mean(0)}
    )


def lifetime_schedule(preset: str = "default") -> list[tuple[float, str]]:
    """``(age, body)`` of every battery of a curriculum (bodies by age)."""
    from .stages import load_curriculum

    cur = load_curriculum(preset)
    out = []
    for age in cur.probe_ages():
        body = cur.stage_at(min(age, cur.clock.end_months - 1e-9)).abilities
        out.append((age, body))
    return out


def _counterpart(p) -> str:
    c = p.child
    age = {"low": "the start of its age range", "high": "the end of its age range"}
    which = age.get(c.which, f"the {c.which} age")
    text = f"{c.table} row '{c.key}', at {which} ({c.source})"
    return f"{text}: {c.why}." if c.why else f"{text}."


def probe_docs(table: pd.DataFrame | None = None) -> str:
    """``docs/probes.md``: each probe's record and what each body makes possible (the
    shipped maturation table by default)."""
    table = shipped_maturation() if table is None else table
    out = [
        "# The probe battery",
        "",
        "Generated from the probe records (`infancy.curricula.probe_records.PROBES`) and",
        "the maturation table (`curricula/data/maturation.csv`) by `python -m",
        "infancy.curricula.validity`; `tests/curricula/test_validity.py` checks it is up to",
        f"date. Every probe runs in a held-out probe room (`{PROBE_ROOM}`: 6 x 9 cells,",
        "positions and toy pairings that no training world uses) and rewards nothing. The",
        "validity kit (`infancy.curricula.validity`) runs any policy through it; its",
        "shortcut policies fail every probe they target, with every body, and each probe's",
        "oracle passes wherever the body allows (the tests prove both). Each probe's child",
        "counterpart is a row of the shipped reference data (`infancy.analysis.reference`).",
        "",
        f"A pass is also above chance at ALPHA = {ALPHA_TEXT} per battery; a milestone is two",
        "passes in a row.",
        "",
    ]
    bodies = table[table["body"] != "earliest"]
    for name, p in PROBES.items():
        possible = bodies[(bodies["probe"] == name) & bodies["possible"]]["body"].tolist()
        first = table[(table["probe"] == name) & (table["body"] == "earliest")]
        age = first["from_months"].iloc[0] if len(first) else float("nan")
        earliest = (
            f"{age:g} months (bodies: {', '.join(possible)})"
            if np.isfinite(age)
            else "never with the shipped bodies"
        )
        needs = ", ".join(p.needs) if p.needs else "nothing beyond seeing and turning"
        out += [
            f"## {p.label} (`{name}`)",
            "",
            f"- **Construct.** {p.construct}.",
            f"- **Paradigm and source.** {p.paradigm}",
            f"- **Measure.** {p.measure}.",
            f"- **Chance.** {p.chance:.2f}.",
            f"- **Pass rule.** {p.pass_rule}.",
            f"- **What a shortcut would need.** {p.shortcut}.",
            f"- **Body.** Needs {needs}; earliest possible age: {earliest}.",
            f"- **Child counterpart.** {_counterpart(p)}",
            "",
        ]
    return "\n".join(out)


def main() -> None:  # pragma: no cover - run by hand: python -m infancy.curricula.validity
    """Regenerate ``curricula/data/maturation.csv`` and ``docs/probes.md`` (the tests
    check both match)."""
    table = maturation(n=8, trials=8, seed=5)
    MATURATION.parent.mkdir(exist_ok=True)
    table.to_csv(MATURATION, index=False)
    print(table[table["body"] == "earliest"].to_string(index=False))
    docs = Path(__file__).parents[1] / "docs" / "probes.md"
    if docs.parent.is_dir():
        docs.write_text(probe_docs(shipped_maturation()), encoding="utf-8")


if __name__ == "__main__":
    main()
