"""infancy.curricula: see docs/architecture.md (built in a later issue)."""

from __future__ import annotations

if __name__ != "infancy.curricula":
    raise ImportError(
        "import infancy.curricula, not curricula (install the package: pip install -e .)"
    )
