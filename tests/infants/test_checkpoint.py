"""Checkpoints (safetensors + JSON, no pickle) and determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file, save_file

from infancy.infants import Cohort
from infancy.worlds import make_batch

CONFIG = {
    "chunk": 16,
    "memory": {"capacity": 128},
    "m": {"rule": {"imagine_every": 2, "imagine_after": 16}},
}


def _world(seed=0):
    world = make_batch("reach-v0", 4, seed=seed, autoreset=True)
    world.reset()
    return world


def _trace(cohort, world, steps):
    out = []
    for _ in range(steps):
        r = cohort.step(world)
        out.append((r.view.copy(), r.reward.copy(), cohort.mode.copy()))
    return out


def _same(a, b):
    return all(
        np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]) and np.array_equal(x[2], y[2])
        for x, y in zip(a, b, strict=True)
    )


def test_restored_infant_continues_exactly(tmp_path):
    world = _world()
    cohort = Cohort(CONFIG, n=4, seed=7)
    _trace(cohort, world, 40)  # mid-chunk on purpose (40 = 2 chunks + 8 steps)
    cohort.m.override(gate_b=0.5)
    cohort.save(tmp_path / "ckpt")
    w_arrays, w_meta = world.state_dict()
    save_file(w_arrays, str(tmp_path / "world.safetensors"))
    (tmp_path / "world.json").write_text(json.dumps(w_meta))
    expected = _trace(cohort, world, 60)
    # Restore both into fresh objects and replay.
    from safetensors.numpy import load_file

    world2 = make_batch("reach-v0", 4, seed=123, autoreset=True)
    world2.load_state_dict(
        load_file(str(tmp_path / "world.safetensors")),
        json.loads((tmp_path / "world.json").read_text()),
    )
    restored = Cohort.load(tmp_path / "ckpt")
    assert restored.steps == 40 and restored.m.overridden == {"gate_b": 0.5}
    got = _trace(restored, world2, 60)
    assert _same(expected, got)
    for p, q in zip(cohort.a.parameters(), restored.a.parameters(), strict=True):
        assert torch.equal(p, q)
    assert len(restored.m.audit) == len(cohort.m.audit)
    assert restored.episodes().equals(cohort.episodes())
    # Only safetensors and JSON were written.
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == [
        "infant.json",
        "infant.safetensors",
    ]


def test_an_infant_with_a_motor_habit_continues_exactly(tmp_path):
    """With ``b.habit`` the mind's habit and frame are saved and restored mid-life (in
    a-not-b-v0, where the infant is held and let go and reaches)."""
    world = make_batch("a-not-b-v0", 4, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({**CONFIG, "b": {"habit": True}}, n=4, seed=7)
    _trace(cohort, world, 200)
    assert (cohort.mind.habit_str > 0).any()  # there is a habit to keep
    cohort.save(tmp_path)
    w_arrays, w_meta = world.state_dict()
    expected = _trace(cohort, world, 40)
    world2 = make_batch("a-not-b-v0", 4, seed=123, autoreset=True)
    world2.load_state_dict(w_arrays, w_meta)
    restored = Cohort.load(tmp_path)
    assert restored.config.b.habit and restored.habit_at == cohort.habit_at
    assert _same(expected, _trace(restored, world2, 40))
    assert np.array_equal(restored.mind.habit_str, cohort.mind.habit_str)


def test_the_habit_s_pull_keeps_its_scale_through_a_checkpoint(tmp_path):
    """Each infant's factor on the habit's pull (a stage's ``habit_scale``) is saved
    and restored; a checkpoint without one (before it existed) leaves the pull whole."""
    cohort = Cohort({**CONFIG, "b": {"habit": True, "habit_pull": 4.0}}, n=4, seed=7)
    cohort.habit_pull.set_scale([1.0, 0.5, 0.25, 0.0])
    cohort.save(tmp_path)
    restored = Cohort.load(tmp_path)
    assert torch.equal(restored.habit_pull.scale, torch.tensor([1.0, 0.5, 0.25, 0.0]))
    arrays = load_file(str(tmp_path / "infant.safetensors"))
    del arrays["habit_scale"]
    save_file(arrays, str(tmp_path / "infant.safetensors"))
    assert torch.equal(Cohort.load(tmp_path).habit_pull.scale, torch.ones(4))


def test_load_rejects_what_is_not_a_checkpoint(tmp_path):
    with pytest.raises(ValueError, match="not an infant checkpoint"):
        Cohort.load(tmp_path)


def test_same_seed_same_life_different_seed_different_life():
    a = _trace(Cohort(CONFIG, n=4, seed=1), _world(), 48)
    b = _trace(Cohort(CONFIG, n=4, seed=1), _world(), 48)
    c = _trace(Cohort(CONFIG, n=4, seed=2), _world(), 48)
    assert _same(a, b)
    assert not _same(a, c)


def test_checkpoint_with_cohort_wide_counts_still_loads(tmp_path):
    """Checkpoints written before the update counts were per infant (one count for the
    cohort, in System A's ``updates`` and each optimiser's ``t``) load, every infant
    taking that count."""
    world = make_batch("reach-v0", 3, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 8}, n=3, seed=0)
    cohort.live(world, 24)
    arrays, _ = cohort.state_dict()
    arrays["a.updates"] = np.array([5], dtype=np.int64)
    for key in [k for k in arrays if k.endswith(".t") and k.startswith(("a.", "b."))]:
        arrays[key] = np.array([7], dtype=np.int64)
    cohort.save(tmp_path)
    save_file(arrays, str(tmp_path / "infant.safetensors"))
    loaded = Cohort.load(tmp_path)
    assert loaded.a.updates.tolist() == [5, 5, 5]
    assert loaded.a.opt.t.tolist() == loaded.b.opt.t.tolist() == [7, 7, 7]


def test_checkpoint_from_before_an_optimiser_existed_loads_it_fresh(tmp_path):
    """A checkpoint written before System A had its predictor heads' own optimiser
    (``a.pred_opt``, 2026-12-03) loads: that optimiser starts fresh (no moments, no
    steps) and every other part is as saved."""
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 8}, n=2, seed=0)
    cohort.live(world, 24)
    arrays, _ = cohort.state_dict()
    assert cohort.a.pred_opt.t.tolist() == [3 * 8, 3 * 8]  # 8 steps after each update
    old = {k: v for k, v in arrays.items() if not k.startswith("a.pred_opt.")}
    cohort.save(tmp_path)
    save_file(old, str(tmp_path / "infant.safetensors"))
    loaded = Cohort.load(tmp_path)
    assert loaded.a.pred_opt.t.tolist() == [0, 0]
    assert all(float(m.abs().sum()) == 0.0 for m in loaded.a.pred_opt.m)
    assert loaded.a.head_opt.t.tolist() == cohort.a.head_opt.t.tolist()
    for p, q in zip(loaded.a.parameters(), cohort.a.parameters(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize("key, other", [("orient", "follow"), ("follow", "orient")])
def test_checkpoint_from_before_a_cue_loads_without_it(tmp_path, key, other):
    """A checkpoint written before bottom-up orienting (``b.orient``, 2026-12-03) or
    geometric joint attention (``b.follow``, 2026-12-04) has no such key: its B never
    saw that cue, so it loads with it off (the default, on, would change what it reads),
    the other cue as saved; one that says the key keeps it."""
    cohort = Cohort({"chunk": 8}, n=2, seed=0)
    assert getattr(cohort.config.b, key)
    cohort.save(tmp_path)
    assert getattr(Cohort.load(tmp_path).config.b, key)
    meta = json.loads((tmp_path / "infant.json").read_text())
    del meta["config"]["b"][key]
    (tmp_path / "infant.json").write_text(json.dumps(meta))
    loaded = Cohort.load(tmp_path)
    assert not getattr(loaded.config.b, key) and getattr(loaded.config.b, other)


def test_checkpoint_from_before_the_cue_sectors_loads_without_them_and_lives_on_the_same(
    tmp_path,
):
    """A checkpoint written before the cue's sector code (``b.cue_sectors``) and the
    motor habit (``b.habit``, both 2026-12-04) has neither key, no habit in its mind and
    B's narrower state: it loads with both off and lives on exactly as it would have."""
    world = _world()
    cohort = Cohort({**CONFIG, "b": {"cue_sectors": False, "habit": False}}, n=4, seed=7)
    _trace(cohort, world, 40)
    cohort.save(tmp_path)
    w_arrays, w_meta = world.state_dict()
    meta = json.loads((tmp_path / "infant.json").read_text())
    del meta["config"]["b"]["cue_sectors"], meta["config"]["b"]["habit"]
    (tmp_path / "infant.json").write_text(json.dumps(meta))
    arrays = load_file(str(tmp_path / "infant.safetensors"))
    habit = ("reached", "frame_lat", "frame_fwd", "frame_dlat", "frame_dfwd", "habit_lat")
    for k in (*habit, "habit_fwd", "habit_str"):
        del arrays[f"mind.{k}"]
    save_file(arrays, str(tmp_path / "infant.safetensors"))
    loaded = Cohort.load(tmp_path)
    assert not loaded.config.b.cue_sectors and not loaded.config.b.habit
    assert loaded.state_size == cohort.state_size
    expected = _trace(cohort, world, 40)
    world2 = make_batch("reach-v0", 4, seed=123, autoreset=True)
    world2.load_state_dict(w_arrays, w_meta)
    assert _same(expected, _trace(loaded, world2, 40))


def test_version_3_checkpoint_loads_with_no_expectation_learned(tmp_path):
    """A version-3 checkpoint (before the expectation that hidden toys stay, the file's
    watch and the gaze a surprise holds, 2026-12-04) loads with all three at 0 and every
    other part as saved; any other old version is refused in one line."""
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 8}, n=2, seed=0)
    cohort.live(world, 24)
    cohort.permanence[:] = 0.5
    cohort.mind.dwell[:] = 2
    arrays, _ = cohort.state_dict()
    assert Cohort.load(cohort.save(tmp_path)).permanence.tolist() == [0.5, 0.5]
    old = {
        k: v
        for k, v in arrays.items()
        if k not in ("permanence", "buf.held", "mind.file_watch", "mind.dwell")
    }
    save_file(old, str(tmp_path / "infant.safetensors"))
    meta = json.loads((tmp_path / "infant.json").read_text())
    (tmp_path / "infant.json").write_text(json.dumps({**meta, "version": 3}))
    loaded = Cohort.load(tmp_path)
    assert loaded.permanence.tolist() == [0.0, 0.0]
    assert loaded.mind.dwell.tolist() == [0, 0] and not loaded._held.any()
    assert np.array_equal(loaded.mind.file_str, cohort.mind.file_str)
    (tmp_path / "infant.json").write_text(json.dumps({**meta, "version": 2}))
    with pytest.raises(ValueError, match="version: expected 4, got 2"):
        Cohort.load(tmp_path)
