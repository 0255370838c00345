"""Comparing an agent cohort's development with children's.

Each probe of the battery has a child counterpart in the shipped reference data, named
by its record (:attr:`infancy.curricula.probe_records.Probe.child`) and read by
:func:`child_milestones`; the functions here measure the cohort and set it against
those ages:

========================  ==========================================================
``logistic_aoa``          per infant: the 50% point of a logistic fitted to the passes
``cohort_aoa``            per probe: the cohort's age of acquisition (first stable
                          pass or logistic 50% point), bootstrap CI over infants
``milestone_order``       Kendall tau-b of the agent order against the child order,
                          with a permutation p-value (exact for up to 8 milestones)
``age_alignment``         a fitted monotone map from simulated to child months, with
                          the residual of each milestone
``share_in_windows``      the share of the cohort inside each child window (WHO 1st to
                          99th percentile)
``vocabulary_percentiles`` the vocabulary placed on CDI percentile bands (normalised,
                          :data:`VOCABULARY_NORMALISATION`)
``a_not_b_slope``         growth of the A-not-B delay tolerated, against Diamond's
                          ~2 s/month
``score_slopes``          each infant's growth of a probe's score with age, from its
                          first pass on
``child_growth``          the children's growth rate of a probe's score, where the
                          literature gives one (the record's ``growth`` row)
========================  ==========================================================

All take and return tidy DataFrames; every random draw goes through ``seed``.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pandas as pd

from infancy.curricula.probe_records import PROBES

from . import reference
from .acquisition import first_stable_pass

__all__ = [
    "VOCABULARY_NORMALISATION",
    "a_not_b_slope",
    "age_alignment",
    "by_milestone",
    "cdi_bands",
    "child_growth",
    "child_milestones",
    "child_sleep_share",
    "cohort_aoa",
    "kendall_tau",
    "logistic_aoa",
    "milestone_order",
    "score_slopes",
    "share_in_windows",
    "short_source",
    "vocabulary",
    "vocabulary_percentiles",
]

CHILD_COLUMNS = [
    "milestone",
    "child_milestone",
    "age_months",
    "low_months",
    "high_months",
    "window",
    "source",
    "confidence",
]

VOCABULARY_NORMALISATION = (
    "agent words known / words in the agent's world x CDI checklist items "
    "(the share of its own vocabulary, read as the same share of the checklist)"
)


def short_source(source: str) -> str:
    """A source cut after its year, for captions: 'Diamond 1985 Child Dev ...' ->
    'Diamond 1985'."""
    m = re.match(r"^(.*?\(?(?:19|20)\d\d[a-z]?\)?)", str(source))
    return (m.group(1) if m else str(source)[:60]).strip(" ,.;")


def child_milestones(probes: list[str] | None = None) -> pd.DataFrame:
    """The child age of each probe's counterpart, read from the reference tables.

    Parameters
    ----------
    probes
        Probe names (default: every probe of
        :data:`~infancy.curricula.probe_records.PROBES`); each probe's record names its
        counterpart (``child``: reference table, row, which age).

    Returns
    -------
    pandas.DataFrame
        ``milestone`` (the probe), ``child_milestone`` (the finding), ``age_months``,
        ``low_months, high_months`` (the published window, ``NaN`` where there is none),
        ``window`` (what the window is), ``source``, ``confidence``; sorted by age, then
        by probe name.
    """
    names = list(PROBES) if probes is None else list(probes)
    unknown = [p for p in names if p not in PROBES]
    if unknown:
        raise ValueError(f"probes: no child counterpart for {unknown}; known: {', '.join(PROBES)}")
    rows = []
    for probe in names:
        c = PROBES[probe].child
        table, key, which = c.table, c.key, c.which
        if table == "findings":
            df = reference.findings()
            row = df[df["finding"] == key].iloc[0]
            age = row[f"age_months_{which}"]
            rows.append((probe, key, age, np.nan, np.nan, "", row["source"], row["confidence"]))
        elif table == "cdc":
            df = reference.cdc_milestones()
            row = df[df["item"] == key].iloc[0]
            rows.append(
                (
                    probe,
                    f"CDC: {key}",
                    row["age_months"],
                    np.nan,
                    row["age_months"],
                    "by this age at least 75% of children",
                    row["source"],
                    row["confidence"],
                )
            )
        else:  # who
            row = reference.who_motor_windows().set_index("milestone").loc[key]
            rows.append(
                (
                    probe,
                    f"WHO: {key.replace('_', ' ')}",
                    row["mean_months"],
                    row["p1_months"],
                    row["p99_months"],
                    "WHO window of achievement (1st-99th percentile)",
                    row["source"],
                    row["confidence"],
                )
            )
    out = pd.DataFrame(rows, columns=CHILD_COLUMNS)
    out["age_months"] = out["age_months"].astype(float)
    return out.sort_values(["age_months", "milestone"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- ages


def _fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, ridge: float = 1e-2):
    """Penalised logistic regression of ``y`` on ``x`` for many data sets at once.

    ``x, y, w``: ``[R, N]`` (weights 0 drop a point). Returns ``(a50, slope)`` arrays of
    length ``R``: ``P(pass) = 1 / (1 + exp(-slope * (age - a50)))``. A small ridge on
    the slope keeps the fit finite when passes and fails are perfectly separated (the
    usual case for one infant), which puts ``a50`` between the last fail and the first
    pass. ``NaN`` where the data hold only passes or only fails.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    y = np.atleast_2d(np.asarray(y, dtype=float))
    w = np.atleast_2d(np.asarray(w, dtype=float))
    centre = (w * x).sum(1, keepdims=True) / np.maximum(w.sum(1, keepdims=True), 1e-12)
    xc = x - centre
    b = np.zeros((x.shape[0], 2))  # intercept, slope
    for _ in range(100):
        eta = b[:, :1] + b[:, 1:] * xc
        p = 1.0 / (1.0 + np.exp(-np.clip(eta, -30, 30)))
        r = w * (y - p)
        g0, g1 = r.sum(1), (r * xc).sum(1) - ridge * b[:, 1]
        v = w * p * (1 - p)
        h00 = v.sum(1) + 1e-9
        h01 = (v * xc).sum(1)
        h11 = (v * xc * xc).sum(1) + ridge
        det = h00 * h11 - h01 * h01
        step0 = (h11 * g0 - h01 * g1) / det
        step1 = (h00 * g1 - h01 * g0) / det
        b[:, 0] += step0
        b[:, 1] += step1
        if np.max(np.abs(np.concatenate([step0, step1]))) < 1e-8:
            break
    slope = b[:, 1]
    a50 = centre[:, 0] - b[:, 0] / np.where(slope > 0, slope, np.nan)
    passes = (w * y).sum(1)
    mixed = (passes > 0) & (passes < w.sum(1))
    # Only inside the ages observed: beyond them the 50% point is an extrapolation of
    # a curve that never got there (or was there from the start).
    seen = w > 0
    lo = np.where(seen, x, np.inf).min(1)
    hi = np.where(seen, x, -np.inf).max(1)
    a50 = np.where(mixed & (slope > 0) & (a50 >= lo) & (a50 <= hi), a50, np.nan)
    return a50, np.where(mixed, slope, np.nan)


def logistic_aoa(probes: pd.DataFrame) -> pd.DataFrame:
    """The 50% point of a logistic fitted to each infant's probe curve.

    Parameters
    ----------
    probes
        Long-form probe rows ``age_months, infant, probe, passed``.

    Returns
    -------
    pandas.DataFrame
        ``infant, probe, a50_months, slope`` (logits per month); ``a50_months`` is
        ``NaN`` where the infant never passed, always passed, passed less often as it
        grew (slope <= 0), or the 50% point falls outside the ages probed.
    """
    rows = []
    for (infant, probe), g in probes.groupby(["infant", "probe"], sort=True):
        a50, slope = _fit_logistic(
            g["age_months"].to_numpy(), g["passed"].to_numpy(float), np.ones(len(g))
        )
        rows.append((infant, probe, a50[0], slope[0]))
    return pd.DataFrame(rows, columns=["infant", "probe", "a50_months", "slope"])


def _bootstrap(n: int, n_boot: int, ci: float, seed: int) -> tuple[np.ndarray, list[float]]:
    """``[n_boot, n]`` resampled row indices and the percentiles of a ``ci`` interval."""
    if not 0 < ci < 1:
        raise ValueError(f"ci: expected a level between 0 and 1, got {ci}")
    pick = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    return pick, [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]


def cohort_aoa(
    probes: pd.DataFrame,
    *,
    method: str = "logistic",
    stable: int = 2,
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """The cohort's age of acquisition of each probe, with a bootstrap CI over infants.

    Parameters
    ----------
    probes
        Long-form probe rows ``age_months, infant, probe, passed``.
    method
        ``"logistic"``: the 50% point of one logistic fitted to all infants' passes
        (the age at which half the batteries are passed); ``"first_stable"``: the median
        over infants of the first stable pass (:func:`first_stable_pass`), an infant that
        never passed counting as later than any age.
    stable
        Consecutive passes for ``"first_stable"``.
    n_boot, ci, seed
        Bootstrap resamples of the infants, interval width, seed.

    Returns
    -------
    pandas.DataFrame
        ``probe, method, age_months, ci_low, ci_high, n_infants, n_reached`` (``NaN``
        where the cohort did not reach the probe; an interval bound is ``NaN`` when it
        falls where the milestone is not reached).
    """
    if method not in ("logistic", "first_stable"):
        raise ValueError(f"method: expected 'logistic' or 'first_stable', got {method!r}")
    firsts = first_stable_pass(probes, stable)
    infants = np.sort(probes["infant"].unique())
    pick, q = _bootstrap(len(infants), n_boot, ci, seed)
    rows = []
    for probe in dict.fromkeys(probes["probe"]):
        g = probes[probes["probe"] == probe]
        first = firsts[firsts["probe"] == probe].set_index("infant")["age_months"]
        first = first.reindex(infants).to_numpy(float)
        reached = int(np.isfinite(first).sum())
        if method == "first_stable":
            filled = np.where(np.isfinite(first), first, np.inf)
            est = np.median(filled)
            boots = np.median(filled[pick], axis=1)
        else:
            wide_pass = g.pivot_table(
                index="infant", columns="age_months", values="passed", aggfunc="mean"
            ).reindex(infants)
            ages = wide_pass.columns.to_numpy(float)
            y = wide_pass.to_numpy(float)
            w = np.isfinite(y).astype(float)
            y = np.nan_to_num(y)
            xs = np.broadcast_to(ages, y.shape)
            est = _fit_logistic(xs.reshape(1, -1), y.reshape(1, -1), w.reshape(1, -1))[0][0]
            bx = np.broadcast_to(ages, (n_boot, *y.shape)).reshape(n_boot, -1)
            boots = _fit_logistic(bx, y[pick].reshape(n_boot, -1), w[pick].reshape(n_boot, -1))[0]
            boots = np.where(np.isnan(boots), np.inf, boots)  # a resample that never passes
            est = est if np.isfinite(est) else np.inf
        # No interpolation: ``inf`` (not reached) must stay a rank, not enter arithmetic.
        lo, hi = np.percentile(boots, q, method="inverted_cdf")
        rows.append(
            {
                "probe": probe,
                "method": method,
                "age_months": est if np.isfinite(est) else np.nan,
                "ci_low": lo if np.isfinite(lo) else np.nan,
                "ci_high": hi if np.isfinite(hi) else np.nan,
                "n_infants": len(infants),
                "n_reached": reached,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- order


def kendall_tau(x, y) -> float:
    """Kendall's tau-b of two sequences (ties allowed); ``NaN`` with fewer than two
    untied pairs."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    i, j = np.triu_indices(len(x), 1)
    dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    n0 = len(i)
    tx, ty = (dx == 0).sum(), (dy == 0).sum()
    denom = math.sqrt((n0 - tx) * (n0 - ty))
    return float((dx * dy).sum() / denom) if denom > 0 else float("nan")


def _tau_many(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """tau-b of ``x`` against each row of ``ys``."""
    i, j = np.triu_indices(len(x), 1)
    dx = np.sign(x[i] - x[j])
    dy = np.sign(ys[:, i] - ys[:, j])
    n0 = len(i)
    tx = (dx == 0).sum()
    ty = (dy == 0).sum(1)
    denom = np.sqrt((n0 - tx) * (n0 - ty))
    return (dy * dx).sum(1) / np.where(denom > 0, denom, np.nan)


def by_milestone(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its ``probe`` column named ``milestone`` (as the comparisons name it);
    unchanged when it already has ``milestone``."""
    if "milestone" not in df.columns and "probe" in df.columns:
        return df.rename(columns={"probe": "milestone"})
    return df


def _agent_child(
    agent: pd.DataFrame, child: pd.DataFrame | None, *, keep_missing: bool = False
) -> pd.DataFrame:
    """Agent ages (``milestone, age_months``) joined to the child ages (rows without an
    agent age dropped unless ``keep_missing``)."""
    for col in ("milestone", "age_months"):
        if col not in agent.columns:
            raise ValueError(f"agent: expected columns milestone, age_months; missing {col!r}")
    child = child_milestones() if child is None else child
    joined = agent[["milestone", "age_months"]].merge(
        child[["milestone", "age_months"]], on="milestone", suffixes=("_agent", "_child")
    )
    joined = joined.dropna(subset=["age_months_child"])
    if not keep_missing:
        joined = joined.dropna(subset=["age_months_agent"])
    return joined.reset_index(drop=True)


MIN_REACHED_FOR_ORDER = 5
"""Milestones a cohort must reach before its order is compared with the children's
(with fewer, tau is mostly the tie of the unreached ones)."""


def milestone_order(
    agent: pd.DataFrame,
    child: pd.DataFrame | None = None,
    *,
    not_reached: str = "last",
    n_permutations: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Does the cohort reach its milestones in the children's order?

    Parameters
    ----------
    agent
        ``milestone, age_months``: one age per milestone (e.g. the cohort's
        :func:`cohort_aoa`, renamed); ``NaN``: not reached.
    child
        ``milestone, age_months`` (default :func:`child_milestones`).
    not_reached
        ``"last"``: a milestone the cohort did not reach ranks after every reached one
        (all such tied: within the lifetime they are later, in no known order);
        ``"drop"``: leave it out.
    n_permutations, seed
        Random orders drawn when there are more than 8 milestones; with up to 8 every
        order is enumerated and the p-value is exact.

    Returns
    -------
    pandas.DataFrame
        One row: ``tau`` (Kendall tau-b), ``p_value`` (one-sided: the share of orders of
        the agent ages that agree with the child order at least as well), ``n_milestones``,
        ``n_not_reached``, ``n_reached``, ``why_missing`` (in words, when ``tau`` is
        not computed: fewer than :data:`MIN_REACHED_FOR_ORDER` reached), ``exact``,
        ``milestones`` (the ones compared, ``;``-joined).
    """
    if not_reached not in ("last", "drop"):
        raise ValueError(f"not_reached: expected 'last' or 'drop', got {not_reached!r}")
    joined = _agent_child(agent, child, keep_missing=not_reached == "last")
    n = len(joined)
    x = joined["age_months_child"].to_numpy(float)
    y = joined["age_months_agent"].to_numpy(float)
    missing = np.isnan(y)
    if missing.all():
        y = np.full(n, np.nan)
    elif missing.any():
        y = np.where(missing, np.nanmax(y) + 1.0, y)  # tied, after every reached age
    reached = int((~missing).sum())
    why = ""
    if reached < MIN_REACHED_FOR_ORDER:
        # An order of mostly unreached (tied) milestones says nothing about the order.
        why = (
            f"only {reached} of {n} milestones reached; an order needs at least "
            f"{MIN_REACHED_FOR_ORDER}"
        )
        tau = float("nan")
    else:
        tau = kendall_tau(x, y)
        if not np.isfinite(tau):
            why = "the ages do not vary, so no order can be compared"
    exact = n <= 8
    if n < 3 or not np.isfinite(tau):
        p = float("nan")
    elif exact:
        perms = np.array(list(itertools.permutations(y)))
        p = float(np.mean(_tau_many(x, perms) >= tau - 1e-12))
    else:
        rng = np.random.default_rng(seed)
        perms = np.array([rng.permutation(y) for _ in range(n_permutations)])
        p = float((1 + np.sum(_tau_many(x, perms) >= tau - 1e-12)) / (1 + n_permutations))
    return pd.DataFrame(
        [
            {
                "tau": tau,
                "p_value": p,
                "n_milestones": n,
                "n_not_reached": int(missing.sum()),
                "n_reached": reached,
                "why_missing": why,
                "exact": exact,
                "milestones": ";".join(joined["milestone"]),
            }
        ]
    )


def _isotonic(y: np.ndarray) -> np.ndarray:
    """Least-squares non-decreasing fit to ``y`` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight]
    for v in y:
        blocks.append([float(v), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    return np.concatenate([np.full(int(w), m) for m, w in blocks])


def age_alignment(
    agent: pd.DataFrame, child: pd.DataFrame | None = None, *, kind: str = "linear"
) -> pd.DataFrame:
    """A monotone map from simulated months to child months, with residuals.

    Parameters
    ----------
    agent
        ``milestone, age_months`` (simulated months).
    child
        ``milestone, age_months`` (default :func:`child_milestones`).
    kind
        ``"linear"``: child = intercept + slope x agent by least squares with the slope
        held at 0 or above (so the map never runs backwards); ``"isotonic"``: the best
        non-decreasing step map (pool adjacent violators; residuals are then non-zero
        only for milestones out of order).

    Returns
    -------
    pandas.DataFrame
        Per milestone: ``milestone, agent_months, child_months, fitted_child_months,
        residual_months`` (child minus fitted), and the fit's ``slope, intercept``
        (``NaN`` for isotonic) repeated on every row; sorted by agent age.
    """
    if kind not in ("linear", "isotonic"):
        raise ValueError(f"kind: expected 'linear' or 'isotonic', got {kind!r}")
    joined = _agent_child(agent, child).sort_values("age_months_agent", kind="stable")
    x = joined["age_months_agent"].to_numpy(float)
    y = joined["age_months_child"].to_numpy(float)
    slope = intercept = np.nan
    if len(x) == 0:
        fitted = np.array([])
    elif kind == "isotonic":
        fitted = _isotonic(y)
    else:
        slope = 0.0
        if len(x) >= 2 and np.ptp(x) > 0:
            slope = max(0.0, float(np.polyfit(x, y, 1)[0]))
        intercept = float(np.mean(y - slope * x))
        fitted = intercept + slope * x
    return pd.DataFrame(
        {
            "milestone": joined["milestone"].to_numpy(),
            "agent_months": x,
            "child_months": y,
            "fitted_child_months": fitted,
            "residual_months": y - fitted,
            "slope": slope,
            "intercept": intercept,
        }
    )


def share_in_windows(ages: pd.DataFrame, windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The share of the cohort whose age of acquisition falls inside the child window.

    Parameters
    ----------
    ages
        ``infant, milestone, age_months`` (``NaN``: never reached, counted outside),
        e.g. :func:`first_stable_pass` with ``probe`` renamed ``milestone``.
    windows
        ``milestone, low_months, high_months``, or the WHO table of
        :func:`infancy.analysis.reference.who_motor_windows` (``p1_months``,
        ``p99_months``); default: the windowed rows of :func:`child_milestones`.

    Returns
    -------
    pandas.DataFrame
        Per milestone with a window: ``milestone, low_months, high_months, n_infants,
        n_reached, n_inside, share_inside``.
    """
    if windows is None:
        windows = child_milestones()
    if "p1_months" in windows.columns:
        windows = windows.rename(columns={"p1_months": "low_months", "p99_months": "high_months"})
    windows = windows.dropna(subset=["low_months", "high_months"])
    ages = by_milestone(ages)
    rows = []
    for _, w in windows.iterrows():
        a = ages.loc[ages["milestone"] == w["milestone"], "age_months"].to_numpy(float)
        if a.size == 0:
            continue
        inside = (a >= w["low_months"]) & (a <= w["high_months"])
        rows.append(
            {
                "milestone": w["milestone"],
                "low_months": float(w["low_months"]),
                "high_months": float(w["high_months"]),
                "n_infants": int(a.size),
                "n_reached": int(np.isfinite(a).sum()),
                "n_inside": int(inside.sum()),
                "share_inside": float(inside.mean()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "milestone",
            "low_months",
            "high_months",
            "n_infants",
            "n_reached",
            "n_inside",
            "share_inside",
        ],
    )


# --------------------------------------------------------------------------- vocabulary

BANDS = (10, 25, 50, 75, 90)


def cdi_bands(form: str = "WG", measure: str = "comprehension") -> tuple[pd.DataFrame, int]:
    """The CDI norms as ``words`` by ``age_months`` (rows) and percentile (columns),
    and the number of checklist items (the scale of :data:`VOCABULARY_NORMALISATION`)."""
    norms = reference.cdi_norms(form, measure)
    wide = norms.pivot(index="age_months", columns="percentile", values="words")
    return wide, int(norms["checklist_items"].iloc[0])


def vocabulary(probes: pd.DataFrame) -> pd.DataFrame:
    """The behavioural vocabulary from a probe table: ``infant, age_months, words`` (the
    ``word_comprehension`` probe's score)."""
    words = probes[probes["probe"] == "word_comprehension"]
    return words.rename(columns={"score": "words"})[["infant", "age_months", "words"]]


def vocabulary_percentiles(
    words: pd.DataFrame,
    *,
    world_words: int,
    form: str = "WG",
    measure: str = "comprehension",
) -> pd.DataFrame:
    """Place each infant's vocabulary on the CDI percentile bands of its age.

    Parameters
    ----------
    words
        ``infant, age_months, words`` (words known; e.g. :func:`vocabulary`).
    world_words
        Words in the agent's world (the caregiver's vocabulary), for the normalisation
        :data:`VOCABULARY_NORMALISATION`.
    form, measure
        The CDI norms (:func:`infancy.analysis.reference.cdi_norms`).

    Returns
    -------
    pandas.DataFrame
        Rows within the norms' age range (ages rounded to the nearest month): ``infant,
        age_months, words, share, cdi_words`` (share x checklist items), ``percentile``
        (interpolated between the published 10th-90th; ``NaN`` outside them), ``band``
        (``<10``, ``10-25``, ..., ``>90``).
    """
    if world_words < 1:
        raise ValueError(f"world_words: expected at least 1 word, got {world_words}")
    table, items = cdi_bands(form, measure)
    v = words[["infant", "age_months", "words"]].copy()
    v["month"] = np.round(v["age_months"].astype(float)).astype(int)
    v = v[v["month"].isin(table.index)]
    v["share"] = v["words"].astype(float) / world_words
    v["cdi_words"] = v["share"] * items
    pct, band = [], []
    labels = ["<10", "10-25", "25-50", "50-75", "75-90", ">90"]
    for m, cdi in zip(v["month"], v["cdi_words"], strict=True):
        ref = table.loc[m, list(BANDS)].to_numpy(float)
        k = int(np.searchsorted(ref, cdi, side="right"))
        band.append(labels[k])
        pct.append(float(np.interp(cdi, ref, BANDS)) if ref[0] <= cdi <= ref[-1] else np.nan)
    v["percentile"] = pct
    v["band"] = band
    return v.drop(columns="month").reset_index(drop=True)


# --------------------------------------------------------------------------- A-not-B


def child_growth(probe: str) -> dict | None:
    """The children's growth rate of a probe's score, from its record's ``growth`` row.

    Parameters
    ----------
    probe
        A probe's name (:data:`~infancy.curricula.probe_records.PROBES`).

    Returns
    -------
    dict or None
        ``rate`` (the number in the finding's value), ``unit`` (its words, e.g.
        ``s/month``), ``value`` (as published), ``ages`` (the age range it covers),
        ``finding`` and ``source``; ``None`` when the literature in the shipped
        reference gives no rate for it.
    """
    if probe not in PROBES:
        raise ValueError(f"probe: expected one of {', '.join(PROBES)}, got {probe!r}")
    c = PROBES[probe].growth
    if c is None:
        return None
    row = reference.findings()
    row = row[row["finding"] == c.key].iloc[0]
    number = re.search(r"[\d.]+", row["value"])
    return {
        "rate": float(number.group()),
        "unit": row["value"][number.end() :].strip(),
        "value": row["value"],
        "ages": row["age"],
        "finding": c.key,
        "source": row["source"],
    }


def score_slopes(
    probes: pd.DataFrame,
    probe: str,
    *,
    from_months: float | None = None,
    to_months: float | None = None,
) -> pd.DataFrame:
    """Each infant's least-squares slope of a probe's score on age, from its first pass on.

    Before an infant's first pass the score is a floor, not a measurement (A-not-B
    scores -1 until a delay is passed), so each infant's slope is fitted over the
    batteries from its first pass on (a later fail counts as a score of 0), within
    ``from_months`` .. ``to_months``. An infant with fewer than two such batteries has no
    slope (NaN, with ``n_batteries`` saying why).

    Parameters
    ----------
    probes
        Long-form probe rows (``age_months, infant, probe, score``, and ``passed``; a
        table without ``passed`` uses A-not-B's pass rule, ``score >= 0``).
    probe
        The probe's name.
    from_months, to_months
        The age window (inclusive); the whole table by default.

    Returns
    -------
    pandas.DataFrame
        ``infant, slope`` (score units per month), ``n_batteries`` (from the first pass
        on, in the window).
    """
    g = probes[probes["probe"] == probe].sort_values("age_months")
    if from_months is not None:
        g = g[g["age_months"] >= from_months - 1e-9]
    if to_months is not None:
        g = g[g["age_months"] <= to_months + 1e-9]
    rows = []
    for infant, h in g.groupby("infant", sort=True):
        s = h["score"].to_numpy(float)
        a = h["age_months"].to_numpy(float)
        ok = h["passed"].to_numpy(bool) if "passed" in h.columns else s >= 0
        started = np.flatnonzero(ok)
        slope, n = np.nan, 0
        if started.size:
            a, s = a[started[0] :], s[started[0] :]
            n = len(a)
            if n >= 2 and np.ptp(a) > 0:
                slope = float(np.polyfit(a, np.maximum(s, 0.0), 1)[0])
        rows.append({"infant": infant, "slope": slope, "n_batteries": n})
    return pd.DataFrame(rows, columns=["infant", "slope", "n_batteries"])


def a_not_b_slope(
    probes: pd.DataFrame, *, n_boot: int = 1000, ci: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """How fast the delay tolerated in A-not-B grows, against Diamond's ~2 s/month.

    Each infant's slope is the least-squares slope of its A-not-B score (the longest
    delay passed, in world steps) on age, over the batteries from its first pass on
    (before it, the score is a floor, not a delay). The cohort slope is the mean over
    infants with at least two such batteries, with a bootstrap CI.

    Parameters
    ----------
    probes
        Long-form probe rows (``age_months, infant, probe, score``).

    Returns
    -------
    pandas.DataFrame
        ``infant`` (``"cohort"`` for the summary row), ``slope_steps_per_month``,
        ``ci_low, ci_high`` (cohort row), ``n_batteries``, ``child_s_per_month``,
        ``seconds_per_step_implied`` (the step length at which the two slopes agree:
        a world step has no duration of its own), ``source``.
    """
    growth = child_growth("a_not_b")
    child, source = growth["rate"], growth["source"]
    per = score_slopes(probes, "a_not_b").rename(columns={"slope": "slope_steps_per_month"})
    slopes = per["slope_steps_per_month"].dropna().to_numpy()
    mean = float(slopes.mean()) if slopes.size else np.nan
    lo = hi = np.nan
    if slopes.size >= 2:
        pick, q = _bootstrap(slopes.size, n_boot, ci, seed)
        lo, hi = np.percentile(slopes[pick].mean(1), q)
    cohort = pd.DataFrame(
        [
            {
                "infant": "cohort",
                "slope_steps_per_month": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n_batteries": int(per["n_batteries"].sum()),
            }
        ]
    )
    out = pd.concat([per.astype({"infant": object}), cohort], ignore_index=True)
    out["child_s_per_month"] = child
    out["seconds_per_step_implied"] = child / out["slope_steps_per_month"].where(
        out["slope_steps_per_month"] > 0
    )
    out["source"] = source
    return out[
        [
            "infant",
            "slope_steps_per_month",
            "ci_low",
            "ci_high",
            "n_batteries",
            "child_s_per_month",
            "seconds_per_step_implied",
            "source",
        ]
    ]


def child_sleep_share() -> pd.DataFrame:
    """Children's share of the day asleep, from the sleep findings: ``age_months_low,
    age_months_high, share_low, share_high`` (hours / 24; a mean gives low = high),
    ``finding, source, confidence``."""
    rows = []
    for _, r in reference.findings("sleep").iterrows():
        hours = [float(h) for h in re.findall(r"[\d.]+", str(r["value"]).split("(")[0])]
        if not hours or not str(r["value"]).strip().split(" (")[0].endswith("h"):
            continue  # not a number of hours (e.g. the nap study)
        if "Night" in r["finding"]:
            continue  # night sleep alone is not the day's share
        rows.append(
            {
                "age_months_low": r["age_months_low"],
                "age_months_high": r["age_months_high"],
                "share_low": min(hours) / 24,
                "share_high": max(hours) / 24,
                "finding": r["finding"],
                "source": r["source"],
                "confidence": r["confidence"],
            }
        )
    return pd.DataFrame(rows)
