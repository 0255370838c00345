"""The development criteria and System M's schedule fit, on constructed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infancy.analysis.compare import child_milestones
from infancy.analysis.development import (
    development_criteria,
    kept_share,
    order_by_condition,
    schedule_fit,
    trap_firing,
    trap_reading,
)

PROBES = list(child_milestones()["milestone"])


def _probes(pass_from: dict[str, float], n: int = 8, lose_after: float | None = None):
    """Batteries every month, 1-24: each infant passes probe p from ``pass_from[p]``
    (never if missing), and stops passing after ``lose_after`` months if given."""
    rows = []
    for age in np.arange(1.0, 25.0):
        for infant in range(n):
            for probe in PROBES:
                start = pass_from.get(probe)
                passed = start is not None and age >= start
                if lose_after is not None and age > lose_after:
                    passed = False
                score = 3.0 if probe == "word_comprehension" and passed else float(passed)
                if probe == "word_comprehension" and passed and age >= 18:
                    score = 5.0
                rows.append(
                    {
                        "age_months": age,
                        "infant": infant,
                        "probe": probe,
                        "score": score if probe != "a_not_b" else (age if passed else -1.0),
                        "passed": passed,
                        "errors": max(0.0, 0.5 - age / 50) if probe == "a_not_b" else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def test_a_cohort_that_develops_in_the_childrens_order_meets_the_criteria():
    children = child_milestones().set_index("milestone")["age_months"]
    crit = development_criteria(_probes(children.to_dict())).set_index("criterion")
    assert crit.loc["probes passed stably by >= 3/4 of the infants", "value"] == 8
    assert crit["met"].iloc[0]
    tau = crit.loc["milestone order against children (Kendall tau-b, cohort medians)"]
    assert tau["value"] >= 0.95 and tau["met"]  # monthly batteries tie a few children's ages
    words = crit.loc["words known by looking, median infant at the end"]
    assert words["value"] == 5.0 and words["met"]
    assert crit.loc["A-not-B perseverative errors fall with age (slope per month, 95% CI)", "met"]
    assert crit.loc["A-not-B delay tolerated rises with age (steps per month, 95% CI)", "met"]


def _interval(detail: str) -> tuple[float, float]:
    lo, hi = detail.split("interval over infants [")[1].rstrip("]").split(", ")
    return float(lo), float(hi)


def test_the_order_says_how_far_a_draw_of_eight_infants_moves_it():
    """The tau-b row gives a bootstrap interval over infants: none where every infant
    develops alike, a wide one where infants of one cohort differ by months."""
    name = "milestone order against children (Kendall tau-b, cohort medians)"
    children = child_milestones().set_index("milestone")["age_months"]
    alike = development_criteria(_probes(children.to_dict())).set_index("criterion").loc[name]
    assert _interval(alike["detail"]) == (round(alike["value"], 2),) * 2
    rng = np.random.default_rng(3)
    t = _probes(children.to_dict())
    onset = {(i, k): rng.uniform(1, 20) for i in range(8) for k in PROBES}
    t["passed"] = [
        a >= onset[(i, k)] for a, i, k in zip(t.age_months, t.infant, t.probe, strict=True)
    ]
    row = development_criteria(t).set_index("criterion").loc[name]
    lo, hi = _interval(row["detail"])
    assert lo <= row["value"] <= hi and hi - lo > 0.3, row["detail"]


def _cohort(rng, onset: dict[str, float], spread: float) -> pd.DataFrame:
    """A cohort whose infants pass each probe from ``onset`` +- ``spread`` months."""
    t = _probes(onset)
    start = {(i, k): onset[k] + rng.uniform(-spread, spread) for i in range(8) for k in PROBES}
    t["passed"] = [
        a >= start[(i, k)] for a, i, k in zip(t.age_months, t.infant, t.probe, strict=True)
    ]
    return t


def test_order_by_condition_tells_a_real_difference_from_chance():
    rng = np.random.default_rng(5)
    children = child_milestones().set_index("milestone")["age_months"].to_dict()
    backwards = {k: 26.0 - v for k, v in children.items()}
    tables = {}
    for s in range(3):
        tables["default", s] = _cohort(rng, children, 4.0)
        tables["same", s] = _cohort(rng, children, 4.0)  # the same infant, other draws
        tables["backwards", s] = _cohort(rng, backwards, 4.0)
    tables["elsewhere", 7] = _cohort(rng, children, 4.0)
    out = order_by_condition(tables, n_boot=300).set_index("condition")
    same, back = out.loc["same"], out.loc["backwards"]
    assert same["diff_low"] < 0 < same["diff_high"]  # chance
    assert back["diff_high"] < 0 and back["p_not_above"] == 1.0 and back["tau_b"] < 0
    assert out.loc["default", "ci_low"] <= out.loc["default", "tau_b"] <= 1.0
    assert pd.isna(out.loc["default", "diff"])
    # No seed in common with the baseline: no difference is claimed.
    assert pd.isna(out.loc["elsewhere", "compared_on"]) and pd.isna(out.loc["elsewhere", "diff"])
    assert out.loc["backwards", "compared_on"] == "0, 1, 2"
    # A condition's row is the same whatever else is in the table.
    pair = {k: v for k, v in tables.items() if k[0] in ("default", "same")}
    alone = order_by_condition(pair, n_boot=300).set_index("condition")
    pd.testing.assert_series_equal(alone.loc["same"], out.loc["same"])


def test_a_cohort_that_passes_and_forgets_fails_the_keeping_criterion():
    crit = development_criteria(_probes({p: 3.0 for p in PROBES}, lose_after=12.0))
    kept = crit.set_index("criterion").loc[
        "a passed probe stays passed (share at the end / its peak)"
    ]
    assert kept["value"] == 0.0 and kept["met"] is not None and not kept["met"]


def _noisy_cohort(rng, p: float, *, keep: float = 1.0, n: int = 8) -> pd.DataFrame:
    """One probe, batteries every half month to 24: each infant acquires it at 5-12
    months and then passes a battery with probability ``p`` (a noisy count, as a probe's
    trials make it); with ``keep`` < 1, from 14-18 months with ``keep * p``."""
    ages = np.arange(1, 49) * 0.5
    acquired = rng.uniform(5, 12, n)[:, None]
    q = np.where(ages >= acquired, p, 0.02)
    q = np.where(ages >= rng.uniform(14, 18, n)[:, None], q * keep, q)
    passed = rng.random(q.shape) < q
    return pd.DataFrame(
        {
            "age_months": np.tile(ages, n),
            "infant": np.repeat(np.arange(n), ages.size),
            "probe": "reaching",
            "passed": passed.reshape(-1),
        }
    )


def test_kept_over_windows_passes_a_noisy_stable_skill_and_fails_a_lost_one():
    # The literal single-battery ratio fails a skill that never changes about half the
    # time at a true share of 0.8 (the largest of 48 noisy shares against one); the
    # windowed ratio keeps it, and still fails a cohort that loses 40% or 60% of it.
    rng = np.random.default_rng(0)

    def literal(t):
        share = t.groupby("age_months")["passed"].mean()
        return share.iloc[-1] / share.max()

    stable = [_noisy_cohort(rng, 0.8) for _ in range(200)]
    assert np.mean([literal(t) >= 0.8 for t in stable]) < 0.65
    assert np.mean([kept_share(t)["kept"].iloc[0] >= 0.8 for t in stable]) >= 0.95
    for keep in (0.4, 0.6):
        lost = [_noisy_cohort(rng, 0.8, keep=keep) for _ in range(200)]
        assert np.mean([kept_share(t)["kept"].iloc[0] >= 0.8 for t in lost]) <= 0.05


def test_kept_over_windows_names_the_peak_stretch_and_skips_unpassed_probes():
    t = _probes({"reaching": 3.0, "locomotion": 6.0}, lose_after=12.0)
    win = kept_share(t).set_index("probe")
    assert set(win.index) == {"reaching", "locomotion"}  # never passed: no peak, left out
    assert win.loc["reaching", "peak_share"] == 1.0 and win.loc["reaching", "kept"] == 0.0
    assert 3.0 <= win.loc["reaching", "peak_from"] and win.loc["reaching", "peak_to"] <= 12.0
    crit = development_criteria(t).set_index("criterion")
    row = crit.loc["a passed probe stays passed, over 4-month windows (last 4 months / best 4)"]
    assert row["met"] is not None and not row["met"] and "reaching: 0.00" in row["detail"]
    assert kept_share(t[t["age_months"] <= 2]).empty  # two batteries: shorter than a window


def test_a_cohort_that_passes_nothing_says_what_cannot_be_computed_in_words():
    crit = development_criteria(_probes({})).set_index("criterion")
    assert not crit["met"].iloc[0]
    tau = crit.loc["milestone order against children (Kendall tau-b, cohort medians)"]
    assert tau["met"] is None and "cannot be computed" in tau["detail"]
    kept = crit.loc["a passed probe stays passed (share at the end / its peak)"]
    assert kept["met"] is None and "no probe was passed" in kept["detail"]
    win = crit.loc["a passed probe stays passed, over 4-month windows (last 4 months / best 4)"]
    assert win["met"] is None and "cannot be computed" in win["detail"]
    assert "nan" not in " ".join(crit["detail"]).lower()


def _audit(modes: np.ndarray, energy: np.ndarray, social: np.ndarray) -> pd.DataFrame:
    n, t = modes.shape
    names = np.array(["observe", "act", "imagine", "sleep"])
    return pd.DataFrame(
        {
            "infant": np.repeat(np.arange(n), t),
            "step": np.tile(np.arange(t) * 64, n),
            "mode": names[modes.reshape(-1)],
            "energy": energy.reshape(-1),
            "social": social.reshape(-1),
            "intrinsic_weight": 0.1,
        }
    )


def test_schedule_fit_catches_a_fixed_schedule_and_not_a_signal_driven_m():
    """The cheapest fake of "M decides": a fixed schedule. The fit reproduces it
    entirely; decisions driven by a signal the rule does not read (here a random
    stress-like input) it reproduces only in part."""
    rng = np.random.default_rng(0)
    n, t = 8, 300
    energy = rng.random((n, t))
    social = rng.random((n, t))
    chunk = np.arange(t)[None].repeat(n, 0)
    fixed = np.where(energy < 0.2, 3, np.where(chunk % 4 == 0, 2, 1))
    assert schedule_fit(_audit(fixed, energy, social))["accuracy"].iloc[0] == 1.0
    hidden = rng.random((n, t))
    driven = np.where(energy < 0.2, 3, np.where(hidden > 0.6, 2, np.where(hidden < 0.3, 0, 1)))
    fit = schedule_fit(_audit(driven, energy, social))
    assert fit["accuracy"].iloc[0] < 0.75


def test_trap_firing_counts_damped_decisions():
    audit = pd.DataFrame(
        {"intrinsic_weight": [0.1, 0.025, 0.1, 0.025], "stage": ["a", "a", "b", "b"]}
    )
    out = trap_firing(audit, 0.1).set_index("stage")
    assert out.loc["a", "share_damped"] == 0.5 and out.loc["b", "damped"] == 1
    # By the room each decision was made in; one row, "all", without such a column.
    rooms = trap_firing(audit.assign(world=["tv", "tv", "tv", "play"]), 0.1, by="world")
    assert rooms.set_index("world")["share_damped"].to_dict() == {"play": 1.0, "tv": 1 / 3}
    part = trap_firing(audit.assign(world=[None, "tv", "tv", "tv"]), 0.1, by="world")
    assert part.set_index("world")["decisions"].to_dict() == {"not recorded": 1, "tv": 3}
    whole = trap_firing(audit, 0.1, by="world")
    assert whole["world"].tolist() == ["all"] and whole["decisions"].tolist() == [4]


def test_trap_reading_flags_runs_over_the_threshold():
    """A decision is flagged once the signal has been above the threshold for ``chunks``
    decisions running for that infant, in step order; a run carries across rooms but not
    from one infant to the next; NaN or a value at the threshold ends a run; the novelty
    trap also asks for no learning progress."""
    audit = pd.DataFrame(
        {
            "infant": [0] * 7 + [1] * 3,
            "step": [0, 1, 2, 3, 4, 5, 6, 0, 1, 2],
            "noise": [2.0, 2.0, np.nan, 2.0, 2.0, 2.0, 2.0, 2.0, 1.5, 2.0],
            "world": ["tv"] * 4 + ["play"] * 3 + ["tv"] * 3,
        }
    )
    shuffled = audit.sample(frac=1.0, random_state=1)
    twice = trap_reading(shuffled, 1.5, chunks=2).set_index("world")
    # Infant 0: its first run (steps 0-1) flags step 1, the NaN at step 2 ends it; its
    # second starts at step 3 in tv and carries into play (steps 4, 5, 6). Infant 1's
    # step 0 does not carry infant 0's run, and 1.5 is not above 1.5: nothing.
    assert twice["flagged"].to_dict() == {"play": 3, "tv": 1}
    once = trap_reading(audit, 1.5, chunks=1, by="all")
    assert once["flagged"].tolist() == [8] and once["decisions"].tolist() == [10]
    lp_a = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    novel = audit.rename(columns={"noise": "novelty"}).assign(lp_a=lp_a)
    # Learning progress at infant 0's step 4 breaks its second run: steps 1 and 6 only.
    assert trap_reading(novel, 1.5, 2, signal="novelty")["flagged"].sum() == 2
    with pytest.raises(ValueError, match="chunks: expected at least 1"):
        trap_reading(audit, 1.5, chunks=0)
    with pytest.raises(ValueError, match="audit: no column 'lp_a'"):
        trap_reading(audit.rename(columns={"noise": "novelty"}), 1.5, signal="novelty")
