"""infancy.worlds: the batched grid and toy-world simulator.

Build a world by id with :func:`make` (PettingZoo ``ParallelEnv``), :func:`make_aec`,
:func:`make_gym` (one infant, Gymnasium) or :func:`make_batch` (the batched engine).
Rules (toys, bodies, caregiver habits) are YAML under ``worlds/rules/``.
"""

from __future__ import annotations

if __name__ != "infancy.worlds":
    # A bare `import worlds` from the repository root would load a second copy of
    # every class (isinstance checks then fail). Refuse it.
    raise ImportError("import infancy.worlds, not worlds (install the package: pip install -e .)")

from .core.codes import (
    CAREGIVER_ACTION_FIELDS,
    INFANT_ACTIONS,
    OBSERVATION_DOC,
    SENSES,
    VIEW_CHANNELS,
)
from .core.engine import BatchWorld, StepResult
from .env import InfancyParallelEnv, InfantGymEnv
from .registry import (
    list_worlds,
    make,
    make_aec,
    make_batch,
    make_gym,
    max_infants,
    register,
    scenario,
)
from .rules import Rules, RulesError, load_rules

__all__ = [
    "CAREGIVER_ACTION_FIELDS",
    "INFANT_ACTIONS",
    "OBSERVATION_DOC",
    "SENSES",
    "VIEW_CHANNELS",
    "BatchWorld",
    "InfancyParallelEnv",
    "InfantGymEnv",
    "Rules",
    "RulesError",
    "StepResult",
    "list_worlds",
    "load_rules",
    "make",
    "make_aec",
    "make_batch",
    "make_gym",
    "max_infants",
    "register",
    "scenario",
]
