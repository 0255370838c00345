"""Shared fixtures: a seeded generator and a headless pygame."""

from __future__ import annotations

import os

import numpy as np
import pytest

# pygame must never open a real window in tests.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, for tests that draw random data."""
    return np.random.default_rng(20261123)
