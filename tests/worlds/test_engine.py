"""The batched engine: batches, resets, seeding and the compiled kernels."""

from __future__ import annotations

import numpy as np

from infancy.worlds import list_worlds, make, make_batch
from infancy.worlds.core import engine
from infancy.worlds.core.geometry import line_of_sight_table, sight_mask


def test_time_advances_in_every_world():
    # Guards the numba pitfall noted in kernels.py: writes through a named tuple inside
    # a parallel loop body are lost.
    batch = make_batch("playroom-v0", 64, seed=0)
    batch.reset()
    for _ in range(3):
        batch.step(np.zeros((64, 1), dtype=np.int64))
    assert (batch.state.t == 3).all()


def test_batch_is_deterministic_and_worlds_differ():
    def run(seed):
        batch = make_batch("playroom-v0", 16, seed=seed)
        batch.reset()
        rng = np.random.default_rng(seed)
        views = []
        for _ in range(50):
            res = batch.step(rng.integers(0, 8, size=(16, 1)))
            views.append(res.view.copy())
        return np.stack(views)

    a, b, c = run(1), run(1), run(2)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a[:, 0], a[:, 1])  # worlds of a batch are not copies


def test_a_small_batch_steps_with_the_serial_kernels_and_the_same_result(monkeypatch):
    """Below ``SERIAL_BELOW`` worlds a batch steps with the serial twins of the kernels
    (faster for a few worlds, and quicker to compile); the parallel kernels on all
    threads give the same views, senses, rewards and flags, through resets."""

    def run():
        batch = make_batch("playroom-v0", 8, seed=3, autoreset=True)
        batch.reset()
        rng = np.random.default_rng(3)
        out = []
        for _ in range(300):
            res = batch.step(rng.integers(0, 8, size=(8, 1)))
            out.append(
                np.concatenate(
                    [
                        res.view.ravel(),
                        res.senses.ravel(),
                        res.reward.ravel().view(np.uint8),
                        res.terminated.ravel(),
                        res.truncated.ravel(),
                    ]
                ).astype(np.int64)
            )
        return np.stack(out), batch

    serial, batch = run()
    assert batch._k is engine._SERIAL
    monkeypatch.setattr(engine, "SERIAL_BELOW", 0)  # every batch on all threads
    parallel, batch = run()
    assert batch._k is engine._PARALLEL
    assert np.array_equal(serial, parallel)


def test_batch_of_one_matches_the_pettingzoo_env():
    env = make("reach-v0")
    obs, _ = env.reset(seed=11)
    batch = make_batch("reach-v0", 1, seed=11, autoreset=False)
    view, _ = batch.reset()
    assert np.array_equal(obs["infant_0"]["view"], view[0, 0])
    for action in (1, 1, 4, 2, 4):
        if not env.agents:
            break
        obs, rew, *_ = env.step({"infant_0": action})
        res = batch.step(np.array([[action]]))
        assert rew["infant_0"] == res.reward[0, 0]
        if "infant_0" in obs:
            assert np.array_equal(obs["infant_0"]["view"], res.view[0, 0])


def test_autoreset_starts_new_episodes_in_place():
    batch = make_batch("reach-v0", 32, seed=0, max_cycles=5)
    batch.reset()
    ends = 0
    for _ in range(12):
        res = batch.step(np.full((32, 1), 4))
        ends += int((res.terminated | res.truncated).any(axis=1).sum())
        assert (batch.state.t <= 5).all()
    assert ends >= 64


def test_rng_state_round_trips():
    batch = make_batch("playroom-v0", 4, seed=5)
    batch.reset()
    state = batch.rng_state()
    copy = [a.copy() for a in batch.state]
    first = batch.step(np.ones((4, 1), dtype=np.int64)).view.copy()
    for arr, saved in zip(batch.state, copy, strict=True):
        arr[...] = saved
    batch.set_rng_state(state)
    second = batch.step(np.ones((4, 1), dtype=np.int64)).view.copy()
    assert np.array_equal(first, second)


def test_line_of_sight_table_is_symmetric_and_blocks_behind():
    cells, lengths = line_of_sight_table(7)
    index = {(6 - vi, vj - 3): vi * 7 + vj for vi in range(7) for vj in range(7)}
    straight = index[(4, 0)]
    assert {tuple(c) for c in cells[straight, : lengths[straight]]} == {(1, 0), (2, 0), (3, 0)}
    left, right = index[(3, -2)], index[(3, 2)]
    mirrored = {(f, -lt) for f, lt in cells[left, : lengths[left]]}
    assert mirrored == {tuple(c) for c in cells[right, : lengths[right]]}


def test_sight_mask_grows_with_range_and_fov():
    narrow = sight_mask(7, 2, 90)
    wide = sight_mask(7, 6, 180)
    assert narrow.sum() < wide.sum()
    assert (narrow <= wide).all()
    assert narrow[6, 3] == 1  # own cell
    assert wide[6, 0] == 1 and narrow[6, 0] == 0  # beside me only with a 180 degree view


def test_seen_map_on_demand_equals_tracked():
    tracked = make_batch("peekaboo-v0", 8, seed=4, track_seen=True)
    lazy = make_batch("peekaboo-v0", 8, seed=4)  # the batch default computes it on demand
    tracked.reset()
    lazy.reset()
    rng = np.random.default_rng(0)
    for _ in range(6):
        acts = rng.integers(0, 8, size=(8, 1))
        tracked.step(acts)
        lazy.step(acts)
    assert np.array_equal(tracked.view, lazy.view)
    lazy.update_seen()
    assert np.array_equal(tracked.state.seen_map, lazy.state.seen_map)
    assert tracked.state.seen_map.any()


def test_the_step_kernel_is_compiled_once_whatever_the_inputs():
    # A read-only or strided argument is another numba type, so another compile of the
    # step kernel (about a minute each on a fresh machine): the engine hands the kernels
    # plain arrays whatever the batch size and wherever the actions come from.
    from infancy.worlds.core import kernels
    from infancy.worlds.scenarios import playroom

    for size in (1, 3):
        batch = make_batch("playroom-v0", size, seed=0)
        batch.reset()
        batch.step(0)  # a scalar, broadcast
        batch.step(np.ones((size, 1), dtype=np.int32))  # another integer type
        fixed = np.broadcast_to(np.zeros(7, dtype=np.int64), (size, 7))  # read-only
        batch.step(np.zeros((size, 1), dtype=np.int64), fixed)
    for world in list_worlds():  # every scenario's parameters and judge rule
        batch = make_batch(world, 2, seed=0)
        batch.reset()
        batch.step(0)
    assert len(kernels.step_observe_serial.signatures) == 1
    assert len(playroom._direct_play.signatures) == 1
