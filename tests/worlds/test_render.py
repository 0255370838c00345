"""Pictures: frames, overlays and the human window (headless)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from infancy.worlds import list_worlds, make, make_gym
from infancy.worlds.render import FLOOR_RGB, GAZE_RGB, POINT_RGB, VIEW_RGB, Renderer


@pytest.mark.parametrize("world_id", list_worlds())
def test_rgb_array_frame_renders_without_warnings(world_id):
    env = make(world_id, render_mode="rgb_array")
    env.reset(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = env.render()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    tile = 32
    assert frame.shape[1] == env.engine.width * tile
    assert frame.shape[0] > env.engine.height * tile  # plus the HUD
    env.close()


def _has_colour(frame: np.ndarray, rgb: tuple[int, int, int], tol: int = 8) -> bool:
    return bool((np.abs(frame.astype(int) - np.array(rgb)).max(axis=2) <= tol).any())


def test_overlays_draw_gaze_pointing_and_speech():
    env = make("point-following-v0", render_mode="rgb_array")
    env.reset(seed=0)
    for _ in range(3):
        env.step({"infant_0": 0})
    frame = env.render()
    assert _has_colour(frame, POINT_RGB)  # the caregiver points at the toy
    assert _has_colour(frame, GAZE_RGB)  # and keeps eye contact (gaze line)
    env = make("naming-v0", render_mode="rgb_array")
    env.reset(seed=0)
    env.step({"infant_0": 0})
    frame = env.render()
    white = (frame == 255).all(axis=2).sum()
    assert white > 50  # the speech bubble


def test_view_cone_tints_exactly_the_cells_seen():
    env = make("playroom-v0")
    env.reset(seed=3)
    renderer = Renderer(env.engine.rules, tile=16)
    frame = renderer.frame(env.engine)
    st = env.engine.state
    floor = np.array(FLOOR_RGB)
    tinted = floor + (np.array(VIEW_RGB) - floor) * 90 / 255  # the view tint's alpha blend
    pixel = np.array([[frame[r * 16 + 2, c * 16 + 2] for c in range(9)] for r in range(9)])
    empty = (st.cells[0] == 0) & (st.obj_map[0] < 0) & (st.agent_map[0] < 0)
    seen = st.seen_map[0].astype(bool)
    assert (seen & empty).any() and (~seen & empty).any()
    near = lambda rgb: np.abs(pixel - rgb).max(axis=2) <= 2  # noqa: E731
    assert near(tinted)[seen & empty].all()
    assert near(floor)[~seen & empty].all()


def test_human_mode_returns_none_and_closes():
    env = make("playroom-v0", render_mode="human")
    env.reset(seed=0)
    assert env.render() is None
    env.step({"infant_0": 1})
    env.close()
    gym_env = make_gym("reach-v0", render_mode="human")
    gym_env.reset(seed=0)
    assert gym_env.render() is None
    gym_env.close()


def test_hud_lines_are_added_below():
    env = make("playroom-v0")
    env.reset(seed=0)
    r = Renderer(env.engine.rules)
    plain = r.frame(env.engine)
    more = r.frame(env.engine, hud=["mode: observe  energy 0.8"])
    assert more.shape[0] == plain.shape[0] + r.hud_height


def test_frames_are_fresh_arrays_that_match_the_surface():
    env = make("point-following-v0", render_mode="rgb_array")
    env.reset(seed=0)
    r = Renderer(env.engine.rules)
    first = r.frame(env.engine)
    kept = first.copy()
    for _ in range(3):
        env.step({"infant_0": 2})
    second = r.frame(env.engine)
    assert np.array_equal(first, kept)  # a later frame does not write into an earlier one
    assert not np.array_equal(first, second)
    assert not np.shares_memory(first, second)
    # The frame is drawn straight into a 24-bit buffer; a Surface (32-bit) shows the same
    # picture, up to rounding in alpha blending.
    pg = r.pg
    surf = r.surface(env.engine)
    rgb = pg.surfarray.array3d(surf).transpose(1, 0, 2)
    assert rgb.shape == second.shape
    assert np.abs(rgb.astype(int) - second).max() <= 1
