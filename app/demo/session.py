"""The classroom's model: one learning infant, a world, and the teacher as its caregiver.

:class:`Classroom` holds no window: the app (:mod:`infancy.demo.app`) draws it and
feeds it the teacher's inputs, and tests drive it directly. The infant is one of a
:class:`~infancy.infants.Cohort` (a cohort of one, or infant ``I`` of a run's cohort,
each of whose infants lives in its own copy of the world) that learns as in a lifetime
(every ``config.chunk`` steps, inside :meth:`Cohort.record`); the caregiver is a
:class:`~infancy.curricula.driver.HumanCaregiver` whose idle steps are the world's
script or stillness; one :class:`~infancy.curricula.driver.Driver` steps them.
Nothing here imports torch at import time: the window draws the world first.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from infancy.constants import MODES
from infancy.worlds import make_batch
from infancy.worlds.rules import load_rules

from .events import Event, check_event, dump_events

if TYPE_CHECKING:  # torch comes with these: imported on use, after the first frame
    from infancy.curricula.driver import Driver
    from infancy.infants import Cohort

__all__ = ["GAUGES", "STEPS_PER_MONTH", "Classroom", "grow_up", "make_world"]

STEPS_PER_MONTH = 256
"""The demo's age clock, the ``tiny`` curriculum's: world steps per simulated month."""

GAUGES = (
    ("energy", "energy"),
    ("surprise", "prediction_error"),
    ("novelty", "novelty"),
    ("trust", "trust"),
    ("progress", "lp_a"),
)
"""The System M gauges the screen shows: label and ``cohort.meta`` key."""


def make_world(
    world_id: str, params: Mapping[str, Any] | None = None, *, seed: int = 0, n: int = 1
) -> Any:
    """The classroom's world, reset: ``n`` copies of ``world_id`` (one per infant of
    the cohort shown), autoresetting. Needs no torch, so the window can draw it while
    the infant is still being loaded. Raises ``ValueError`` for bad parameters."""
    world = make_batch(world_id, n, seed=seed, autoreset=True, **dict(params or {}))
    world.reset()
    return world


class Classroom:
    """One infant in one world with the teacher as the caregiver.

    Parameters
    ----------
    world_id
        A registered world (``playroom-v0`` by default).
    seed
        Seed of the world and of a new infant.
    cohort
        A cohort to continue (grown up or loaded); a newborn when ``None``. Each of
        its infants lives in its own copy of the world; the screen shows ``infant``.
    infant
        The infant of ``cohort`` the classroom shows (and the teacher looks after).
    world
        The world already made with :func:`make_world` from the same ``world_id``,
        ``params`` and ``seed`` (the app draws it before the infant is ready); made
        here when ``None``.
    params
        Parameters of the world (``abilities``, ``caregiver`` habits, ...).
    scripted
        Whether the world's scripted caregiver acts while the teacher is idle.
    history
        Values kept per gauge for the sparklines (one per learning chunk).
    """

    def __init__(
        self,
        world_id: str = "playroom-v0",
        *,
        seed: int = 0,
        cohort: Cohort | None = None,
        infant: int = 0,
        world: Any = None,
        params: Mapping[str, Any] | None = None,
        scripted: bool = True,
        history: int = 120,
    ) -> None:
        from infancy.curricula.driver import HumanCaregiver
        from infancy.infants import Cohort

        self.rules = load_rules()
        self.kinds = self.rules.kind_names
        self.words = self.rules.vocabulary
        self.seed = seed
        if cohort is None:
            cohort = Cohort(None, n=1, seed=seed, months_per_step=1.0 / STEPS_PER_MONTH)
        if not 0 <= infant < cohort.n:
            raise ValueError(f"infant: expected 0 to {cohort.n - 1}, got {infant}")
        self.cohort = cohort
        self.infant = infant
        self.caregiver = HumanCaregiver(idle="script" if scripted else "still")
        self.steps = 0  # world steps of this session
        self.paused = False
        self.log: list[Event] = []  # the teacher's inputs, stamped with their step
        self.history = {key: deque(maxlen=history) for _, key in GAUGES}
        self.modes: deque[int] = deque(maxlen=history)
        self.chunks = 0
        self.world_id = ""
        self.world: Any = None
        self.driver: Driver | None = None
        self.words_b: dict[str, bool] | None = None  # what B acts on (check_words)
        self.words_b_step: int | None = None
        self.enter(world_id, params, world=world)
        self._sample()

    # ------------------------------------------------------------------ world
    def enter(
        self,
        world_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        seed: int | None = None,
        world: Any = None,
    ) -> None:
        """Move the infant into a new world (a story scene; the infant keeps what it
        learned), seeded with ``seed`` (the classroom's by default), or into ``world``
        when given (made by :func:`make_world` with the same arguments). Raises
        ``ValueError`` for an unknown world or bad parameters."""
        from infancy.curricula.driver import Driver

        seed = self.seed if seed is None else seed
        self.params = dict(params or {})
        if world is None:
            world = make_world(world_id, params, seed=seed, n=self.cohort.n)
        elif world.batch_size * world.n_infants != self.cohort.n:
            raise ValueError(f"world: holds {world.batch_size} infants, the cohort {self.cohort.n}")
        self.world_id, self.world = world_id, world
        self.driver = Driver(world, self.cohort, self.caregiver)
        self.driver.begin()

    @property
    def scripted(self) -> bool:
        """Whether the scripted caregiver takes over while the teacher is idle."""
        return self.caregiver.idle == "script"

    @scripted.setter
    def scripted(self, value: bool) -> None:
        self.caregiver.idle = "script" if value else "still"

    def replace(
        self,
        cohort: Cohort,
        params: Mapping[str, Any] | None = None,
        *,
        world_id: str | None = None,
        seed: int | None = None,
    ) -> None:
        """Put another infant (a cohort of one, e.g. grown up) into a new world:
        ``world_id`` (the current one by default) made anew with ``params`` (its body
        and caregiver habits) and ``seed``; the session's steps, record and gauge
        history go on."""
        if cohort.n != 1:
            raise ValueError(f"cohort: expected a cohort of one, got {cohort.n}")
        self.cohort, self.infant = cohort, 0
        self.words_b = self.words_b_step = None
        self.enter(world_id or self.world_id, params, seed=seed)
        self._sample()

    def hold(self, on: bool) -> None:
        """Hold the infant (``on``): System M's mode stays ``observe``, from this step
        on (through M's manual override, so the audit log says so); ``False`` lets M
        decide again from the next chunk."""
        m = self.cohort.m
        if on:
            m.override(mode="observe")
            self.cohort.action["mode"][:] = MODES.index("observe")  # this chunk too
        else:
            m.release("mode")

    # ------------------------------------------------------------------ teacher
    def teach(self, event: Mapping[str, Any], *, record: bool = True) -> None:
        """Queue what the caregiver does (``look``, ``point``, ``say``, ``eye_contact``,
        ``steps``; see :mod:`infancy.demo.events`). Raises ``EventsError`` for a bad
        event."""
        ev = check_event(event, kinds=self.kinds, words=self.words)
        if ev.control:
            raise ValueError(f"teach: {sorted(ev.control)[0]!r} is not a caregiver's action")
        self.caregiver.push(ev.caregiver)
        if record:
            self.note(ev.caregiver)

    def note(self, event: Mapping[str, Any]) -> None:
        """Record one of the teacher's inputs at the current step (the lesson record)."""
        ev = check_event(dict(event), kinds=self.kinds, words=self.words)
        self.log.append(Event(at=self.steps, caregiver=ev.caregiver, control=ev.control))

    def toy_at(self, row: int, col: int) -> str | None:
        """The kind of the toy on cell ``(row, col)`` of the world shown (``None``:
        none)."""
        found = self.object_at(row, col)
        return None if found is None else found[0]

    def object_at(self, row: int, col: int) -> tuple[str, int] | None:
        """The toy on cell ``(row, col)`` of the world shown: its kind and its object
        slot (which of several toys of one kind; ``None``: no toy there)."""
        st, b = self.world.state, self.infant
        for k in range(st.obj_kind.shape[1]):
            kind = int(st.obj_kind[b, k])
            if kind < 0 or st.obj_inside[b, k] >= 0:
                continue
            pos = st.obj_pos[b, k]
            if st.obj_holder[b, k] >= 0:
                pos = st.agent_pos[b, st.obj_holder[b, k]]
            if (int(pos[0]), int(pos[1])) == (row, col):
                return self.kinds[kind], k
        return None

    # ------------------------------------------------------------------ time
    def advance(self, steps: int = 1, *, force: bool = False) -> int:
        """Run ``steps`` world steps (the infant learns when a chunk is full); nothing
        while paused unless ``force``. Returns the steps run."""
        if self.paused and not force:
            return 0
        cohort = self.cohort
        for _ in range(steps):
            self.driver.step()
            self.steps += 1
            if cohort._t == 0:  # a chunk was learned and M decided the next
                self.chunks += 1
                self._sample()
        return steps

    def _sample(self) -> None:
        meta, i = self.cohort.meta, self.infant
        for _, key in GAUGES:
            self.history[key].append(float(np.asarray(meta[key])[i]))
        self.modes.append(int(self.cohort.mode[i]))

    # ------------------------------------------------------------------ read-outs
    @property
    def age_months(self) -> float:
        """The infant's simulated age."""
        return float(self.cohort.age_months)

    @property
    def mode(self) -> str:
        """System M's mode this chunk (one of ``infancy.infants.MODES``)."""
        return MODES[int(self.cohort.mode[self.infant])]

    def gauges(self) -> dict[str, float]:
        """The System M gauges now (label to value; energy is live, the rest per
        chunk)."""
        out = {label: self.history[key][-1] for label, key in GAUGES}
        out["energy"] = float(self.cohort.energy[self.infant])
        return out

    def lexicon(self) -> list[tuple[str, str, float, bool]]:
        """What A associates with each word: ``(word, toy, strength, comprehended)``,
        the toy it binds most strongly, in vocabulary order."""
        lex = self.cohort.a.associations()[self.infant, 1:, 1:].detach().numpy()  # [W, K]
        known = self.cohort.vocabulary()[self.infant, 1:]
        best = lex.argmax(-1)
        return [
            (w, self.kinds[int(best[i])], float(lex[i, best[i]]), bool(known[i]))
            for i, w in enumerate(self.words)
        ]

    def word_check(self, *, trials: int = 8, seed: int = 0) -> Callable[[], dict[str, bool]]:
        """What System B acts on, as a behavioural check that can run in another
        thread: a frozen copy of the infant is taken now (cheap); the returned function
        runs the probe battery's word comprehension on it (looking while listening: two
        toys in view, the caregiver names one; does the infant look at the named one
        more than at the other, over ``trials`` namings per word) and returns, per word,
        whether it does. Nothing done with the copy changes the infant.

        Parameters
        ----------
        trials
            Namings per word (8, as in the battery; fewer cannot pass its test).
        seed
            Seed of the check's trials and of the copy's action sampling.

        Returns
        -------
        callable
            ``run() -> {word: looks at its toy}`` for the infant shown.
        """
        from infancy.curricula.probes import PROBES, CohortPolicy

        frozen = self.cohort.frozen()
        bodies = [self.world.scenario.config.abilities] * self.cohort.n
        infant, words = self.infant, self.words

        def run() -> dict[str, bool]:
            rows = PROBES["word_comprehension"].run(
                CohortPolicy(frozen, seed), bodies, trials=trials, seed=seed
            )
            known = str(rows["known_words"].iloc[infant]).split(",")
            return {w: w in known for w in words}

        return run

    def association(self, word: str, toy: str) -> float:
        """How strongly A binds ``word`` to the kind ``toy``."""
        lex = self.cohort.a.associations()
        return float(lex[self.infant, 1 + self.words.index(word), 1 + self.kinds.index(toy)])

    # ------------------------------------------------------------------ record
    def save_lesson(self, folder: str | Path, **about: Any) -> Path:
        """Write the lesson record into ``folder`` (created; must be empty):
        ``events.yaml`` (the teacher's inputs and the end, replayable with ``--events``),
        ``lexicon.parquet`` (what each word means to the infant now), ``cohort/``
        (the infant's checkpoint, ``--checkpoint``) and ``lesson.json`` (world, seed,
        steps, age and ``about``)."""
        from infancy.infants.evaluation import lexicon_table

        folder = Path(folder)
        if folder.exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder}: not empty; a lesson record needs a new folder")
        folder.mkdir(parents=True, exist_ok=True)
        # The lesson ends where it ended: a replay stops there.
        dump_events(
            [*self.log, Event(at=self.steps, control={"quit": True})], folder / "events.yaml"
        )
        table = lexicon_table(self.cohort)
        table = table[table["infant"] == self.infant].reset_index(drop=True)
        table.insert(0, "step", self.steps)
        table.insert(1, "age_months", self.age_months)
        table.to_parquet(folder / "lexicon.parquet", index=False)
        self.cohort.save(folder / "cohort")
        info = {
            "world": self.world_id,
            "seed": self.seed,
            "infant": self.infant,
            "steps": self.steps,
            "age_months": self.age_months,
            "events": len(self.log),
            **about,
        }
        (folder / "lesson.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        return folder


def grow_up(
    months: float,
    *,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> tuple[Cohort, dict[str, Any]]:
    """Raise one infant to ``months`` of age through the ``tiny`` curriculum
    (:class:`~infancy.curricula.lifetime.Lifecycle`, its scripted worlds and stages).

    Parameters
    ----------
    months
        The age to reach (0 to the curriculum's end).
    seed
        Seed of the lifetime.
    progress
        Called with the share done (0 to 1) after every segment.

    Returns
    -------
    tuple of Cohort and dict
        The infant, and the world parameters of the stage it is in (its body and
        caregiver habits) for the classroom's world.
    """
    from infancy.curricula.lifetime import Lifecycle
    from infancy.curricula.stages import load_curriculum

    curriculum = load_curriculum(overlays=("tiny",), probes={"every_months": 24.0})
    end = curriculum.clock.end_months
    if not 0 <= months <= end:
        raise ValueError(f"--age: expected 0 to {end:g} months, got {months:g}")
    life = Lifecycle(curriculum, n=1, seed=seed)
    target = curriculum.clock.steps(months)
    life.segment_chunks = 1
    while life.step < target:
        life.segment()
        life.take()
        if progress is not None:
            progress(min(1.0, life.step / max(1, target)))
    stage = curriculum.stages[int(life.stage[0])]
    params = {
        "abilities": stage.abilities,
        "caregiver": curriculum.stage_habits(int(life.stage[0])),
    }
    return life.cohort, params
