"""infancy.curricula: the age clock and developmental stages as YAML overlays, and the
probe battery (started: ``infancy.curricula.probes``). See docs/architecture.md. The
lifecycle runner and the run store are not built yet."""

from __future__ import annotations

if __name__ != "infancy.curricula":
    raise ImportError(
        "import infancy.curricula, not curricula (install the package: pip install -e .)"
    )

from .stages import (
    PROBE_NAMES,
    Clock,
    Curriculum,
    CurriculumError,
    Stage,
    apply_stage,
    load_curriculum,
    merge,
)

__all__ = [
    "PROBE_NAMES",
    "Clock",
    "Curriculum",
    "CurriculumError",
    "Stage",
    "apply_stage",
    "load_curriculum",
    "merge",
]
