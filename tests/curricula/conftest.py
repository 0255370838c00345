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


@pytest.fixture(scope="session")
def finished_small(tmp_path_factory, small):
    """The small run lived once, uninterrupted, for every module that only reads it
    (``run --check``, the runner, run safety): ``(store, plan)`` of a run named
    ``whole``. Read only: copy it before changing it."""
    from infancy.curricula.runner import execute, plan, start

    the_plan = plan(small)
    store = start(the_plan, tmp_path_factory.mktemp("whole") / "whole")
    execute(store, the_plan)
    return store, the_plan


@pytest.fixture(autouse=True)
def _two_threads():
    # Runs are compared with runs (in this process and in subprocesses): same threads.
    torch.set_num_threads(2)
    yield
