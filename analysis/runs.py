"""Loading runs from the run store as one tidy table.

``load_run`` and ``load_runs`` return the long form the analysis functions take: one
row per run, infant, age and measure, with columns ``run, infant, seed, age_months,
measure, value``. The measures are the timeline's (System M's meta-states,
``share_<mode>``, the losses; one value per chunk) and, from the probe battery,
``probe:<name>`` (the score) and ``passed:<name>`` (1 or 0).

``example_run()`` is the path of a small finished run shipped with the package (made by
``python experiments/example_run.py``), for notebooks and tests that only show analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from infancy.store import RunError, RunStore, query

__all__ = ["COLUMNS", "EXAMPLE_TABLES", "example_run", "load_run", "load_runs"]

COLUMNS = ["run", "infant", "seed", "age_months", "measure", "value"]

EXAMPLE_TABLES = ("probes", "timeline", "audit", "lexicon")
"""The tables the shipped example run keeps (the report's; not the episodes)."""


def example_run() -> Path:
    """The shipped example run: a finished run directory (``config.yaml``, ``run.json``
    and the :data:`EXAMPLE_TABLES` as Parquet, a few hundred kB) made by the project's
    own runner with ``python experiments/example_run.py``, whose docstring gives its
    size. Open it like any run: ``load_run(example_run())``,
    ``RunStore.open(example_run())``; it lives inside the installed package, so give
    ``write_report`` an ``out`` folder.

    Returns
    -------
    pathlib.Path
        The run directory.

    Raises
    ------
    infancy.store.RunError
        The package was installed without it.
    """
    from importlib.resources import files

    path = Path(str(files("infancy.analysis") / "data" / "example_run"))
    if not (path / "run.json").is_file():
        raise RunError(
            f"{path}: the example run is missing from this installation "
            "(python experiments/example_run.py makes it)"
        )
    return path


def load_run(path: str | Path, *, timeline: bool = True) -> pd.DataFrame:
    """One run directory (finished or under way) as a tidy DataFrame (see the module
    docstring); ``timeline=False`` keeps only the probe measures (much smaller).

    Raises
    ------
    infancy.store.RunError
        ``path`` is not a run directory, or it has no tables yet.
    """
    store = RunStore.open(path)
    run = store.path.name
    seed = store.config().get("seed")
    frames = []
    probes = store.table("probes")
    for prefix, column in (("probe:", "score"), ("passed:", "passed")):
        frames.append(
            pd.DataFrame(
                {
                    "infant": probes["infant"],
                    "age_months": probes["age_months"],
                    "measure": prefix + probes["probe"].astype(str),
                    "value": probes[column].astype(float),
                }
            )
        )
    if timeline:
        tl = store.table("timeline")
        frames.append(tl[["infant", "age_months", "measure", "value"]])
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "run", run)
    out.insert(2, "seed", seed)
    return out[COLUMNS]


def load_runs(
    runs: Iterable[str | Path] | str, *, root: str | Path = "runs", timeline: bool = True
) -> pd.DataFrame:
    """Several runs as one tidy DataFrame.

    Parameters
    ----------
    runs
        Run directories, or a ``SELECT`` over the catalogue of ``root``
        (:func:`infancy.store.query`) that returns a ``path`` column, e.g.
        ``"SELECT path FROM runs WHERE status = 'finished' AND curriculum = 'tiny'"``.
    root
        Folder of run directories, for a query.
    timeline
        Include the timeline measures (``False``: probe measures only).
    """
    if isinstance(runs, str):
        result = query(root, runs)
        if "path" not in result.columns:
            raise RunError(f"runs: the query must return a 'path' column, got {list(result)}")
        paths = list(result["path"])
    else:
        paths = list(runs)
    if not paths:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat([load_run(p, timeline=timeline) for p in paths], ignore_index=True)
