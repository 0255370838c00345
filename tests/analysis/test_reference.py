"""The shipped child data: every row sourced, numbers as published, sane shapes."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.analysis import reference as ref

TABLES = [
    ref.who_motor_windows(long=True),
    ref.cdi_norms("WG", "comprehension"),
    ref.cdi_norms("WG", "production"),
    ref.cdi_norms("WS", "production"),
    ref.findings(),
    ref.piaget_substages(),
    ref.cdc_milestones(),
]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: ",".join(t.columns[:2]))
def test_every_row_has_a_source_and_a_confidence(table):
    assert len(table) > 0
    assert table["source"].str.len().gt(10).all()
    assert set(table["confidence"]) <= {"P", "S"}


def test_who_windows_as_published():
    who = ref.who_motor_windows().set_index("milestone")
    assert who.index[0] == "sitting_without_support"
    assert who.loc["walking_alone", ["p1_months", "p99_months"]].tolist() == [8.2, 17.6]
    assert who.loc["hands_knees_crawling", "mean_months"] == 8.5
    assert (who["p1_months"] < who["mean_months"]).all()
    assert (who["mean_months"] < who["p99_months"]).all()
    assert set(who["confidence"]) == {"P"} and set(who["mean_confidence"]) == {"S"}
    assert np.isnan(who.loc["walking_alone", "sd_months"])


def test_cdi_norms_are_monotone_and_within_the_published_ages():
    for form, measure in (("WG", "comprehension"), ("WG", "production"), ("WS", "production")):
        df = ref.cdi_norms(form, measure)
        wide = df.pivot(index="age_months", columns="percentile", values="words")
        assert (wide.diff(axis=1).iloc[:, 1:] >= 0).all().all()  # p10 <= ... <= p90
        assert (wide.diff().iloc[1:] >= 0).all().all()  # growing with age
        assert (wide.to_numpy() <= df["checklist_items"].iloc[0]).all()
    ws = ref.cdi_norms("WS", "production")
    assert ws["age_months"].max() == 30  # extrapolated rows (31-36) are not shipped
    median = ref.cdi_norms("WG", "comprehension").query("percentile == 50")
    assert median.set_index("age_months")["words"][12] == 87
    with pytest.raises(ValueError, match="measure: the WS form norms production"):
        ref.cdi_norms("WS", "comprehension")
    with pytest.raises(ValueError, match="form: expected one of WG, WS"):
        ref.cdi_norms("XX", "production")


def test_findings_by_topic():
    anb = ref.findings("object_permanence")
    slope = anb[anb["finding"].str.contains("2 s per month")]
    assert (
        slope["value"].tolist() == ["~2 s/month"]
        and slope["source"].str.contains("Diamond 1985").all()
    )
    assert set(ref.findings()["topic"]) == set(ref.TOPICS)
    low, high = ref.findings()["age_months_low"], ref.findings()["age_months_high"]
    assert ((low <= high) | low.isna()).all()
    with pytest.raises(ValueError, match="topic"):
        ref.findings("juggling")


def test_piaget_and_cdc():
    pia = ref.piaget_substages()
    assert pia["start_months"].tolist() == [0, 1, 4, 8, 12, 18]
    assert (pia["start_months"].shift(-1).dropna() == pia["end_months"].iloc[:-1]).all()
    cdc = ref.cdc_milestones("cognitive")
    assert "Reaches to grab a toy she wants" in set(cdc["item"])
    assert cdc.set_index("item")["age_months"]["Reaches to grab a toy she wants"] == 6
