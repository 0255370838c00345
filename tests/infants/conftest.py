from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _two_threads():
    # Results are compared across runs in one process; keep torch's thread count fixed.
    torch.set_num_threads(2)
    yield
