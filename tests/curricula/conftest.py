from __future__ import annotations

import pytest
import torch

# A whole lifetime of two infants with a two-probe battery: seconds, not minutes.
SMALL = {
    "n": 2,
    "curriculum": {
        "preset": "tiny",
        "probes": {"names": ["reaching", "word_comprehension"], "trials": 2},
    },
    "checkpoint_every_months": 2.0,
}


@pytest.fixture(scope="session")
def small() -> dict:
    """A small run configuration (read only: copy before changing it)."""
    return SMALL


@pytest.fixture(autouse=True)
def _two_threads():
    # Runs are compared with runs (in this process and in subprocesses): same threads.
    torch.set_num_threads(2)
    yield
