"""infancy: a testbed in which infant-like agents grow up.

Subpackages: :mod:`infancy.worlds` (the simulator), :mod:`infancy.infants` (Systems A,
B and M), :mod:`infancy.curricula` (stages, probes, lifetimes) and
:mod:`infancy.analysis` (comparison with children). The command line is ``infancy``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("infancy")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
