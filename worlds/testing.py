"""The checker kit: run it over every registered world (and over your own).

>>> from infancy.worlds.testing import check_world
>>> check_world("playroom-v0")  # doctest: +SKIP

``check_world`` runs PettingZoo's ``api_test``, ``parallel_api_test``, ``render_test``
and (for worlds whose episodes only end by truncation) ``max_cycles_test``;
Gymnasium's ``check_env`` on :func:`~infancy.worlds.make_gym`; a determinism rollout;
and the world invariants of :func:`check_invariants` after every step of a random
rollout. Each check raises ``AssertionError`` with what went wrong.
"""

from __future__ import annotations

import os
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np

from .core.codes import CELL_WALL, CH_CELL, CH_KIND, OCCLUDER, WALL
from .core.engine import BatchWorld
from .registry import make, make_aec, scenario

__all__ = [
    "check_determinism",
    "check_gymnasium",
    "check_invariants",
    "check_pettingzoo",
    "check_world",
    "random_rollout",
]


def _quiet_display() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def check_pettingzoo(world_id: str, num_cycles: int = 200, **kwargs: Any) -> None:
    """PettingZoo's own tests on the AEC and parallel forms of a world."""
    from pettingzoo.test import api_test, max_cycles_test, parallel_api_test, render_test

    _quiet_display()
    with warnings.catch_warnings():
        # The kit advises Box/Discrete spaces; ours are documented Dicts/MultiDiscrete.
        warnings.simplefilter("ignore", UserWarning)
        api_test(make_aec(world_id, **kwargs), num_cycles=num_cycles)
        parallel_api_test(make(world_id, **kwargs), num_cycles=num_cycles)
        render_test(lambda render_mode=None: make_aec(world_id, render_mode=render_mode, **kwargs))
        if not scenario(world_id, **kwargs).ends_early:
            mod = SimpleNamespace(
                env=lambda max_cycles: make_aec(world_id, **{**kwargs, "max_cycles": max_cycles}),
                parallel_env=lambda max_cycles: make(
                    world_id, **{**kwargs, "max_cycles": max_cycles}
                ),
            )
            max_cycles_test(mod)


def check_gymnasium(world_id: str, **kwargs: Any) -> None:
    """Gymnasium's ``check_env`` on the single-infant wrapper."""
    import gymnasium
    from gymnasium.utils.env_checker import check_env

    _quiet_display()
    env = gymnasium.make(f"infancy/{world_id}", render_mode="rgb_array", **kwargs).unwrapped
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # any checker complaint fails
        check_env(env, skip_render_check=False)
    env.close()


def random_rollout(
    world_id: str,
    seed: int,
    steps: int,
    *,
    caregiver: str = "scripted",
    check: bool = False,
    **kwargs: Any,
) -> list[tuple]:
    """Run ``steps`` steps of random infant actions (resetting when an episode ends).

    Parameters
    ----------
    caregiver
        ``"scripted"`` (the caregiver follows its script) or ``"random"`` (random
        caregiver actions, to exercise every mechanic).
    check
        Run :func:`check_invariants` after every step.

    Returns
    -------
    list of tuple
        One ``(observations, rewards, terminations, truncations, infos)`` per step.
    """
    env = make(world_id, **kwargs)
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    for agent in env.possible_agents:
        env.action_space(agent).seed(int(rng.integers(2**31)))
    n_objects = _object_count(env.engine)
    trace = []
    for _ in range(steps):
        if not env.agents:
            env.reset()
            n_objects = _object_count(env.engine)
        actions = {
            a: env.action_space(a).sample()
            for a in env.agents
            if a != "caregiver" or caregiver == "random"
        }
        out = env.step(actions)
        trace.append(out)
        if check:
            check_invariants(env.engine, n_objects=n_objects)
    return trace


def _object_count(engine: BatchWorld) -> np.ndarray:
    return (engine.state.obj_kind >= 0).sum(axis=1)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def check_determinism(world_id: str, seed: int = 0, steps: int = 500, **kwargs: Any) -> None:
    """Same seed, same trajectory (observations, rewards, flags, infos) for ``steps``
    steps of random actions, with the scripted and with a random caregiver; a different
    seed gives a different trajectory."""
    for caregiver in ("scripted", "random"):
        first = random_rollout(world_id, seed, steps, caregiver=caregiver, **kwargs)
        second = random_rollout(world_id, seed, steps, caregiver=caregiver, **kwargs)
        for t, (x, y) in enumerate(zip(first, second, strict=True)):
            assert _equal(x, y), f"{world_id}: runs with seed {seed} differ at step {t}"
        other = random_rollout(world_id, seed + 1, steps, caregiver=caregiver, **kwargs)
        assert not all(_equal(x, y) for x, y in zip(first, other, strict=True)), (
            f"{world_id}: seeds {seed} and {seed + 1} gave identical trajectories"
        )


def check_invariants(engine: BatchWorld, n_objects: np.ndarray | None = None) -> None:
    """The world's physical invariants, for every world of a batch.

    - objects are conserved (``n_objects`` per world, if given), each in exactly one
      place: on the floor, in one hand, or inside one container;
    - nothing is outside the grid or on a wall; no two loose objects or agents share a
      cell, and no agent stands on a loose object;
    - no infant sees a cell whose straight line of sight passes deeply through a wall or
      an occluder (checked geometrically, independently of the kernels' tables).
    """
    st = engine.state
    h, w = engine.height, engine.width
    for b in range(engine.batch_size):
        present = np.flatnonzero(st.obj_kind[b] >= 0)
        if n_objects is not None:
            assert present.size == n_objects[b], f"world {b}: objects not conserved"
        loose: set[tuple[int, int]] = set()
        for k in present:
            r, c = (int(x) for x in st.obj_pos[b, k])
            assert 0 <= r < h and 0 <= c < w, f"world {b}: object {k} left the grid"
            assert st.cells[b, r, c] != WALL, f"world {b}: object {k} is in a wall"
            holder, inside = int(st.obj_holder[b, k]), int(st.obj_inside[b, k])
            assert holder < 0 or inside < 0, f"world {b}: object {k} held and inside"
            if holder >= 0:
                assert st.agent_hold[b, holder] == k, f"world {b}: holder of {k} disagrees"
            elif inside >= 0:
                assert st.obj_kind[b, inside] >= 0, f"world {b}: {k} inside a missing object"
            else:
                assert (r, c) not in loose, f"world {b}: two objects on cell {(r, c)}"
                loose.add((r, c))
        agents: set[tuple[int, int]] = set()
        for a in range(st.agent_pos.shape[1]):
            r, c = (int(x) for x in st.agent_pos[b, a])
            assert 0 <= r < h and 0 <= c < w, f"world {b}: agent {a} left the grid"
            assert st.cells[b, r, c] != WALL, f"world {b}: agent {a} is in a wall"
            assert (r, c) not in agents and (r, c) not in loose, (
                f"world {b}: agent {a} shares cell {(r, c)}"
            )
            agents.add((r, c))
            held = int(st.agent_hold[b, a])
            assert held < 0 or st.obj_holder[b, held] == a, f"world {b}: hand of {a} disagrees"
        _check_occlusion(engine, b)
    _check_derived_maps(engine)


def _check_derived_maps(engine: BatchWorld) -> None:
    """Maps kept between steps (objects, agents, opacity, rays) equal a fresh rebuild."""
    from .core import kernels
    from .core.geometry import ray_table
    from .core.state import copy_state, kernel_state

    fresh = copy_state(engine.state)
    kernels.refresh_worlds(
        kernel_state(fresh),
        np.ones(engine.batch_size, dtype=bool),
        engine.rules.kind_flags(),
        ray_table(engine.height, engine.width),
    )
    for name in (
        "ray_key",
        "obj_map",
        "agent_map",
        "opaque_map",
        "inner_opaque",
        "ipoint_map",
    ):
        kept = getattr(engine.state, name)
        rebuilt = getattr(fresh, name)
        if not np.array_equal(kept, rebuilt):
            world = int(np.argwhere((kept != rebuilt).reshape(engine.batch_size, -1).any(1))[0, 0])
            raise AssertionError(f"world {world}: {name} is stale (differs from a rebuild)")


def _segment_crosses_box(p0, p1, lo, hi) -> bool:
    """Liang-Barsky: does the open segment p0-p1 pass through the open box lo-hi?"""
    t0, t1 = 0.0, 1.0
    d = (p1[0] - p0[0], p1[1] - p0[1])
    for axis in range(2):
        if abs(d[axis]) < 1e-12:
            if not lo[axis] < p0[axis] < hi[axis]:
                return False
            continue
        a = (lo[axis] - p0[axis]) / d[axis]
        z = (hi[axis] - p0[axis]) / d[axis]
        a, z = min(a, z), max(a, z)
        t0, t1 = max(t0, a), min(t1, z)
        if t0 >= t1:
            return False
    return t1 - t0 > 1e-9


def _check_occlusion(engine: BatchWorld, b: int, margin: float = 0.2) -> None:
    st = engine.state
    flags = engine.rules.kind_flags()
    v = engine.view_size
    blockers = []
    for r in range(engine.height):
        for c in range(engine.width):
            o = st.obj_map[b, r, c]
            if st.cells[b, r, c] == WALL or (o >= 0 and flags[st.obj_kind[b, o]] & OCCLUDER):
                blockers.append((r, c))
    dr = (0, 1, 0, -1)
    dc = (1, 0, -1, 0)
    for i in range(engine.n_infants):
        pr, pc = (int(x) for x in st.agent_pos[b, i])
        d = int(st.agent_dir[b, i])
        view = engine.view[b, i]
        for vi in range(v):
            for vj in range(v):
                if view[CH_CELL, vi, vj] == 0:
                    continue
                f, lt = v - 1 - vi, vj - v // 2
                r = pr + f * dr[d] + lt * dr[(d + 1) % 4]
                c = pc + f * dc[d] + lt * dc[(d + 1) % 4]
                seen_kind = view[CH_KIND, vi, vj]
                for br, bc in blockers:
                    if (br, bc) in ((r, c), (pr, pc)):
                        continue
                    lo = (br - 0.5 + margin, bc - 0.5 + margin)
                    hi = (br + 0.5 - margin, bc + 0.5 - margin)
                    assert not _segment_crosses_box((pr, pc), (r, c), lo, hi), (
                        f"world {b}: infant {i} at {(pr, pc)} sees cell {(r, c)} "
                        f"(kind code {seen_kind}) through the blocker at {(br, bc)}"
                    )
                if view[CH_CELL, vi, vj] == CELL_WALL:
                    assert st.cells[b, r, c] == WALL, f"world {b}: phantom wall at {(r, c)}"


def check_world(world_id: str, **kwargs: Any) -> None:
    """Every check of the kit on one world."""
    check_pettingzoo(world_id, **kwargs)
    if scenario(world_id, **kwargs).config.n_infants == 1:
        check_gymnasium(world_id, **kwargs)
    check_determinism(world_id, **kwargs)
    random_rollout(world_id, 0, 300, caregiver="random", check=True, **kwargs)
