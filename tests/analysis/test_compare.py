"""Comparisons with children on constructed data with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infancy.analysis import compare, reference
from infancy.curricula.probe_records import PROBES


def _switch_probes(switch_ages: dict[int, float], probe="reaching", ages=range(1, 11)):
    """Probe rows where infant i fails before ``switch_ages[i]`` and passes from it on."""
    return pd.DataFrame(
        [
            {"age_months": float(a), "infant": i, "probe": probe, "passed": a >= s, "score": 0.0}
            for i, s in switch_ages.items()
            for a in ages
        ]
    )


def _who_child() -> pd.DataFrame:
    who = reference.who_motor_windows()
    return who.rename(columns={"mean_months": "age_months"})[["milestone", "age_months"]]


def _who_midpoint_cohort(n=5) -> pd.DataFrame:
    who = reference.who_motor_windows()
    mid = (who["p1_months"] + who["p99_months"]) / 2
    return pd.DataFrame(
        [
            {"infant": i, "milestone": m, "age_months": a}
            for i in range(n)
            for m, a in zip(who["milestone"], mid, strict=True)
        ]
    )


def test_child_milestones_are_read_from_the_reference_tables():
    child = compare.child_milestones()
    assert set(child["milestone"]) == set(PROBES)
    assert child["age_months"].is_monotonic_increasing
    assert child["source"].str.len().min() > 10 and child["confidence"].isin(["P", "S"]).all()
    crawl = reference.who_motor_windows().set_index("milestone").loc["hands_knees_crawling"]
    loco = child.set_index("milestone").loc["locomotion"]
    assert (loco["age_months"], loco["low_months"], loco["high_months"]) == (
        crawl["mean_months"],
        crawl["p1_months"],
        crawl["p99_months"],
    )
    with pytest.raises(ValueError, match="probes: no child counterpart"):
        compare.child_milestones(["juggling"])


def test_who_midpoint_cohort_has_tau_one_and_everyone_inside():
    ages = _who_midpoint_cohort()
    median = ages.groupby("milestone", sort=False)["age_months"].median().reset_index()
    order = compare.milestone_order(median, _who_child())
    assert order.loc[0, "tau"] == pytest.approx(1.0)
    assert order.loc[0, "exact"] and order.loc[0, "n_milestones"] == 6
    assert order.loc[0, "p_value"] == pytest.approx(1 / 720)  # only the true order ties
    share = compare.share_in_windows(ages, reference.who_motor_windows())
    assert len(share) == 6 and (share["share_inside"] == 1.0).all()


def test_reversed_order_has_tau_minus_one_and_p_one():
    ages = _who_midpoint_cohort(1)
    ages["age_months"] = 30 - ages["age_months"]
    order = compare.milestone_order(ages[["milestone", "age_months"]], _who_child())
    assert order.loc[0, "tau"] == pytest.approx(-1.0) and order.loc[0, "p_value"] == 1.0


def test_unreached_milestones_rank_last_and_tied():
    child = pd.DataFrame({"milestone": list("abcdef"), "age_months": [1.0, 2, 3, 4, 5, 6]})
    ages = [5.0, 6, 7, 8, 9, np.nan]
    agent = pd.DataFrame({"milestone": list("abcdef"), "age_months": ages})
    last = compare.milestone_order(agent, child).iloc[0]
    assert last["n_milestones"] == 6 and last["n_not_reached"] == 1 and last["n_reached"] == 5
    assert last["tau"] == pytest.approx(1.0) and last["why_missing"] == ""
    # Two unreached rank after every reached age and tie with each other: one tied pair
    # among the 21, so tau-b = 20 / sqrt(21 * 20).
    child7 = pd.DataFrame({"milestone": list("abcdefg"), "age_months": np.arange(1.0, 8)})
    agent7 = pd.DataFrame(
        {"milestone": list("abcdefg"), "age_months": [5.0, 6, 7, 8, 9, np.nan, np.nan]}
    )
    two = compare.milestone_order(agent7, child7).iloc[0]
    assert two["n_not_reached"] == 2
    assert two["tau"] == pytest.approx(20 / np.sqrt(21 * 20))


def test_milestone_order_refuses_fewer_than_five_reached_milestones_in_words():
    child = pd.DataFrame({"milestone": list("abcd"), "age_months": [1.0, 2, 3, 4]})
    agent = pd.DataFrame({"milestone": list("abcd"), "age_months": [5.0, 6, np.nan, np.nan]})
    row = compare.milestone_order(agent, child).iloc[0]
    assert np.isnan(row["tau"]) and np.isnan(row["p_value"])
    assert row["n_reached"] == 2
    assert row["why_missing"] == "only 2 of 4 milestones reached; an order needs at least 5"
    dropped = compare.milestone_order(agent, child, not_reached="drop").iloc[0]
    assert dropped["n_milestones"] == 2 and np.isnan(dropped["p_value"])


def test_permutation_p_value_is_seeded_beyond_eight_milestones():
    rng = np.random.default_rng(3)
    child = pd.DataFrame({"milestone": list("abcdefghij"), "age_months": np.arange(10.0)})
    agent = child.assign(age_months=child["age_months"] + rng.normal(0, 2, 10))
    a = compare.milestone_order(agent, child, n_permutations=2000, seed=1)
    b = compare.milestone_order(agent, child, n_permutations=2000, seed=1)
    assert not a.loc[0, "exact"] and a.loc[0, "p_value"] == b.loc[0, "p_value"]
    assert 0 < a.loc[0, "p_value"] < 0.05  # a noisy but real order


def test_kendall_tau_b_with_ties():
    assert compare.kendall_tau([1, 2, 3, 4], [1, 2, 2, 3]) == pytest.approx(5 / np.sqrt(30))
    assert np.isnan(compare.kendall_tau([1, 1], [2, 3]))


def test_share_in_windows_counts_never_reached_as_outside():
    ages = pd.DataFrame(
        {"infant": range(4), "milestone": "m", "age_months": [5.0, 12.0, 30.0, np.nan]}
    )
    windows = pd.DataFrame({"milestone": ["m"], "low_months": [4.0], "high_months": [13.0]})
    row = compare.share_in_windows(ages, windows).iloc[0]
    assert (row["n_infants"], row["n_reached"], row["n_inside"]) == (4, 3, 2)
    assert row["share_inside"] == 0.5


def test_logistic_aoa_is_between_last_fail_and_first_pass():
    probes = _switch_probes({0: 5, 1: 20, 2: 1})
    a = compare.logistic_aoa(probes).set_index("infant")["a50_months"]
    assert a[0] == pytest.approx(4.5, abs=1e-6)  # symmetric data: halfway
    assert np.isnan(a[1]) and np.isnan(a[2])  # never passed / passed from the start


def test_cohort_aoa_estimate_inside_its_bootstrap_interval_and_seeded():
    probes = _switch_probes({0: 3, 1: 4, 2: 5, 3: 6, 4: 7})
    out = compare.cohort_aoa(probes, n_boot=300, seed=0).iloc[0]
    assert out["age_months"] == pytest.approx(4.5, abs=0.25)  # 40% pass at 4, 60% at 5
    assert out["ci_low"] <= out["age_months"] <= out["ci_high"]
    assert out["ci_high"] - out["ci_low"] < 4 and out["n_reached"] == 5
    again = compare.cohort_aoa(probes, n_boot=300, seed=0).iloc[0]
    assert (again["ci_low"], again["ci_high"]) == (out["ci_low"], out["ci_high"])
    first = compare.cohort_aoa(probes, method="first_stable", n_boot=300).iloc[0]
    assert first["age_months"] == 5.0 and first["ci_low"] <= 5.0 <= first["ci_high"]


def test_cohort_that_never_passes_has_no_age():
    out = compare.cohort_aoa(_switch_probes({0: 99, 1: 99}), n_boot=50).iloc[0]
    assert np.isnan(out["age_months"]) and out["n_reached"] == 0
    with pytest.raises(ValueError, match="method"):
        compare.cohort_aoa(_switch_probes({0: 3}), method="median")


def test_age_alignment_recovers_a_linear_map_and_flags_the_misplaced():
    child = pd.DataFrame({"milestone": list("abcde"), "age_months": [4.0, 6, 8, 10, 12]})
    agent = child.assign(age_months=2 * child["age_months"] + 1)  # child = (agent - 1) / 2
    fit = compare.age_alignment(agent, child)
    assert fit["slope"].iloc[0] == pytest.approx(0.5)
    assert fit["intercept"].iloc[0] == pytest.approx(-0.5)
    assert np.allclose(fit["residual_months"], 0)
    swapped = agent.assign(age_months=[9.0, 17, 13, 21, 25])  # b after c
    iso = compare.age_alignment(swapped, child, kind="isotonic").set_index("milestone")
    assert iso.loc[["a", "d", "e"], "residual_months"].abs().max() == 0
    assert iso.loc["b", "residual_months"] == pytest.approx(-1.0)
    assert (np.diff(iso["fitted_child_months"]) >= 0).all()


def test_vocabulary_at_the_cdi_median_is_the_50th_percentile():
    norms = reference.cdi_norms("WG", "comprehension")
    items = int(norms["checklist_items"].iloc[0])
    median12 = norms.query("age_months == 12 and percentile == 50")["words"].item()
    p90 = norms.query("age_months == 12 and percentile == 90")["words"].item()
    vocab = pd.DataFrame(
        {
            "infant": [0, 1, 2, 3],
            "age_months": [12.2, 11.8, 12.0, 3.0],
            "words": [median12, 0, p90 + 5, 5],
        }
    )
    out = compare.vocabulary_percentiles(vocab, world_words=items)
    assert len(out) == 3  # 3 months is before the norms
    row = out.set_index("infant")
    assert row.loc[0, "percentile"] == pytest.approx(50) and row.loc[0, "cdi_words"] == median12
    assert row.loc[1, "band"] == "<10" and np.isnan(row.loc[1, "percentile"])
    assert row.loc[2, "band"] == ">90"
    with pytest.raises(ValueError, match="world_words"):
        compare.vocabulary_percentiles(vocab, world_words=0)


def test_a_not_b_slope_against_diamond():
    ages = np.arange(6.0, 13.0)
    rows = []
    for infant, start in ((0, 8.0), (1, 9.0)):
        for a in ages:
            score = -1.0 if a < start else 2.0 * (a - start)  # 2 steps a month once passing
            rows.append({"age_months": a, "infant": infant, "probe": "a_not_b", "score": score})
    out = compare.a_not_b_slope(pd.DataFrame(rows), n_boot=100).set_index("infant")
    assert out.loc[0, "slope_steps_per_month"] == pytest.approx(2.0)
    assert out.loc["cohort", "slope_steps_per_month"] == pytest.approx(2.0)
    assert out.loc["cohort", "child_s_per_month"] == 2.0  # read from the reference finding
    assert out.loc["cohort", "seconds_per_step_implied"] == pytest.approx(1.0)
    assert "Diamond" in out.loc["cohort", "source"]
