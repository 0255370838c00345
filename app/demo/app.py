"""The classroom window: ``infancy demo``.

:func:`run_demo` opens a resizable pygame window (1280x720 by default), says on screen
what it is loading, builds the :class:`~infancy.demo.session.Classroom` (a newborn, an
infant grown up to ``age`` months through the ``tiny`` curriculum, or a checkpoint) and
runs it: the infant learns live while the teacher plays the caregiver with the mouse and
keys (or an events file replays them), until the window is closed, ``quit`` or
``seconds`` have passed.

Keys: click a toy to look at it, right-click to point at it, ``1``-``7`` say a word
(while looking or pointing, about that toy), ``E`` eye contact, ``S`` the scripted
caregiver on/off while the teacher is idle, ``P`` (or space) pause, ``N`` one step,
``Tab`` the next speed (1x, 10x, 100x, max), space the next scene in the story mode,
``L`` save the lesson record, ``Esc`` quit.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RATES", "DemoError", "DemoOptions", "check_options", "run_demo"]

RATES = {"1": 8, "10": 80, "100": 800}
"""World steps per second at each speed ("max": as many as fit, 5 frames a second)."""


class DemoError(ValueError):
    """A bad option or input file (one line naming it)."""


@dataclass
class DemoOptions:
    """What ``infancy demo`` was asked for (see the command's help)."""

    world: str = "playroom-v0"
    age: float | None = None
    checkpoint: Path | None = None
    seed: int = 0
    events: Path | None = None
    seconds: float | None = None
    screenshot: Path | None = None
    story: bool = False
    lesson: Path | None = None
    size: tuple[int, int] = (1280, 720)
    scripted: bool = True
    speed: str = "1"
    started: float = field(default_factory=time.perf_counter)


def check_options(opts: DemoOptions) -> list[Any]:
    """Check ``opts`` before any window opens; returns the checked events of
    ``opts.events`` (empty without a file).

    Raises
    ------
    DemoError
        The first problem, in one line naming the option.
    """
    from infancy.worlds import list_worlds
    from infancy.worlds.rules import load_rules

    from .events import EventsError, load_events

    if opts.world not in list_worlds():
        raise DemoError(f"--world: unknown world {opts.world!r}; known: {', '.join(list_worlds())}")
    if opts.age is not None and opts.checkpoint is not None:
        raise DemoError("--age and --checkpoint: give one of them, not both")
    if opts.age is not None and not 0 <= opts.age <= 24:
        raise DemoError(f"--age: expected 0 to 24 months, got {opts.age:g}")
    if opts.checkpoint is not None and not (opts.checkpoint / "infant.json").is_file():
        raise DemoError(f"--checkpoint: {opts.checkpoint} is not a checkpoint (no infant.json)")
    if opts.seed < 0:
        raise DemoError(f"--seed: expected a number >= 0, got {opts.seed}")
    if opts.seconds is not None and opts.seconds <= 0:
        raise DemoError(f"--seconds: expected a number > 0, got {opts.seconds:g}")
    if opts.screenshot is not None:
        shot = opts.screenshot
        if shot.suffix.lower() != ".png":
            raise DemoError(f"--screenshot: expected a .png file name, got {str(shot)!r}")
        if not shot.parent.is_dir():
            raise DemoError(f"--screenshot: folder {shot.parent} does not exist")
    if opts.lesson is not None and opts.lesson.exists() and any(opts.lesson.iterdir()):
        raise DemoError(f"--lesson: {opts.lesson} is not empty; a lesson record needs a new folder")
    w, h = opts.size
    if w < 640 or h < 400:
        raise DemoError(f"--size: expected at least 640x400, got {w}x{h}")
    if opts.events is None:
        return []
    rules = load_rules()
    try:
        return load_events(opts.events, kinds=rules.kind_names, words=rules.vocabulary)
    except EventsError as err:
        raise DemoError(f"--events: {err}") from None


class _App:
    """The running window (see :func:`run_demo`)."""

    def __init__(self, opts: DemoOptions, events: list[Any]) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame as pg

        self.pg = pg
        self.opts = opts
        self.pending = list(events)
        pg.display.init()
        pg.font.init()
        pg.display.set_caption("infancy classroom")
        self.window = pg.display.set_mode(opts.size, pg.RESIZABLE)
        self.stats: dict[str, Any] = {}
        self._splash(
            "Loading the simulator and the infant (compiled code is cached after the first run)..."
        )
        self.stats["first_frame_s"] = time.perf_counter() - opts.started

    def _splash(self, message: str, share: float | None = None) -> None:
        pg = self.pg
        from .splash import splash

        splash(pg, self.window, message, share)
        pg.display.flip()
        pg.event.pump()

    # ------------------------------------------------------------------ setup
    def build(self) -> None:
        from infancy.infants import Cohort

        from .screen import Screen
        from .session import Classroom, grow_up
        from .story import STORY

        opts = self.opts
        cohort, self.age_params = None, {}
        if opts.age is not None:
            self._splash(f"Growing up to {opts.age:g} months (the tiny curriculum)...", 0.0)
            cohort, self.age_params = grow_up(
                opts.age,
                seed=opts.seed,
                progress=lambda s: self._splash(f"Growing up to {opts.age:g} months...", s),
            )
        elif opts.checkpoint is not None:
            try:
                cohort = Cohort.load(opts.checkpoint)
            except Exception as err:  # a damaged checkpoint: say what, do not crash
                raise DemoError(f"--checkpoint: cannot load {opts.checkpoint} ({err})") from None
            if cohort.n != 1:
                raise DemoError(
                    f"--checkpoint: {opts.checkpoint} holds {cohort.n} infants; the classroom "
                    "shows one (save a cohort of one)"
                )
        self.story = STORY if opts.story else ()
        self.scene = 0
        first = self.story[0] if self.story else None
        world = first.world if first else opts.world
        params = self._params(first)
        self.room = Classroom(
            world,
            seed=first.seed if first else opts.seed,
            cohort=cohort,
            params=params,
            scripted=first.scripted if first else opts.scripted,
        )
        if first:
            self.room.hold(first.hold)
            self._queue_scene(first)
        self.screen = Screen(self.pg, self.room.rules)
        self.speed = opts.speed
        self.gesture: dict[str, str] = {}
        self.message, self.message_until = "", 0.0
        self.running = True

    def _params(self, scene: Any) -> dict[str, Any]:
        params = dict(scene.params) if scene else {}
        if self.age_params:
            params["abilities"] = self.age_params["abilities"]
            if not scene:
                params["caregiver"] = self.age_params["caregiver"]
        return params

    def _queue_scene(self, scene: Any) -> None:
        for e in scene.events:
            self.room.teach(e, record=False)

    def next_scene(self) -> None:
        """Enter the story's next scene (the last one stays)."""
        if not self.story or self.scene + 1 >= len(self.story):
            self.say("the story is over: the teacher can go on playing")
            return
        self.scene += 1
        scene = self.story[self.scene]
        self.room.caregiver.queue.clear()
        self.room.enter(scene.world, self._params(scene), seed=scene.seed)
        self.room.scripted = scene.scripted
        self.room.hold(scene.hold)
        self._queue_scene(scene)

    # ------------------------------------------------------------------ actions
    def say(self, message: str) -> None:
        """Show ``message`` in the top bar for a few seconds."""
        self.message, self.message_until = message, time.perf_counter() + 4.0

    def do(self, action: tuple, *, record: bool = True) -> None:
        """Carry out one of the teacher's actions (a key, a button or a replayed event)."""
        room, kind = self.room, action[0]
        if kind in ("look", "point"):
            self.gesture = {kind: action[1]}
            room.teach({kind: action[1], "steps": 4}, record=record)
        elif kind == "say":
            room.teach({**self.gesture, "say": action[1], "steps": 4}, record=record)
        elif kind == "eye_contact":
            self.gesture = {}
            room.teach({"eye_contact": True, "steps": 4}, record=record)
        elif kind == "scripted":
            room.scripted = not room.scripted if len(action) == 1 else action[1]
            if record:
                room.note({"scripted": room.scripted})
        elif kind == "pause":
            room.paused = not room.paused if len(action) == 1 else action[1]
        elif kind == "step":
            room.advance(action[1] if len(action) > 1 else 1, force=True)
            if record:
                room.note({"advance": action[1] if len(action) > 1 else 1})
        elif kind == "speed":
            order = ("1", "10", "100", "max")
            self.speed = action[1] if len(action) > 1 else order[(order.index(self.speed) + 1) % 4]
        elif kind == "story":
            self.next_scene()
            if record:
                room.note({"story": "next"})
        elif kind == "save":
            self.save(None)
        elif kind == "quit":
            self.running = False

    def replay(self, ev: Any) -> None:
        """Carry out a replayed event (caregiver part first, then the app part)."""
        if ev.caregiver:
            self.room.teach(ev.caregiver)
        c = ev.control
        if "scripted" in c:
            self.do(("scripted", c["scripted"]))
        if "story" in c:
            self.do(("story",))
        if "speed" in c:
            self.do(("speed", c["speed"]))
        if "pause" in c:
            self.do(("pause", c["pause"]))
        if "advance" in c:
            self.do(("step", c["advance"]))
        if c.get("quit"):
            self.running = False

    def due(self, frame: int) -> None:
        """Carry out the replayed events that are due now."""
        while self.pending and self.running:
            ev = self.pending[0]
            if ev.at is not None and self.room.steps < ev.at:
                return
            if ev.at_frame is not None and frame < ev.at_frame:
                return
            self.pending.pop(0)
            self.replay(ev)

    def save(self, folder: Path | None) -> Path | None:
        """Write the lesson record (a new folder under ``lessons/`` by default)."""
        if folder is None:
            folder = Path("lessons") / time.strftime("lesson-%Y%m%d-%H%M%S")
        o = self.opts
        about = {"story": o.story, "age": o.age, "checkpoint": str(o.checkpoint or "") or None}
        try:
            out = self.room.save_lesson(folder, started_seed=o.seed, **about)
        except (OSError, FileExistsError) as err:
            self.say(f"cannot save the lesson: {err}")
            return None
        self.say(f"lesson saved to {out}")
        return out

    # ------------------------------------------------------------------ input
    def handle(self, e: Any) -> None:
        """One pygame event."""
        pg, room = self.pg, self.room
        if e.type == pg.QUIT:
            self.running = False
        elif e.type == pg.VIDEORESIZE:
            self.window = pg.display.set_mode((max(640, e.w), max(400, e.h)), pg.RESIZABLE)
        elif e.type == pg.MOUSEBUTTONDOWN and e.button in (1, 3):
            b = self.screen.button_at(e.pos)
            if b is not None:
                self.do(b.action)
                return
            cell = self.screen.cell_at(e.pos)
            if cell is not None:
                toy = room.toy_at(*cell)
                if toy is None:
                    self.gesture = {}
                else:
                    self.do(("look" if e.button == 1 else "point", toy))
        elif e.type == pg.KEYDOWN:
            k = e.key
            if pg.K_1 <= k <= pg.K_9 and k - pg.K_1 < len(room.words):
                self.do(("say", room.words[k - pg.K_1]))
            else:
                action = {
                    pg.K_e: ("eye_contact",),
                    pg.K_s: ("scripted",),
                    pg.K_p: ("pause",),
                    pg.K_n: ("step",),
                    pg.K_RIGHT: ("step",),
                    pg.K_TAB: ("speed",),
                    pg.K_l: ("save",),
                    pg.K_ESCAPE: ("quit",),
                    pg.K_q: ("quit",),
                    pg.K_SPACE: ("story",) if self.story else ("pause",),
                }.get(k)
                if action is not None:
                    self.do(action)

    # ------------------------------------------------------------------ loop
    def run_steps(self, n: int, frame: int) -> None:
        """Run ``n`` steps, carrying out replayed events at their steps."""
        room = self.room
        while n > 0 and self.running and not room.paused:
            nxt = self.pending[0].at if self.pending else None
            k = n if nxt is None or nxt <= room.steps else min(n, nxt - room.steps)
            room.advance(k)
            n -= k
            self.due(frame)

    def loop(self) -> dict[str, Any]:
        """Run until quit; returns the measurements."""
        pg, opts = self.pg, self.opts
        clock = pg.time.Clock()
        frame, owed = 0, 0.0
        start = last = time.perf_counter()
        busy, worst, at1 = 0.0, 0.0, [0, 0.0]  # frames and seconds running at 1x
        while self.running:
            now = time.perf_counter()
            dt = min(now - last, 0.25)
            last = now
            for e in pg.event.get():
                self.handle(e)
            self.due(frame)
            tick = time.perf_counter()
            if not self.room.paused:
                if self.speed == "max":
                    stop = tick + 0.2
                    while time.perf_counter() < stop and self.running and not self.room.paused:
                        self.run_steps(16, frame)
                else:
                    owed += dt * RATES[self.speed]
                    n = int(owed)
                    owed -= n
                    self.run_steps(min(n, RATES[self.speed]), frame)
            self.draw()
            pg.display.flip()
            spent = time.perf_counter() - tick
            busy += spent
            worst = max(worst, spent) if frame else 0.0
            if frame == 0:
                self.stats["world_frame_s"] = time.perf_counter() - opts.started
            frame += 1
            if self.speed == "1" and not self.room.paused:
                at1[0] += 1
                at1[1] += dt
            if opts.seconds is not None and time.perf_counter() - start >= opts.seconds:
                break
            clock.tick(60)
        wall = time.perf_counter() - start
        self.stats.update(
            frames=frame,
            seconds=wall,
            fps=frame / wall if wall else 0.0,
            fps_1x=at1[0] / at1[1] if at1[1] else None,
            ms_per_frame=1000 * busy / max(1, frame),
            worst_frame_ms=1000 * worst,
            steps=self.room.steps,
            age_months=self.room.age_months,
        )
        return self.stats

    def draw(self) -> None:
        """Draw the frame."""
        room = self.room
        parts = [f"{self.speed}x" if self.speed != "max" else "max speed"]
        if room.paused:
            parts.insert(0, "PAUSED")
        if self.gesture:
            ((k, toy),) = self.gesture.items()
            parts.insert(0, f"{'pointing at' if k == 'point' else 'looking at'} {toy}")
        if self.message and time.perf_counter() < self.message_until:
            parts.insert(0, self.message)
        self.screen.speed = self.speed
        scene = self.story[self.scene] if self.story else None
        self.screen.draw(
            self.window,
            room,
            status="   ".join(parts),
            caption=(scene.title, scene.caption) if scene else None,
        )

    def close(self) -> None:
        """Write the screenshot and the lesson record, close the window."""
        opts = self.opts
        if opts.screenshot is not None:
            tmp = opts.screenshot.with_name(f".{opts.screenshot.stem}.tmp.png")
            self.pg.image.save(self.window, str(tmp))
            os.replace(tmp, opts.screenshot)
        if opts.lesson is not None:
            self.stats["lesson"] = str(self.save(opts.lesson))
        self.pg.display.quit()


def run_demo(opts: DemoOptions) -> dict[str, Any]:
    """Open the classroom window and run it (see the module docstring).

    Parameters
    ----------
    opts
        The options (checked here first).

    Returns
    -------
    dict
        Measurements: ``first_frame_s`` (command start to the first frame drawn, the
        loading screen), ``world_frame_s`` (to the first frame of the world), ``fps``,
        ``fps_1x`` (frames per second while running at 1x), ``ms_per_frame`` (stepping,
        learning and drawing, without waiting), ``worst_frame_ms`` (the slowest after
        the first), ``steps``, ``age_months``.

    Raises
    ------
    DemoError
        A bad option, events file or checkpoint (one line).
    """
    events = check_options(opts)
    app = _App(opts, events)
    try:
        app.build()
        stats = app.loop()
    finally:
        if hasattr(app, "room"):
            app.close()
        else:
            app.pg.display.quit()
    return stats
