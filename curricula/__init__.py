"""infancy.curricula: development over time.

- the age clock and developmental stages as YAML overlays (here: ``load_curriculum``);
- the probe battery (``infancy.curricula.probes``);
- lifetimes in memory (``infancy.curricula.lifetime.live``, ``Lifecycle``);
- the resumable runner and the run store (``infancy.curricula.runner``: ``plan``,
  ``start``, ``execute``, ``resume``; ``infancy.store``: ``RunStore``,
  ``list_runs``, ``catalogue``).

The submodules that need torch are imported on use, so this package stays light. See
docs/architecture.md.
"""

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
