"""Names shared by the infants and the analysis, in a module that imports nothing heavy.

:mod:`infancy.infants` re-exports them (``from infancy.infants import MODES`` works);
the analysis imports them from here, so reading or plotting a run loads neither torch
nor numba.
"""

from __future__ import annotations

__all__ = ["MODES"]

MODES = ("observe", "act", "imagine", "sleep")
"""System M's modes, in the order of their codes (``mode`` indexes this tuple)."""
