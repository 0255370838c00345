"""infancy.analysis: comparing development with children.

- :mod:`infancy.analysis.reference`: published child data shipped as package data
  (WHO motor windows, CDI norms, findings, Piaget, CDC 2022), each row with its source;
- :mod:`infancy.analysis.runs`: ``load_run``/``load_runs``, runs from the run store as
  one tidy table (``run, infant, seed, age_months, measure, value``), and
  ``example_run()``, a small finished run shipped with the package;
- :mod:`infancy.analysis.acquisition`: ages of acquisition from probe tables (first
  stable pass, the milestone table);
- :mod:`infancy.analysis.compare`: each probe's child counterpart, logistic ages of
  acquisition with bootstrap intervals, milestone order, age alignment, WHO windows,
  CDI bands, the A-not-B slope;
- :mod:`infancy.analysis.experiments`: contrasts between conditions of an experiment
  (seeds as units, infants nested in seeds): differences and Hedges' g with
  hierarchical bootstrap CIs, permutation p-values, a verdict in words, seeds needed;
- :mod:`infancy.analysis.figures`: publication figures (seaborn), ``set_style``,
  ``save_figure`` (imported on use: it loads matplotlib);
- :mod:`infancy.analysis.report`: the HTML report of a run (``infancy report``).

See docs/architecture.md.
"""

from __future__ import annotations

if __name__ != "infancy.analysis":
    raise ImportError(
        "import infancy.analysis, not analysis (install the package: pip install -e .)"
    )

from . import compare, experiments, reference
from .acquisition import first_stable_pass, milestone_table
from .runs import example_run, load_run, load_runs

__all__ = [
    "compare",
    "example_run",
    "experiments",
    "first_stable_pass",
    "load_run",
    "load_runs",
    "milestone_table",
    "reference",
]
