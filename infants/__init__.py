"""infancy.infants: see docs/architecture.md (built in a later issue)."""

from __future__ import annotations

if __name__ != "infancy.infants":
    raise ImportError("import infancy.infants, not infants (install the package: pip install -e .)")
