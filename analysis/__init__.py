"""infancy.analysis: see docs/architecture.md (built in a later issue)."""

from __future__ import annotations

if __name__ != "infancy.analysis":
    raise ImportError(
        "import infancy.analysis, not analysis (install the package: pip install -e .)"
    )
