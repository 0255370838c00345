"""infancy.analysis: measuring development from run tables (started: ages of
acquisition in :mod:`infancy.analysis.acquisition`). See docs/architecture.md."""

from __future__ import annotations

if __name__ != "infancy.analysis":
    raise ImportError(
        "import infancy.analysis, not analysis (install the package: pip install -e .)"
    )

from .acquisition import first_stable_pass, milestone_table

__all__ = ["first_stable_pass", "milestone_table"]
