"""The shipped checker kit, parametrized over every registered world: a world is
tested the moment it is registered."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.worlds import list_worlds, make
from infancy.worlds.testing import (
    check_determinism,
    check_gymnasium,
    check_invariants,
    check_pettingzoo,
    random_rollout,
)

WORLDS = list_worlds()


def test_every_design_scenario_is_registered():
    assert set(WORLDS) >= {
        "playroom-v0",
        "peekaboo-v0",
        "a-not-b-v0",
        "gaze-following-v0",
        "point-following-v0",
        "naming-v0",
        "reach-v0",
        "noisy-tv-v0",
        "crawl-v0",
    }


@pytest.mark.parametrize("world_id", WORLDS)
def test_pettingzoo_api(world_id):
    check_pettingzoo(world_id)


@pytest.mark.parametrize("world_id", WORLDS)
def test_gymnasium_check_env(world_id):
    check_gymnasium(world_id)


@pytest.mark.parametrize("world_id", WORLDS)
def test_determinism_over_500_steps(world_id):
    check_determinism(world_id, seed=7, steps=500)


@pytest.mark.parametrize("world_id", WORLDS)
def test_invariants_under_random_caregiver(world_id):
    random_rollout(world_id, 3, 400, caregiver="random", check=True)


def test_a_wide_noisy_tv_passes_the_kit():
    # A parameter that changes the number of objects (one per cell of screen).
    check_pettingzoo("noisy-tv-v0", screen=7)
    check_determinism("noisy-tv-v0", seed=7, steps=200, screen=7)
    random_rollout("noisy-tv-v0", 3, 200, caregiver="random", check=True, screen=7)


def test_the_occlusion_check_can_fail():
    """Sabotage line of sight: the kit must notice a toy seen through the screen."""
    env = make("peekaboo-v0")
    env.reset(seed=0)
    for _ in range(6):  # show, hide: the toy is now behind the screen
        env.step({"infant_0": 0})
    engine = env.engine
    check_invariants(engine)  # fine as built
    view_off, los_off, los_len, *rest = engine._observation_tables
    engine._observation_tables = (view_off, los_off, np.zeros_like(los_len), *rest)
    engine._observe()
    with pytest.raises(AssertionError, match="through the blocker"):
        check_invariants(engine)
