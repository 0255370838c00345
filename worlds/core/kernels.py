"""Compiled kernels of the batched engine: mechanics, derived maps and observations.

Every kernel loops over worlds and reads/writes the :class:`~.state.State` arrays in
place. No kernel draws random numbers: uniforms are drawn by the engine's seeded
``numpy.random.Generator`` and passed in, so results do not depend on threads.

Target codes (gaze, point and hand targets of the caregiver): ``0`` none, ``1 + i``
infant ``i``, ``1 + N + k`` object ``k``, ``1 + N + K + r * W + c`` the cell ``(r, c)``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .codes import (
    CAREGIVER_CHANNELS,
    CELL_FLOOR,
    CELL_WALL,
    CG_FLAG,
    CG_GAZE,
    CG_HAND,
    CG_HAND_TARGET,
    CG_MOVE,
    CG_POINT,
    CG_WORD,
    CH_AGENT,
    CH_CELL,
    CH_COLOUR,
    CH_GAZE,
    CH_KIND,
    CH_POINT,
    CONTAINER,
    CUE_AT_ME,
    DIR_DC,
    DIR_DR,
    FORWARD,
    GRASPABLE,
    HAND_PLACE,
    HAND_TAKE,
    MOVE_HEADING,
    NOISY,
    OCCLUDER,
    POINT,
    REACH,
    RELEASE,
    ROLLS,
    S_APPROVAL,
    S_ENERGY,
    S_EYE_CONTACT,
    S_HOLDING,
    S_MOVED,
    S_POSTURE,
    S_RESTRAINED,
    S_SOUND,
    S_SOUND_DIR,
    S_TURNED,
    S_WORD,
    S_WORD_FLAG,
    SOUNDS,
    TURN_LEFT,
    TURN_RIGHT,
    VOCALISE,
    WALL,
)

DR = np.array(DIR_DR, dtype=np.int64)
HEADING_DEGREES = np.array([0.0, -90.0, 180.0, 90.0])  # east, south, west, north
DC = np.array(DIR_DC, dtype=np.int64)
MOVE_DIR = np.array(MOVE_HEADING, dtype=np.int64)
N_CG_CHANNELS = len(CAREGIVER_CHANNELS)
assert CH_CELL == 0  # observe_world clears the channels after the first
# What a world's ``dirty`` flag says: an agent moved (held things must follow it), or
# an object changed place (the object and opacity maps must be rebuilt).
DIRTY_MOVED = 1
DIRTY_MAPS = 2


# --------------------------------------------------------------------------- helpers
@njit(cache=True, inline="always")
def fill_map(arr, b, value):
    """``arr[b] = value`` without making a view (a view touches the array's shared
    reference count, which the threads would fight over). Unsigned indices: see
    :func:`observe_world`."""
    for r in range(np.uint64(arr.shape[1])):
        for c in range(np.uint64(arr.shape[2])):
            arr[b, r, c] = value


@njit(cache=True)
def chunk_size(n_worlds):
    """Worlds per parallel task: few, large tasks, so that threads do not share the
    state's reference count (a cache line) world by world."""
    return max(1, (n_worlds + 15) // 16)


@njit(cache=True, inline="always")
def in_bounds(st, b, r, c):
    return 0 <= r < st.cells.shape[1] and 0 <= c < st.cells.shape[2]


@njit(cache=True, inline="always")
def cell_free(st, b, r, c):
    """Floor, in the grid, with no visible object and no agent."""
    if not in_bounds(st, b, r, c):
        return False
    return st.cells[b, r, c] != WALL and st.obj_map[b, r, c] < 0 and st.agent_map[b, r, c] < 0


@njit(cache=True, inline="always")
def target_position(st, b, code):
    """(row, col) of a target code, or (-1, -1) when it names nothing."""
    n = st.done.shape[1]
    k = st.obj_kind.shape[1]
    w = st.cells.shape[2]
    if code <= 0:
        return -1, -1
    code -= 1
    if code < n:
        return st.agent_pos[b, code, 0], st.agent_pos[b, code, 1]
    code -= n
    if code < k:
        if st.obj_kind[b, code] < 0:
            return -1, -1
        return st.obj_pos[b, code, 0], st.obj_pos[b, code, 1]
    code -= k
    return code // w, code % w


@njit(cache=True)
def heading_towards(dr, dc, fallback):
    """The one of four headings closest to the vector (dr, dc)."""
    if dr == 0 and dc == 0:
        return fallback
    if abs(dc) >= abs(dr):
        return 0 if dc > 0 else 2
    return 1 if dr > 0 else 3


@njit(cache=True, inline="always")
def emit_sound(st, b, kind, r, c):
    """Every infant hears ``kind`` coming from (r, c), with its relative direction."""
    for i in range(st.done.shape[1]):
        st.sound[b, i] = kind + 1
        dr = r - st.agent_pos[b, i, 0]
        dc = c - st.agent_pos[b, i, 1]
        if dr == 0 and dc == 0:
            st.sound_dir[b, i] = 0
        else:
            absolute = heading_towards(dr, dc, 0)
            st.sound_dir[b, i] = (absolute - st.agent_dir[b, i]) % 4 + 1


@njit(cache=True, inline="always")
def sync_objects(st, b):
    """Held objects move with their holder; contents move with their container."""
    for k in range(st.obj_kind.shape[1]):
        a = st.obj_holder[b, k]
        if st.obj_kind[b, k] >= 0 and a >= 0:
            st.obj_pos[b, k, 0] = st.agent_pos[b, a, 0]
            st.obj_pos[b, k, 1] = st.agent_pos[b, a, 1]
    for k in range(st.obj_kind.shape[1]):
        c = st.obj_inside[b, k]
        if st.obj_kind[b, k] >= 0 and c >= 0:
            st.obj_pos[b, k, 0] = st.obj_pos[b, c, 0]
            st.obj_pos[b, k, 1] = st.obj_pos[b, c, 1]


@njit(cache=True, inline="always")
def rebuild_maps(st, b, kind_flags):
    """Recompute the object, agent and opacity maps of world ``b``."""
    fill_map(st.obj_map, b, -1)
    fill_map(st.agent_map, b, -1)
    h = st.cells.shape[1]
    w = st.cells.shape[2]
    # ``inner_opaque`` counts the cells that keep the room from being a closed box
    # (opaque off the border, transparent on it); the observation kernel looks a closed
    # box's lines of sight up instead of walking them.
    inner = 0
    for r in range(np.uint64(h)):
        for c in range(np.uint64(w)):
            wall = st.cells[b, r, c] == WALL
            st.opaque_map[b, r, c] = wall
            if wall != (r == 0 or r == h - 1 or c == 0 or c == w - 1):
                inner += 1
    for k in range(st.obj_kind.shape[1]):
        if st.obj_kind[b, k] >= 0 and st.obj_holder[b, k] < 0 and st.obj_inside[b, k] < 0:
            r = st.obj_pos[b, k, 0]
            c = st.obj_pos[b, k, 1]
            st.obj_map[b, r, c] = k
            if kind_flags[st.obj_kind[b, k]] & OCCLUDER:
                st.opaque_map[b, r, c] = 1
                if 0 < r < h - 1 and 0 < c < w - 1:
                    inner += 1
    st.inner_opaque[b] = inner
    for a in range(st.agent_pos.shape[1]):
        st.agent_map[b, st.agent_pos[b, a, 0], st.agent_pos[b, a, 1]] = a


@njit(cache=True, inline="always")
def mark_ray(cells, out, b, r0, c0, r1, c1, value, rays):
    """Set to ``value`` the cells a ray from the centre of (r0, c0) through the centre
    of (r1, c1) crosses, onwards until a wall or the edge (``rays``:
    ``geometry.ray_table``)."""
    if r0 == r1 and c0 == c1:
        return
    h = cells.shape[1]
    w = cells.shape[2]
    dr = r1 - r0 + h - 1
    dc = c1 - c0 + w - 1
    for s in range(rays.shape[2]):
        r = r0 + rays[dr, dc, s, 0]
        c = c0 + rays[dr, dc, s, 1]
        if r < 0 or r >= h or c < 0 or c >= w or cells[b, r, c] == WALL:
            return
        out[b, r, c] = value


# A caregiver ray packed in one number: 7 bits for each of its origin's and target's
# row and column (grids are at most 127 cells a side), unpacked with shifts because an
# integer division costs more than a whole ray.
RAY_BITS = 7
RAY_MASK = (1 << RAY_BITS) - 1
MAX_GRID = RAY_MASK


@njit(cache=True, inline="always")
def ray_code(st, b, target):
    """The caregiver's ray towards ``target`` as one number: 0 when the target names
    nothing, else ``1 +`` origin and target cells packed (see ``RAY_BITS``). The ray's
    cells depend on nothing else (walls do not change within an episode)."""
    tr, tc = target_position(st, b, target)
    if tr < 0:
        return 0
    n = st.done.shape[1]
    cr = np.int64(st.agent_pos[b, n, 0])
    cc = np.int64(st.agent_pos[b, n, 1])
    return 1 + (
        (cr << (3 * RAY_BITS)) | (cc << (2 * RAY_BITS)) | (np.int64(tr) << RAY_BITS) | np.int64(tc)
    )


@njit(cache=True, inline="always")
def ray_ends(code):
    """Origin and target cells of a :func:`ray_code` (not 0)."""
    x = code - 1
    return (
        (x >> (3 * RAY_BITS)) & RAY_MASK,
        (x >> (2 * RAY_BITS)) & RAY_MASK,
        (x >> RAY_BITS) & RAY_MASK,
        x & RAY_MASK,
    )


@njit(cache=True, inline="always")
def update_rays(st, b, full, rays):
    """Bring the caregiver's ray codes and the infants' pointing map up to date.

    ``ray_key`` holds the codes of the caregiver's gaze and pointing rays (the
    infants' views show the caregiver's head and arm direction instead,
    :func:`cue_direction`; no map of the rays' cells is kept) and whether an infant's
    pointing ray is drawn on ``ipoint_map`` (the caregiver's observation reads it);
    ``full`` redraws that map from empty (after a reset)."""
    n = st.done.shape[1]
    if full:
        st.ray_key[b, 2] = 1
    st.ray_key[b, 0] = ray_code(st, b, st.cg_gaze[b])
    st.ray_key[b, 1] = ray_code(st, b, st.cg_point[b])
    pointing = 0
    for i in range(n):
        pointing |= st.inf_point[b, i]
    if pointing or st.ray_key[b, 2]:
        fill_map(st.ipoint_map, b, 0)
        for i in range(n):
            if st.inf_point[b, i]:
                r = st.agent_pos[b, i, 0]
                c = st.agent_pos[b, i, 1]
                d = st.agent_dir[b, i]
                mark_ray(st.cells, st.ipoint_map, b, r, c, r + DR[d], c + DC[d], 1, rays)
        st.ray_key[b, 2] = pointing


# ----------------------------------------------------------------------- caregiver
@njit(cache=True, inline="always")
def caregiver_hand(st, b, op, code, arm_reach, kind_flags):
    n = st.done.shape[1]
    k_slots = st.obj_kind.shape[1]
    cr = st.agent_pos[b, n, 0]
    cc = st.agent_pos[b, n, 1]
    tr, tc = target_position(st, b, code)
    if tr < 0 or max(abs(tr - cr), abs(tc - cc)) > arm_reach:
        return
    held = st.agent_hold[b, n]
    obj = code - 1 - n  # object index if the code names an object
    if op == HAND_TAKE:
        if held >= 0 or obj < 0 or obj >= k_slots or st.obj_kind[b, obj] < 0:
            return
        if not kind_flags[st.obj_kind[b, obj]] & GRASPABLE:
            return
        holder = st.obj_holder[b, obj]
        if holder >= 0:
            st.agent_hold[b, holder] = -1  # takes it back from an infant
        st.obj_holder[b, obj] = n
        st.obj_inside[b, obj] = -1
        st.agent_hold[b, n] = obj
    elif op == HAND_PLACE and held >= 0:
        if 0 <= obj < k_slots and obj != held and st.obj_kind[b, obj] >= 0:
            if kind_flags[st.obj_kind[b, obj]] & CONTAINER and st.obj_holder[b, obj] < 0:
                st.obj_holder[b, held] = -1
                st.obj_inside[b, held] = obj
                st.agent_hold[b, n] = -1
        elif 0 <= code - 1 < n:
            infant = code - 1
            if st.agent_hold[b, infant] < 0 and not st.done[b, infant]:
                st.obj_holder[b, held] = infant
                st.agent_hold[b, infant] = held
                st.agent_hold[b, n] = -1
        elif obj >= k_slots and cell_free(st, b, tr, tc):
            st.obj_holder[b, held] = -1
            st.obj_pos[b, held, 0] = tr
            st.obj_pos[b, held, 1] = tc
            st.agent_hold[b, n] = -1
            st.obj_map[b, tr, tc] = held
        if st.agent_hold[b, n] < 0 and kind_flags[st.obj_kind[b, held]] & SOUNDS:
            emit_sound(st, b, st.obj_kind[b, held], tr, tc)


@njit(cache=True, inline="always")
def apply_caregiver(st, b, acts, arm_reach, kind_flags):
    n = st.done.shape[1]
    move = acts[b, CG_MOVE]
    if move > 0:
        d = MOVE_DIR[move]
        r = st.agent_pos[b, n, 0] + DR[d]
        c = st.agent_pos[b, n, 1] + DC[d]
        st.agent_dir[b, n] = d
        if cell_free(st, b, r, c):
            st.agent_map[b, st.agent_pos[b, n, 0], st.agent_pos[b, n, 1]] = -1
            st.agent_pos[b, n, 0] = r
            st.agent_pos[b, n, 1] = c
            st.agent_map[b, r, c] = n
            st.dirty[b] |= DIRTY_MOVED
    st.cg_gaze[b] = acts[b, CG_GAZE]
    st.cg_point[b] = acts[b, CG_POINT]
    st.cg_word[b] = acts[b, CG_WORD]
    st.cg_flag[b] = acts[b, CG_FLAG] if acts[b, CG_WORD] > 0 else 0
    # The head turns towards what the caregiver looks at.
    tr, tc = target_position(st, b, acts[b, CG_GAZE])
    if tr >= 0:
        st.agent_dir[b, n] = heading_towards(
            tr - st.agent_pos[b, n, 0], tc - st.agent_pos[b, n, 1], st.agent_dir[b, n]
        )
    if acts[b, CG_HAND] > 0:
        caregiver_hand(st, b, acts[b, CG_HAND], acts[b, CG_HAND_TARGET], arm_reach, kind_flags)
        # Infants act after the caregiver and need its hand's result on the maps now.
        sync_objects(st, b)
        rebuild_maps(st, b, kind_flags)
        st.dirty[b] |= DIRTY_MAPS


# -------------------------------------------------------------------------- infants
@njit(cache=True, inline="always")
def infant_reach(st, b, i, kind_flags):
    n = st.done.shape[1]
    d = st.agent_dir[b, i]
    r = st.agent_pos[b, i, 0] + DR[d]
    c = st.agent_pos[b, i, 1] + DC[d]
    if not in_bounds(st, b, r, c) or st.agent_hold[b, i] >= 0:
        return
    o = st.obj_map[b, r, c]
    take = -1
    if o >= 0:
        st.touched[b, i] = o
        flags = kind_flags[st.obj_kind[b, o]]
        if flags & CONTAINER:
            for k in range(st.obj_kind.shape[1]):
                if st.obj_inside[b, k] == o and st.obj_kind[b, k] >= 0:
                    take = k
                    break
        if take < 0 and flags & GRASPABLE:
            take = o
    elif st.agent_map[b, r, c] == n and st.agent_hold[b, n] >= 0:
        take = st.agent_hold[b, n]  # takes the toy the caregiver offers
        st.touched[b, i] = take
        st.agent_hold[b, n] = -1
    if take < 0 or not kind_flags[st.obj_kind[b, take]] & GRASPABLE:
        return
    if take == o:
        # Off the floor now, not only after this step's rebuild: another infant reaching
        # for the same cell later in the step must find it gone.
        st.obj_map[b, r, c] = -1
    st.obj_inside[b, take] = -1
    st.obj_holder[b, take] = i
    st.agent_hold[b, i] = take
    st.grasped[b, i] = take
    st.dirty[b] |= DIRTY_MAPS
    if kind_flags[st.obj_kind[b, take]] & SOUNDS:
        emit_sound(st, b, st.obj_kind[b, take], r, c)


@njit(cache=True, inline="always")
def infant_release(st, b, i, kind_flags):
    held = st.agent_hold[b, i]
    if held < 0:
        return
    d = st.agent_dir[b, i]
    r = st.agent_pos[b, i, 0] + DR[d]
    c = st.agent_pos[b, i, 1] + DC[d]
    if not in_bounds(st, b, r, c):
        return
    o = st.obj_map[b, r, c]
    if o >= 0 and kind_flags[st.obj_kind[b, o]] & CONTAINER:
        st.obj_inside[b, held] = o
    elif cell_free(st, b, r, c):
        st.obj_pos[b, held, 0] = r
        st.obj_pos[b, held, 1] = c
        st.obj_map[b, r, c] = held
    else:
        return
    st.obj_holder[b, held] = -1
    st.agent_hold[b, i] = -1
    st.dirty[b] |= DIRTY_MAPS
    if kind_flags[st.obj_kind[b, held]] & SOUNDS:
        emit_sound(st, b, st.obj_kind[b, held], r, c)


@njit(cache=True, inline="always")
def infant_forward(st, b, i, u, move_success, kind_flags):
    if u >= move_success[st.locomotion[b, i]]:
        return
    d = st.agent_dir[b, i]
    r0 = st.agent_pos[b, i, 0]
    c0 = st.agent_pos[b, i, 1]
    r = r0 + DR[d]
    c = c0 + DC[d]
    if not in_bounds(st, b, r, c):
        return
    o = st.obj_map[b, r, c]
    if o >= 0 and kind_flags[st.obj_kind[b, o]] & ROLLS:
        # Push: the toy rolls one cell on if that cell is free.
        r2 = r + DR[d]
        c2 = c + DC[d]
        if not cell_free(st, b, r2, c2):
            return
        st.obj_pos[b, o, 0] = r2
        st.obj_pos[b, o, 1] = c2
        st.obj_map[b, r, c] = -1
        st.obj_map[b, r2, c2] = o
        st.dirty[b] |= DIRTY_MAPS
        if kind_flags[st.obj_kind[b, o]] & SOUNDS:
            emit_sound(st, b, st.obj_kind[b, o], r2, c2)
    if not cell_free(st, b, r, c):
        return
    st.agent_map[b, r0, c0] = -1
    st.agent_pos[b, i, 0] = r
    st.agent_pos[b, i, 1] = c
    st.agent_map[b, r, c] = i
    st.dirty[b] |= DIRTY_MOVED


@njit(cache=True, inline="always")
def apply_infant(st, b, i, a, u, move_success, kind_flags):
    if a == TURN_LEFT:
        st.agent_dir[b, i] = (st.agent_dir[b, i] + 3) % 4
    elif a == TURN_RIGHT:
        st.agent_dir[b, i] = (st.agent_dir[b, i] + 1) % 4
    elif a == FORWARD:
        infant_forward(st, b, i, u, move_success, kind_flags)
    elif a == REACH:
        if st.can_reach[b, i]:
            infant_reach(st, b, i, kind_flags)
    elif a == RELEASE:
        if st.can_reach[b, i]:
            infant_release(st, b, i, kind_flags)
    elif a == POINT:
        if st.can_point[b, i]:
            st.inf_point[b, i] = 1
    elif a == VOCALISE:
        if st.can_vocalise[b, i]:
            st.inf_vocal[b, i] = 1


# -------------------------------------------------------------------- world step
@njit(cache=True, inline="always")
def step_world(
    st,
    b,
    infant_actions,
    caregiver_actions,
    u,
    u0,
    kind_flags,
    move_success,
    arm_reach,
    n_colours,
    rays,
):
    """One step of the mechanics of world ``b`` (see :func:`step_observe`)."""
    n = st.done.shape[1]
    if st.ended[b]:
        return
    for i in range(n):
        # The body as this step begins: what the vestibular senses compare with.
        st.felt_dir[b, i] = st.agent_dir[b, i]
        st.felt_pos[b, i, 0] = st.agent_pos[b, i, 0]
        st.felt_pos[b, i, 1] = st.agent_pos[b, i, 1]
        st.inf_point[b, i] = 0
        st.inf_vocal[b, i] = 0
        st.grasped[b, i] = -1
        st.touched[b, i] = -1
        st.approval[b, i] = 0
        st.sound[b, i] = 0
        st.sound_dir[b, i] = 0
    apply_caregiver(st, b, caregiver_actions, arm_reach, kind_flags)
    for i in range(n):
        if st.done[b, i] or st.restrained[b, i]:
            continue
        apply_infant(st, b, i, infant_actions[b, i], u[b, u0 + i], move_success, kind_flags)
    for k in range(st.obj_kind.shape[1]):
        kind = st.obj_kind[b, k]
        if kind >= 0 and kind_flags[kind] & NOISY:
            st.obj_colour[b, k] = int(u[b, u0 + n + 2 * k] * n_colours)
            if u[b, u0 + n + 2 * k + 1] < 0.5:
                emit_sound(st, b, kind, st.obj_pos[b, k, 0], st.obj_pos[b, k, 1])
    # Held things follow whoever moved; the maps are rebuilt only when an object
    # changed place (moves keep ``agent_map`` up to date themselves), and the rays only
    # when their ends changed (update_rays).
    if st.dirty[b]:
        sync_objects(st, b)
        if st.dirty[b] & DIRTY_MAPS:
            rebuild_maps(st, b, kind_flags)
    update_rays(st, b, False, rays)
    st.dirty[b] = 0
    st.t[b] += 1


@njit(cache=True, inline="always")
def judge_world(st, b, reward, use_look, terminate, any_choice_ends):
    """Success when an infant of world ``b`` grasps (or, with ``use_look``, looks
    straight at) the target; ``terminate`` ends that infant's episode on success, and
    ``any_choice_ends`` ends it on any other toy's choice too (a forced-choice test)."""
    if st.ended[b]:
        return
    tgt = st.target[b]
    for i in range(st.done.shape[1]):
        if st.done[b, i]:
            continue
        choice = st.looking[b, i] if use_look else st.grasped[b, i]
        if not use_look and choice < 0:
            choice = st.touched[b, i]
        if choice < 0 or tgt < 0:
            continue
        if choice == tgt or (not use_look and st.grasped[b, i] == tgt):
            st.success[b, i] = 1
            st.approval[b, i] = 1
            st.reward[b, i] += reward
            if terminate:
                st.done[b, i] = 1
        elif any_choice_ends and st.obj_kind[b, choice] >= 0:
            st.done[b, i] = 1


# The state arrives as a numba StructRef (see state.py). Helpers are inlined at the
# Numba IR level, and parallel loops run over chunks of worlds: every call or parallel
# task touches the StructRef's reference count, which is one cache line shared by the
# threads (benchmarks/world_speed.py measures the effect). One kernel does a world's
# whole step, so the world's state is read from memory once per step.
#
# Each batch kernel comes twice: parallel over chunks of worlds, and serial (suffix
# ``_serial``) for batches too small to share between threads. The two run the same
# per-world code in the same order, so they give the same numbers; the serial one also
# compiles in a fraction of the time (numba's parallel passes copy and re-analyse the
# whole inlined step), which is what a first run, a notebook and CI wait for.
@njit(cache=True, inline="always")
def _step_observe_world(
    st,
    b,
    infant_actions,
    caregiver_actions,
    u,
    u0,
    kind_flags,
    move_success,
    arm_reach,
    n_colours,
    flat,
    senses,
    view_off,
    los_off,
    los_len,
    box_view,
    rays,
    posture_code,
    track_seen,
    reward,
    judge_rule,
    max_cycles,
    reward_out,
    terminated,
    truncated,
    episode_over,
):
    n = st.done.shape[1]
    for i in range(n):
        st.reward[b, i] = 0.0
    step_world(
        st,
        b,
        infant_actions,
        caregiver_actions,
        u,
        u0,
        kind_flags,
        move_success,
        arm_reach,
        n_colours,
        rays,
    )
    observe_world(
        st,
        b,
        flat,
        senses,
        view_off,
        los_off,
        los_len,
        box_view,
        rays,
        posture_code,
        track_seen,
    )
    for i in range(n):
        terminated[b, i] = st.done[b, i]  # done before the judge
    judge_world(st, b, reward, judge_rule[0], judge_rule[1], judge_rule[2])
    ended = st.ended[b] != 0
    over_time = st.t[b] >= max_cycles
    all_done = True
    for i in range(n):
        was_done = terminated[b, i]
        done = st.done[b, i] != 0
        terminated[b, i] = (done or ended) and not was_done
        truncated[b, i] = over_time and not ended and not done
        all_done = all_done and done
        reward_out[b, i] = st.reward[b, i]
        senses[b, i, S_APPROVAL] = st.approval[b, i]
    episode_over[b] = ended or over_time or all_done
    if episode_over[b]:
        st.ended[b] = 1


@njit(cache=True, parallel=True)
def step_observe(
    st,
    infant_actions,
    caregiver_actions,
    u,
    u0,
    kind_flags,
    move_success,
    arm_reach,
    n_colours,
    flat,
    senses,
    view_off,
    los_off,
    los_len,
    box_view,
    rays,
    posture_code,
    track_seen,
    reward,
    judge_rule,
    max_cycles,
    reward_out,
    terminated,
    truncated,
    episode_over,
):
    """One whole step of every world: mechanics, observation, judge and episode flags.

    ``infant_actions[B, N]``, ``caregiver_actions[B, 7]``; ``u[B, ...]`` the step's
    uniforms, of which columns ``u0 + i`` are infant ``i``'s move and ``u0 + N + 2k``,
    ``u0 + N + 2k + 1`` object ``k``'s noise (passing the whole array, not column
    slices, keeps one argument type). Done infants and restrained infants do nothing.
    ``judge_rule`` is ``(use_look, terminate, any_choice_ends)`` of
    :func:`judge_world`. Writes the infants' views and senses, then ``reward_out``,
    ``terminated`` and ``truncated`` ``[B, N]`` and ``episode_over[B]``; a world whose
    episode is over is marked ``ended``. :func:`step_observe_serial` is the same on
    one thread.
    """
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            _step_observe_world(
                st,
                b,
                infant_actions,
                caregiver_actions,
                u,
                u0,
                kind_flags,
                move_success,
                arm_reach,
                n_colours,
                flat,
                senses,
                view_off,
                los_off,
                los_len,
                box_view,
                rays,
                posture_code,
                track_seen,
                reward,
                judge_rule,
                max_cycles,
                reward_out,
                terminated,
                truncated,
                episode_over,
            )


@njit(cache=True)
def step_observe_serial(
    st,
    infant_actions,
    caregiver_actions,
    u,
    u0,
    kind_flags,
    move_success,
    arm_reach,
    n_colours,
    flat,
    senses,
    view_off,
    los_off,
    los_len,
    box_view,
    rays,
    posture_code,
    track_seen,
    reward,
    judge_rule,
    max_cycles,
    reward_out,
    terminated,
    truncated,
    episode_over,
):
    """:func:`step_observe` on one thread, world after world."""
    for b in range(st.cells.shape[0]):
        _step_observe_world(
            st,
            b,
            infant_actions,
            caregiver_actions,
            u,
            u0,
            kind_flags,
            move_success,
            arm_reach,
            n_colours,
            flat,
            senses,
            view_off,
            los_off,
            los_len,
            box_view,
            rays,
            posture_code,
            track_seen,
            reward,
            judge_rule,
            max_cycles,
            reward_out,
            terminated,
            truncated,
            episode_over,
        )


@njit(cache=True, parallel=True)
def refresh_worlds(st, mask, kind_flags, rays):
    """Rebuild the derived maps of the worlds where ``mask`` is set (after a reset)."""
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            if mask[b]:
                refresh_world(st, b, kind_flags, rays)


@njit(cache=True)
def refresh_worlds_serial(st, mask, kind_flags, rays):
    """:func:`refresh_worlds` on one thread."""
    for b in range(st.cells.shape[0]):
        if mask[b]:
            refresh_world(st, b, kind_flags, rays)


@njit(cache=True, inline="always")
def refresh_world(st, b, kind_flags, rays):
    sync_objects(st, b)
    rebuild_maps(st, b, kind_flags)
    update_rays(st, b, True, rays)


# ------------------------------------------------------------------- observation
@njit(cache=True, inline="always")
def view_axes(d):
    """The world (row, col) steps of the forward and the lateral axis of a view facing
    ``d``: computed once per infant, so that :func:`view_index` loads no table."""
    rd = (d + 1) & 3
    return DR[d], DC[d], DR[rd], DC[rd]


@njit(cache=True, inline="always")
def view_index(pr, pc, axes, r, c, v):
    """Index in the ``V*V`` view of an infant at (pr, pc) with :func:`view_axes`
    ``axes`` of the cell (r, c), or -1 when the cell lies outside the view square (the
    inverse of ``geometry.world_offsets``: its two axes are orthonormal)."""
    fr, fc, lr, lc = axes
    forward = (r - pr) * fr + (c - pc) * fc
    lateral = (r - pr) * lr + (c - pc) * lc
    vi = v - 1 - forward
    vj = lateral + v // 2
    if vi < 0 or vi >= v or vj < 0 or vj >= v:
        return -1
    return vi * v + vj


# 16 directions of the caregiver's head or arm, in the infant's own frame (see
# codes.CUE_DIRECTIONS): sector s covers the angle 22.5 * s degrees (0 straight ahead,
# counter-clockwise, so 4 is to the infant's left), +- 11.25.
@njit(cache=True, inline="always")
def cue_direction(st, b, i, target, heading):
    """The code of the caregiver's cue towards ``target`` as infant ``i`` of world ``b``
    (facing ``heading``) sees it: 0 none, ``CUE_AT_ME`` when the target is this infant,
    else ``1 +`` the sector of the direction from the caregiver to the target."""
    if target == 0:
        return 0
    if target == i + 1:
        return CUE_AT_ME
    tr, tc = target_position(st, b, target)
    if tr < 0:
        return 0
    n = st.done.shape[1]
    dr = tr - st.agent_pos[b, n, 0]
    dc = tc - st.agent_pos[b, n, 1]
    if dr == 0 and dc == 0:
        return 0
    # World angle (east 0, north 90) minus the infant's heading angle (east 0, south
    # -90, west 180, north 90): 0 is the way the infant faces, positive to its left.
    rel = np.degrees(np.arctan2(-dr, dc)) - HEADING_DEGREES[heading]
    sector = int(np.floor(rel / 22.5 + 0.5)) % 16
    return 1 + sector


@njit(cache=True, inline="always")
def observe_world(
    st, b, flat, senses, view_off, los_off, los_len, box_view, rays, posture_code, track_seen
):
    """Observations of the infants of world ``b`` (see :func:`observe`).

    The ``cell`` channel says which view cells are visible (non-zero). It is copied
    from the closed-box table, or found by walking lines of sight when the room has
    other opaque cells. The other channels are written from the few things there are to
    see (objects, agents, the caregiver's two rays), each projected into the view, rather
    than by looking at every view cell.
    """
    cells, opaque_map = st.cells, st.opaque_map
    obj_kind, obj_colour, agent_dir, agent_hold = (
        st.obj_kind,
        st.obj_colour,
        st.agent_dir,
        st.agent_hold,
    )
    sight, seen_map, obj_map, agent_map = st.sight, st.seen_map, st.obj_map, st.agent_map
    h, w = cells.shape[1], cells.shape[2]
    n = st.done.shape[1]
    vv = view_off.shape[1]
    v = sight.shape[2]
    mid = vv - 1 - v // 2  # the infant's own cell, bottom row, middle column
    uv = np.uint64(v)
    uvv = np.uint64(vv)
    closed_box = st.inner_opaque[b] == 0
    if track_seen:
        fill_map(seen_map, b, 0)
    for i in range(n):
        pr = st.agent_pos[b, i, 0]
        pc = st.agent_pos[b, i, 1]
        d = agent_dir[b, i]
        axes = view_axes(d)
        eye_contact = 0
        # Cell channel. Nested loops, not ``idx // v``: an integer division by a
        # run-time value costs more than the rest of a cell's work. In a closed box the
        # indices are unsigned (``uv``): numba wraps negative signed indices around, and
        # that check, in every iteration, cost more than the copy itself.
        if closed_box:
            for vi in range(uv):
                for vj in range(uv):
                    cell = vi * uv + vj
                    flat[b, i, cell] = box_view[pr, pc, d, cell] * sight[b, i, vi, vj]
        else:
            for vi in range(v):
                for vj in range(v):
                    idx = vi * v + vj
                    flat[b, i, CH_CELL * vv + idx] = 0
                    r = pr + view_off[d, idx, 0]
                    c = pc + view_off[d, idx, 1]
                    if not sight[b, i, vi, vj] or r < 0 or r >= h or c < 0 or c >= w:
                        continue
                    visible = True
                    for s in range(los_len[idx]):
                        if opaque_map[b, pr + los_off[d, idx, s, 0], pc + los_off[d, idx, s, 1]]:
                            visible = False
                            break
                    if visible:
                        flat[b, i, CH_CELL * vv + idx] = (
                            CELL_WALL if cells[b, r, c] == WALL else CELL_FLOOR
                        )
        # The other channels start empty: one contiguous loop over unsigned indices,
        # which vectorises (signed ones carry numba's wraparound check, which does not);
        # the cell channel comes first, see CH_CELL.
        for k in range(uvv, np.uint64(flat.shape[2])):
            flat[b, i, k] = 0
        if track_seen:
            for idx in range(vv):
                if flat[b, i, CH_CELL * vv + idx]:
                    seen_map[b, pr + view_off[d, idx, 0], pc + view_off[d, idx, 1]] |= 1 << i
        # Objects lying in the open (held ones and contents are not on the map).
        for k in range(obj_kind.shape[1]):
            if obj_kind[b, k] < 0 or st.obj_holder[b, k] >= 0 or st.obj_inside[b, k] >= 0:
                continue
            idx = view_index(pr, pc, axes, st.obj_pos[b, k, 0], st.obj_pos[b, k, 1], v)
            if idx >= 0 and flat[b, i, CH_CELL * vv + idx]:
                flat[b, i, CH_KIND * vv + idx] = obj_kind[b, k] + 1
                flat[b, i, CH_COLOUR * vv + idx] = obj_colour[b, k] + 1
        # The others, with the toy each holds up when nothing lies on its cell.
        for a in range(n + 1):
            if a == i:
                continue
            ar = st.agent_pos[b, a, 0]
            ac = st.agent_pos[b, a, 1]
            idx = view_index(pr, pc, axes, ar, ac, v)
            if idx < 0 or not flat[b, i, CH_CELL * vv + idx]:
                continue
            flat[b, i, CH_AGENT * vv + idx] = (1 if a == n else 5) + (agent_dir[b, a] - d) % 4
            held = agent_hold[b, a]
            if held >= 0 and obj_map[b, ar, ac] < 0:
                flat[b, i, CH_KIND * vv + idx] = obj_kind[b, held] + 1
                flat[b, i, CH_COLOUR * vv + idx] = obj_colour[b, held] + 1
            if a == n and st.cg_gaze[b] == i + 1:
                eye_contact = 1
        # The caregiver's head and arm directions, on its own cell when it is in view:
        # a social cue to interpret, not a line painted up to the target.
        cg_idx = view_index(pr, pc, axes, st.agent_pos[b, n, 0], st.agent_pos[b, n, 1], v)
        if cg_idx >= 0 and flat[b, i, CH_CELL * vv + cg_idx]:
            flat[b, i, CH_GAZE * vv + cg_idx] = cue_direction(st, b, i, st.cg_gaze[b], d)
            flat[b, i, CH_POINT * vv + cg_idx] = cue_direction(st, b, i, st.cg_point[b], d)
        # What lies straight ahead: the first object or agent in the middle column.
        look = -1
        idx = mid - v
        while idx >= 0:
            if flat[b, i, CH_CELL * vv + idx] == 0 or flat[b, i, CH_CELL * vv + idx] == CELL_WALL:
                break
            r = pr + view_off[d, idx, 0]
            c = pc + view_off[d, idx, 1]
            if obj_map[b, r, c] >= 0:
                look = obj_map[b, r, c]
                break
            if agent_map[b, r, c] == n:
                look = -2
                break
            idx -= v
        st.looking[b, i] = look
        senses[b, i, S_EYE_CONTACT] = eye_contact
        senses[b, i, S_WORD] = st.cg_word[b]
        senses[b, i, S_WORD_FLAG] = st.cg_flag[b]
        held = agent_hold[b, i]
        senses[b, i, S_HOLDING] = obj_kind[b, held] + 1 if held >= 0 else 0
        senses[b, i, S_POSTURE] = posture_code[st.locomotion[b, i]]
        senses[b, i, S_ENERGY] = st.energy[b, i]
        senses[b, i, S_SOUND] = st.sound[b, i]
        senses[b, i, S_SOUND_DIR] = st.sound_dir[b, i]
        senses[b, i, S_RESTRAINED] = st.restrained[b, i]
        senses[b, i, S_APPROVAL] = st.approval[b, i]
        senses[b, i, S_TURNED] = felt_turn(st.felt_dir[b, i], d)
        senses[b, i, S_MOVED] = felt_move(
            st.felt_dir[b, i], pr - st.felt_pos[b, i, 0], pc - st.felt_pos[b, i, 1]
        )


@njit(cache=True, inline="always")
def felt_turn(before, now):
    """The ``turned`` sense: 0 not, 1 left, 2 right, 3 around (headings east 0, south
    1, west 2, north 3, so a right turn adds 1)."""
    dd = (now - before) % 4
    if dd == 0:
        return 0
    if dd == 3:
        return 1
    if dd == 1:
        return 2
    return 3


@njit(cache=True, inline="always")
def felt_move(before, dr, dc):
    """The ``moved`` sense: the displacement ``(dr, dc)`` in the frame of heading
    ``before``, 0 none, 1 ahead, 2 right, 3 behind, 4 left (the larger component)."""
    fr = DR[before]
    fc = DC[before]
    ahead = dr * fr + dc * fc
    right = dr * fc - dc * fr
    if ahead == 0 and right == 0:
        return 0
    if abs(ahead) >= abs(right):
        return 1 if ahead > 0 else 3
    return 2 if right > 0 else 4


@njit(cache=True, parallel=True)
def observe(
    st, flat, senses, view_off, los_off, los_len, box_view, rays, posture_code, mask, track_seen
):
    """Write the egocentric view (``flat``: the view buffer as ``[B, N, C*V*V]``) and
    senses of every infant in the worlds where ``mask`` is set; update ``looking`` (and
    ``seen_map`` if ``track_seen``). No randomness, no change to the world."""
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            if mask[b]:
                observe_world(
                    st,
                    b,
                    flat,
                    senses,
                    view_off,
                    los_off,
                    los_len,
                    box_view,
                    rays,
                    posture_code,
                    track_seen,
                )


@njit(cache=True)
def observe_serial(
    st, flat, senses, view_off, los_off, los_len, box_view, rays, posture_code, mask, track_seen
):
    """:func:`observe` on one thread."""
    for b in range(st.cells.shape[0]):
        if mask[b]:
            observe_world(
                st,
                b,
                flat,
                senses,
                view_off,
                los_off,
                los_len,
                box_view,
                rays,
                posture_code,
                track_seen,
            )


@njit(cache=True)
def observe_caregiver(st, b, out):
    """Allocentric planes for the caregiver of world ``b`` (see CAREGIVER_CHANNELS)."""
    n = st.done.shape[1]
    out[:] = 0
    for r in range(st.cells.shape[1]):
        for c in range(st.cells.shape[2]):
            out[0, r, c] = CELL_WALL if st.cells[b, r, c] == WALL else CELL_FLOOR
            o = st.obj_map[b, r, c]
            a = st.agent_map[b, r, c]
            if o < 0 and a >= 0 and st.agent_hold[b, a] >= 0:
                o = st.agent_hold[b, a]
            if o >= 0:
                out[1, r, c] = st.obj_kind[b, o] + 1
                out[2, r, c] = st.obj_colour[b, o] + 1
            if a >= 0:
                out[3, r, c] = (1 if a == n else 5) + st.agent_dir[b, a]
            out[4, r, c] = 1 if st.seen_map[b, r, c] else 0
            out[5, r, c] = st.ipoint_map[b, r, c]
