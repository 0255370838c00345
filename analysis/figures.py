"""Publication figures (seaborn): agents against children.

Every ``plot_*`` function takes tidy data and ``ax=``, draws on it (a new figure when
``ax`` is ``None``), returns the axes, uses the colour-blind-safe palette and writes the
sources of its child data under the axes. The data it drew is kept on the axes, so
:func:`save_figure` can write it beside the picture as CSV.

============================  =====================================================
``plot_milestone_windows``    cohort ages of acquisition against the child ages and
                              windows
``plot_vocabulary_growth``    agent vocabularies against CDI percentile bands
``plot_meta_timeline``        System M's signals over age, with mode ribbons and the
                              children's share of the day asleep
``plot_probe_curves``         share of the cohort passing each probe, by age
``plot_ablation``             conditions compared with confidence intervals
============================  =====================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from infancy.constants import MODES
from infancy.curricula.probe_records import label

from . import compare, reference

__all__ = [
    "CONTEXTS",
    "META_MEASURES",
    "MODES",
    "PALETTE",
    "plot_ablation",
    "plot_meta_timeline",
    "plot_milestone_windows",
    "plot_probe_curves",
    "plot_vocabulary_growth",
    "save_figure",
    "set_style",
]

PALETTE = "colorblind"
"""seaborn's colour-blind-safe palette (after Okabe & Ito), used by every figure."""
CONTEXTS = ("paper", "talk", "poster")
META_MEASURES = (
    "prediction_error",
    "uncertainty",
    "novelty",
    "energy",
    "stress",
    "social",
    "trust",
)
FORMATS = ("pdf", "svg", "png")
MODE_COLORS = {"observe": "#332288", "act": "#88CCEE", "imagine": "#DDCC77", "sleep": "#999999"}
"""Ribbon colours (Paul Tol's colour-blind-safe set), apart from the signals' palette."""


def set_style(context: str = "paper") -> None:
    """Set the look of every later figure: seaborn's ``context`` (font and line sizes
    for a paper, a talk or a poster), white ticks style, the colour-blind palette, and
    fonts kept as text in PDF and SVG (editable in a journal's pipeline)."""
    if context not in CONTEXTS:
        raise ValueError(f"context: expected one of {', '.join(CONTEXTS)}, got {context!r}")
    sns.set_theme(
        context=context,
        style="ticks",
        palette=PALETTE,
        rc={
            "pdf.fonttype": 42,
            "svg.fonttype": "none",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "savefig.dpi": 200,
            "legend.frameon": False,
        },
    )


def _colors(n: int) -> list:
    return sns.color_palette(PALETTE, n_colors=max(n, 1))


def _axes(ax: Axes | None, size=(6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _keep(ax: Axes, data: pd.DataFrame, sources: Sequence[str], note: str = "") -> None:
    """Keep the figure's data on the axes and write its child-data sources under it."""
    ax._infancy_data = data.reset_index(drop=True)  # read by save_figure
    cited = list(
        dict.fromkeys(compare.short_source(s) for s in sources if isinstance(s, str) and s)
    )
    ax._infancy_sources = cited
    text = "Child data: " + ("; ".join(cited) if cited else "none")
    if note:
        text += f". {note}"
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -36),
        textcoords="offset points",
        va="top",
        ha="left",
        fontsize="x-small",
        color="0.3",
        wrap=True,
        annotation_clip=False,
    )


def _need(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: expected columns {', '.join(columns)}; missing {missing}")


# --------------------------------------------------------------------------- milestones


def plot_milestone_windows(
    ages: pd.DataFrame, child: pd.DataFrame | None = None, *, ax: Axes | None = None
) -> Axes:
    """Each infant's age of acquisition against the child age and window.

    Parameters
    ----------
    ages
        ``infant, milestone`` (or ``probe``), ``age_months`` (``NaN``: not reached),
        e.g. :func:`infancy.analysis.first_stable_pass`.
    child
        ``milestone, age_months, low_months, high_months, source`` (default
        :func:`infancy.analysis.compare.child_milestones`).
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ages = compare.by_milestone(ages)
    _need(ages, "ages", ("infant", "milestone", "age_months"))
    child = compare.child_milestones() if child is None else child
    child = child[child["milestone"].isin(ages["milestone"])].reset_index(drop=True)
    ax = _axes(ax, (9.0, 0.45 * len(child) + 1.6))  # room for the legend on the right
    c_agent, c_median = _colors(2)
    rng = np.random.default_rng(0)  # jitter only; fixed so a figure redraws the same
    rows = []
    for y, r in child.iterrows():
        if pd.notna(r.get("low_months")) and pd.notna(r.get("high_months")):
            ax.plot(
                [r["low_months"], r["high_months"]],
                [y, y],
                color="0.8",
                lw=7,
                solid_capstyle="butt",
                zorder=1,
            )
        elif pd.notna(r.get("high_months")):
            ax.plot([r["high_months"]] * 2, [y - 0.3, y + 0.3], color="0.6", lw=1.5, zorder=1)
        ax.plot(r["age_months"], y, "D", color="black", ms=6, zorder=3)
        a = ages.loc[ages["milestone"] == r["milestone"], "age_months"].to_numpy(float)
        got = a[np.isfinite(a)]
        ax.scatter(
            got, y + rng.uniform(-0.18, 0.18, got.size), s=14, color=c_agent, alpha=0.75, zorder=2
        )
        median = np.median(np.where(np.isfinite(a), a, np.inf)) if a.size else np.nan
        if np.isfinite(median):
            ax.plot([median] * 2, [y - 0.32, y + 0.32], color=c_median, lw=2.5, zorder=3)
        ax.annotate(
            f"{got.size}/{a.size}",
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
        )
        rows.append(
            {
                "milestone": r["milestone"],
                "child_age_months": r["age_months"],
                "child_low_months": r.get("low_months"),
                "child_high_months": r.get("high_months"),
                "agent_median_months": median if np.isfinite(median) else np.nan,
                "n_reached": got.size,
                "n_infants": a.size,
            }
        )
    # legend entries drawn once, whichever rows have windows or agents
    ax.plot([], [], "D", color="black", ms=6, label="child age")
    ax.plot([], [], color="0.8", lw=7, label="child window (WHO 1st-99th pct)")
    ax.plot([], [], color="0.6", lw=1.5, label="by this age: 75% of children (CDC)")
    ax.scatter([], [], s=14, color=c_agent, label="infant (agent)")
    ax.plot([], [], color=c_median, lw=2.5, label="cohort median")
    ax.set_yticks(range(len(child)), [label(m) for m in child["milestone"]])
    ax.set_ylim(len(child) - 0.5, -0.5)
    ax.set_xlabel("age (months; agents: simulated)")
    ax.set_title("Age of acquisition: agents and children", loc="left")
    # outside the axes, right of the "reached" column: inside it covered late agents
    ax.legend(loc="upper left", bbox_to_anchor=(1.1, 1.0), fontsize="x-small")
    ax.annotate(
        "reached",
        xy=(1.0, 1.0),
        xycoords="axes fraction",
        xytext=(4, 2),
        textcoords="offset points",
        fontsize="x-small",
        va="bottom",
    )
    data = pd.DataFrame(rows).merge(ages, on="milestone", how="left")
    _keep(ax, data, list(child["source"]))
    return ax


# --------------------------------------------------------------------------- vocabulary


def plot_vocabulary_growth(
    vocabulary: pd.DataFrame,
    *,
    world_words: int,
    form: str = "WG",
    measure: str = "comprehension",
    ax: Axes | None = None,
) -> Axes:
    """Agent vocabularies over age against the CDI percentile bands.

    Parameters
    ----------
    vocabulary
        ``infant, age_months, words`` (e.g. the ``word_comprehension`` probe's score).
    world_words
        Words in the agent's world: agent words are drawn as the same share of the
        CDI checklist (:data:`infancy.analysis.compare.VOCABULARY_NORMALISATION`).
    form, measure
        The CDI norms drawn (:func:`infancy.analysis.reference.cdi_norms`).
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(vocabulary, "vocabulary", ("infant", "age_months", "words"))
    if world_words < 1:
        raise ValueError(f"world_words: expected at least 1 word, got {world_words}")
    wide, items = compare.cdi_bands(form, measure)
    ax = _axes(ax)
    m = wide.index.to_numpy(float)
    ax.fill_between(m, wide[10], wide[90], color="0.88", lw=0, label="children 10th-90th")
    ax.fill_between(m, wide[25], wide[75], color="0.75", lw=0, label="children 25th-75th")
    ax.plot(m, wide[50], color="black", lw=1.2, label="children median")
    v = vocabulary[["infant", "age_months", "words"]].copy()
    v["cdi_words"] = v["words"].astype(float) / world_words * items
    c_agent = _colors(1)[0]
    for k, (_, g) in enumerate(v.sort_values("age_months").groupby("infant")):
        ax.plot(
            g["age_months"],
            g["cdi_words"],
            color=c_agent,
            lw=0.8,
            alpha=0.5,
            label="infant (agent)" if k == 0 else None,
        )
    med = v.groupby("age_months")["cdi_words"].median()
    ax.plot(med.index, med.to_numpy(), color=c_agent, lw=2.2, label="cohort median")
    ax.set_xlabel("age (months; agents: simulated)")
    ax.set_ylabel(
        f"CDI words ({form} {measure}, of {items});\nagents: words known / {world_words} x {items}"
    )
    ax.set_title("Vocabulary: agents on the CDI percentile bands", loc="left")
    ax.legend(loc="upper left", fontsize="x-small")
    norms_out = wide.stack().rename("words").reset_index().assign(series="cdi", infant=np.nan)
    agents = v.rename(columns={"cdi_words": "words_cdi"}).assign(series="agent")
    data = pd.concat([norms_out, agents], ignore_index=True)
    _keep(
        ax,
        data,
        [reference.cdi_norms(form, measure)["source"].iloc[0]],
        f"Agents normalised: words known / {world_words} world words x {items} items",
    )
    return ax


# --------------------------------------------------------------------------- System M


def plot_meta_timeline(
    timeline: pd.DataFrame,
    *,
    measures: Sequence[str] = META_MEASURES,
    infant: int | None = None,
    bins: int = 48,
    ax: Axes | None = None,
) -> Axes:
    """System M's signals over age, with a ribbon of the modes it chose.

    Parameters
    ----------
    timeline
        The long-form timeline (``age_months, infant, measure, value``), with the
        ``share_<mode>`` measures for the ribbon.
    measures
        Meta-state measures to draw; each is rescaled to 0-1 over the plotted range so
        that signals of different units share an axis.
    infant
        One infant, or ``None`` for the cohort mean.
    bins
        Age bins.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        Lines above 0; below it, the share of each mode per age bin (stacked, sleep at
        the bottom), with the children's share of the day asleep as black bars.
    """
    _need(timeline, "timeline", ("age_months", "infant", "measure", "value"))
    wanted = [*measures, *(f"share_{m}" for m in MODES)]
    t = timeline[timeline["measure"].isin(wanted)]
    if infant is not None:
        t = t[t["infant"] == infant]
    if t.empty:
        raise ValueError(f"timeline: no rows for the measures {list(wanted)}")
    edges = np.linspace(0, t["age_months"].max(), bins + 1)
    t = t.assign(bin=np.clip(np.digitize(t["age_months"], edges) - 1, 0, bins - 1))
    mean = t.groupby(["measure", "bin"], observed=True)["value"].mean().unstack(0)
    mid = (edges[:-1] + edges[1:])[mean.index.to_numpy()] / 2
    ax = _axes(ax, (7.0, 4.2))
    colors = _colors(len(measures))
    rows = []
    for c, name in zip(colors, measures, strict=False):
        if name not in mean:
            continue
        y = mean[name].to_numpy(float)
        lo, hi = np.nanmin(y), np.nanmax(y)
        scaled = (y - lo) / (hi - lo) if hi > lo else np.zeros_like(y)
        ax.plot(mid, scaled, color=c, lw=1.4, label=name.replace("_", " "))
        rows.append(
            pd.DataFrame({"age_months": mid, "measure": name, "value": y, "scaled": scaled})
        )
    base, height = -0.32, 0.27
    bottom = np.full(len(mid), base)
    for mode in reversed(MODES):
        c = MODE_COLORS[mode]
        col = f"share_{mode}"
        share = mean[col].fillna(0).to_numpy(float) if col in mean else np.zeros(len(mid))
        top = bottom + share * height
        ax.fill_between(
            mid, bottom, top, color=c, alpha=0.85, lw=0, step="mid", label=f"mode: {mode}"
        )
        rows.append(
            pd.DataFrame({"age_months": mid, "measure": col, "value": share, "scaled": np.nan})
        )
        bottom = top
    sleep = compare.child_sleep_share()
    for _, s in sleep.iterrows():
        x = (s["age_months_low"] + s["age_months_high"]) / 2
        y0, y1 = base + s["share_low"] * height, base + s["share_high"] * height
        # a range (recommendation) as a bar, a mean as a dot; white edge over the ribbon
        ax.errorbar(
            x,
            (y0 + y1) / 2,
            yerr=(y1 - y0) / 2,
            xerr=(s["age_months_high"] - s["age_months_low"]) / 2,
            fmt="o",
            ms=4,
            color="black",
            mfc="white",
            elinewidth=1.6,
            capsize=2,
            zorder=5,
        )
    ax.errorbar(
        [],
        [],
        yerr=[],
        fmt="o",
        ms=4,
        color="black",
        mfc="white",
        label="children asleep (share of day)",
    )
    ax.axhline(0, color="0.5", lw=0.6)
    ax.set_ylim(base - 0.02, 1.05)
    ax.set_xlim(0, edges[-1])
    ax.set_yticks([base + height / 2, 0, 0.5, 1], ["modes", "0", "0.5", "1"])
    ax.set_xlabel("age (months; simulated)")
    ax.set_ylabel("signal (rescaled 0-1)")
    who = "cohort mean" if infant is None else f"infant {infant}"
    ax.set_title(f"System M over a lifetime ({who})", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small")
    data = pd.concat(rows, ignore_index=True)
    _keep(ax, data, list(sleep["source"]), "Ribbon: share of steps in each mode per bin")
    return ax


# --------------------------------------------------------------------------- probes


def plot_probe_curves(
    probes: pd.DataFrame,
    *,
    names: Sequence[str] | None = None,
    child: pd.DataFrame | None = None,
    bin_months: float = 2.0,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """The share of the cohort passing each probe, by age, with a 95% bootstrap band
    over infants, and the child age of each probe as a dashed line of its colour.
    Batteries are pooled in bins of ``bin_months`` (one battery is 8 trials; a single
    battery's pass is noisy).

    Parameters
    ----------
    probes
        Long-form probe rows ``age_months, infant, probe, passed``.
    names
        Probes to draw (default: all, in battery order).
    child
        Child ages (default :func:`infancy.analysis.compare.child_milestones`).
    bin_months
        Width of the age bins (0: every battery on its own).
    seed
        Seed of the bootstrap band.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(probes, "probes", ("age_months", "infant", "probe", "passed"))
    names = list(dict.fromkeys(probes["probe"])) if names is None else list(names)
    p = probes[probes["probe"].isin(names)].assign(passed=lambda d: d["passed"].astype(float))
    if bin_months > 0:  # each infant's share of passes per bin, at the bin's centre
        centre = (np.floor(p["age_months"] / bin_months) + 0.5) * bin_months
        p = (
            p.assign(age_months=centre)
            .groupby(["probe", "infant", "age_months"], as_index=False)["passed"]
            .mean()
        )
    child = compare.child_milestones() if child is None else child
    child = child[child["milestone"].isin(names)]
    ax = _axes(ax, (7.0, 4.0))
    palette = dict(zip(names, _colors(len(names)), strict=True))
    sns.lineplot(
        data=p,
        x="age_months",
        y="passed",
        hue="probe",
        hue_order=names,
        palette=palette,
        errorbar=("ci", 95),
        n_boot=500,
        seed=seed,
        ax=ax,
        lw=1.4,
        marker="o",
        ms=3,
    )
    for _, r in child.iterrows():
        ax.axvline(r["age_months"], color=palette[r["milestone"]], ls="--", lw=1)
    ax.plot([], [], color="0.3", ls="--", lw=1, label="child age (same colour)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("age (months; agents: simulated)")
    ax.set_ylabel("share of batteries passed" if bin_months > 0 else "share of infants passing")
    ax.set_title("Probe battery over age", loc="left")
    handles, shown = ax.get_legend_handles_labels()  # the probes by their plain labels
    ax.legend(
        handles,
        [label(n) if n in palette else n for n in shown],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="x-small",
    )
    data = p.groupby(["probe", "age_months"])["passed"].mean().reset_index(name="share_passing")
    data = data.merge(
        child[["milestone", "age_months"]].rename(
            columns={"milestone": "probe", "age_months": "child_age_months"}
        ),
        on="probe",
        how="left",
    )
    _keep(ax, data, list(child["source"]))
    return ax


# --------------------------------------------------------------------------- ablation


def plot_ablation(
    data: pd.DataFrame,
    *,
    x: str = "condition",
    y: str = "value",
    hue: str | None = None,
    child: dict | None = None,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """Conditions compared: the mean of ``y`` per condition with a 95% bootstrap
    interval, over the individual runs (seeds or infants) as dots.

    Parameters
    ----------
    data
        Tidy rows, one per run and condition.
    x, y, hue
        Columns of ``data``.
    child
        The children's value, when the measure has one: ``{"value": ..., "low": ...,
        "high": ..., "source": ...}`` (``low``/``high`` optional), drawn as a band.
    seed
        Seed of the bootstrap interval.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _need(data, "data", [c for c in (x, y, hue) if c])
    ax = _axes(ax, (4.5, 3.8))
    kw = {"hue": hue, "palette": PALETTE} if hue else {"color": _colors(1)[0]}
    sns.stripplot(
        data=data, x=x, y=y, dodge=bool(hue), alpha=0.45, size=4, ax=ax, legend=False, **kw
    )
    sns.pointplot(
        data=data,
        x=x,
        y=y,
        errorbar=("ci", 95),
        n_boot=1000,
        seed=seed,
        dodge=0.4 if hue else False,
        linestyle="none",
        capsize=0.15,
        marker="D",
        ax=ax,
        **({"hue": hue, "palette": PALETTE} if hue else {"color": "black"}),
    )
    sources = []
    if child:
        lo, hi = child.get("low", child["value"]), child.get("high", child["value"])
        ax.axhspan(lo, hi, color="0.85", zorder=0, lw=0)
        ax.axhline(child["value"], color="0.3", ls="--", lw=1, label="children")
        sources.append(child.get("source", ""))
    ax.set_title(f"{y.replace('_', ' ')} by {x.replace('_', ' ')}", loc="left")
    if child:
        ax.legend(loc="best", fontsize="x-small")
    _keep(ax, data, sources, "" if child else "No child value for this measure")
    return ax


# --------------------------------------------------------------------------- saving


def save_figure(
    figure: Figure | Axes,
    path: str | Path,
    *,
    data: pd.DataFrame | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Write a figure as PDF, SVG and PNG, and the data behind it as CSV.

    Parameters
    ----------
    figure
        The figure, or one of its axes.
    path
        File path without suffix (a suffix is replaced): ``figures/milestones`` writes
        ``figures/milestones.pdf``, ``.svg``, ``.png`` and ``.csv``.
    data
        The data behind the figure (default: what the ``plot_*`` functions kept on the
        figure's axes; several axes are stacked with a ``panel`` column).
    formats
        Picture formats to write.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    fig = figure.figure if isinstance(figure, Axes) else figure
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"formats: expected some of {', '.join(FORMATS)}, got {bad}")
    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix in {f".{f}" for f in (*FORMATS, "csv")} else stem
    stem.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        kept = [
            (i, a._infancy_data)
            for i, a in enumerate(fig.axes)
            if getattr(a, "_infancy_data", None) is not None
        ]
        if len(kept) == 1:
            data = kept[0][1]
        elif kept:
            data = pd.concat([d.assign(panel=i) for i, d in kept], ignore_index=True)
    written = []
    for fmt in formats:
        out = stem.with_name(f"{stem.name}.{fmt}")
        fig.savefig(out, bbox_inches="tight")
        written.append(out)
    if data is not None:
        out = stem.with_name(f"{stem.name}.csv")
        data.to_csv(out, index=False)
        written.append(out)
    return written
