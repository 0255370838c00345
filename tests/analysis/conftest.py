from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A finished run of two infants to 4 months with the probes the comparisons use."""
    from infancy.curricula.runner import execute, plan, start

    torch.set_num_threads(2)
    config = {
        "n": 2,
        "seed": 0,
        "curriculum": {
            "preset": "tiny",
            "clock": {"end_months": 4.0},
            "probes": {"names": ["reaching", "a_not_b", "word_comprehension"], "trials": 2},
        },
    }
    the_plan = plan(config)
    path = tmp_path_factory.mktemp("runs") / "tiny"
    execute(start(the_plan, path), the_plan)
    return path
