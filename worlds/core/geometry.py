"""View geometry: the view cone and line-of-sight tables, computed once per view size.

A view cell is visible when it lies in the infant's cone and range and every cell on the
straight line between the infant and it is transparent. The cells on each line are
tabulated here in egocentric offsets so that the kernels only look them up.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .codes import CELL_FLOOR, CELL_UNSEEN, CELL_WALL

__all__ = [
    "box_view",
    "egocentric_offsets",
    "line_of_sight_table",
    "ray_table",
    "sight_mask",
    "world_offsets",
]


def egocentric_offsets(view_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Forward and lateral offset of every view cell.

    Row 0 of the view is the farthest; the infant sits at row ``V-1``, column ``V//2``.

    Returns
    -------
    forward, lateral
        Integer arrays of shape ``(V, V)``: cells ahead and cells to the right.
    """
    v = view_size
    rows, cols = np.mgrid[0:v, 0:v]
    return (v - 1 - rows).astype(np.int16), (cols - v // 2).astype(np.int16)


@lru_cache(maxsize=8)
def line_of_sight_table(view_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells strictly between the infant and each view cell.

    Samples the segment between cell centres finely and keeps every cell it passes
    through (a supercover line without corner-grazing), so a single occluder hides the
    whole wedge behind it.

    Returns
    -------
    cells
        ``int16[V*V, L, 2]``: (forward, lateral) of the intermediate cells, padded.
    lengths
        ``int16[V*V]``: how many entries of ``cells`` are used.
    """
    fwd, lat = egocentric_offsets(view_size)
    lines: list[list[tuple[int, int]]] = []
    for f, lt in zip(fwd.ravel().tolist(), lat.ravel().tolist(), strict=True):
        seen: list[tuple[int, int]] = []
        steps = 8 * max(abs(f), abs(lt), 1)
        for s in range(1, steps):
            t = s / steps
            # Round half away from the infant so corner-grazing lines are not blocked
            # by both neighbours; a small epsilon keeps the choice deterministic.
            cf = math.floor(t * f + 0.5 - 1e-9)
            cl = math.floor(t * lt + 0.5 - 1e-9)
            cell = (cf, cl)
            if cell in ((0, 0), (f, lt)) or cell in seen:
                continue
            seen.append(cell)
        lines.append(seen)
    longest = max(1, max(len(x) for x in lines))
    cells = np.zeros((view_size * view_size, longest, 2), dtype=np.int16)
    lengths = np.zeros(view_size * view_size, dtype=np.int16)
    for i, line in enumerate(lines):
        lengths[i] = len(line)
        for j, cell in enumerate(line):
            cells[i, j] = cell
    return cells, lengths


def sight_mask(view_size: int, view_range: int, fov_degrees: float) -> np.ndarray:
    """Which view cells an infant with these abilities can see in an empty room.

    A cell is in sight when its forward distance is at most ``view_range`` and the angle
    between the infant's heading and the cell centre is at most ``fov_degrees / 2``. The
    infant's own cell is always in sight.

    Returns
    -------
    numpy.ndarray
        ``uint8[V, V]`` with 1 where the cell is in sight.
    """
    fwd, lat = egocentric_offsets(view_size)
    f = fwd.astype(np.float64)
    lt = lat.astype(np.float64)
    angle = np.degrees(np.arctan2(np.abs(lt), f))
    dist = np.maximum(np.abs(f), np.abs(lt))
    mask = (angle <= fov_degrees / 2 + 1e-9) & (dist <= view_range)
    mask[view_size - 1, view_size // 2] = True
    return mask.astype(np.uint8)


@lru_cache(maxsize=8)
def world_offsets(view_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row/column offsets in the world of every view cell and of its line of sight,
    for each of the four headings (0 east, 1 south, 2 west, 3 north).

    Returns
    -------
    view_off
        ``int64[4, V*V, 2]``: (row, col) offset of each view cell from the infant.
    los_off
        ``int64[4, V*V, L, 2]``: offsets of the cells strictly between.
    los_len
        ``int64[V*V]``: how many entries of ``los_off`` are used.
    """
    fwd, lat = egocentric_offsets(view_size)
    cells, lengths = line_of_sight_table(view_size)
    dr = np.array((0, 1, 0, -1))
    dc = np.array((1, 0, -1, 0))
    vv = view_size * view_size
    view_off = np.zeros((4, vv, 2), dtype=np.int64)
    los_off = np.zeros((4, vv, cells.shape[1], 2), dtype=np.int64)
    for d in range(4):
        rd = (d + 1) % 4
        f = fwd.ravel().astype(np.int64)
        lt = lat.ravel().astype(np.int64)
        view_off[d, :, 0] = f * dr[d] + lt * dr[rd]
        view_off[d, :, 1] = f * dc[d] + lt * dc[rd]
        cf = cells[..., 0].astype(np.int64)
        cl = cells[..., 1].astype(np.int64)
        los_off[d, :, :, 0] = cf * dr[d] + cl * dr[rd]
        los_off[d, :, :, 1] = cf * dc[d] + cl * dc[rd]
    return view_off, los_off, lengths.astype(np.int64)


@lru_cache(maxsize=16)
def box_view(height: int, width: int, view_size: int) -> np.ndarray:
    """The ``cell`` channel of every view in a closed box: a room whose only opaque
    cells are its border walls.

    There, what an infant sees of the room depends only on where it stands and which
    way it faces, so it is tabulated once per room size; the observation kernel copies
    it (masked by the infant's view cone, :func:`sight_mask`) instead of walking lines
    of sight.

    Returns
    -------
    numpy.ndarray
        ``uint8[H, W, 4, V*V]``: for an infant at ``(r, c)`` facing heading ``d``, view
        cell ``idx`` shows ``CELL_WALL`` (a border cell), ``CELL_FLOOR`` (an interior
        cell) or ``CELL_UNSEEN`` (off the grid, or something opaque is between).
    """
    view_off, los_off, los_len = world_offsets(view_size)
    rows = np.arange(height)[:, None, None, None]
    cols = np.arange(width)[None, :, None, None]
    r = rows + view_off[None, None, :, :, 0]  # [H, W, 4, VV]
    c = cols + view_off[None, None, :, :, 1]
    inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
    border = (r == 0) | (r == height - 1) | (c == 0) | (c == width - 1)
    lr = rows[..., None] + los_off[None, None, ..., 0]  # [H, W, 4, VV, L]
    lc = cols[..., None] + los_off[None, None, ..., 1]
    used = np.arange(los_off.shape[2]) < los_len[:, None]  # [VV, L]
    on_border = (lr <= 0) | (lr >= height - 1) | (lc <= 0) | (lc >= width - 1)
    visible = inside & ~(on_border & used).any(axis=-1)
    code = np.where(border, CELL_WALL, CELL_FLOOR)
    return np.where(visible, code, CELL_UNSEEN).astype(np.uint8)


@lru_cache(maxsize=16)
def ray_table(height: int, width: int) -> np.ndarray:
    """The cells a ray crosses, for every direction a ray can take in the grid.

    A ray from the centre of a cell through the centre of another, ``(dr, dc)`` away,
    crosses the cells found by the grid traversal of Amanatides & Woo (one visit per
    cell; through a corner it steps diagonally). The kernels follow these offsets from
    the ray's origin until a wall or the edge, rather than tracing the line each time.

    Returns
    -------
    numpy.ndarray
        ``int16[2H-1, 2W-1, 2(H+W), 2]``: entry ``[dr + H - 1, dc + W - 1, s]`` is the
        (row, col) offset from the origin of the ray's ``s``-th cell after the origin.
        The ray of ``(0, 0)`` stays on its origin.
    """
    steps = 2 * (height + width)
    table = np.zeros((2 * height - 1, 2 * width - 1, steps, 2), dtype=np.int16)
    for dr in range(-(height - 1), height):
        for dc in range(-(width - 1), width):
            if dr == 0 and dc == 0:
                continue
            step_r = 1 if dr > 0 else -1
            step_c = 1 if dc > 0 else -1
            # Ray parameter at which the next row / column boundary is crossed, and its
            # period.
            delta_r = abs(1.0 / dr) if dr != 0 else 1e30
            delta_c = abs(1.0 / dc) if dc != 0 else 1e30
            next_r, next_c = 0.5 * delta_r, 0.5 * delta_c
            r = c = 0
            for s in range(steps):
                if abs(next_r - next_c) < 1e-9:
                    r, c = r + step_r, c + step_c
                    next_r, next_c = next_r + delta_r, next_c + delta_c
                elif next_r < next_c:
                    r += step_r
                    next_r += delta_r
                else:
                    c += step_c
                    next_c += delta_c
                table[dr + height - 1, dc + width - 1, s] = (r, c)
    return table


def cue_directions() -> np.ndarray:
    """The direction of each gaze or point code of the view.

    Sector ``s`` of 16 is code ``1 + s``: 0 degrees the way the infant faces, positive
    angles to its left (the convention of :func:`cue_rays`, which follows these).

    Returns
    -------
    numpy.ndarray
        ``float64[CUE_AT_ME + 1, 2]``: the unit (lateral, forward) direction of each
        code, lateral positive to the infant's right (the way view columns run); 0
        for codes 0 and ``CUE_AT_ME``.
    """
    from .codes import CUE_AT_ME, CUE_DIRECTIONS

    out = np.zeros((CUE_AT_ME + 1, 2))
    for s in range(CUE_DIRECTIONS):
        angle = math.radians(22.5 * s)
        out[1 + s] = (-math.sin(angle), math.cos(angle))
    return out


@lru_cache(maxsize=8)
def cue_rays(view_size: int) -> np.ndarray:
    """The view cells a caregiver's cue points along, from each view cell.

    For a caregiver on view cell ``c`` whose gaze (or point) code is ``g`` (see
    ``codes.CUE_DIRECTIONS``), ``out[c, g]`` lists the view cells its direction passes
    through, nearest first, padded with -1 (the cell itself is not included; codes 0 and
    ``CUE_AT_ME`` point nowhere in the view). An infant that wants to know what the
    caregiver attends to must follow the direction itself; this is the geometry of doing
    so, for the infants' built-in joint attention and for oracle policies.

    Returns
    -------
    numpy.ndarray
        ``int64[V*V, CUE_AT_ME + 1, 2*V]``.
    """
    from .codes import CUE_AT_ME, CUE_DIRECTIONS

    v = view_size
    dirs = cue_directions()
    out = np.full((v * v, CUE_AT_ME + 1, 2 * v), -1, dtype=np.int64)
    for cell in range(v * v):
        r0, c0 = divmod(cell, v)
        for s in range(CUE_DIRECTIONS):
            # Forward is up the view (rows fall); lateral runs with the columns.
            lateral, forward = dirs[1 + s]
            dr, dc = -forward, lateral
            seen: list[int] = []
            for k in range(1, 8 * v):
                r = math.floor(r0 + 0.5 + dr * k / 4)
                c = math.floor(c0 + 0.5 + dc * k / 4)
                if not (0 <= r < v and 0 <= c < v):
                    break
                idx = r * v + c
                if idx != cell and idx not in seen:
                    seen.append(idx)
            out[cell, 1 + s, : len(seen[: 2 * v])] = seen[: 2 * v]
    return out
