"""The step's uniforms: a keyed hash of each number's position (``core/draws.py``)."""

from __future__ import annotations

import numba
import numpy as np

from infancy.worlds.core.draws import fill_uniforms, fill_uniforms_serial


def reference(key: int, b: int, j: int, cols: int) -> np.float32:
    """The same number in plain Python integers."""

    def mix(x: int) -> int:
        x ^= x >> 16
        x = (x * 0x7FEB352D) & 0xFFFFFFFF
        x ^= x >> 15
        x = (x * 0x846CA68B) & 0xFFFFFFFF
        return x ^ (x >> 16)

    lo, hi = key & 0xFFFFFFFF, key >> 32
    x = mix(mix(((b * cols + j) & 0xFFFFFFFF) ^ lo) ^ hi)
    return np.float32(x >> 8) * np.float32(1.0 / (1 << 24))


def test_uniforms_are_a_function_of_key_and_position():
    key = 0xDEADBEEF12345678
    u = np.empty((64, 11), dtype=np.float32)
    fill_uniforms(u, np.uint64(key))
    for b, j in [(0, 0), (3, 7), (63, 10)]:
        assert u[b, j] == reference(key, b, j, 11)
    again = np.empty_like(u)
    fill_uniforms(again, np.uint64(key))
    assert np.array_equal(u, again)
    other = np.empty_like(u)
    fill_uniforms(other, np.uint64(key + 1))
    assert not np.any(u == other)


def test_uniforms_do_not_depend_on_the_threads():
    u1, u2 = np.empty((500, 9), np.float32), np.empty((500, 9), np.float32)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        fill_uniforms(u1, np.uint64(7))
    finally:
        numba.set_num_threads(before)
    fill_uniforms(u2, np.uint64(7))
    assert np.array_equal(u1, u2)


def test_the_serial_twin_draws_the_same_numbers():
    u1, u2 = np.empty((37, 11), np.float32), np.empty((37, 11), np.float32)
    fill_uniforms(u1, np.uint64(2**63 + 5))
    fill_uniforms_serial(u2, np.uint64(2**63 + 5))
    assert np.array_equal(u1, u2)


def test_uniforms_look_uniform():
    """Moments, a histogram and neighbours' correlation over 200 keys: a broken hash (a
    stuck bit, a short cycle, rows that repeat) fails these by far."""
    rng = np.random.default_rng(0)
    u = np.empty((1024, 20), dtype=np.float32)
    counts = np.zeros(64)
    means, corr = [], []
    for _ in range(200):
        fill_uniforms(u, np.uint64(rng.integers(0, 2**63)))
        assert 0.0 <= u.min() and u.max() < 1.0
        means.append(u.mean())
        corr.append(np.corrcoef(u[:-1].ravel(), u[1:].ravel())[0, 1])
        counts += np.histogram(u, bins=64, range=(0.0, 1.0))[0]
    n = 200 * u.size
    assert abs(np.mean(means) - 0.5) < 5 * np.sqrt(1 / 12 / n)
    assert abs(np.mean(corr)) < 5 / np.sqrt(n)
    expected = n / 64
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 120  # 63 degrees of freedom: p < 1e-5 above this
