"""Drawing the classroom: the world, System M, the infant's words, the controls.

:class:`Screen` lays a window of any size out in three parts: the world (drawn by
:class:`~infancy.worlds.render.Renderer` at the largest tile that fits) with a legend
under it, a panel with System M (mode, gauges with sparklines) and the infant's words,
and a bar of buttons. Sizes follow the window's height, so the text stays readable on a
projector. Every button knows the key that does the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from infancy.constants import MODES
from infancy.worlds.render import (
    CAREGIVER_RGB,
    GAZE_RGB,
    INFANT_RGB,
    POINT_RGB,
    VIEW_RGB,
    Renderer,
)

from .session import GAUGES

if TYPE_CHECKING:
    from .session import Classroom

__all__ = ["MODE_RGB", "Button", "Screen"]

BG = (30, 32, 40)
PANEL = (44, 47, 58)
FG = (235, 235, 240)
DIM = (150, 152, 165)
ACCENT = (250, 200, 90)
MODE_RGB = {
    "act": (90, 200, 110),
    "observe": (90, 160, 240),
    "imagine": (190, 120, 240),
    "sleep": (140, 140, 160),
}
GAUGE_RGB = {
    "energy": (250, 200, 90),
    "surprise": (240, 110, 90),
    "novelty": (90, 200, 220),
    "trust": (120, 210, 120),
    "progress": (200, 140, 250),
}


@dataclass
class Button:
    """A clickable box; ``action`` is what the app does, ``key`` names its key."""

    rect: Any
    label: str
    action: tuple
    active: bool = False


class Screen:
    """Draws a :class:`~infancy.demo.session.Classroom` onto a pygame surface.

    Parameters
    ----------
    pg
        The pygame module.
    rules
        The world rules (kinds, colours, vocabulary).
    """

    def __init__(self, pg: Any, rules: Any) -> None:
        self.pg = pg
        self.rules = rules
        self._renderers: dict[int, Renderer] = {}
        self._fonts: dict[int, Any] = {}
        self._texts: dict[tuple, Any] = {}
        self.buttons: list[Button] = []
        self.world_rect = pg.Rect(0, 0, 1, 1)
        self.tile = 32

    # ------------------------------------------------------------------ helpers
    def font(self, size: int):
        """The default font at ``size`` pixels (cached)."""
        f = self._fonts.get(size)
        if f is None:
            f = self._fonts[size] = self.pg.font.Font(None, size)
        return f

    def text(self, surf, s: str, pos: tuple[int, int], size: int, rgb=FG) -> Any:
        """Draw ``s`` at ``pos``; returns its rect."""
        key = (s, size, rgb)
        label = self._texts.get(key)
        if label is None:
            if len(self._texts) > 2048:
                self._texts.clear()
            label = self._texts[key] = self.font(size).render(s, True, rgb)
        return surf.blit(label, pos)

    def wrap(self, s: str, size: int, width: int) -> list[str]:
        """``s`` broken into lines no wider than ``width`` pixels."""
        lines, line = [], ""
        for word in s.split():
            trial = f"{line} {word}".strip()
            if self.font(size).size(trial)[0] > width and line:
                lines.append(line)
                line = word
            else:
                line = trial
        return [*lines, line] if line else lines

    def renderer(self, tile: int) -> Renderer:
        """A world renderer at ``tile`` pixels per cell (cached)."""
        r = self._renderers.get(tile)
        if r is None:
            r = self._renderers[tile] = Renderer(self.rules, tile=tile)
        return r

    # ------------------------------------------------------------------ frame
    def draw(
        self,
        surf,
        room: Classroom,
        *,
        status: str,
        caption: tuple[str, str] | None,
        busy: tuple[str, float | None] | None = None,
    ) -> None:
        """Draw a whole frame of ``room`` onto ``surf``.

        Parameters
        ----------
        surf
            The window's surface (any size).
        room
            The classroom.
        status
            The top bar's right-hand text (speed, paused, ...).
        caption
            A story scene's title and caption, or ``None``.
        busy
            What the app is doing in the background that stops the world (growing up)
            and the share done (``None``: unknown), shown over the panel; ``None``:
            nothing.
        """
        pg = self.pg
        w, h = surf.get_size()
        u = max(10, h // 40)  # the text unit: 18 px at 720 lines
        head = (
            f"{room.world_id}   age {room.age_months:5.2f} months   step {room.steps}   "
            f"learned {room.chunks}x"
        )
        self._frame(surf, room.world, room.infant, head, status, caption)
        bar = int(u * 2.6)
        top = int(u * 2.2)
        px = int(w * 0.58) + u
        panel = pg.Rect(px, top, w - px - u, h - top - bar - u // 2)
        self._panel(surf, room, panel, u)
        if busy is not None:
            self._busy(surf, pg.Rect(panel.x, panel.y, panel.w, int(u * 6.5)), u, *busy)
        self._bar(surf, room, pg.Rect(0, h - bar, w, bar), u)

    def draw_loading(
        self,
        surf,
        world: Any,
        world_id: str,
        *,
        message: str,
        share: float | None,
        caption: tuple[str, str] | None = None,
    ) -> None:
        """Draw the world before the infant is ready: the world as it starts (the
        infant's place in it drawn, not yet acting), and ``message`` with a progress bar
        where the panel will be.

        Parameters
        ----------
        surf
            The window's surface.
        world
            The world (a reset :class:`~infancy.worlds.core.engine.BatchWorld`).
        world_id
            Its id, for the top bar.
        message
            What is being loaded.
        share
            The share done (``None``: unknown).
        caption
            A story scene's title and caption, or ``None``.
        """
        pg = self.pg
        w, h = surf.get_size()
        u = max(10, h // 40)
        self._frame(surf, world, 0, f"{world_id}   the baby is getting ready", "", caption)
        top = int(u * 2.2)
        px = int(w * 0.58) + u
        rect = pg.Rect(px, top, w - px - u, h - top - u)
        pg.draw.rect(surf, PANEL, rect, border_radius=8)
        self._busy(surf, pg.Rect(rect.x, rect.y, rect.w, int(u * 6.5)), u, message, share)
        lines = (
            "While you wait: the window shows the world as it starts.",
            "The baby's mind (System A, B and M) is being built;",
            "it starts learning the moment it is ready.",
        )
        for i, line in enumerate(lines):
            self.text(surf, line, (rect.x + u, rect.y + int(u * (7.5 + 1.3 * i))), u, DIM)

    def _busy(self, surf, rect, u: int, message: str, share: float | None) -> None:
        """A box saying what is happening, with a progress bar (a sliding block when
        the share is unknown)."""
        import time

        pg = self.pg
        pg.draw.rect(surf, (58, 52, 40), rect, border_radius=8)
        pg.draw.rect(surf, ACCENT, rect, 2, border_radius=8)
        lines = self.wrap(message, int(u * 1.15), rect.w - 2 * u)[:2]
        for i, line in enumerate(lines):
            self.text(surf, line, (rect.x + u, rect.y + u // 2 + int(u * 1.2) * i), int(u * 1.15))
        r = pg.Rect(rect.x + u, rect.bottom - int(u * 2.2), rect.w - 2 * u, int(u * 1.3))
        pg.draw.rect(surf, PANEL, r, border_radius=6)
        if share is None:  # unknown: a block sliding back and forth
            t = time.perf_counter() % 2.0
            pos = t if t < 1 else 2 - t
            pg.draw.rect(surf, ACCENT, (r.x + int((r.w - r.w // 5) * pos), r.y, r.w // 5, r.h))
        else:
            pg.draw.rect(surf, ACCENT, (r.x, r.y, int(r.w * share), r.h), border_radius=6)
            self.text(surf, f"{share:.0%}", (r.right - int(u * 3), r.y + u // 6), u, FG)

    def _frame(
        self, surf, eng: Any, b: int, head: str, status: str, caption: tuple[str, str] | None
    ) -> None:
        """The top bar, the world ``b`` of ``eng`` at the largest tile that fits, the
        caption and the legend."""
        pg = self.pg
        w, h = surf.get_size()
        u = max(10, h // 40)
        surf.fill(BG)
        top = int(u * 2.2)
        bar = int(u * 2.6)
        self.text(surf, "infancy classroom", (u, u // 2), int(u * 1.5), ACCENT)
        self.text(surf, head, (int(u * 13), int(u * 0.7)), int(u * 1.2))
        if status:
            label = self.font(int(u * 1.2)).size(status)[0]
            self.text(surf, status, (w - label - u, int(u * 0.7)), int(u * 1.2), ACCENT)
        # The world: the largest tile that fits the left part.
        legend_h = int(u * 2.4)
        cap_h = int(u * 4.6) if caption else 0
        avail_w = int(w * 0.58) - u
        avail_h = h - top - bar - legend_h - cap_h - u
        tile = max(8, min(avail_w // eng.width, avail_h // eng.height))
        self.tile = tile
        world_surf = self.renderer(tile).surface(eng, b)
        x0 = u + (avail_w - world_surf.get_width()) // 2
        y0 = top + cap_h
        # The top bar says what the renderer's HUD line says: the room alone.
        self.world_rect = pg.Rect(x0, y0, eng.width * tile, eng.height * tile)
        surf.blit(world_surf, (x0, y0), (0, 0, self.world_rect.w, self.world_rect.h))
        if caption:
            self._caption(surf, caption, pg.Rect(u, top, avail_w, cap_h - u // 3), u)
        self._legend(surf, u, self.world_rect.bottom + u // 3, u)

    def _caption(self, surf, caption: tuple[str, str], rect, u: int) -> None:
        pg = self.pg
        pg.draw.rect(surf, PANEL, rect, border_radius=8)
        title, body = caption
        self.text(
            surf,
            title + "   (space: next scene)",
            (rect.x + u // 2, rect.y + u // 3),
            int(u * 1.2),
            ACCENT,
        )
        y = rect.y + int(u * 1.4)
        for line in self.wrap(body, int(u * 1.05), rect.w - u)[:3]:
            self.text(surf, line, (rect.x + u // 2, y), int(u * 1.05))
            y += int(u * 0.95)

    def _legend(self, surf, x: int, y: int, u: int) -> None:
        pg = self.pg
        size = int(u * 0.95)
        r = u // 2
        items = [
            ("baby", lambda cx, cy: pg.draw.circle(surf, INFANT_RGB, (cx, cy), r)),
            ("caregiver", lambda cx, cy: pg.draw.circle(surf, CAREGIVER_RGB, (cx, cy), r)),
            (
                "baby sees",
                lambda cx, cy: pg.draw.rect(surf, VIEW_RGB, (cx - r, cy - r, 2 * r, 2 * r)),
            ),
            (
                "looks at",
                lambda cx, cy: pg.draw.line(surf, GAZE_RGB, (cx - r, cy), (cx + r, cy), 3),
            ),
            (
                "points at",
                lambda cx, cy: pg.draw.line(surf, POINT_RGB, (cx - r, cy), (cx + r, cy), 5),
            ),
        ]
        cx = x
        for name, mark in items:
            mark(cx + r, y + r)
            rect = self.text(surf, name, (cx + 2 * r + u // 3, y + r - size // 3), size, DIM)
            cx = rect.right + u
        self.text(surf, '"ball!" = said', (cx, y + r - size // 3), size, DIM)
        hint = "click a toy: look at it   right-click: point   1-7: say a word   E: eye contact"
        self.text(surf, hint, (x, y + int(u * 1.3)), size, DIM)

    def _panel(self, surf, room: Classroom, rect, u: int) -> None:
        pg = self.pg
        pg.draw.rect(surf, PANEL, rect, border_radius=8)
        x, y = rect.x + u, rect.y + u // 2
        self.text(surf, "System M: the baby is", (x, y), int(u * 1.2), DIM)
        mode = room.mode
        self.text(surf, mode.upper(), (x + int(u * 12), y - u // 4), int(u * 1.8), MODE_RGB[mode])
        y += int(u * 1.9)
        gauges = room.gauges()
        gw = rect.w - 2 * u
        label_w = int(u * 5.5)
        for (label, key), value in zip(GAUGES, gauges.values(), strict=True):
            rgb = GAUGE_RGB[label]
            self.text(surf, label, (x, y), int(u * 1.05), rgb)
            self.text(surf, f"{value:6.2f}", (x + label_w, y), int(u * 1.05))
            spark = pg.Rect(
                x + label_w + int(u * 3.5), y - u // 6, gw - label_w - int(u * 3.5), int(u * 1.1)
            )
            self._sparkline(surf, spark, list(room.history[key]), rgb)
            y += int(u * 1.35)
        y += u // 3
        self.text(surf, "Words: A binds it to (strength)", (x, y), int(u * 1.05), DIM)
        b_x = rect.right - u - int(u * 3.2)
        self.text(surf, "B looks", (b_x, y), int(u * 1.05), DIM)
        y += int(u * 1.3)
        lex = room.lexicon()
        top = max((s for _, _, s, _ in lex), default=1.0) or 1.0
        bar_x = x + int(u * 9.5)
        bar_w = b_x - u // 2 - bar_x - int(u * 3)
        acts = room.words_b
        for word, toy, strength, known in lex:
            good = word == toy
            rgb = (120, 210, 120) if good else (240, 130, 100)
            self.text(surf, f"{word}", (x, y), int(u * 1.1), FG if known else DIM)
            self.text(
                surf,
                f"-> {toy if strength > 0 else '?'}",
                (x + int(u * 3.6), y),
                int(u * 1.1),
                rgb if strength > 0 else DIM,
            )
            frac = max(0.0, strength) / top
            pg.draw.rect(surf, (70, 72, 86), (bar_x, y, bar_w, int(u * 0.8)))
            if frac > 0:
                pg.draw.rect(surf, rgb, (bar_x, y, max(1, int(bar_w * frac)), int(u * 0.8)))
            self.text(
                surf,
                f"{strength:4.1f}" + (" *" if known else ""),
                (bar_x + bar_w + u // 3, y),
                int(u * 0.95),
                FG if known else DIM,
            )
            if acts is not None:
                looks = acts.get(word, False)
                self.text(
                    surf,
                    "yes" if looks else "no",
                    (b_x + u, y),
                    int(u * 1.0),
                    (120, 210, 120) if looks else DIM,
                )
            y += int(u * 1.15)
            if y > rect.bottom - u:
                break
        when = (
            "B: being checked..."
            if room.words_b_step is None
            else f"B: checked at step {room.words_b_step}"
        )
        self.text(
            surf,
            f"* = A understands it   green: the right toy   {when}",
            (x, y + u // 4),
            int(u * 0.9),
            DIM,
        )
        y += int(u * 1.6)
        if y + 3 * u < rect.bottom:
            self._modes(surf, room, pg.Rect(x, y, rect.w - 2 * u, rect.bottom - y - u // 2), u)

    def _modes(self, surf, room: Classroom, rect, u: int) -> None:
        """System M's modes over the last chunks, one coloured cell per chunk."""
        pg = self.pg
        self.text(surf, "modes, one cell per learning step:", (rect.x, rect.y), int(u * 0.95), DIM)
        modes = list(room.modes)[-40:]
        cw = max(4, rect.w // 40)
        y = rect.y + int(u * 1.1)
        for i, m in enumerate(modes):
            name = MODES[m]
            pg.draw.rect(surf, MODE_RGB[name], (rect.x + i * cw, y, cw - 1, int(u * 0.9)))
        x = rect.x
        for name in MODES:
            r = self.text(surf, name, (x, y + int(u * 1.2)), int(u * 0.95), MODE_RGB[name])
            x = r.right + u

    def _sparkline(self, surf, rect, values: list[float], rgb) -> None:
        pg = self.pg
        pg.draw.rect(surf, (60, 62, 76), rect, border_radius=3)
        v = np.asarray(values[-rect.w // 2 :], dtype=float)
        v = v[np.isfinite(v)]
        if v.size < 2:
            return
        lo, hi = float(v.min()), float(v.max())
        span = hi - lo if hi > lo else 1.0
        xs = np.linspace(rect.x + 2, rect.right - 3, v.size)
        ys = rect.bottom - 3 - (v - lo) / span * (rect.h - 6)
        pg.draw.lines(surf, rgb, False, list(zip(xs.tolist(), ys.tolist(), strict=True)), 2)

    def _bar(self, surf, room: Classroom, rect, u: int) -> None:
        pg = self.pg
        pg.draw.rect(surf, PANEL, rect)
        self.buttons = []
        x = u // 2
        size = int(u * 1.0)
        kinds = dict.fromkeys(room.rules.toys.kinds)
        colours = room.rules.toys.colours

        def button(label: str, action: tuple, active: bool = False, rgb=None) -> None:
            nonlocal x
            w = self.font(size).size(label)[0] + u
            r = pg.Rect(x, rect.y + u // 3, w, rect.h - 2 * (u // 3))
            pg.draw.rect(surf, (90, 80, 40) if active else (66, 69, 84), r, border_radius=6)
            if rgb is not None:
                pg.draw.rect(surf, rgb, (r.x + 3, r.bottom - 6, r.w - 6, 3))
            self.text(surf, label, (r.x + u // 2, r.y + (r.h - size) // 2 + 2), size)
            self.buttons.append(Button(r, label, action, active))
            x = r.right + u // 4

        for i, word in enumerate(room.words):
            rgb = colours[room.rules.toys.kinds[word].colour] if word in kinds else None
            button(f"{i + 1} {word}", ("say", word), rgb=tuple(rgb) if rgb else None)
        x += u // 2
        button("E eyes", ("eye_contact",))
        button("S script" + (" on" if room.scripted else " off"), ("scripted",), room.scripted)
        x += u // 2
        button("P pause" if not room.paused else "P play", ("pause",), room.paused)
        button("N step", ("step",))
        button("G grow up", ("grow",))
        for speed in ("1", "10", "100", "max"):
            button(
                speed + ("x" if speed != "max" else ""),
                ("speed", speed),
                getattr(self, "speed", "1") == speed,
            )
        button("L save", ("save",))

    def button_at(self, pos: tuple[int, int]) -> Button | None:
        """The button under ``pos`` (``None``: none)."""
        for b in self.buttons:
            if b.rect.collidepoint(pos):
                return b
        return None

    def cell_at(self, pos: tuple[int, int]) -> tuple[int, int] | None:
        """The world cell ``(row, col)`` under ``pos`` (``None``: not on the world)."""
        if not self.world_rect.collidepoint(pos):
            return None
        return (
            (pos[1] - self.world_rect.y) // self.tile,
            (pos[0] - self.world_rect.x) // self.tile,
        )
