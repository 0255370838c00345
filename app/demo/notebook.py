"""The classroom in Jupyter: ipywidgets around a live image of the classroom screen
(notebook 05), and the stage pictures of a lifetime.

:class:`ClassroomPanel` holds a :class:`~infancy.demo.session.Classroom` and draws it
with the window's own :class:`~infancy.demo.screen.Screen` onto an off-screen surface,
shown as a PNG in an ``ipywidgets.Image``. The controls: play/pause (a task on the
kernel's event loop, so cells keep running), one step, speed, an age slider with
"grow up" (in a background thread, with a progress bar), the scripted caregiver's
reliability, one button per word (the caregiver points at the word's toy and says
it) and a check of the words System B acts on. Every control is also a method, so a
notebook run headless (CI) drives the same panel with calls and shows still frames
(:meth:`ClassroomPanel.image`).
"""

from __future__ import annotations

import asyncio
import io
import os
from typing import Any

import numpy as np

from .background import Job
from .events import MAX_MONTHS
from .session import Classroom, grow_up

__all__ = ["ClassroomPanel", "stage_frames"]

SPEEDS = {"1x": 8, "10x": 80, "100x": 800}
"""World steps per second of each speed button (as in the window)."""


def _pygame() -> Any:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # off-screen: no window needed
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    pygame.font.init()
    return pygame


class ClassroomPanel:
    """One learning infant with the notebook's user as its caregiver.

    Parameters
    ----------
    world_id
        A registered world.
    seed
        Seed of the world and of the newborn.
    size
        The picture's width and height in pixels.
    scripted
        Whether the world's scripted caregiver acts while the user is idle.
    fps
        Pictures per second while playing.
    """

    def __init__(
        self,
        world_id: str = "playroom-v0",
        *,
        seed: int = 0,
        size: tuple[int, int] = (1024, 576),
        scripted: bool = True,
        fps: float = 8.0,
    ) -> None:
        import ipywidgets as w

        self.pg = pg = _pygame()
        from .screen import Screen

        self.room = Classroom(world_id, seed=seed, scripted=scripted)
        self.screen = Screen(pg, self.room.rules)
        self.screen.speed = "1"
        self.surface = pg.Surface(size)
        self.fps = fps
        self.rate = SPEEDS["1x"]
        self.job: Job | None = None
        self.task: Any = None
        self._owed = 0.0
        self.image_widget = w.Image(format="png", layout=w.Layout(width=f"{size[0]}px"))
        self.play_button = w.ToggleButton(description="play", icon="play", value=False)
        self.play_button.observe(lambda ch: self.play(ch["new"]), "value")
        step = w.Button(description="step")
        step.on_click(lambda _: self.advance(1))
        self.speed_buttons = w.ToggleButtons(options=list(SPEEDS), value="1x")
        self.speed_buttons.observe(lambda ch: self.set_speed(ch["new"]), "value")
        self.age_slider = w.FloatSlider(
            value=0.0, min=0.0, max=MAX_MONTHS, step=0.5, description="age (months)"
        )
        grow = w.Button(description="grow up")
        grow.on_click(lambda _: self.grow(self.age_slider.value))
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="growing")
        self.reliability = w.FloatSlider(
            value=1.0, min=0.0, max=1.0, step=0.1, description="reliability"
        )
        self.reliability.observe(lambda ch: self.set_reliability(ch["new"]), "value")
        words = []
        for word in self.room.words:
            b = w.Button(description=f"say '{word}'", layout=w.Layout(width="auto"))
            b.on_click(lambda _, word=word: self.say(word))
            words.append(b)
        check = w.Button(description="check B's words")
        check.on_click(lambda _: self.check_words())
        words.append(check)
        self.status = w.Label()
        self.widget = w.VBox(
            [
                w.HBox([self.play_button, step, self.speed_buttons]),
                w.HBox([self.age_slider, grow, self.progress]),
                w.HBox([self.reliability, w.Label("(the scripted caregiver's naming)")]),
                w.HBox(words),
                self.status,
                self.image_widget,
            ]
        )
        self.refresh()

    # ------------------------------------------------------------------ picture
    def png(self) -> bytes:
        """The classroom screen now, as PNG bytes."""
        busy = (self.job.message, self.job.share) if self.job is not None else None
        status = "playing" if self.task is not None else "paused"
        self.screen.draw(self.surface, self.room, status=status, caption=None, busy=busy)
        buf = io.BytesIO()
        self.pg.image.save(self.surface, buf, "frame.png")
        return buf.getvalue()

    def refresh(self) -> None:
        """Redraw the live image and the status line."""
        self.image_widget.value = self.png()
        room = self.room
        self.status.value = (
            f"{room.world_id}: age {room.age_months:.2f} months, step {room.steps}, "
            f"System M: {room.mode}"
        )

    def image(self) -> Any:
        """The classroom screen now as an ``IPython.display.Image`` (a still for the
        notebook's output, e.g. when run headless)."""
        from IPython.display import Image

        return Image(data=self.png(), format="png")

    # ------------------------------------------------------------------ controls
    def advance(self, steps: int) -> None:
        """Run ``steps`` world steps now (the infant learns as in the window)."""
        if self.job is None:
            self.room.advance(steps, force=True)
        self.refresh()

    def say(self, word: str, *, times: int = 1) -> None:
        """The caregiver points at the toy ``word`` names (when it is in the world) and
        says ``word``, ``times`` times (4 steps each); the world runs on when playing
        or with :meth:`advance`."""
        event: dict[str, Any] = {"say": word, "steps": 4}
        if word in self.room.kinds:
            event["point"] = word
        for _ in range(times):
            self.room.teach(event)

    def check_words(self) -> dict[str, bool]:
        """Check now which words System B acts on (the window does this in the
        background after learning steps): a frozen copy hears each word with two toys
        in view; does it look at the named one? Shown in the words panel; returned."""
        looks = self.room.word_check(seed=self.room.seed)()
        self.room.words_b, self.room.words_b_step = looks, self.room.steps
        self.refresh()
        return looks

    def set_speed(self, speed: str) -> None:
        """``"1x"``, ``"10x"`` or ``"100x"`` (world steps per second while playing)."""
        self.rate = SPEEDS[speed]
        self.screen.speed = speed.removesuffix("x")

    def set_reliability(self, reliability: float) -> None:
        """The scripted caregiver names toys rightly with this probability from now on
        (the infant moves into a fresh copy of its world with that caregiver)."""
        room = self.room
        params = dict(room.params)
        params["caregiver"] = {**dict(params.get("caregiver") or {}), "reliability": reliability}
        room.enter(room.world_id, params)
        self.refresh()

    def grow(self, months: float, *, wait: bool = False) -> None:
        """Grow a new baby up to ``months`` through the ``tiny`` curriculum in a
        background thread (the progress bar shows how far); it replaces the one shown
        when done. ``wait``: return only then (headless use)."""
        if self.job is not None:
            return
        seed = self.room.seed
        self.job = Job(
            lambda progress: grow_up(months, seed=seed, progress=progress),
            f"Growing a baby up to {months:g} months...",
        )
        if wait:
            self.job.wait()
            self.poll()
        elif self.task is None:
            self._start()

    def poll(self) -> None:
        """Take a finished grow-up (the new baby into the current world)."""
        job = self.job
        if job is not None:
            self.progress.value = job.share or 0.0
        if job is not None and job.done:
            self.job = None
            cohort, params = job.result()
            self.room.replace(cohort, params)
            self.progress.value = 1.0
            self.age_slider.value = round(self.room.age_months * 2) / 2
            self.refresh()

    def play(self, on: bool = True) -> None:
        """Start (``on``) or stop the live loop: a task on the kernel's event loop that
        runs the world at the chosen speed and redraws ``fps`` times a second."""
        if on and self.task is None:
            self._start()
        elif not on and self.task is not None:
            self.task.cancel()
            self.task = None
            self.refresh()

    def _start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a kernel's loop: nothing to schedule on
            return
        self.task = loop.create_task(self._loop())

    async def _loop(self) -> None:
        try:
            while self.play_button.value or self.job is not None:
                self.poll()
                if self.play_button.value and self.job is None:
                    self._owed += self.rate / self.fps
                    n = int(self._owed)
                    self._owed -= n
                    self.room.advance(n, force=True)
                self.refresh()
                await asyncio.sleep(1.0 / self.fps)
        finally:
            self.task = None


def stage_frames(
    stages: list[Any],
    habits: list[dict[str, Any]],
    *,
    steps: int = 6,
    seed: int = 0,
    worlds: dict[str, dict[str, Any]] | None = None,
) -> list[tuple[str, np.ndarray]]:
    """One picture per stage of a curriculum: the world the stage uses most among those
    not pictured for an earlier stage (so each stage shows a different world where it
    has one), with the stage's body and caregiver habits, after ``steps`` steps of the
    world's scripted caregiver (the infant stays still).

    Parameters
    ----------
    stages
        The curriculum's stages (``curriculum.stages``).
    habits
        Each stage's caregiver habits (``curriculum.stage_habits(i)``).
    steps
        Steps of the world's script before the picture.
    seed
        Seed of the worlds.
    worlds
        The curriculum's world parameters (``curriculum.worlds``: world id -> keyword
        arguments), so that each world is pictured as the lifetime makes it.

    Returns
    -------
    list of (str, numpy.ndarray)
        A title (stage, ages, world) and an RGB image per stage.
    """
    from infancy.worlds import make_batch
    from infancy.worlds.render import Renderer
    from infancy.worlds.rules import load_rules

    _pygame()
    renderer = Renderer(load_rules(), tile=24)
    out, shown = [], set()
    for stage, habit in zip(stages, habits, strict=True):
        fresh = {k: v for k, v in stage.scenarios.items() if k not in shown} or stage.scenarios
        world_id = max(fresh, key=fresh.get)
        shown.add(world_id)
        params = (worlds or {}).get(world_id, {})
        world = make_batch(
            world_id, 1, seed=seed, abilities=stage.abilities, caregiver=habit, **params
        )
        world.reset()
        for _ in range(steps):  # the infant stays (STAY = 0); the script acts
            world.step(np.zeros((1, world.n_infants), dtype=np.int64), None)
        title = f"{stage.name} ({stage.from_months:g}-{stage.to_months:g} mo)\n{world_id}"
        out.append((title, renderer.frame(world, 0)))
    return out
