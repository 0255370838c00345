"""Read-outs of what a cohort knows: the latent's effective rank on samples with known
answers."""

from __future__ import annotations

import numpy as np
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
