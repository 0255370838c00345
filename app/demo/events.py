"""The classroom's events file: a teacher's inputs, written by hand or recorded.

A file of events (YAML or JSON) is a list of events, or a mapping with the key
``events`` holding that list. Each event is a mapping; it happens when the session
reaches its time, then the next one is due::

    # teach "ball" with pointing, then pause
    events:
      - {at: 0, point: ball, say: ball, steps: 4}   # 4 steps of "look, ball!"
      - {at: 20, look: ball, steps: 3}
      - {at: 40, eye_contact: true}
      - {at: 100, speed: 10}                        # 1 | 10 | 100 | max
      - {at: 300, pause: true}
      - {at_frame: 600, pause: false}               # frames go on while paused
      - {at: 400, quit: true}

When
    ``at: STEP``: the world step of the session (0 is the first; steps do not advance
    while paused), or ``at_frame: FRAME``: the window's frame (they do). Neither: at
    once, after the event before it. Times must not go back.
What the caregiver does (the teacher as the caregiver,
:class:`~infancy.curricula.driver.HumanCaregiver`)
    ``look: TOY``, ``point: TOY``, ``say: WORD``, ``eye_contact: true``,
    ``object: SLOT`` (which toy of that kind, when there are several: the object slot a
    click on the toy records; the first of the kind without it) and ``steps: K`` (how
    long; 1 by default). A toy is a kind's name (``ball``, ``duck``, ...), a word one
    of the vocabulary.
What the app does
    ``pause: true|false``, ``advance: N`` (N steps now, also while paused),
    ``speed: 1|10|100|max``, ``scripted: true|false`` (the scripted caregiver takes
    over while the teacher is idle), ``story: next`` (the next scene of the story
    mode), ``grow: MONTHS`` (a new infant raised to that age by the ``tiny``
    curriculum, in the background; the world waits, and so do the events after it,
    until it is ready) and ``quit: true``.

:func:`load_events` reads and checks a file; every problem is one line naming the file,
the event (counted from 1) and the key (:class:`EventsError`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infancy.configfiles import read_yaml

__all__ = [
    "CAREGIVER_KEYS",
    "CONTROL_KEYS",
    "MAX_MONTHS",
    "SPEEDS",
    "Event",
    "EventsError",
    "check_event",
    "dump_events",
    "load_events",
]

CAREGIVER_KEYS = ("look", "point", "say", "eye_contact", "object", "steps")
CONTROL_KEYS = ("pause", "advance", "speed", "scripted", "story", "grow", "quit")
MAX_MONTHS = 24.0
"""The oldest age ``grow`` (and ``--age``) can raise the infant to: the ``tiny``
curriculum's end."""
TIME_KEYS = ("at", "at_frame")
SPEEDS = ("1", "10", "100", "max")


class EventsError(ValueError):
    """A bad events file or event (one line naming the file, the event and the key)."""


@dataclass
class Event:
    """One checked event.

    Attributes
    ----------
    at, at_frame
        The world step or frame it is due (``None``: at once).
    caregiver
        What the caregiver does (keys of :data:`CAREGIVER_KEYS`; empty: nothing).
    control
        What the app does (keys of :data:`CONTROL_KEYS`; ``speed`` as text).
    """

    at: int | None = None
    at_frame: int | None = None
    caregiver: dict[str, Any] = field(default_factory=dict)
    control: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The event as written in a file."""
        out: dict[str, Any] = {}
        if self.at is not None:
            out["at"] = self.at
        if self.at_frame is not None:
            out["at_frame"] = self.at_frame
        return {**out, **self.caregiver, **self.control}


def _int(value: Any, where: str, low: int) -> int:
    if type(value) is not int or value < low:
        raise EventsError(f"{where}: expected an integer >= {low}, got {value!r}")
    return value


def check_event(
    raw: Any, *, kinds: Sequence[str], words: Sequence[str], where: str = "event"
) -> Event:
    """Check one event (a mapping, see the module docstring).

    Parameters
    ----------
    raw
        The event as read from a file or made by the app.
    kinds, words
        The toy kinds and the vocabulary of the world's rules.
    where
        How errors name the event.

    Returns
    -------
    Event
        The event, split into time, caregiver and app parts.

    Raises
    ------
    EventsError
        A key that is not known, or a value that is not valid (named).
    """
    if not isinstance(raw, Mapping):
        raise EventsError(f"{where}: expected a mapping such as {{say: ball}}, got {raw!r}")
    known = (*TIME_KEYS, *CAREGIVER_KEYS, *CONTROL_KEYS)
    for key in raw:
        if key not in known:
            raise EventsError(f"{where}: unknown key {key!r}; known: {', '.join(known)}")
    if not raw:
        raise EventsError(f"{where}: empty event")
    ev = Event()
    if "at" in raw and "at_frame" in raw:
        raise EventsError(f"{where}: give 'at' or 'at_frame', not both")
    if "at" in raw:
        ev.at = _int(raw["at"], f"{where}: at", 0)
    if "at_frame" in raw:
        ev.at_frame = _int(raw["at_frame"], f"{where}: at_frame", 0)
    for key in ("look", "point"):
        if key in raw:
            if raw[key] not in kinds:
                raise EventsError(
                    f"{where}: {key}: {raw[key]!r} is not a toy; toys: {', '.join(kinds)}"
                )
            ev.caregiver[key] = raw[key]
    if "say" in raw:
        if raw["say"] not in words:
            raise EventsError(
                f"{where}: say: {raw['say']!r} is not a word; words: {', '.join(words)}"
            )
        ev.caregiver["say"] = raw["say"]
    if "eye_contact" in raw:
        if raw["eye_contact"] is not True:
            raise EventsError(f"{where}: eye_contact: expected true, got {raw['eye_contact']!r}")
        ev.caregiver["eye_contact"] = True
    if "object" in raw:
        if not {"look", "point"} & set(ev.caregiver):
            raise EventsError(f"{where}: object: says which toy to look or point at; none given")
        ev.caregiver["object"] = _int(raw["object"], f"{where}: object", 0)
    if "steps" in raw:
        if not ev.caregiver:
            raise EventsError(f"{where}: steps: says how long to look, point or say; none given")
        ev.caregiver["steps"] = _int(raw["steps"], f"{where}: steps", 1)
    for key in ("pause", "scripted", "quit"):
        if key in raw:
            if not isinstance(raw[key], bool):
                raise EventsError(f"{where}: {key}: expected true or false, got {raw[key]!r}")
            ev.control[key] = raw[key]
    if "advance" in raw:
        ev.control["advance"] = _int(raw["advance"], f"{where}: advance", 1)
    if "speed" in raw:
        speed = str(raw["speed"]).lower()
        speed = speed if speed == "max" else speed.removesuffix("x")
        if speed not in SPEEDS:
            raise EventsError(
                f"{where}: speed: expected one of {', '.join(SPEEDS)}, got {raw['speed']!r}"
            )
        ev.control["speed"] = speed
    if "grow" in raw:
        months = raw["grow"]
        if type(months) not in (int, float) or not 0 <= months <= MAX_MONTHS:
            raise EventsError(f"{where}: grow: expected 0 to {MAX_MONTHS:g} months, got {months!r}")
        ev.control["grow"] = float(months)
    if "story" in raw:
        if raw["story"] != "next":
            raise EventsError(f"{where}: story: expected 'next', got {raw['story']!r}")
        ev.control["story"] = "next"
    return ev


def load_events(path: str | Path, *, kinds: Sequence[str], words: Sequence[str]) -> list[Event]:
    """Read and check a file of events (YAML, or JSON, which YAML reads too).

    Parameters
    ----------
    path
        The file.
    kinds, words
        The toy kinds and the vocabulary of the world's rules.

    Returns
    -------
    list of Event
        The events in order.

    Raises
    ------
    EventsError
        A missing or unreadable file, bad YAML, a bad event, or times that go back
        (one line naming the file and the event).
    """
    path = Path(path)
    data = read_yaml(path, str(path), EventsError)
    if isinstance(data, Mapping):
        extra = sorted(set(data) - {"events"})
        if extra:
            raise EventsError(f"{path}: unknown key {extra[0]!r}; expected 'events'")
        data = data.get("events")
    if data is None:
        data = []
    if not isinstance(data, list):
        raise EventsError(f"{path}: expected a list of events (or events: [...])")
    events = []
    last = {"at": 0, "at_frame": 0}
    for i, raw in enumerate(data, 1):
        ev = check_event(raw, kinds=kinds, words=words, where=f"{path}: event {i}")
        for key in TIME_KEYS:
            value = getattr(ev, key)
            if value is not None:
                if value < last[key]:
                    raise EventsError(
                        f"{path}: event {i}: {key}: {value} is before the event before it "
                        f"({last[key]})"
                    )
                last[key] = value
        events.append(ev)
    return events


def dump_events(events: Sequence[Event | Mapping[str, Any]], path: str | Path) -> Path:
    """Write events as a YAML file that :func:`load_events` reads back.

    Parameters
    ----------
    events
        :class:`Event` objects or mappings in the file's format.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    lines = ["# infancy classroom events (see infancy.demo.events); replay: infancy demo --events"]
    lines.append("events:")
    for e in events:
        d = e.as_dict() if isinstance(e, Event) else dict(e)
        lines.append(f"  - {json.dumps(d)}")
    if not events:
        lines[-1] = "events: []"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
