"""Does development happen? The criteria of issue 19, from a lifetime's tables.

Torch-free, tidy DataFrames in and out. :func:`development_criteria` reads a cohort's
probe table and says, criterion by criterion, what was measured, the target and whether
it was met; :func:`schedule_fit` asks how much of System M's decisions a rule on the
chunk index and energy alone could reproduce (the construct: "M decides from what it
reads"; the cheapest fake: a fixed schedule, which this statistic catches);
:func:`trap_firing` says where M damped curiosity, and :func:`trap_reading` where a trap
of another threshold or run length would have, read off the same audit.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from .acquisition import first_stable_pass
from .compare import a_not_b_slope, child_milestones, kendall_tau

__all__ = [
    "development_criteria",
    "kept_share",
    "order_by_condition",
    "schedule_fit",
    "trap_firing",
    "trap_reading",
]

MODE_NAMES = ("observe", "act", "imagine", "sleep")


def _row(criterion: str, value, target: str, met, detail: str) -> dict:
    return {"criterion": criterion, "value": value, "target": target, "met": met, "detail": detail}


def _slope_ci(x: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int = 0, n_boot: int = 1000):
    """Least-squares slope of y on x, with a bootstrap 95% CI over ``groups`` (infants)."""

    def slope(xs, ys):
        if len(xs) < 2 or np.ptp(xs) == 0:
            return np.nan
        return float(np.polyfit(xs, ys, 1)[0])

    est = slope(x, y)
    rng = np.random.default_rng(seed)
    ids = np.unique(groups)
    boots = []
    for _ in range(n_boot):
        pick = rng.choice(ids, ids.size)
        idx = np.concatenate([np.flatnonzero(groups == g) for g in pick])
        boots.append(slope(x[idx], y[idx]))
    boots = np.array([b for b in boots if np.isfinite(b)])
    if not np.isfinite(est) or boots.size == 0:
        return est, np.nan, np.nan
    return est, float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))


def _onsets(p: pd.DataFrame, first: pd.DataFrame):
    """Each infant's first stable pass of each probe of ``p`` (``first``, as
    :func:`first_stable_pass` gives it; ``inf``: never), as an ``infants x probes``
    array, with the probes' names and the children's ages."""
    names = list(dict.fromkeys(p["probe"]))
    children = child_milestones(names).set_index("milestone")["age_months"]
    names = [k for k in names if k in children.index]
    infants = list(dict.fromkeys(p["infant"]))
    ages = np.full((len(infants), len(names)), np.inf)
    row = {v: i for i, v in enumerate(infants)}
    col = {v: j for j, v in enumerate(names)}
    for r in first.itertuples():
        if r.probe in col and np.isfinite(r.age_months):
            ages[row[r.infant], col[r.probe]] = r.age_months
    return ages, names, children[names].to_numpy(dtype=float)


def _median_tau(ages: np.ndarray, ref: np.ndarray) -> float:
    """tau-b of the cohort medians against the children's ages (``nan`` below 3
    reached medians)."""
    med = np.median(ages, axis=0)
    ok = np.isfinite(med)
    return float(kendall_tau(med[ok], ref[ok])) if ok.sum() >= 3 else np.nan


def _tau_draws(ages: np.ndarray, ref: np.ndarray, rng: np.random.Generator, n_boot: int):
    """``n_boot`` tau-b of the medians of the cohort drawn again with replacement."""
    n = len(ages)
    return np.array([_median_tau(ages[rng.integers(0, n, n)], ref) for _ in range(n_boot)])


def order_by_condition(
    probes: dict[tuple[str, int], pd.DataFrame],
    *,
    baseline: str = "default",
    stable: int = 2,
    end_months: float = 24.0,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The milestone order against children per condition, over its seeds, and its
    difference to ``baseline``, each with a bootstrap interval over infants.

    The construct: does a condition order the milestones more like children than the
    baseline does? One seed's tau-b moves by 0.3 or more when its 8 infants are drawn
    again (the interval of :func:`development_criteria`), so a difference between two
    conditions on a few seeds may be chance. Each draw resamples the infants of every
    cohort (condition x seed) with replacement, orders its medians again and averages
    tau-b over the condition's seeds; chance: two conditions of the same infant give
    a difference whose interval holds 0.

    Parameters
    ----------
    probes
        ``(condition, seed) -> probe table`` (as :func:`development_criteria` reads).
    baseline
        The condition the others are compared with (absent: no differences).
    stable, end_months
        As :func:`development_criteria`.
    n_boot, seed
        Bootstrap draws and their generator's seed.

    Returns
    -------
    pandas.DataFrame
        ``condition, seeds, tau_b, ci_low, ci_high, compared_on, diff, diff_low,
        diff_high, p_not_above``: the mean tau-b over the condition's seeds with its 95%
        interval; the difference to the baseline over the seeds both ran
        (``compared_on``), with its interval and ``p_not_above``, the share of draws in
        which the condition's mean is not above the baseline's. Missing (``NaN``) for
        the baseline's own difference, where no seed is shared, and where a draw
        leaves fewer than 3 medians reached; a report says so in words.
    """
    runs: dict[str, dict[int, tuple]] = {}
    for (cond, s), table in sorted(probes.items(), key=lambda kv: kv[0]):
        p = table[table["age_months"] <= end_months + 1e-9]
        ages, _, ref = _onsets(p, first_stable_pass(p, stable))
        runs.setdefault(cond, {})[s] = (ages, ref)
    # One array of draws per cohort (condition, seed), each cohort's infants drawn on
    # their own: a difference is then taken draw by draw over the seeds both conditions
    # ran (independent cohorts, so the draws of the two need no pairing of infants).
    # Each cohort has its own generator, so that its draws do not depend on which other
    # conditions are in the table.
    point, draws = {}, {}
    for cond, by_seed in runs.items():
        for s, (ages, ref) in by_seed.items():
            rng = np.random.default_rng([seed, zlib.crc32(cond.encode()), s])
            point[cond, s] = _median_tau(ages, ref)
            draws[cond, s] = _tau_draws(ages, ref, rng, n_boot)

    def mean(cond, seeds, table):
        return np.mean([table[cond, s] for s in seeds], axis=0)

    def q(x, at):
        return float(np.quantile(x, at)) if np.isfinite(x).all() else None

    rows = []
    for cond, by_seed in runs.items():
        seeds = sorted(by_seed)
        tau, d = mean(cond, seeds, point), mean(cond, seeds, draws)
        row = {
            "condition": cond,
            "seeds": ", ".join(map(str, seeds)),
            "tau_b": float(tau) if np.isfinite(tau) else None,
            "ci_low": q(d, 0.025),
            "ci_high": q(d, 0.975),
            "compared_on": None,
            "diff": None,
            "diff_low": None,
            "diff_high": None,
            "p_not_above": None,
        }
        both = [s for s in seeds if s in runs.get(baseline, {})]
        if cond != baseline and both:
            gap = mean(cond, both, point) - mean(baseline, both, point)
            diff = mean(cond, both, draws) - mean(baseline, both, draws)
            if np.isfinite(gap) and np.isfinite(diff).all():
                row.update(
                    compared_on=", ".join(map(str, both)),
                    diff=float(gap),
                    diff_low=q(diff, 0.025),
                    diff_high=q(diff, 0.975),
                    p_not_above=float(np.mean(diff <= 0)),
                )
        rows.append(row)
    return pd.DataFrame(rows)


def _tau_ci(
    p: pd.DataFrame, first: pd.DataFrame, seed: int = 0, n_boot: int = 1000
) -> tuple[float, float]:
    """95% bootstrap interval of the milestone-order tau-b over infants: the cohort is
    drawn again with replacement and its medians ordered again. With 8 infants the
    medians, and so the order, move by months from one draw to the next (session 24:
    the interval of one seed spans 0.2 to 0.7), which a single tau-b hides."""
    ages, _, ref = _onsets(p, first)
    taus = _tau_draws(ages, ref, np.random.default_rng(seed), n_boot)
    taus = taus[np.isfinite(taus)]
    if taus.size == 0:
        return np.nan, np.nan
    return float(np.quantile(taus, 0.025)), float(np.quantile(taus, 0.975))


def kept_share(probes: pd.DataFrame, *, window_months: float = 4.0) -> pd.DataFrame:
    """Whether each probe, once passed, stays passed: the share of infants passing over
    the last ``window_months`` of batteries against the best stretch of the same length.

    Construct: a skill, once acquired, is kept. The share passing one battery is a noisy
    count (a handful of infants, each passing or failing a few trials), so the issue's
    literal reading, the last battery's share over the highest battery's, compares one
    draw with the largest of dozens: a cohort whose ability never changes fails it most
    of the time (at a true share of 0.8, half the time;
    ``tests/analysis/test_development_criteria.py`` runs it). Averaging over a window of
    batteries at both ends removes most of that bias while a real loss still shows: a
    cohort that loses 40% of its passing share in mid-life scores about 0.6. Chance: a
    probe passed by no infant has no peak and is left out; the cheapest fake, a cohort
    that passes well only for a while, is what the ratio catches.

    Parameters
    ----------
    probes
        Long-form probe rows (``age_months, infant, probe, passed``), batteries evenly
        spaced in age.
    window_months
        The length of both stretches; ``window_months`` over the batteries' spacing
        batteries each.

    Returns
    -------
    pandas.DataFrame
        ``probe, end_share, peak_share, peak_from, peak_to, kept`` for every probe some
        infant passed in some battery: the mean share passing in the last window, the
        best window's mean share and its first and last battery ages, and their ratio.
        Empty (with those columns) when there are fewer batteries than one window.
    """
    cols = ["probe", "end_share", "peak_share", "peak_from", "peak_to", "kept"]
    share = probes.groupby(["probe", "age_months"])["passed"].mean().unstack(0).sort_index()
    ages = share.index.to_numpy(dtype=float)
    if ages.size < 2:
        return pd.DataFrame(columns=cols)
    spacing = float(np.median(np.diff(ages)))
    w = max(1, round(window_months / spacing))
    if ages.size < w:
        return pd.DataFrame(columns=cols)
    rolled = share.rolling(w).mean().iloc[w - 1 :]
    rows = []
    for probe in dict.fromkeys(probes["probe"]):
        col = rolled[probe]
        peak = float(col.max())
        if peak <= 0:
            continue
        at = int(np.argmax(col.to_numpy()))
        rows.append(
            {
                "probe": probe,
                "end_share": float(col.iloc[-1]),
                "peak_share": peak,
                "peak_from": float(ages[at]),
                "peak_to": float(ages[at + w - 1]),
                "kept": float(col.iloc[-1]) / peak,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def development_criteria(
    probes: pd.DataFrame, *, stable: int = 2, end_months: float = 24.0, n_infants: int | None = None
) -> pd.DataFrame:
    """Issue 19's criteria for one cohort's probe table.

    Parameters
    ----------
    probes
        Long-form probe rows (``age_months, infant, probe, score, passed``; ``errors``
        for A-not-B).
    stable
        Consecutive passing batteries that make a milestone.
    end_months
        The age by which milestones count (the last battery at or before it is "the
        end").
    n_infants
        Cohort size (the number of infants in ``probes`` by default).

    Returns
    -------
    pandas.DataFrame
        ``criterion, value, target, met, detail``: ``met`` is ``True``/``False``, or
        ``None`` where the statistic cannot be computed (``detail`` says why).
    """
    p = probes[probes["age_months"] <= end_months + 1e-9]
    n = int(n_infants or p["infant"].nunique())
    names = list(dict.fromkeys(p["probe"]))
    first = first_stable_pass(p, stable)
    rows = []
    # 1. milestones reached stably, and kept
    reached = first.dropna().groupby("probe")["infant"].nunique().reindex(names, fill_value=0)
    enough = int((reached >= int(np.ceil(0.75 * n))).sum())
    rows.append(
        _row(
            "probes passed stably by >= 3/4 of the infants",
            enough,
            f">= 7 of {len(names)}",
            enough >= 7,
            "; ".join(f"{k}: {v}/{n}" for k, v in reached.items()),
        )
    )
    share = p.groupby(["probe", "age_months"])["passed"].mean().unstack(0)
    last_age = share.index.max()
    kept = []
    for probe in names:
        col = share[probe]
        peak = col.max()
        if peak > 0:
            kept.append((probe, float(col.loc[last_age] / peak)))
    if kept:
        worst = min(v for _, v in kept)
        rows.append(
            _row(
                "a passed probe stays passed (share at the end / its peak)",
                round(worst, 3),
                ">= 0.8 for every probe ever passed",
                worst >= 0.8,
                "; ".join(f"{k}: {v:.2f}" for k, v in kept),
            )
        )
    else:
        rows.append(
            _row(
                "a passed probe stays passed (share at the end / its peak)",
                None,
                ">= 0.8 for every probe ever passed",
                None,
                "no probe was passed by any infant in any battery: nothing to keep",
            )
        )
    # The same over 4-month windows (kept_share: the single-battery ratio above is
    # defeated by noise, failing cohorts whose ability never changes).
    win = kept_share(p)
    name = "a passed probe stays passed, over 4-month windows (last 4 months / best 4)"
    if len(win):
        worst = float(win["kept"].min())
        rows.append(
            _row(
                name,
                round(worst, 3),
                ">= 0.8 for every probe ever passed",
                worst >= 0.8,
                "; ".join(
                    f"{r.probe}: {r.kept:.2f} ({r.end_share:.2f} / {r.peak_share:.2f} at "
                    f"{r.peak_from:g}-{r.peak_to:g} mo)"
                    for r in win.itertuples()
                ),
            )
        )
    else:
        rows.append(
            _row(
                name,
                None,
                ">= 0.8 for every probe ever passed",
                None,
                "cannot be computed: no probe was passed by any infant in any battery, or"
                " the batteries span less than 4 months",
            )
        )
    # 2. milestone order against children (cohort medians; not reached = later than all)
    med = {}
    for probe in names:
        ages = first.loc[first["probe"] == probe, "age_months"].to_numpy(dtype=float)
        ages = np.where(np.isnan(ages), np.inf, ages)
        m = float(np.median(ages)) if ages.size else np.inf
        med[probe] = m
    children = child_milestones(names).set_index("milestone")["age_months"]
    common = [k for k in names if k in children.index and np.isfinite(med[k])]
    if len(common) >= 3:
        tau = kendall_tau([med[k] for k in common], [children[k] for k in common])
        lo, hi = _tau_ci(p, first)
        interval = (
            f"95% bootstrap interval over infants [{lo:.2f}, {hi:.2f}]"
            if np.isfinite(lo)
            else "its interval cannot be computed: no draw of the infants reached 3 medians"
        )
        rows.append(
            _row(
                "milestone order against children (Kendall tau-b, cohort medians)",
                round(float(tau), 3),
                ">= 0.6",
                bool(tau >= 0.6),
                f"over {len(common)} probes whose median infant reached them; {interval}",
            )
        )
    else:
        rows.append(
            _row(
                "milestone order against children (Kendall tau-b, cohort medians)",
                None,
                ">= 0.6",
                None,
                f"cannot be computed: the median infant reached {len(common)} of "
                f"{len(names)} milestones (3 are needed for an order)",
            )
        )
    # 3. words
    words = p[p["probe"] == "word_comprehension"]
    if len(words):
        by_age = words.groupby("age_months")["score"].median()
        end_words = float(by_age.iloc[-1])
        rises = (
            kendall_tau(by_age.index.to_numpy(), by_age.to_numpy()) if by_age.nunique() > 1 else 0.0
        )
        rows.append(
            _row(
                "words known by looking, median infant at the end",
                end_words,
                ">= 4 of 7, rising with age",
                bool(end_words >= 4 and rises > 0),
                f"median by age: {', '.join(f'{a:g}: {v:g}' for a, v in by_age.items())}",
            )
        )
    # 4. A-not-B errors fall with age; VoE above chance by 6 months
    anb = p[(p["probe"] == "a_not_b") & p["errors"].notna()] if "errors" in p else p[:0]
    if len(anb):
        est, lo, hi = _slope_ci(
            anb["age_months"].to_numpy(float),
            anb["errors"].to_numpy(float),
            anb["infant"].to_numpy(),
        )
        if np.isfinite(est):
            rows.append(
                _row(
                    "A-not-B perseverative errors fall with age (slope per month, 95% CI)",
                    round(est, 4),
                    "CI below 0",
                    bool(hi < 0),
                    f"95% bootstrap CI over infants [{lo:.4f}, {hi:.4f}]",
                )
            )
    # The delay tolerated: the project's own A-not-B slope (per infant from its first
    # pass, the cohort's mean with a bootstrap CI over infants).
    cohort = a_not_b_slope(p).set_index("infant").loc["cohort"]
    name = "A-not-B delay tolerated rises with age (steps per month, 95% CI)"
    if np.isfinite(cohort["ci_low"]):
        rows.append(
            _row(
                name,
                round(float(cohort["slope_steps_per_month"]), 4),
                "CI above 0",
                bool(cohort["ci_low"] > 0),
                f"95% bootstrap CI over infants [{cohort['ci_low']:.4f}, {cohort['ci_high']:.4f}]",
            )
        )
    else:
        rows.append(
            _row(
                name,
                None,
                "CI above 0",
                None,
                "cannot be computed: fewer than two infants found the toy at B at two "
                "batteries or more",
            )
        )
    voe = p[(p["probe"] == "violation_of_expectation") & (p["age_months"] <= 6.0)]
    if len(voe):
        by = voe.groupby("infant")["passed"].any()
        rows.append(
            _row(
                "violation of expectation above chance by 6 months (infants passing)",
                int(by.sum()),
                f"a majority of {n}",
                bool(by.sum() > n / 2),
                "passed at least one battery at or before 6 months",
            )
        )
    return pd.DataFrame(rows, columns=["criterion", "value", "target", "met", "detail"])


def schedule_fit(
    audit: pd.DataFrame, *, periods=range(1, 9), energy_bins: int = 10
) -> pd.DataFrame:
    """How much of System M's decisions a rule on the chunk index and energy could
    reproduce: the in-sample accuracy of the best lookup table from (chunk index modulo
    ``p``, energy decile, the previous mode) to the mode, over ``p`` in ``periods``; and
    the same with social salience (in two bins) added, the four-line rule's inputs.
    Being in-sample, it is an upper bound for any rule of that form.

    Parameters
    ----------
    audit
        System M's audit (``infant, step, mode, energy``, ``social``).

    Returns
    -------
    pandas.DataFrame
        ``inputs, period, accuracy, decisions``: the best period per set of inputs.
    """
    a = audit.sort_values(["infant", "step"]).copy()
    a["chunk"] = a.groupby("infant").cumcount()
    a["previous"] = a.groupby("infant")["mode"].shift(1).fillna("none")
    a["energy_bin"] = np.minimum(
        (a["energy"].to_numpy() * energy_bins).astype(int), energy_bins - 1
    )
    a["social_bin"] = (a["social"] > a["social"].median()).astype(int) if "social" in a else 0
    out = []
    for inputs, keys in (
        ("chunk index, energy, previous mode", ["phase", "energy_bin", "previous"]),
        ("+ social salience", ["phase", "energy_bin", "previous", "social_bin"]),
    ):
        best = (0.0, 0)
        for period in periods:
            a["phase"] = a["chunk"] % period
            counts = a.groupby(keys)["mode"].value_counts()
            hits = counts.groupby(level=list(range(len(keys)))).max().sum()
            acc = float(hits / len(a))
            if acc > best[0]:
                best = (acc, period)
        out.append(
            {
                "inputs": inputs,
                "period": best[1],
                "accuracy": round(best[0], 4),
                "decisions": len(a),
            }
        )
    return pd.DataFrame(out)


def _share_by(a: pd.DataFrame, flag: str, by: str) -> pd.DataFrame:
    """The share, count and number of rows of boolean column ``flag`` by ``by`` (one row,
    ``all``, when ``a`` has no such column); ``a`` is changed."""
    if by not in a:
        a[by] = "all"
    # Rows written before the column existed (a run resumed across the change).
    a[by] = a[by].fillna("not recorded")
    return (
        a.groupby(by)[flag]
        .agg(["mean", "sum", "size"])
        .rename(columns={"mean": f"share_{flag}", "sum": flag, "size": "decisions"})
        .reset_index()
    )


def trap_firing(audit: pd.DataFrame, base_weight: float, by: str = "stage") -> pd.DataFrame:
    """Where System M damped curiosity: the share of decisions with an intrinsic weight
    below ``base_weight``, by ``by`` (``stage``, or ``world``: the room the decision was
    made in), or overall (one row, ``all``) when the audit has no such column."""
    a = audit.copy()
    a["damped"] = a["intrinsic_weight"] < base_weight - 1e-9
    return _share_by(a, "damped", by)


def trap_reading(
    audit: pd.DataFrame,
    threshold: float,
    chunks: int = 1,
    signal: str = "noise",
    by: str = "world",
) -> pd.DataFrame:
    """Where a noisy-TV trap of ``threshold`` and ``chunks`` would have damped curiosity,
    read off one lifetime's audit: the share of decisions at which ``signal`` had been
    above ``threshold`` for ``chunks`` decisions running, infant by infant in step order,
    by ``by`` (``world`` by default, unlike :func:`trap_firing`; or overall, one row
    ``all``, when the audit has no such column).

    It is the rule System M's ``rule`` trap applies to the signal it reads each chunk
    when ``m.rule.trap_rate`` is 1 (``signal`` ``novelty`` also asks for no learning
    progress, ``lp_a <= 0``), with its run counted across rooms as M counts it; a signal
    that could not be read (NaN) ends a run. So on a lifetime lived with that very trap
    (``trap_damping`` below 1, no constraint overriding M's intrinsic weight) it gives
    :func:`trap_firing`'s counts with ``base_weight`` the rule's ``intrinsic_weight``. On
    a lifetime lived with another, it is what that trap would have flagged of the same
    decisions, without the trap's own feedback on behaviour (a damped infant looks
    elsewhere, and reads other values after). Audits of several lifetimes must be read
    one by one: their infants share numbers.

    Parameters
    ----------
    audit
        One lifetime's System M audit: ``infant``, ``step`` and ``signal`` (and ``lp_a``
        for novelty).
    threshold
        The value the signal must pass (``trap_noise`` or ``trap_novelty``).
    chunks
        Decisions running over it before the trap fires (``trap_chunks``), at least 1.
    signal
        The audit's column the trap reads (``trap_signal``).
    by
        The column to group by (``world``: the room; ``stage``).

    Returns
    -------
    pandas.DataFrame
        ``by``, ``share_flagged``, ``flagged`` and ``decisions``.

    Raises
    ------
    ValueError
        ``chunks`` below 1, or a column the reading needs missing from ``audit``.
    """
    if chunks < 1:
        raise ValueError(f"chunks: expected at least 1, got {chunks}")
    for col in ("infant", "step", signal) + (("lp_a",) if signal == "novelty" else ()):
        if col not in audit:
            raise ValueError(f"audit: no column {col!r} (trap_reading reads {signal!r})")
    a = audit.sort_values(["infant", "step"], kind="stable")  # a new frame: ours to change
    over = (a[signal] > threshold).fillna(False).astype(bool)
    if signal == "novelty":
        over &= (a["lp_a"] <= 0.0).fillna(False).astype(bool)
    # The length of the run of decisions over the threshold each decision ends: a new run
    # starts at each decision under it, per infant.
    run_id = (~over).astype(np.int64).groupby(a["infant"]).cumsum()
    run = over.astype(np.int64).groupby([a["infant"], run_id]).cumsum()
    a["flagged"] = run >= chunks
    return _share_by(a, "flagged", by)
