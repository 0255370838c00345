"""The classroom's model: one learning infant, a world, and the teacher as its caregiver.

:class:`Classroom` holds no window: the app (:mod:`infancy.demo.app`) draws it and
feeds it the teacher's inputs, and tests drive it directly. The infant is a
:class:`~infancy.infants.Cohort` of one that learns as in a lifetime (every
``config.chunk`` steps, inside :meth:`Cohort.record`); the caregiver is a
:class:`~infancy.curricula.driver.HumanCaregiver` whose idle steps are the world's
script or stillness; one :class:`~infancy.curricula.driver.Driver` steps them.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from infancy.curricula.driver import Driver, HumanCaregiver
from infancy.infants import MODES, Cohort
from infancy.worlds import make_batch
from infancy.worlds.rules import load_rules

from .events import Event, check_event, dump_events

__all__ = ["GAUGES", "STEPS_PER_MONTH", "Classroom", "grow_up"]

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


class Classroom:
    """One infant in one world with the teacher as the caregiver.

    Parameters
    ----------
    world_id
        A registered world (``playroom-v0`` by default).
    seed
        Seed of the world and of a new infant.
    cohort
        A cohort of one to continue (grown up or loaded); a newborn when ``None``.
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
        params: Mapping[str, Any] | None = None,
        scripted: bool = True,
        history: int = 120,
    ) -> None:
        self.rules = load_rules()
        self.kinds = self.rules.kind_names
        self.words = self.rules.vocabulary
        self.seed = seed
        if cohort is None:
            cohort = Cohort(None, n=1, seed=seed, months_per_step=1.0 / STEPS_PER_MONTH)
        if cohort.n != 1:
            raise ValueError(f"cohort: the classroom shows one infant, got {cohort.n}")
        self.cohort = cohort
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
        self.enter(world_id, params)
        self._sample()

    # ------------------------------------------------------------------ world
    def enter(
        self, world_id: str, params: Mapping[str, Any] | None = None, *, seed: int | None = None
    ) -> None:
        """Move the infant into a new world (a story scene; the infant keeps what it
        learned), seeded with ``seed`` (the classroom's by default). Raises
        ``ValueError`` for an unknown world or bad parameters."""
        seed = self.seed if seed is None else seed
        world = make_batch(world_id, 1, seed=seed, autoreset=True, **dict(params or {}))
        world.reset()
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
        """The kind of the toy on cell ``(row, col)`` of the world (``None``: none)."""
        st = self.world.state
        for k in range(st.obj_kind.shape[1]):
            kind = int(st.obj_kind[0, k])
            if kind < 0 or st.obj_inside[0, k] >= 0:
                continue
            pos = st.obj_pos[0, k]
            if st.obj_holder[0, k] >= 0:
                pos = st.agent_pos[0, st.obj_holder[0, k]]
            if (int(pos[0]), int(pos[1])) == (row, col):
                return self.kinds[kind]
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
        meta = self.cohort.meta
        for _, key in GAUGES:
            self.history[key].append(float(np.asarray(meta[key])[0]))
        self.modes.append(int(self.cohort.mode[0]))

    # ------------------------------------------------------------------ read-outs
    @property
    def age_months(self) -> float:
        """The infant's simulated age."""
        return float(self.cohort.age_months)

    @property
    def mode(self) -> str:
        """System M's mode this chunk (one of ``MODES``)."""
        return MODES[int(self.cohort.mode[0])]

    def gauges(self) -> dict[str, float]:
        """The System M gauges now (label to value; energy is live, the rest per
        chunk)."""
        out = {label: self.history[key][-1] for label, key in GAUGES}
        out["energy"] = float(self.cohort.energy[0])
        return out

    def lexicon(self) -> list[tuple[str, str, float, bool]]:
        """What A associates with each word: ``(word, toy, strength, comprehended)``,
        the toy it binds most strongly, in vocabulary order."""
        lex = self.cohort.a.associations()[0, 1:, 1:].detach().numpy()  # [W, K]
        known = self.cohort.vocabulary()[0, 1:]
        best = lex.argmax(-1)
        return [
            (w, self.kinds[int(best[i])], float(lex[i, best[i]]), bool(known[i]))
            for i, w in enumerate(self.words)
        ]

    def association(self, word: str, toy: str) -> float:
        """How strongly A binds ``word`` to the kind ``toy``."""
        lex = self.cohort.a.associations()
        return float(lex[0, 1 + self.words.index(word), 1 + self.kinds.index(toy)])

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
        table.insert(0, "step", self.steps)
        table.insert(1, "age_months", self.age_months)
        table.to_parquet(folder / "lexicon.parquet", index=False)
        self.cohort.save(folder / "cohort")
        info = {
            "world": self.world_id,
            "seed": self.seed,
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
