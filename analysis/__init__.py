"""infancy.analysis: comparing development with children (started).

- :mod:`infancy.analysis.reference`: published child data shipped as package data
  (WHO motor windows, CDI norms, findings, Piaget, CDC 2022), each row with its source;
- :mod:`infancy.analysis.runs`: ``load_run``/``load_runs``, runs from the run store as
  one tidy table (``run, infant, seed, age_months, measure, value``);
- :mod:`infancy.analysis.acquisition`: ages of acquisition from probe tables (first
  stable pass, the milestone table).

See docs/architecture.md.
"""

from __future__ import annotations

if __name__ != "infancy.analysis":
    raise ImportError(
        "import infancy.analysis, not analysis (install the package: pip install -e .)"
    )

from . import reference
from .acquisition import first_stable_pass, milestone_table
from .runs import load_run, load_runs

__all__ = ["first_stable_pass", "load_run", "load_runs", "milestone_table", "reference"]
