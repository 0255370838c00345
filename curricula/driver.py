"""The world loop: roles that act in one world, and the driver that steps it.

A world step has two kinds of actor, each a *role* with one small contract:

``start(observation)``
    a new world (or the first step): take its current observation;
``act(observation) -> actions``
    the role's actions for the coming step (a caregiver may return ``None``: "let the
    world's scripted caregiver act", the batched kernel, as fast as no caregiver role);
``observe(transition)``
    what followed: the actions of every role and the world's
    :class:`~infancy.worlds.core.engine.StepResult`.

:class:`Infants` is the infants' role: one :class:`~infancy.infants.Cohort`, or several
cohorts that share the worlds' infant slots (two learning infants in one room are two
cohorts of one, or one cohort of two). The caregiver's roles are
:class:`ScriptedCaregiver` (the default), :class:`HumanCaregiver` (a queue of a person's
events: the classroom app, a file of events, a test) or anything with the same three
methods (a learning caregiver). :class:`Driver` owns the step: observation, every
role's action, one call ``world.step({"infants": ..., "caregiver": ...})``, then every
role observes. It is the only world loop of the package: lifetimes, ``Cohort.live`` and
the app all go through it.

Which infant the scripted caregiver attends to (its eye contact, the toy it follows) is
the caregiver's own habit ``attend_rule`` (``worlds/rules/caregiver.yaml``), not infant 0.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from infancy.worlds.core.codes import CG_FLAG, CG_GAZE, CG_POINT, CG_WORD, FLAG_OSTENSIVE

__all__ = [
    "Driver",
    "HumanCaregiver",
    "Infants",
    "Observation",
    "Role",
    "ScriptedCaregiver",
    "Transition",
]


@dataclass(frozen=True)
class Observation:
    """What the roles see before a step.

    Attributes
    ----------
    world
        The :class:`~infancy.worlds.core.engine.BatchWorld` (read it, do not step it):
        a caregiver's allocentric view (``world.state``, ``world.caregiver_observation``).
    view, senses
        The infants' observations, ``uint8[B, N, C, V, V]`` and ``uint8[B, N, S]``.
    """

    world: Any
    view: np.ndarray
    senses: np.ndarray


@dataclass(frozen=True)
class Transition:
    """One step as it happened: ``actions`` by role (the caregiver's is ``None`` when
    the world's script acted) and the world's ``result``."""

    actions: Mapping[str, np.ndarray | None]
    result: Any


@runtime_checkable
class Role(Protocol):
    """The contract of everything that acts in a world (see the module docstring)."""

    def start(self, observation: Observation) -> None:
        """Take the current observation of a new world."""

    def act(self, observation: Observation) -> np.ndarray | None:
        """Actions for the coming step."""

    def observe(self, transition: Transition) -> None:
        """What followed the step."""


class Infants:
    """The infants' role: cohorts that fill the worlds' infant slots.

    Slot ``(b, i)`` of a world batch with ``N`` infants per world is infant ``b * N + i``
    in order; the first cohort takes the first ``cohorts[0].n`` of them, the next the
    following ones, and so on (together exactly ``B * N``).

    Parameters
    ----------
    cohorts
        One :class:`~infancy.infants.Cohort` or several.
    """

    def __init__(self, cohorts: Any | Sequence[Any]) -> None:
        self.cohorts = list(cohorts) if isinstance(cohorts, Sequence) else [cohorts]
        if not self.cohorts:
            raise ValueError("cohorts: expected at least one cohort")
        bounds = np.cumsum([0, *(c.n for c in self.cohorts)])
        self.slices = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        self.n = int(bounds[-1])
        self._acts = np.zeros(self.n, dtype=np.int64)

    def check(self, world: Any) -> None:
        """Raise ``ValueError`` unless the cohorts fill ``world``'s infant slots."""
        slots = world.batch_size * world.n_infants
        if slots != self.n:
            raise ValueError(
                f"world: {world.batch_size} worlds x {world.n_infants} infants = {slots} "
                f"slots, but the cohorts hold {self.n} infants"
            )
        for c in self.cohorts:
            if world.view_size != c.view_size:
                raise ValueError(f"world: view_size {world.view_size} != cohort's {c.view_size}")

    def start(self, observation: Observation) -> None:
        view = observation.view.reshape(self.n, -1)
        senses = observation.senses.reshape(self.n, -1)
        for c, s in zip(self.cohorts, self.slices, strict=True):
            c.start(view[s], senses[s])

    @property
    def primed(self) -> bool:
        """Whether every cohort has an observation to act on."""
        return all(c.primed for c in self.cohorts)

    def act(self, observation: Observation) -> np.ndarray:
        for c, s in zip(self.cohorts, self.slices, strict=True):
            self._acts[s] = c.choose()
        return self._acts.reshape(observation.view.shape[:2])

    def observe(self, transition: Transition) -> None:
        res, n = transition.result, self.n
        view = res.view.reshape(n, -1)
        senses = res.senses.reshape(n, -1)
        reward = res.reward.reshape(n)
        done = (res.terminated | res.truncated).reshape(n)
        success = res.info["success"].reshape(n)
        changed = False
        for c, s in zip(self.cohorts, self.slices, strict=True):
            changed |= c.record(view[s], senses[s], reward[s], done[s], success[s])
        self.energy_changed = changed

    def energy(self) -> np.ndarray:
        """Every infant's energy, ``float[B * N]`` in slot order."""
        if len(self.cohorts) == 1:
            return self.cohorts[0].energy
        return np.concatenate([c.energy for c in self.cohorts])


class ScriptedCaregiver:
    """The world's own scripted caregiver (its compiled kernel, batched): acts by
    returning ``None``, so the script's actions are used inside the world step."""

    def start(self, observation: Observation) -> None:
        pass

    def act(self, observation: Observation) -> None:
        return None

    def observe(self, transition: Transition) -> None:
        pass


_EVENT_KEYS = ("look", "point", "say", "eye_contact", "object", "steps")


class HumanCaregiver:
    """A person as the caregiver: events in a queue become its actions.

    An event is a mapping with any of

    ``look: TOY``
        look at the toy (its kind's name, e.g. ``"ball"``);
    ``point: TOY``
        point at the toy, looking at it too;
    ``say: WORD``
        say the word, ostensively ("look, a ball!"), with eye contact unless looking
        or pointing at something in the same event;
    ``eye_contact: true``
        look the infant the caregiver attends to in the eyes;
    ``object: SLOT``
        which toy ``look`` or ``point`` means when a world holds several of its kind:
        the object in that slot (the first of the kind when the slot holds another
        kind or nothing; without ``object``, the first of the kind);
    ``steps: K``
        keep doing it for ``K`` steps (default 1).

    One event is used per step, in order. A toy that is not in a world is not looked or
    pointed at there (a word is still said). When the queue is empty the caregiver is
    idle: with ``idle="script"`` the world's scripted caregiver takes over, with
    ``idle="still"`` it does nothing.

    Parameters
    ----------
    events
        Events to start with (more can be :meth:`push`-ed at any time).
    idle
        ``"script"`` or ``"still"`` (see above).
    attends
        The infant (index within each world) the person looks at for eye contact.
    """

    def __init__(
        self,
        events: Iterable[Mapping[str, Any]] = (),
        *,
        idle: str = "still",
        attends: int = 0,
    ) -> None:
        if idle not in ("script", "still"):
            raise ValueError(f"idle: expected 'script' or 'still', got {idle!r}")
        self.idle = idle
        self.attends = attends
        self.queue: deque[dict[str, Any]] = deque()
        self.done: list[dict[str, Any]] = []  # the events as acted out, in order
        for e in events:
            self.push(e)

    def push(self, event: Mapping[str, Any]) -> None:
        """Queue ``event`` (see the class docstring); a bad event raises ``ValueError``
        naming the key."""
        if not isinstance(event, Mapping):
            raise ValueError(f"event: expected a mapping, got {event!r}")
        unknown = sorted(set(event) - set(_EVENT_KEYS))
        if unknown:
            raise ValueError(f"event: unknown key {unknown[0]!r}; known: {', '.join(_EVENT_KEYS)}")
        steps = event.get("steps", 1)
        if type(steps) is not int or steps < 1:
            raise ValueError(f"event: steps: expected a positive integer, got {steps!r}")
        for key in ("look", "point", "say"):
            if key in event and not isinstance(event[key], str):
                raise ValueError(f"event: {key}: expected a toy's name, got {event[key]!r}")
        if "object" in event:
            slot = event["object"]
            if type(slot) is not int or slot < 0:
                raise ValueError(f"event: object: expected an object slot >= 0, got {slot!r}")
            if not {"look", "point"} & set(event):
                raise ValueError("event: object: says which toy to look or point at; none given")
        e = dict(event)
        for _ in range(steps):
            self.queue.append({k: v for k, v in e.items() if k != "steps"})

    def start(self, observation: Observation) -> None:
        pass

    def act(self, observation: Observation) -> np.ndarray | None:
        world = observation.world
        if not self.queue:
            if self.idle == "script":
                return None
            return np.zeros((world.batch_size, 7), dtype=np.int64)
        event = self.queue.popleft()
        self.done.append(event)
        return self.actions(world, event)

    def actions(self, world: Any, event: Mapping[str, Any]) -> np.ndarray:
        """The caregiver's actions ``int64[B, 7]`` that carry out ``event`` in every
        world of ``world``."""
        rules = world.rules
        out = np.zeros((world.batch_size, 7), dtype=np.int64)
        vocab = rules.vocabulary
        kinds = world.state.obj_kind  # [B, K]
        for key in ("look", "point", "say"):
            name = event.get(key)
            if name is None:
                continue
            if key == "say":
                if name not in vocab:
                    raise ValueError(f"event: say: {name!r} is not a word; words: {list(vocab)}")
                out[:, CG_WORD] = vocab.index(name) + 1
                out[:, CG_FLAG] = FLAG_OSTENSIVE
                continue
            kind = rules.kind_index(name)
            for b in range(world.batch_size):
                slots = np.flatnonzero(kinds[b] == kind)
                if slots.size:
                    slot = event.get("object")
                    slot = slot if slot is not None and slot in slots else int(slots[0])
                    code = world.scenario.object_code(slot)
                    out[b, CG_GAZE] = code
                    if key == "point":
                        out[b, CG_POINT] = code
        if event.get("eye_contact") or ("say" in event and not ({"look", "point"} & set(event))):
            out[:, CG_GAZE] = 1 + self.attends
        return out

    def observe(self, transition: Transition) -> None:
        pass


class Driver:
    """Steps one world with its roles (see the module docstring).

    Parameters
    ----------
    world
        A :class:`~infancy.worlds.core.engine.BatchWorld`, reset.
    infants
        An :class:`Infants` role, a cohort, or a list of cohorts.
    caregiver
        The caregiver's role (a :class:`ScriptedCaregiver` by default).
    """

    def __init__(self, world: Any, infants: Any, caregiver: Any = None) -> None:
        self.world = world
        self.infants = infants if isinstance(infants, Infants) else Infants(infants)
        self.infants.check(world)
        self.caregiver = ScriptedCaregiver() if caregiver is None else caregiver
        for name, role in (("caregiver", self.caregiver),):
            if not isinstance(role, Role):
                raise TypeError(f"{name}: expected start(), act() and observe() methods")
        self._shape = (world.batch_size, world.n_infants)

    def observation(self) -> Observation:
        """The world's current observation."""
        return Observation(self.world, self.world.view, self.world.senses)

    def begin(self) -> None:
        """Let every role take the world's current observation (a new world)."""
        obs = self.observation()
        self.infants.start(obs)
        self.caregiver.start(obs)

    def step(self) -> Any:
        """One step of the world with every role; returns its ``StepResult``."""
        infants, world = self.infants, self.world
        if not infants.primed:
            self.begin()
        obs = self.observation()
        acts = infants.act(obs)
        cg = self.caregiver.act(obs)
        tick = time.perf_counter()
        res = world.step({"infants": acts, "caregiver": cg})
        spent = time.perf_counter() - tick
        for c in infants.cohorts:
            c.timing["world"] += spent / len(infants.cohorts)
        tr = Transition({"infants": acts, "caregiver": cg}, res)
        infants.observe(tr)
        if infants.energy_changed:
            world.set_energy(infants.energy().reshape(self._shape))
        self.caregiver.observe(tr)
        return res

    def run(self, steps: int) -> None:
        """Run ``steps`` steps."""
        for _ in range(steps):
            self.step()
