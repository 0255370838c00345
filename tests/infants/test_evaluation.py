"""Read-outs of what a cohort knows and does: the latent's effective rank on samples with
known answers; a frozen play, step by step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from infancy.infants.evaluation import effective_rank


def test_the_effective_rank_counts_the_directions_the_samples_use():
    rng = np.random.default_rng(0)
    spread = torch.as_tensor(rng.normal(size=(4000, 8)), dtype=torch.float32)
    assert 7.5 < effective_rank(spread) <= 8.0  # every direction alike: about 8
    line = spread[:, :1] * torch.ones(1, 8)  # eight copies of one number: one direction
    assert abs(effective_rank(line) - 1.0) < 1e-3
    # Two directions in use, embedded in eight dimensions: about 2.
    two = spread[:, :2] @ torch.as_tensor(rng.normal(size=(2, 8)), dtype=torch.float32)
    assert 1.5 < effective_rank(two) <= 2.0
    assert np.isnan(effective_rank(torch.ones(10, 8)))  # no spread at all


def test_a_frozen_play_records_every_step_and_changes_nothing():
    from infancy.infants import Cohort
    from infancy.infants.evaluation import frozen_play
    from infancy.worlds.core.codes import INFANT_ACTIONS

    cohort = Cohort({"chunk": 16}, n=3, seed=0)
    before = [p.clone() for p in cohort.b.parameters()]
    table = frozen_play(cohort, "a-not-b-v0", 80, seed=1)
    assert list(table.columns) == ["step", "infant", "action", "reward", "done", "phase"]
    assert len(table) == 80 * 3 and set(table["action"]) <= set(INFANT_ACTIONS)
    assert (table.groupby("infant")["step"].count() == 80).all()
    # The phase is the one the infant acted in: unknown (-1) on the first step of an
    # episode (the world reports the ended one's), known on every other.
    assert table["done"].any()  # episodes end (and begin again) within 80 steps
    wide = table.pivot(index="step", columns="infant")
    first = np.vstack([np.ones((1, 3), bool), wide["done"].to_numpy()[:-1]])
    assert ((wide["phase"].to_numpy() == -1) == first).all()
    assert all((p == q).all() for p, q in zip(cohort.b.parameters(), before, strict=True))
    assert cohort.steps == 0
    again = frozen_play(cohort, "a-not-b-v0", 80, seed=1)
    pd.testing.assert_frame_equal(table, again)  # the same seed plays the same steps
    # The body is the one asked for: a newborn's reach takes nothing.
    newborn = frozen_play(cohort, "reach-v0", 200, seed=0, abilities="newborn")
    assert (newborn["action"] == "reach").any() and newborn["reward"].sum() == 0


def test_the_reward_an_episode_counts_the_unfinished_one_in_with_the_finished():
    from infancy.infants.evaluation import episode_rewards

    table = pd.DataFrame(
        {
            "infant": [0, 0, 0, 0, 1, 1, 1, 1],
            "reward": [1.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.0, 0.0],
            "done": [False, True, False, True, False, False, False, False],
        }
    )
    # Infant 0: 3 over 2 ended episodes; infant 1: none ended, all of it.
    assert episode_rewards(table).tolist() == [1.5, 0.5]
