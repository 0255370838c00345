"""The step's uniform numbers, drawn in parallel from one key.

Every world step needs a few uniforms per world (the caregiver's script, the infants'
moves, the objects' noise). Drawing them from numpy's generator took about a sixth of a
batched step at B=4096 (one thread, ~3 ns a number). Here the engine draws one 64-bit
key per step from its generator and each number is a hash of (key, position): the same
key gives the same numbers whatever numba's threads do, so determinism and checkpoints
still rest on the engine's one generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["fill_uniforms", "fill_uniforms_serial"]

_M1 = np.uint32(0x7FEB352D)
_M2 = np.uint32(0x846CA68B)
_SCALE = np.float32(1.0 / (1 << 24))


@njit(cache=True, inline="always")
def _mix(x):
    # A 32-bit integer hash with low bias (Chris Wellons' "lowbias32" constants): a
    # bijection whose every output bit depends on every input bit. Numba widens
    # unsigned 32-bit arithmetic to 64 bits, so each product is cut back to 32.
    x = np.uint32(x ^ (x >> np.uint32(16)))
    x = np.uint32(x * _M1)
    x = np.uint32(x ^ (x >> np.uint32(15)))
    x = np.uint32(x * _M2)
    return np.uint32(x ^ (x >> np.uint32(16)))


@njit(cache=True, inline="always")
def _fill_row(out, b, lo, hi):
    cols = out.shape[1]
    base = np.uint32(np.uint64(b) * np.uint64(cols))
    for j in range(cols):
        x = _mix(np.uint32(np.uint32(base + np.uint32(j)) ^ lo))
        x = _mix(np.uint32(x ^ hi))
        out[b, j] = np.float32(x >> np.uint32(8)) * _SCALE


@njit(cache=True, parallel=True)
def fill_uniforms(out: np.ndarray, key: np.uint64) -> None:
    """Fill ``out[B, C]`` (float32) with uniforms in [0, 1) from ``key``.

    Number ``(b, j)`` is two keyed rounds of the hash over its position ``b * C + j``,
    reduced to 24 bits (a float32's precision). :func:`fill_uniforms_serial` writes the
    same numbers on one thread (and compiles faster).
    """
    lo = np.uint32(key & np.uint64(0xFFFFFFFF))
    hi = np.uint32(key >> np.uint64(32))
    for b in prange(out.shape[0]):
        _fill_row(out, b, lo, hi)


@njit(cache=True)
def fill_uniforms_serial(out: np.ndarray, key: np.uint64) -> None:
    """:func:`fill_uniforms` on one thread."""
    lo = np.uint32(key & np.uint64(0xFFFFFFFF))
    hi = np.uint32(key >> np.uint64(32))
    for b in range(out.shape[0]):
        _fill_row(out, b, lo, hi)
