"""infancy.infants: System A, System B, System M, episodic memory and the cohort that
wires them (see docs/architecture.md, "infants").

>>> from infancy.infants import Cohort
>>> from infancy.worlds import make_batch
>>> world = make_batch("reach-v0", 16, seed=0, autoreset=True)
>>> world.reset()  # doctest: +SKIP
>>> cohort = Cohort(n=16, seed=0)
>>> cohort.live(world, 1000)  # doctest: +SKIP
"""

from __future__ import annotations

if __name__ != "infancy.infants":
    raise ImportError("import infancy.infants, not infants (install the package: pip install -e .)")

from .base import (
    META_ACTIONS,
    META_STATES,
    MODES,
    EpisodicMemory,
    SystemA,
    SystemB,
    SystemM,
    Transitions,
    available,
    create,
    register_a,
    register_b,
    register_m,
)
from .cohort import Cohort
from .config import (
    AConfig,
    BConfig,
    ConfigError,
    InfantConfig,
    MConfig,
    MemoryConfig,
    load_config,
)
from .control import CONSTRAINTS, AuditLog, Controller
from .memory import SalienceMemory
from .system_a import JepaA
from .system_b import PpoB
from .system_m import EvolvableM, RecipeM, RuleM, ScheduleM

__all__ = [
    "CONSTRAINTS",
    "META_ACTIONS",
    "META_STATES",
    "MODES",
    "AConfig",
    "AuditLog",
    "BConfig",
    "Cohort",
    "ConfigError",
    "Controller",
    "EpisodicMemory",
    "EvolvableM",
    "InfantConfig",
    "JepaA",
    "MConfig",
    "MemoryConfig",
    "PpoB",
    "RecipeM",
    "RuleM",
    "SalienceMemory",
    "ScheduleM",
    "SystemA",
    "SystemB",
    "SystemM",
    "Transitions",
    "available",
    "create",
    "load_config",
    "register_a",
    "register_b",
    "register_m",
]
