"""Ages of acquisition on constructed probe tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infancy.analysis import first_stable_pass, milestone_table


def _probes(passes: dict[tuple[int, str], list[bool]], ages=(1.0, 2.0, 3.0, 4.0, 5.0)):
    rows = [
        {"age_months": a, "infant": i, "probe": p, "passed": ok}
        for (i, p), seq in passes.items()
        for a, ok in zip(ages, seq, strict=True)
    ]
    return pd.DataFrame(rows)


def test_first_stable_pass_needs_consecutive_passes():
    df = _probes(
        {
            (0, "reaching"): [False, True, False, True, True],  # lucky pass at 2, stable at 4
            (1, "reaching"): [False, False, True, True, True],
            (2, "reaching"): [True, False, True, False, True],  # never two in a row
        }
    )
    ages = first_stable_pass(df, stable=2).set_index("infant")["age_months"]
    assert ages[0] == 4.0 and ages[1] == 3.0 and np.isnan(ages[2])
    once = first_stable_pass(df, stable=1).set_index("infant")["age_months"]
    assert once[0] == 2.0 and once[2] == 1.0
    with pytest.raises(ValueError, match="stable"):
        first_stable_pass(df, stable=0)


def test_milestone_table_median_counts_infants_who_never_passed_as_late():
    df = _probes(
        {
            (0, "reaching"): [False, True, True, True, True],
            (1, "reaching"): [False, False, False, True, True],
            (2, "reaching"): [False, False, False, False, False],
            (0, "locomotion"): [False, False, False, True, True],
            (1, "locomotion"): [False] * 5,
            (2, "locomotion"): [False] * 5,
        }
    )
    table = milestone_table(df, stable=2).set_index("probe")
    assert list(table.index) == ["reaching", "locomotion"]  # battery order
    assert table.loc["reaching", "infant_0"] == 2.0
    assert np.isnan(table.loc["reaching", "infant_2"])
    assert table.loc["reaching", "cohort_median"] == 4.0  # 2, 4, never -> 4
    assert np.isnan(table.loc["locomotion", "cohort_median"])  # only 1 of 3 passed
