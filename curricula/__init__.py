"""infancy.curricula: the age clock and developmental stages as YAML overlays (see
docs/architecture.md). The probe battery and the lifecycle runner are the next step of
issue 4 and are not built yet."""

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
