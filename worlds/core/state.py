"""The state of a batch of worlds: a named tuple of numpy arrays.

Leading axis ``B`` is the world; ``N`` infants (agent indices ``0..N-1``) and one
caregiver (agent index ``N``) live in each world; ``K`` object slots per world. The
kernels in :mod:`infancy.worlds.core.kernels` read and write these arrays in place.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

__all__ = [
    "STATE_FIELDS",
    "KernelState",
    "State",
    "allocate_state",
    "copy_state",
    "kernel_state",
    "take_worlds",
]

# name: (dtype, shape template). Letters: B worlds, N infants, A agents (N + 1),
# K object slots, H/W grid, V view size.
STATE_FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    # terrain and objects
    "cells": (np.uint8, ("B", "H", "W")),
    "obj_kind": (np.int16, ("B", "K")),  # -1: empty slot
    "obj_colour": (np.uint8, ("B", "K")),
    "obj_pos": (np.int16, ("B", "K", "2")),  # (row, col); holder's / container's if held / inside
    "obj_holder": (np.int8, ("B", "K")),  # -1 or agent index
    "obj_inside": (np.int8, ("B", "K")),  # -1 or container object index
    # agents (infants 0..N-1, caregiver N)
    "agent_pos": (np.int16, ("B", "A", "2")),
    "agent_dir": (np.int8, ("B", "A")),
    "agent_hold": (np.int8, ("B", "A")),  # -1 or object index
    # what the caregiver does this step
    "cg_gaze": (np.int32, ("B",)),  # target code (see engine.target codes)
    "cg_point": (np.int32, ("B",)),
    "cg_word": (np.int16, ("B",)),  # 0 silent, 1 + vocabulary index
    "cg_flag": (np.int8, ("B",)),
    "cg_attends": (np.int8, ("B",)),  # the infant the caregiver attends to (its scripts)
    # what each infant does / senses this step
    "inf_point": (np.uint8, ("B", "N")),
    "inf_vocal": (np.uint8, ("B", "N")),
    "grasped": (np.int16, ("B", "N")),  # object taken into the hand this step, -1 none
    "touched": (np.int16, ("B", "N")),  # object reached at this step (even if empty), -1
    "looking": (np.int16, ("B", "N")),  # object straight ahead, -1 none, -2 caregiver
    "approval": (np.uint8, ("B", "N")),
    "restrained": (np.uint8, ("B", "N")),
    "sound": (np.uint8, ("B", "N")),
    "sound_dir": (np.uint8, ("B", "N")),
    "energy": (np.uint8, ("B", "N")),
    # where each infant's body was (heading, cell) as the last step began: what its
    # vestibular senses ``turned`` and ``moved`` compare the body with
    "felt_dir": (np.int8, ("B", "N")),
    "felt_pos": (np.int16, ("B", "N", "2")),
    # body abilities (set from rules; curricula change them with age)
    "locomotion": (np.uint8, ("B", "N")),  # 0 none, 1 crawl, 2 walk
    "can_reach": (np.uint8, ("B", "N")),
    "can_point": (np.uint8, ("B", "N")),
    "can_vocalise": (np.uint8, ("B", "N")),
    "sight": (np.uint8, ("B", "N", "V", "V")),
    # episode bookkeeping
    "done": (np.uint8, ("B", "N")),
    "success": (np.uint8, ("B", "N")),
    "reward": (np.float32, ("B", "N")),
    "t": (np.int32, ("B",)),
    "ended": (np.uint8, ("B",)),
    # scenario scratch: what the caregiver wants, script phase and counters
    "target": (np.int16, ("B",)),
    "phase": (np.int16, ("B",)),
    "timer": (np.int32, ("B",)),
    "trial": (np.int16, ("B",)),
    "aux": (np.int32, ("B", "4")),
    # derived maps, rebuilt every step
    "obj_map": (np.int16, ("B", "H", "W")),  # visible object on the cell, -1 none
    "agent_map": (np.int8, ("B", "H", "W")),  # agent on the cell, -1 none
    "opaque_map": (np.uint8, ("B", "H", "W")),  # 1: wall or occluder (blocks sight)
    "inner_opaque": (np.int32, ("B",)),  # cells unlike a closed box (0: walls only on the border)
    "dirty": (np.uint8, ("B",)),  # something moved this step: maps must be rebuilt
    "ray_key": (np.int32, ("B", "3")),  # caregiver's gaze and point ray codes, infants pointing
    "ipoint_map": (np.uint8, ("B", "H", "W")),  # infants' pointing rays
    "seen_map": (np.uint8, ("B", "H", "W")),  # bit i: infant i sees the cell
}

State = namedtuple("State", list(STATE_FIELDS))  # type: ignore[misc]


def allocate_state(b: int, n: int, k: int, h: int, w: int, v: int) -> State:
    """Allocate zeroed arrays for ``b`` worlds of ``h`` x ``w`` cells."""
    sizes = {"B": b, "N": n, "A": n + 1, "K": k, "H": h, "W": w, "V": v, "2": 2, "3": 3, "4": 4}
    return State(
        **{
            name: np.zeros(tuple(sizes[s] for s in shape), dtype=dtype)
            for name, (dtype, shape) in STATE_FIELDS.items()
        }
    )


def copy_state(state: State) -> State:
    """A deep copy of every array."""
    return State(*(a.copy() for a in state))


def take_worlds(state: State, index: np.ndarray) -> State:
    """The worlds at ``index`` (a copy), e.g. to freeze a probe or inspect one world."""
    return State(*(a[index].copy() for a in state))


# The kernels receive the arrays as one numba StructRef rather than the named tuple: a
# tuple of 46 arrays is reference-counted array by array wherever it is live across a
# branch (about 0.5 us per use), and numba's parallel loops lose writes made through a
# tuple. A StructRef is one reference-counted object that points at the same arrays.
@structref.register
class _KernelStateType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class KernelState(structref.StructRefProxy):
    """The state's arrays as the compiled kernels see them (same memory)."""


structref.define_proxy(KernelState, _KernelStateType, list(STATE_FIELDS))


@numba.njit(cache=True)
def _new_kernel_state(*arrays):  # pragma: no cover - compiled
    return KernelState(*arrays)


def kernel_state(state: State) -> KernelState:
    """A :class:`KernelState` sharing ``state``'s arrays (no copy).

    Built by a cached compiled constructor: the proxy's own constructor
    (``KernelState(*arrays)`` from Python) is compiled anew in every process, about
    2 s for 46 fields, which was most of the first world's start-up (the classroom's
    first frame).
    """
    return _new_kernel_state(*state)
