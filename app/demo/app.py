"""The classroom window: ``infancy demo``.

:func:`run_demo` opens a resizable pygame window (1280x720 by default) with a loading
screen, then draws the world the infant will live in (torch is not needed for that)
while a background thread builds the infant (a newborn, one grown up to ``age`` months
through the ``tiny`` curriculum, a checkpoint, or infant ``I`` of a run's latest
checkpoint), saying on screen what it is doing. Then the infant learns live while the
teacher plays the caregiver with the mouse and keys (or an events file replays them),
until the window is closed, ``quit`` or ``seconds`` have passed. Growing up during the
session (``G``, a ``grow`` event, the story's A-not-B scenes) runs in the background
too, with a progress bar, and so does the check of the words System B acts on (a
frozen copy of the infant, after it has learned, at most every 5 seconds).

Keys: click a toy to look at it, right-click to point at it, ``1``-``7`` say a word
(while looking or pointing, about that toy), ``E`` eye contact, ``S`` the scripted
caregiver on/off while the teacher is idle, ``P`` (or space) pause, ``N`` one step,
``Tab`` the next speed (1x, 10x, 100x, max), ``G`` grow up (to the next of 3, 6, 8, 12,
18, 24 months), space the next scene in the story mode, ``L`` save the lesson record,
``Esc`` quit.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .background import Job

__all__ = [
    "CHECK_EVERY_S",
    "GROW_AGES",
    "RATES",
    "DemoError",
    "DemoOptions",
    "check_options",
    "process_age",
    "run_checkpoint",
    "run_demo",
]

RATES = {"1": 8, "10": 80, "100": 800}
"""World steps per second at each speed ("max": as many as fit, 5 frames a second)."""

GROW_AGES = (3.0, 6.0, 8.0, 12.0, 18.0, 24.0)
"""The ages ``G`` (grow up) goes to, the next one above the infant's age."""

CHECK_EVERY_S = 5.0
"""At most one check of the words System B acts on in this many seconds (and only after
the infant has learned since the last one: B changes at learning steps)."""


class DemoError(ValueError):
    """A bad option or input file (one line naming it)."""


@dataclass
class DemoOptions:
    """What ``infancy demo`` was asked for (see the command's help)."""

    world: str = "playroom-v0"
    age: float | None = None
    checkpoint: Path | None = None
    run: Path | None = None
    infant: int | None = None
    seed: int = 0
    events: Path | None = None
    seconds: float | None = None
    screenshot: Path | None = None
    story: bool = False
    lesson: Path | None = None
    size: tuple[int, int] = (1280, 720)
    scripted: bool = True
    speed: str = "1"
    check_words: bool = True
    started: float = field(default_factory=time.perf_counter)


def process_age() -> float:
    """Seconds since this process started (Linux: from ``/proc``; elsewhere 0), so
    that start-up times count from the command, Python's own start included."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def run_checkpoint(run: Path) -> Path:
    """The latest complete checkpoint of the run directory ``run`` (read only: a run
    that is still going is not disturbed).

    Parameters
    ----------
    run
        A run directory (``infancy run --out``).

    Returns
    -------
    pathlib.Path
        The checkpoint folder; its ``cohort/`` holds the run's infants.

    Raises
    ------
    DemoError
        One line: not a run directory, or no checkpoint yet.
    """
    from infancy.store import RunError, RunStore

    try:
        RunStore.open(run)
    except RunError as err:
        raise DemoError(f"--run: {err}") from None
    root = run / "checkpoints"
    seq = None
    try:
        seq = json.loads((root / "latest.json").read_text(encoding="utf-8")).get("seq")
    except (OSError, ValueError, AttributeError):
        pass
    named = root / f"ckpt-{seq:06d}" if isinstance(seq, int) else None
    if named is not None and (named / "cohort" / "infant.json").is_file():
        return named
    found = sorted(f for f in root.glob("ckpt-*") if (f / "cohort" / "infant.json").is_file())
    if not found:
        raise DemoError(f"--run: {run} has no checkpoint yet (nothing under {root.name}/)")
    return found[-1]


def _infants_in(folder: Path, option: str) -> int:
    """How many infants the checkpoint ``folder`` holds (its ``infant.json``)."""
    try:
        n = json.loads((folder / "infant.json").read_text(encoding="utf-8"))["n"]
    except (OSError, ValueError, KeyError, TypeError):
        raise DemoError(
            f"{option}: {folder} is not a checkpoint (no readable infant.json)"
        ) from None
    if type(n) is not int or n < 1:
        raise DemoError(f"{option}: {folder / 'infant.json'}: n: expected a count, got {n!r}")
    return n


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

    from .events import MAX_MONTHS, EventsError, load_events

    if opts.world not in list_worlds():
        raise DemoError(f"--world: unknown world {opts.world!r}; known: {', '.join(list_worlds())}")
    given = [
        name
        for name, value in (
            ("--age", opts.age),
            ("--checkpoint", opts.checkpoint),
            ("--run", opts.run),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise DemoError(f"{given[0]} and {given[1]}: give one of them, not both")
    if opts.age is not None and not 0 <= opts.age <= MAX_MONTHS:
        raise DemoError(f"--age: expected 0 to {MAX_MONTHS:g} months, got {opts.age:g}")
    if opts.checkpoint is not None and not (opts.checkpoint / "infant.json").is_file():
        raise DemoError(f"--checkpoint: {opts.checkpoint} is not a checkpoint (no infant.json)")
    if opts.infant is not None and opts.run is None and opts.checkpoint is None:
        raise DemoError(
            "--infant: says which infant of --run DIR or --checkpoint DIR; neither given"
        )
    folder, option = None, ""
    if opts.run is not None:
        folder, option = run_checkpoint(opts.run) / "cohort", "--run"
    elif opts.checkpoint is not None:
        folder, option = opts.checkpoint, "--checkpoint"
    if folder is not None:
        n = _infants_in(folder, option)
        if opts.infant is None and n > 1:
            raise DemoError(
                f"--infant: {option} {folder} holds {n} infants; "
                f"pick one with --infant 0 to {n - 1}"
            )
        if opts.infant is not None and not 0 <= opts.infant < n:
            raise DemoError(
                f"--infant: expected 0 to {n - 1} ({option} holds {n} infants), got {opts.infant}"
            )
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
        self._splash("Opening the world (compiled code is cached after the first run)...")
        self.stats["first_frame_s"] = time.perf_counter() - opts.started
        self.room: Any = None
        self.running = True
        self.job: Job | None = None  # background work the world waits for (growing up)
        self.after_job: Any = None  # what to do with the job's result
        self.check: Job | None = None  # the background check of B's words
        self.check_for: Any = None  # the cohort it checks
        self.check_step: int | None = None
        self.check_chunks = -1
        self.check_at = 0.0
        # Hand the interpreter to the window's thread within 1 ms (5 ms by default)
        # when background work (a check, growing up) holds it: smoother frames.
        sys.setswitchinterval(0.001)

    def _splash(self, message: str, share: float | None = None) -> None:
        pg = self.pg
        from .splash import splash

        splash(pg, self.window, message, share)
        pg.display.flip()
        pg.event.pump()

    # ------------------------------------------------------------------ setup
    def build(self) -> None:
        """Draw the world at once, build the infant in the background meanwhile (the
        window stays responsive and says what it is doing), then make the classroom."""
        from infancy.worlds.rules import load_rules

        from .screen import Screen
        from .session import make_world
        from .story import STORY

        pg, opts = self.pg, self.opts
        self.story = STORY if opts.story else ()
        self.scene = 0
        self.age_params: dict[str, Any] = {}
        first = self.story[0] if self.story else None
        world_id = first.world if first else opts.world
        seed = first.seed if first else opts.seed
        params = self._params(first)
        world = make_world(world_id, params, seed=seed)
        self.screen = Screen(pg, load_rules())
        message = "Loading the baby's mind (torch; Systems A, B and M)..."
        caption = (first.title, first.caption) if first else None
        self.screen.draw_loading(
            self.window, world, world_id, message=message, share=None, caption=caption
        )
        pg.display.flip()
        self.stats["world_frame_s"] = time.perf_counter() - opts.started
        job = Job(self._load, message)  # only now: it would slow the first frame down
        clock = pg.time.Clock()
        while not job.done:
            clock.tick(30)
            for e in pg.event.get():
                if e.type == pg.QUIT or (e.type == pg.KEYDOWN and e.key in (pg.K_ESCAPE, pg.K_q)):
                    self.running = False
                    job.wait()  # a thread importing torch at exit aborts Python
                    return
                if e.type == pg.VIDEORESIZE:
                    self.window = pg.display.set_mode((max(640, e.w), max(400, e.h)), pg.RESIZABLE)
            self.screen.draw_loading(
                self.window, world, world_id, message=job.message, share=job.share, caption=caption
            )
            pg.display.flip()
        cohort, infant, self.age_params = job.result()
        self._make_room(
            first, world_id, seed, cohort, infant, world if params == self._params(first) else None
        )
        self.stats["ready_s"] = time.perf_counter() - opts.started

    def _load(self, progress: Any) -> tuple[Any, int, dict[str, Any]]:
        """The infant (``None`` for a newborn), its index and the world parameters of
        its age; runs in the background thread."""
        from infancy.curricula.driver import Driver  # noqa: F401  (torch, imported here)
        from infancy.infants import Cohort

        from .session import grow_up

        opts = self.opts
        if opts.age is not None:
            progress(0.0, f"Growing up to {opts.age:g} months (the tiny curriculum)...")
            cohort, params = grow_up(opts.age, seed=opts.seed, progress=progress)
            return cohort, 0, params
        folder = opts.checkpoint
        if opts.run is not None:
            folder = run_checkpoint(opts.run) / "cohort"
        if folder is None:
            return None, 0, {}
        progress(0.0, f"Loading the infant from {folder}...")
        option = "--run" if opts.run is not None else "--checkpoint"
        try:
            cohort = Cohort.load(folder)
        except Exception as err:  # a damaged checkpoint: say what, do not crash
            raise DemoError(f"{option}: cannot load {folder} ({err})") from None
        params = _run_params(opts.run, cohort.age_months) if opts.run is not None else {}
        return cohort, opts.infant or 0, params

    def _make_room(
        self, first: Any, world_id: str, seed: int, cohort: Any, infant: int, world: Any
    ) -> None:
        from .session import Classroom

        opts = self.opts
        if world is not None and cohort is not None and cohort.n != 1:
            world = None  # one world per infant of the cohort: made by the classroom
        self.room = Classroom(
            world_id,
            seed=seed,
            cohort=cohort,
            infant=infant,
            world=world,
            params=self._params(first),
            scripted=first.scripted if first else opts.scripted,
        )
        if first:
            self.room.hold(first.hold)
            self._queue_scene(first)
        self.speed = opts.speed
        self.gesture: dict[str, Any] = {}
        self.message, self.message_until = "", 0.0

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
        """Enter the story's next scene (the last one stays); a scene with an age first
        grows a baby up to it in the background."""
        if not self.story or self.scene + 1 >= len(self.story):
            self.say("the story is over: the teacher can go on playing")
            return
        if self.job is not None:
            self.say("wait: the baby is growing up")
            return
        self.scene += 1
        scene = self.story[self.scene]
        self.room.caregiver.queue.clear()
        if scene.age is not None:
            self.grow(scene.age, record=False, then=lambda: self._start_scene(scene, grown=True))
        else:
            self._start_scene(scene)

    def _start_scene(self, scene: Any, grown: bool = False) -> None:
        if not grown:
            self.room.enter(scene.world, self._params(scene), seed=scene.seed)
        self.room.scripted = scene.scripted
        self.room.hold(scene.hold)
        self._queue_scene(scene)

    def grow(self, months: float | None = None, *, record: bool = True, then: Any = None) -> None:
        """Grow a baby up to ``months`` (the next of :data:`GROW_AGES` by default) in
        the background: the world waits, with a progress bar, and the grown baby then
        replaces the one on screen (in the story's scene, or in the current world with
        its age's body and caregiver)."""
        room = self.room
        if self.job is not None:
            self.say("the baby is already growing up")
            return
        if months is None:
            months = next((m for m in GROW_AGES if m > room.age_months + 0.01), None)
            if months is None:
                self.say(f"the baby is {room.age_months:.0f} months: as old as the demo goes")
                return
        if record:
            room.note({"grow": months})
        seed = self.opts.seed
        scene = self.story[self.scene] if self.story else None

        def fn(progress: Any) -> Any:
            from .session import grow_up

            return grow_up(months, seed=seed, progress=progress)

        def done(result: Any) -> None:
            cohort, self.age_params = result
            if scene is not None and then is not None:
                room.replace(cohort, self._params(scene), world_id=scene.world, seed=scene.seed)
            else:
                room.replace(cohort, self._params(None), seed=room.seed)
            if then is not None:
                then()
            self.say(f"grown up to {months:g} months")

        self.job = Job(fn, f"Growing a baby up to {months:g} months (the tiny curriculum)...")
        self.after_job = done

    def poll(self) -> None:
        """Finish background work that is done; start a check of B's words when due."""
        if self.job is not None and self.job.done:
            job, after = self.job, self.after_job
            self.job = self.after_job = None
            after(job.result())
        room, now = self.room, time.perf_counter()
        if self.check is not None:
            if self.check.done:
                if self.check_for is room.cohort:  # not replaced meanwhile
                    room.words_b = self.check.result()
                    room.words_b_step = self.check_step
                self.check, self.check_at = None, now
            return
        if not self.opts.check_words or self.job is not None:
            return
        # B changes only when the infant learns (a chunk): check then, at most every
        # CHECK_EVERY_S seconds; and once for a new infant.
        if room.words_b is None or (
            room.chunks != self.check_chunks and now - self.check_at >= CHECK_EVERY_S
        ):
            self.check_for, self.check_step, self.check_chunks = (
                room.cohort,
                room.steps,
                room.chunks,
            )
            run = room.word_check(seed=self.opts.seed)
            self.check = Job(lambda progress: run(), "checking the words B acts on")

    # ------------------------------------------------------------------ actions
    def say(self, message: str) -> None:
        """Show ``message`` in the top bar for a few seconds."""
        self.message, self.message_until = message, time.perf_counter() + 4.0

    def do(self, action: tuple, *, record: bool = True) -> None:
        """Carry out one of the teacher's actions (a key, a button or a replayed event)."""
        room, kind = self.room, action[0]
        if kind in ("look", "point"):
            self.gesture = {kind: action[1]}
            if len(action) > 2:  # the toy clicked: which of its kind
                self.gesture["object"] = action[2]
            room.teach({**self.gesture, "steps": 4}, record=record)
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
        elif kind == "grow":
            self.grow(action[1] if len(action) > 1 else None, record=record)
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
        if "grow" in c:
            self.do(("grow", c["grow"]))
        if c.get("quit"):
            self.running = False

    def due(self, frame: int) -> None:
        """Carry out the replayed events that are due now (none while the world waits
        for the baby to grow up)."""
        while self.pending and self.running and self.job is None:
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
        about = {
            "story": o.story,
            "age": o.age,
            "checkpoint": str(o.checkpoint or "") or None,
            "run": str(o.run or "") or None,
        }
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
                found = room.object_at(*cell)
                if found is None:
                    self.gesture = {}
                else:  # this toy, not the first of its kind
                    self.do(("look" if e.button == 1 else "point", *found))
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
                    pg.K_g: ("grow",),
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
        while n > 0 and self.running and not room.paused and self.job is None:
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
            self.poll()
            self.due(frame)
            tick = time.perf_counter()
            if not self.room.paused and self.job is None:
                if self.speed == "max":
                    stop = tick + 0.2
                    while (
                        time.perf_counter() < stop
                        and self.running
                        and not self.room.paused
                        and self.job is None
                    ):
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
            frame += 1
            if self.speed == "1" and not self.room.paused and self.job is None:
                at1[0] += 1
                at1[1] += dt
            if opts.seconds is not None and time.perf_counter() - start >= opts.seconds:
                break
            clock.tick(60)
        if self.job is not None:  # quit while growing up: let it finish, for the record
            self.job.wait()
            self.poll()
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
            k = "point" if "point" in self.gesture else "look"
            verb = "pointing at" if k == "point" else "looking at"
            parts.insert(0, f"{verb} {self.gesture[k]}")
        if self.message and time.perf_counter() < self.message_until:
            parts.insert(0, self.message)
        self.screen.speed = self.speed
        scene = self.story[self.scene] if self.story else None
        self.screen.draw(
            self.window,
            room,
            status="   ".join(parts),
            caption=(scene.title, scene.caption) if scene else None,
            busy=(self.job.message, self.job.share) if self.job is not None else None,
        )

    def close(self) -> None:
        """Write the screenshot and the lesson record, close the window."""
        opts = self.opts
        for job in (self.check, self.job):  # a thread running torch at exit aborts Python
            if job is not None:
                job.wait()
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
        loading screen), ``world_frame_s`` (to the first frame of the world, drawn
        while the infant is still being built), ``ready_s`` (to the infant being
        ready: the world starts), ``fps``,
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
        stats = app.loop() if app.running else app.stats
    finally:
        if app.room is not None:
            app.close()
        else:
            app.pg.display.quit()
    return stats


def _run_params(run: Path, age_months: float) -> dict[str, Any]:
    """The body and caregiver habits of the run's curriculum stage at ``age_months``
    (the world parameters for its infant in the classroom)."""
    from infancy.curricula.runner import as_written_then, plan
    from infancy.store import RunStore

    store = RunStore.open(run)
    try:
        # Read as the run wrote it: its whole curriculum, not merged onto the default file.
        config = as_written_then(store.config())
        curriculum = plan(config, source=str(run / "config.yaml")).curriculum
    except ValueError as err:
        raise DemoError(f"--run: {err}") from None
    stages = curriculum.stages
    index = next(
        (i for i, s in enumerate(stages) if s.from_months <= age_months < s.to_months),
        len(stages) - 1,
    )
    return {"abilities": stages[index].abilities, "caregiver": curriculum.stage_habits(index)}
