"""Property tests: any sequence of actions keeps the world physical."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from infancy.worlds import list_worlds, make_batch
from infancy.worlds.testing import check_invariants

WORLDS = list_worlds()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    world_id=st.sampled_from(WORLDS),
    seed=st.integers(0, 2**31 - 1),
    infant_actions=st.lists(st.integers(0, 7), min_size=1, max_size=60),
    random_caregiver=st.booleans(),
)
def test_random_action_sequences_keep_the_world_physical(
    world_id, seed, infant_actions, random_caregiver
):
    batch = make_batch(world_id, 2, seed=seed, autoreset=True)
    batch.reset()
    count = (batch.state.obj_kind >= 0).sum(axis=1)
    rng = np.random.default_rng(seed)
    sizes = batch.caregiver_space_sizes
    for a in infant_actions:
        acts = np.full((2, batch.n_infants), a, dtype=np.int64)
        cg = None
        if random_caregiver:
            cg = (rng.random((2, 7)) * sizes).astype(np.int64)
            # Aim hands and gaze at objects and infants more often than at cells.
            cg[:, 6] = rng.integers(0, 1 + batch.n_infants + batch.n_objects, size=2)
        res = batch.step(acts, cg)
        assert res.view.dtype == np.uint8 and np.isfinite(res.reward).all()
        check_invariants(batch, n_objects=count)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_infants=st.integers(1, 3))
# Two infants reached for the same toy in one step and both held it (found by this test).
@example(seed=18960712, n_infants=3)
def test_several_infants_share_a_playroom(seed, n_infants):
    batch = make_batch("playroom-v0", 3, seed=seed, n_infants=n_infants)
    batch.reset()
    rng = np.random.default_rng(seed)
    for _ in range(30):
        batch.step(rng.integers(0, 8, size=(3, n_infants)))
        check_invariants(batch, n_objects=(batch.state.obj_kind >= 0).sum(axis=1))
