"""Ages of acquisition from probe tables.

A milestone is *reached* at the first battery from which the infant passes the probe
``stable`` batteries in a row (a single lucky pass does not count). Functions take the
long-form probe table (``age_months, infant, probe, passed``; see
:mod:`infancy.curricula.lifetime`) and return tidy DataFrames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["first_stable_pass", "milestone_table"]


def first_stable_pass(probes: pd.DataFrame, stable: int = 2) -> pd.DataFrame:
    """Age at which each infant first passed each probe stably.

    Parameters
    ----------
    probes
        Long-form probe rows with ``age_months, infant, probe, passed``.
    stable
        Consecutive passing batteries required (the first of them is the age).

    Returns
    -------
    pandas.DataFrame
        ``infant, probe, age_months`` with ``NaN`` where the milestone was not reached.
    """
    if stable < 1:
        raise ValueError(f"stable: expected at least 1 battery, got {stable}")
    rows = []
    for (infant, probe), g in probes.sort_values("age_months").groupby(
        ["infant", "probe"], sort=True
    ):
        passed = g["passed"].to_numpy(dtype=bool)
        ages = g["age_months"].to_numpy(dtype=float)
        age = np.nan
        if passed.size >= stable:
            # run[i] = passes in the window starting at battery i
            run = np.convolve(passed.astype(int), np.ones(stable, dtype=int), "valid")
            hit = np.flatnonzero(run == stable)
            if hit.size:
                age = ages[hit[0]]
        rows.append({"infant": infant, "probe": probe, "age_months": age})
    return pd.DataFrame(rows, columns=["infant", "probe", "age_months"])


def milestone_table(probes: pd.DataFrame, stable: int = 2) -> pd.DataFrame:
    """The milestone table: one row per probe, one column per infant (age of the first
    stable pass, ``NaN`` if never) and ``cohort_median`` (the median over infants,
    counting an infant that never passed as later than any age: ``NaN`` when fewer than
    half of the infants passed)."""
    ages = first_stable_pass(probes, stable)
    wide = ages.pivot(index="probe", columns="infant", values="age_months")
    filled = wide.to_numpy(dtype=float, copy=True)
    filled[np.isnan(filled)] = np.inf
    median = np.median(filled, axis=1) if filled.size else np.array([])
    wide.columns = [f"infant_{c}" for c in wide.columns]
    wide["cohort_median"] = np.where(np.isfinite(median), median, np.nan)
    order = list(dict.fromkeys(probes["probe"]))  # battery order
    return wide.reindex(order).rename_axis("probe").reset_index()
