"""Pictures of a world: ``rgb_array`` frames and a pygame window.

The frame is allocentric (the whole room, like MiniGrid's full render) with overlays:
the infant's view cone (the cells it sees this step), the caregiver's gaze line, its
pointing arrow, speech bubbles with the word said (and the infant's babble), and a HUD
line with the world id, step and phase, plus any extra lines a caller passes (System M
shows its mode and signals there). Tiles are drawn once and cached.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from .core.codes import FLAG_IMPERATIVE, FLAG_OSTENSIVE, WALL
from .core.kernels import target_position

if TYPE_CHECKING:
    from .core.engine import BatchWorld
    from .rules import Rules

__all__ = ["Renderer"]

FLOOR_RGB = (236, 228, 212)
GRID_RGB = (214, 204, 186)
WALL_RGB = (92, 86, 80)
VIEW_RGB = (255, 236, 120)
INFANT_RGB = (236, 120, 150)
CAREGIVER_RGB = (60, 150, 160)
GAZE_RGB = (40, 90, 200)
POINT_RGB = (230, 110, 20)
HUD_BG = (40, 40, 48)
HUD_FG = (240, 240, 240)

# How each kind is drawn (presentation only; the rules say what a kind does).
SHAPES = {
    "ball": "circle",
    "rattle": "rattle",
    "block": "square",
    "duck": "triangle",
    "doll": "doll",
    "cup": "cup",
    "box": "box",
    "screen": "screen",
    "tv": "tv",
}


def _pygame():
    # Importing pygame prints a banner; keep library output quiet.
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    return pygame


class Renderer:
    """Draws worlds of a :class:`~infancy.worlds.core.engine.BatchWorld`.

    Parameters
    ----------
    rules
        The world rules (for colours and kind names).
    tile
        Pixels per cell.
    """

    def __init__(self, rules: Rules, tile: int = 32) -> None:
        self.pg = _pygame()
        self.pg.font.init()
        self.rules = rules
        self.tile = tile
        self.hud_height = max(18, tile // 2 + 4)
        self._tiles: dict[tuple, object] = {}
        # Static floor and walls per layout, plain and under the view tint.
        self._rooms: dict[bytes, tuple[object, object]] = {}
        self._targets: dict[tuple[int, int], tuple[np.ndarray, object]] = {}
        self._texts: dict[str, object] = {}
        self._font = self.pg.font.Font(None, max(14, tile // 2 + 2))
        self._window = None
        self._clock = None
        self._colours = [tuple(c) for c in rules.toys.colours.values()]

    # ------------------------------------------------------------------ tiles
    def _tile(self, key: tuple):
        surf = self._tiles.get(key)
        if surf is None:
            surf = self._draw_tile(key)
            self._tiles[key] = surf
        return surf

    def _draw_tile(self, key: tuple):
        pg, t = self.pg, self.tile
        surf = pg.Surface((t, t), pg.SRCALPHA)
        kind = key[0]
        if kind == "floor":
            surf.fill(FLOOR_RGB)
            pg.draw.rect(surf, GRID_RGB, (0, 0, t, t), 1)
        elif kind == "wall":
            surf.fill(WALL_RGB)
        elif kind == "object":
            _, name, colour = key
            self._draw_object(surf, SHAPES.get(name, "circle"), self._colours[colour])
        elif kind == "agent":
            _, who, heading = key
            self._draw_agent(surf, who, heading)
        return surf

    def _draw_object(self, surf, shape: str, rgb: tuple[int, int, int]) -> None:
        pg, t = self.pg, self.tile
        c = t // 2
        dark = tuple(max(0, v - 70) for v in rgb)
        if shape == "circle":
            pg.draw.circle(surf, rgb, (c, c), int(t * 0.32))
            pg.draw.circle(surf, dark, (c, c), int(t * 0.32), 2)
        elif shape == "rattle":
            pg.draw.line(surf, dark, (c, c), (int(t * 0.8), int(t * 0.8)), max(2, t // 10))
            pg.draw.circle(surf, rgb, (int(t * 0.42), int(t * 0.42)), int(t * 0.24))
        elif shape == "square":
            m = int(t * 0.22)
            pg.draw.rect(surf, rgb, (m, m, t - 2 * m, t - 2 * m))
            pg.draw.rect(surf, dark, (m, m, t - 2 * m, t - 2 * m), 2)
        elif shape == "triangle":
            pts = [(c, int(t * 0.18)), (int(t * 0.82), int(t * 0.8)), (int(t * 0.18), int(t * 0.8))]
            pg.draw.polygon(surf, rgb, pts)
            pg.draw.polygon(surf, dark, pts, 2)
        elif shape == "doll":
            pg.draw.circle(surf, rgb, (c, int(t * 0.3)), int(t * 0.16))
            pg.draw.rect(surf, rgb, (int(t * 0.32), int(t * 0.45), int(t * 0.36), int(t * 0.4)))
        elif shape == "cup":
            pts = [
                (int(t * 0.2), int(t * 0.25)),
                (int(t * 0.8), int(t * 0.25)),
                (int(t * 0.68), int(t * 0.8)),
                (int(t * 0.32), int(t * 0.8)),
            ]
            pg.draw.polygon(surf, rgb, pts)
            pg.draw.polygon(surf, dark, pts, 2)
        elif shape == "box":
            m = int(t * 0.12)
            pg.draw.rect(surf, rgb, (m, m, t - 2 * m, t - 2 * m))
            pg.draw.rect(surf, dark, (m, m, t - 2 * m, t - 2 * m), 3)
            pg.draw.line(surf, dark, (m, int(t * 0.35)), (t - m, int(t * 0.35)), 2)
        elif shape == "screen":
            pg.draw.rect(surf, rgb, (0, int(t * 0.1), t, int(t * 0.8)))
            pg.draw.rect(surf, dark, (0, int(t * 0.1), t, int(t * 0.8)), 2)
        elif shape == "tv":
            pg.draw.rect(
                surf, (50, 50, 50), (int(t * 0.08), int(t * 0.15), int(t * 0.84), int(t * 0.7))
            )
            pg.draw.rect(surf, rgb, (int(t * 0.16), int(t * 0.23), int(t * 0.68), int(t * 0.54)))

    def _draw_agent(self, surf, who: str, heading: int) -> None:
        pg, t = self.pg, self.tile
        c = t // 2
        rgb = CAREGIVER_RGB if who == "caregiver" else INFANT_RGB
        radius = int(t * (0.44 if who == "caregiver" else 0.34))
        pg.draw.circle(surf, rgb, (c, c), radius)
        pg.draw.circle(surf, (30, 30, 30), (c, c), radius, 2)
        # A nose showing where the agent faces.
        dr, dc = ((0, 1), (1, 0), (0, -1), (-1, 0))[heading]
        tip = (c + dc * radius, c + dr * radius)
        pg.draw.circle(surf, (30, 30, 30), tip, max(2, t // 10))

    # ------------------------------------------------------------------ frames
    def frame(self, engine: BatchWorld, world: int = 0, hud: list[str] | None = None) -> np.ndarray:
        """An RGB image (``uint8[height, width, 3]``) of one world."""
        # Drawn on a 24-bit surface that lives in a numpy buffer, then copied: reading a
        # 32-bit surface out (``image.tobytes``, converting pixel by pixel) cost more than
        # drawing it, and copying the transposed ``surfarray`` view cost more still.
        size = self._size(engine, hud)
        target = self._targets.get(size)
        if target is None:
            buf = np.zeros((size[1], size[0], 3), dtype=np.uint8)
            target = self._targets[size] = (buf, self.pg.image.frombuffer(buf, size, "RGB"))
        buf, dest = target
        self._draw(dest, engine, world, hud)
        return buf.copy()

    def surface(self, engine: BatchWorld, world: int = 0, hud: list[str] | None = None):
        """The frame as a (new) pygame ``Surface``."""
        surf = self.pg.Surface(self._size(engine, hud))
        self._draw(surf, engine, world, hud)
        return surf

    def _size(self, engine: BatchWorld, hud: list[str] | None) -> tuple[int, int]:
        t = self.tile
        return engine.width * t, engine.height * t + self.hud_height * (1 + len(hud or []))

    def _draw(self, surf, engine: BatchWorld, b: int, hud: list[str] | None) -> None:
        engine.update_seen(b)
        pg, t, st = self.pg, self.tile, engine.state
        h, w = engine.height, engine.width
        n = engine.n_infants
        names = self.rules.kind_names
        room, tinted = self._room(st.cells[b], surf)
        surf.blit(room, (0, 0))
        # The view cone: runs of seen cells along each row, copied from the tinted room
        # (the same pixels as blending the view tile cell by cell, in a few plain copies).
        seen = np.zeros((h, w + 2), dtype=np.int8)
        seen[:, 1:-1] = st.seen_map[b] != 0
        rows, cols = np.nonzero(np.diff(seen, axis=1))  # a run's start, then its end
        runs = zip(rows[::2].tolist(), cols[::2].tolist(), cols[1::2].tolist(), strict=True)
        for r, c0, c1 in runs:
            surf.blit(tinted, (c0 * t, r * t), (c0 * t, r * t, (c1 - c0) * t, t))
        for k in range(st.obj_kind.shape[1]):
            kind = st.obj_kind[b, k]
            if kind < 0 or st.obj_inside[b, k] >= 0 or st.obj_holder[b, k] >= 0:
                continue
            r, c = st.obj_pos[b, k]
            surf.blit(self._tile(("object", names[kind], int(st.obj_colour[b, k]))), (c * t, r * t))
        for a in range(n + 1):
            r, c = st.agent_pos[b, a]
            who = "caregiver" if a == n else "infant"
            surf.blit(self._tile(("agent", who, int(st.agent_dir[b, a]))), (c * t, r * t))
            held = st.agent_hold[b, a]
            if held >= 0:
                key = ("object", names[st.obj_kind[b, held]], int(st.obj_colour[b, held]))
                surf.blit(self._held(key), (c * t + t // 2, r * t))
        self._overlays(surf, engine, b)
        y = h * t
        for line in [self._hud_text(engine, b), *(hud or [])]:
            pg.draw.rect(surf, HUD_BG, (0, y, w * t, self.hud_height))
            surf.blit(self._text(line, HUD_FG), (4, y + 2))
            y += self.hud_height

    def _held(self, key: tuple):
        """An object's tile at half size (drawn beside the agent holding it), cached."""
        small = self._tiles.get(("held", *key))
        if small is None:
            t = self.tile
            small = self.pg.transform.smoothscale(self._tile(key), (t // 2, t // 2))
            self._tiles[("held", *key)] = small
        return small

    def _room(self, cells: np.ndarray, dest):
        """Floor and walls of a layout, drawn once per distinct layout and pixel format
        of ``dest``: the plain room and the room with every cell under the view tint."""
        key = cells.tobytes() + bytes(cells.shape) + bytes([dest.get_bitsize()])
        rooms = self._rooms.get(key)
        if rooms is None:
            h, w = cells.shape
            t = self.tile
            room = self.pg.Surface((w * t, h * t))
            for r in range(h):
                for c in range(w):
                    tile = self._tile(("wall",) if cells[r, c] == WALL else ("floor",))
                    room.blit(tile, (c * t, r * t))
            tinted = room.copy()
            tint = self.pg.Surface((w * t, h * t), self.pg.SRCALPHA)
            tint.fill((*VIEW_RGB, 90))  # the view tile's colour, over the whole room
            tinted.blit(tint, (0, 0))
            if len(self._rooms) > 64:
                self._rooms.clear()
            # In the destination's format, a blit is a plain copy of rows.
            rooms = self._rooms[key] = (room.convert(dest), tinted.convert(dest))
        return rooms

    def _text(self, text: str, rgb: tuple[int, int, int]):
        """Rendered text, cached (the HUD repeats itself from frame to frame)."""
        key = f"{rgb}{text}"
        label = self._texts.get(key)
        if label is None:
            if len(self._texts) > 512:
                self._texts.clear()
            label = self._font.render(text, True, rgb)
            self._texts[key] = label
        return label

    def _centre(self, r: int, c: int) -> tuple[int, int]:
        return (int(c * self.tile + self.tile // 2), int(r * self.tile + self.tile // 2))

    def _overlays(self, surf, engine: BatchWorld, b: int) -> None:
        pg, st, t = self.pg, engine.state, self.tile
        n = engine.n_infants
        cg = self._centre(*st.agent_pos[b, n])
        tr, tc = target_position(engine.kernel_state, b, int(st.cg_gaze[b]))
        if tr >= 0 and (tr, tc) != tuple(st.agent_pos[b, n]):
            end = self._centre(tr, tc)
            self._dashed(surf, GAZE_RGB, cg, end)
            pg.draw.circle(surf, GAZE_RGB, end, max(3, t // 8), 2)
        tr, tc = target_position(engine.kernel_state, b, int(st.cg_point[b]))
        if tr >= 0 and (tr, tc) != tuple(st.agent_pos[b, n]):
            self._arrow(surf, POINT_RGB, cg, self._centre(tr, tc))
        for i in range(n):
            if st.inf_point[b, i]:
                r, c = st.agent_pos[b, i]
                dr, dc = ((0, 1), (1, 0), (0, -1), (-1, 0))[st.agent_dir[b, i]]
                self._arrow(surf, POINT_RGB, self._centre(r, c), self._centre(r + dr, c + dc))
            if st.inf_vocal[b, i]:
                self._bubble(surf, "ba!", self._centre(*st.agent_pos[b, i]))
        word = int(st.cg_word[b])
        if word > 0:
            text = self.rules.vocabulary[word - 1]
            flag = int(st.cg_flag[b])
            if flag == FLAG_OSTENSIVE:
                text = f"look, {text}!"
            elif flag == FLAG_IMPERATIVE:
                text = f"get the {text}"
            self._bubble(surf, text, cg)

    def _dashed(self, surf, rgb, start, end, dash: int = 6) -> None:
        p0 = np.array(start, dtype=float)
        p1 = np.array(end, dtype=float)
        length = float(np.linalg.norm(p1 - p0))
        if length < 1:
            return
        direction = (p1 - p0) / length
        for s in np.arange(0, length, 2 * dash):
            a = p0 + direction * s
            e = p0 + direction * min(s + dash, length)
            self.pg.draw.line(surf, rgb, a, e, 2)

    def _arrow(self, surf, rgb, start, end) -> None:
        pg = self.pg
        pg.draw.line(surf, rgb, start, end, 3)
        p0 = np.array(start, dtype=float)
        p1 = np.array(end, dtype=float)
        d = p1 - p0
        norm = float(np.linalg.norm(d))
        if norm < 1:
            return
        d /= norm
        side = np.array([-d[1], d[0]])
        size = self.tile * 0.3
        pts = [p1, p1 - d * size + side * size * 0.5, p1 - d * size - side * size * 0.5]
        pg.draw.polygon(surf, rgb, [tuple(p) for p in pts])

    def _bubble(self, surf, text: str, anchor) -> None:
        pg = self.pg
        label = self._text(text, (20, 20, 20))
        w, h = label.get_size()
        x = min(max(0, anchor[0] - w // 2 - 4), surf.get_width() - w - 8)
        y = max(0, anchor[1] - self.tile - h // 2)
        pg.draw.rect(surf, (255, 255, 255), (x, y, w + 8, h + 4), border_radius=6)
        pg.draw.rect(surf, (20, 20, 20), (x, y, w + 8, h + 4), 1, border_radius=6)
        surf.blit(label, (x + 4, y + 2))

    def _hud_text(self, engine: BatchWorld, b: int) -> str:
        st = engine.state
        return f"{engine.scenario.id}  t={int(st.t[b])}  phase={int(st.phase[b])}"

    # ------------------------------------------------------------------ window
    def show(self, frame: np.ndarray, fps: int) -> None:
        """Show a frame in a pygame window (``human`` render mode)."""
        pg = self.pg
        if self._window is None:
            pg.display.init()
            pg.display.set_caption("infancy")
            self._window = pg.display.set_mode((frame.shape[1], frame.shape[0]))
            self._clock = pg.time.Clock()
        pg.event.pump()
        surf = pg.surfarray.make_surface(frame.transpose(1, 0, 2))
        self._window.blit(surf, (0, 0))
        pg.display.flip()
        self._clock.tick(fps)

    def close(self) -> None:
        """Close the window, if one is open."""
        if self._window is not None:
            self.pg.display.quit()
            self._window = None
