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
``plot_probe_panels``         the same as small multiples, one panel per probe
``plot_ablation``             conditions compared with confidence intervals
============================  =====================================================
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from infancy.constants import MODES
from infancy.curricula.probe_records import label

from . import compare, reference

__all__ = [
    "CONTEXTS",
    "META_MEASURES",
    "MODES",
    "PALETTE",
    "PROBE_PALETTE",
    "SIGNAL_GROUPS",
    "SIGNAL_PALETTE",
    "palettes",
    "plot_ablation",
    "plot_meta_timeline",
    "plot_milestone_windows",
    "plot_probe_curves",
    "plot_probe_panels",
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
"""Mode-strip colours (Paul Tol's colour-blind-safe set), drawn opaque; checked in
:mod:`infancy.analysis.colorvision` (see :func:`palettes`)."""
PROBE_PALETTE = (
    "#332288",  # indigo
    "#D55E00",  # vermilion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#66CCEE",  # cyan
    "#000000",  # black
    "#CCBB44",  # yellow
    "#AA4499",  # purple
)
"""One colour per probe (Okabe & Ito and Paul Tol colours): the 8-colour set of those
palettes whose smallest CIEDE2000 difference under simulated protanopia, deuteranopia
and tritanopia is largest. Each probe also has its own marker."""
PROBE_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
SIGNAL_PALETTE = ("#E69F00", "#56B4E9", "#000000")
"""Colours of the signals within one panel of :func:`plot_meta_timeline` (orange, sky
blue, black; with solid, dashed and dotted lines)."""
SIGNAL_STYLES = ("-", "--", ":")
SIGNAL_GROUPS = {
    "What surprises System A": ("prediction_error", "uncertainty", "novelty"),
    "Body": ("energy", "stress"),
    "People": ("social", "trust"),
}
"""Panels of :func:`plot_meta_timeline`: signals that share a unit share a panel."""
SIGNAL_UNITS = {
    "What surprises System A": "error / its usual size\n(log above 1; 1 = typical)",
    "Body": "level (0 to 1)",
    "People": "level (0 to 1)",
}
SIGNAL_LABELS = {
    "prediction_error": "prediction error",
    "uncertainty": "uncertainty (predictors disagree)",
    "novelty": "novelty",
    "lp_a": "learning progress (System A)",
    "lp_b": "learning progress (System B)",
    "energy": "energy (0 exhausted, 1 rested)",
    "stress": "stress (share frustrated)",
    "social": "social salience",
    "trust": "trust in the caregiver's names",
}
"""Plain-English names of System M's signals."""


def palettes() -> dict[str, list]:
    """Every categorical palette the figures use, by name (checked for colour-vision
    deficiencies in the tests: :data:`infancy.analysis.colorvision.MIN_DELTA_E`)."""
    return {
        "mode": list(MODE_COLORS.values()),
        "probe": list(PROBE_PALETTE),
        "signal": list(SIGNAL_PALETTE),
        "agents_vs_median": _colors(2),
    }


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


_PAPER_FONT = 9.6
"""seaborn's paper context font size: figures grow with the context's fonts."""


def _size(size: tuple[float, float]) -> tuple[float, float]:
    """A figure size for the current context: grown with the font size (talk 1.9x,
    poster 2.5x the paper size), so that labels keep their room."""
    k = max(float(plt.rcParams["font.size"]) / _PAPER_FONT, 1.0)
    return (size[0] * k, size[1] * k)


def _axes(ax: Axes | None, size=(6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=_size(size), layout="constrained")
    return ax


def _keep(
    ax: Axes, data: pd.DataFrame, sources: Sequence[str], note: str = "", *, cite: bool = True
) -> None:
    """Keep the figure's data on the axes and write its child-data sources (unless
    ``cite`` is false: a figure with no child counterpart) and ``note`` under it."""
    ax._infancy_data = data.reset_index(drop=True)  # read by save_figure
    cited = list(
        dict.fromkeys(compare.short_source(s) for s in sources if isinstance(s, str) and s)
    )
    ax._infancy_sources = cited
    text = "Child data: " + ("; ".join(cited) if cited else "none")
    if note:
        text += f". {note}"
    if not cite:
        text = note
    # Below the x label whatever the context's font sizes (a fixed offset collided
    # with the label in the talk and poster styles).
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -4),
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
    associated: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Agent vocabularies over age against the CDI percentile bands.

    Two agent measures, named apart: the words the infant *shows by looking* (the
    word-comprehension probe: ``vocabulary``), and, when given, the words System A
    *associates* with the right toy (its lexicon: ``associated``).

    Parameters
    ----------
    vocabulary
        ``infant, age_months, words`` (e.g. the ``word_comprehension`` probe's score).
    world_words
        Words in the agent's world: agent words are drawn as the same share of the
        CDI checklist (:data:`infancy.analysis.compare.VOCABULARY_NORMALISATION`).
    form, measure
        The CDI norms drawn (:func:`infancy.analysis.reference.cdi_norms`).
    associated
        ``infant, age_months, words``: the words System A associates (lexicon), drawn
        dashed; ``None`` leaves it out.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        With a right-hand axis in the agents' own words (0 to ``world_words``).
    """
    _need(vocabulary, "vocabulary", ("infant", "age_months", "words"))
    if world_words < 1:
        raise ValueError(f"world_words: expected at least 1 word, got {world_words}")
    wide, items = compare.cdi_bands(form, measure)
    ax = _axes(ax, (7.5, 4.0))  # wider: the legend stands beside the right-hand axis
    m = wide.index.to_numpy(float)
    ax.fill_between(m, wide[10], wide[90], color="0.88", lw=0, label="children 10th-90th")
    ax.fill_between(m, wide[25], wide[75], color="0.75", lw=0, label="children 25th-75th")
    ax.plot(m, wide[50], color="black", lw=1.2, label="children median")
    scale = items / world_words
    c_shown, c_assoc = _colors(2)
    series = [("shown", vocabulary, c_shown, "-", "shows by looking (probe)")]
    if associated is not None:
        _need(associated, "associated", ("infant", "age_months", "words"))
        series.append(("associated", associated, c_assoc, "--", "System A associates (lexicon)"))
    parts = []
    for name, df, color, ls, text in series:
        v = df[["infant", "age_months", "words"]].copy()
        v["cdi_words"] = v["words"].astype(float) * scale
        for _, g in v.sort_values("age_months").groupby("infant"):
            ax.plot(g["age_months"], g["cdi_words"], color=color, ls=ls, lw=0.8, alpha=0.45)
        med = v.groupby("age_months")["cdi_words"].median()
        ax.plot(
            med.index,
            med.to_numpy(),
            color=color,
            ls=ls,
            lw=2.2,
            label=f"words the infant {text}" if name == "shown" else f"words {text}",
        )
        parts.append(v.assign(series="agent" if name == "shown" else "agent_associated"))
    ax.set_xlabel("age (months; agents: simulated)")
    ax.set_ylabel(f"CDI words ({form} {measure}, of {items})")
    right = ax.secondary_yaxis("right", functions=(lambda y: y / scale, lambda w: w * scale))
    right.set_ylabel(
        f"agent words (of {world_words} in its world;\n1 agent word = {scale:.0f} CDI words)"
    )
    ax.set_title("Vocabulary: agents on the CDI percentile bands", loc="left")
    # Beside the right-hand axis: inside, it hid the agents' early lines.
    ax.legend(loc="upper left", bbox_to_anchor=(1.18, 1.0), fontsize="x-small")
    norms_out = wide.stack().rename("words").reset_index().assign(series="cdi", infant=np.nan)
    agents = pd.concat(parts, ignore_index=True).rename(columns={"cdi_words": "words_cdi"})
    data = pd.concat([norms_out, agents], ignore_index=True)
    _keep(
        ax,
        data,
        [reference.cdi_norms(form, measure)["source"].iloc[0]],
        "Thick lines: median over infants; thin: each infant. Agents normalised:"
        f" words / {world_words} world words x {items} items"
        " (right axis: the agents' own count)",
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
) -> np.ndarray:
    """System M's signals over age as small multiples: one panel per signal group
    (:data:`SIGNAL_GROUPS`, in the signals' own units), and a bottom panel of the modes
    it chose, all on one age axis.

    Parameters
    ----------
    timeline
        The long-form timeline (``age_months, infant, measure, value``), with the
        ``share_<mode>`` measures for the mode panel.
    measures
        Meta-state measures to draw (grouped as in :data:`SIGNAL_GROUPS`; a measure of
        no group gets a panel of its own).
    infant
        One infant, or ``None`` for the cohort mean.
    bins
        Age bins.
    ax
        Axes whose place in the figure the panels share (it is replaced by them); a
        new figure when ``None``.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The panels, top to bottom; the last is the mode panel (the share of steps in
        each mode per age bin, stacked, sleep at the bottom, with the children's share
        of the day asleep), which carries the data and the sources.
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
    groups = {
        g: [m for m in names if m in measures and m in mean] for g, names in SIGNAL_GROUPS.items()
    }
    grouped = {m for names in SIGNAL_GROUPS.values() for m in names}
    groups |= {SIGNAL_LABELS.get(m, m): [m] for m in measures if m not in grouped and m in mean}
    groups = {g: names for g, names in groups.items() if names}
    n = len(groups) + 1
    ratios = [1.0] * len(groups) + [0.8]
    if ax is None:
        fig = plt.figure(figsize=_size((7.0, 1.55 * n + 0.9)), layout="constrained")
        axes = fig.subplots(n, 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    else:
        fig, spec = ax.figure, ax.get_subplotspec()
        ax.remove()
        grid = spec.subgridspec(n, 1, height_ratios=ratios, hspace=0.15)
        axes = [fig.add_subplot(grid[0])]
        axes += [fig.add_subplot(grid[k], sharex=axes[0]) for k in range(1, n)]
    axes = np.atleast_1d(np.asarray(axes, dtype=object))
    rows = []
    for a, (group, names) in zip(axes, groups.items(), strict=False):
        for k, name in enumerate(names):
            y = mean[name].to_numpy(float)
            a.plot(
                mid,
                y,
                color=SIGNAL_PALETTE[k % len(SIGNAL_PALETTE)],
                ls=SIGNAL_STYLES[k % len(SIGNAL_STYLES)],
                lw=1.5 * _size((1.0, 1.0))[0],
                label=SIGNAL_LABELS.get(name, name.replace("_", " ")),
            )
            rows.append(pd.DataFrame({"age_months": mid, "measure": name, "value": y}))
        if group == "What surprises System A":  # ratios: a first-month spike is tens
            a.set_yscale("symlog", linthresh=1.0, linscale=1.0)
            a.axhline(1.0, color="0.7", lw=0.8, zorder=0)
            a.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        a.set_title(group, loc="left", fontsize="small")
        a.set_ylabel(SIGNAL_UNITS.get(group, "value"), fontsize="x-small")
        a.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small")
        a.tick_params(labelbottom=False)
    strip = axes[-1]
    bottom = np.zeros(len(mid))
    for mode in reversed(MODES):
        col = f"share_{mode}"
        share = mean[col].fillna(0).to_numpy(float) if col in mean else np.zeros(len(mid))
        top = bottom + share
        strip.fill_between(
            mid, bottom, top, color=MODE_COLORS[mode], lw=0, step="mid", label=f"mode: {mode}"
        )
        rows.append(pd.DataFrame({"age_months": mid, "measure": col, "value": share}))
        bottom = top
    sleep = compare.child_sleep_share()
    for _, s in sleep.iterrows():
        lo, hi = s["share_low"], s["share_high"]
        # a range (recommendation) as a bar, a mean as a dot; white face over the strip
        strip.errorbar(
            (s["age_months_low"] + s["age_months_high"]) / 2,
            (lo + hi) / 2,
            yerr=(hi - lo) / 2,
            xerr=(s["age_months_high"] - s["age_months_low"]) / 2,
            fmt="o",
            ms=4,
            color="black",
            mfc="white",
            elinewidth=1.6,
            capsize=2,
            zorder=5,
        )
    strip.errorbar(
        [],
        [],
        yerr=[],
        fmt="o",
        ms=4,
        color="black",
        mfc="white",
        label="children asleep\n(share of the day)",
    )
    strip.set_ylim(0, 1)
    strip.set_xlim(0, edges[-1])
    strip.set_title("Modes System M chose", loc="left", fontsize="small")
    strip.set_ylabel("share of steps\n(0 to 1)", fontsize="x-small")
    strip.set_xlabel("age (months; simulated)")
    handles, texts = strip.get_legend_handles_labels()  # top of the stack first
    order = [*reversed(range(len(MODES))), *range(len(MODES), len(texts))]
    strip.legend(
        [handles[i] for i in order],
        [texts[i] for i in order],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="x-small",
    )
    who = "cohort mean" if infant is None else f"infant {infant}"
    fig.suptitle(f"System M over a lifetime ({who})", x=0.02, ha="left")
    data = pd.concat(rows, ignore_index=True)
    _keep(
        strip,
        data,
        list(sleep["source"]),
        f"Lines: mean per age bin ({bins} bins){'' if infant is not None else ' over infants'}."
        " Bottom: share of steps in each mode per bin; dots and bars: children's"
        " share of the day asleep (mean or recommended range) over the age range shown",
    )
    return axes


# --------------------------------------------------------------------------- probes


def plot_probe_curves(
    probes: pd.DataFrame,
    *,
    names: Sequence[str] | None = None,
    child: pd.DataFrame | None = None,
    bin_months: float = 2.0,
    end_months: float | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """The share of batteries each probe passes, by age: the mean over infants per age
    bin with a 95% percentile bootstrap band over infants (drawn where at least three
    infants have batteries in the bin), and the child age of each probe as a dashed
    line of its colour. Batteries are pooled in bins of ``bin_months`` (one battery is
    8 trials; a single battery's pass is noisy).

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
    end_months
        End of the age axis (the lifetime's end; default: the last battery's age). Child
        ages beyond it are listed under the axes instead of drawn.
    n_boot, seed
        Bootstrap resamples and seed of the band.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
    """
    names, end, child, rows = _probe_shares(
        probes, names, child, bin_months, end_months, n_boot, seed
    )
    ax = _axes(ax, (7.5, 4.0))
    grow = _size((1.0, 1.0))[0]  # lines and markers grow with the context's fonts
    for k, name in enumerate(names):
        color, marker = PROBE_PALETTE[k], PROBE_MARKERS[k]
        d = pd.DataFrame([r for r in rows if r["probe"] == name])
        if d.empty:
            continue
        ax.plot(
            d["age_months"],
            d["share_passing"],
            color=color,
            marker=marker,
            ms=4 * grow,
            lw=1.4 * grow,
            label=label(name),
        )
        band = d.dropna(subset=["ci_low"])
        if len(band):
            ax.fill_between(
                band["age_months"],
                band["ci_low"],
                band["ci_high"],
                color=color,
                alpha=0.15,
                lw=0,
            )
    beyond = []
    for _, r in child.iterrows():
        if r["age_months"] <= end:
            k = names.index(r["milestone"])
            ax.axvline(r["age_months"], color=PROBE_PALETTE[k], ls="--", lw=grow)
        else:
            beyond.append(f"{label(r['milestone'])} {r['age_months']:g}")
    ax.plot([], [], color="0.3", ls="--", lw=1, label="child age (same colour)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, end)
    ax.set_xlabel("age (months; agents: simulated)")
    ax.set_ylabel(
        "share of batteries passed\n(mean over infants)"
        if bin_months > 0
        else "share of infants passing"
    )
    ax.set_title("Probe battery over age", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small")
    if rows and max(r["share_passing"] for r in rows) == 0:
        ax.text(
            0.5,
            0.5,
            "No infant passed any of these probes:\nevery line lies at 0",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize="small",
            color="0.25",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    note = _shares_note(n_boot, bin_months)
    if beyond:
        note += f". Child ages after {end:g} months: " + ", ".join(beyond)
    _keep(ax, _shares_data(rows, child), list(child["source"]), note)
    return ax


def _probe_shares(probes, names, child, bin_months, end_months, n_boot, seed):
    """What :func:`plot_probe_curves` and :func:`plot_probe_panels` draw: the probes in
    order, the axis end, their child ages and one row per probe and age bin (mean over
    infants, its bootstrap CI, the infants)."""
    _need(probes, "probes", ("age_months", "infant", "probe", "passed"))
    names = list(dict.fromkeys(probes["probe"])) if names is None else list(names)
    if len(names) > len(PROBE_PALETTE):
        raise ValueError(f"names: at most {len(PROBE_PALETTE)} probes, got {len(names)}")
    p = probes[probes["probe"].isin(names)].assign(passed=lambda d: d["passed"].astype(float))
    end = float(p["age_months"].max()) if end_months is None and len(p) else end_months
    end = 1.0 if end is None else end
    if bin_months > 0:  # each infant's share of passes per bin (lo, hi], at its centre
        k = np.maximum(np.ceil(p["age_months"] / bin_months), 1.0)
        centre = (k - 0.5) * bin_months
        p = (
            p.assign(age_months=centre)
            .groupby(["probe", "infant", "age_months"], as_index=False)["passed"]
            .mean()
        )
    child = compare.child_milestones() if child is None else child
    child = child[child["milestone"].isin(names)]
    rng = np.random.default_rng(seed)
    rows = []
    for name in names:
        for age, cell in p[p["probe"] == name].groupby("age_months"):
            v = cell["passed"].to_numpy(float)
            lo = hi = np.nan
            if v.size >= 3:
                boot = rng.choice(v, (n_boot, v.size)).mean(1)
                lo, hi = np.quantile(boot, [0.025, 0.975])
            rows.append(
                {
                    "probe": name,
                    "age_months": age,
                    "share_passing": v.mean(),
                    "ci_low": lo,
                    "ci_high": hi,
                    "n_infants": v.size,
                }
            )
    return names, end, child, rows


def _shares_data(rows, child) -> pd.DataFrame:
    data = pd.DataFrame(
        rows, columns=["probe", "age_months", "share_passing", "ci_low", "ci_high", "n_infants"]
    )
    return data.merge(
        child[["milestone", "age_months"]].rename(
            columns={"milestone": "probe", "age_months": "child_age_months"}
        ),
        on="probe",
        how="left",
    )


def _shares_note(n_boot, bin_months) -> str:
    return (
        f"Bands: 95% bootstrap CI over infants ({n_boot} resamples), where a bin has 3"
        " infants or more" + (f"; {bin_months:g}-month bins" if bin_months > 0 else "")
    )


def plot_probe_panels(
    probes: pd.DataFrame,
    *,
    names: Sequence[str] | None = None,
    child: pd.DataFrame | None = None,
    bin_months: float = 2.0,
    end_months: float | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    cols: int = 4,
) -> np.ndarray:
    """:func:`plot_probe_curves` as small multiples: one panel per probe, titled with
    its plain name, on shared age and share axes, with the children's age of the
    milestone as a dashed black line in its panel (or said in words in the panel's
    upper right corner when it lies past the axis), so that no curve hides another.

    Parameters
    ----------
    probes, names, child, bin_months, end_months, n_boot, seed
        As :func:`plot_probe_curves` (the same numbers, drawn apart).
    cols
        Panels per row.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The panels in battery order (unused grid cells are removed); the first panel of
        the last row carries the figure's data and sources and the caption below it.
    """
    names, end, child, rows = _probe_shares(
        probes, names, child, bin_months, end_months, n_boot, seed
    )
    if not names:
        raise ValueError("probes: no probe to draw")
    cols = max(1, min(cols, len(names)))
    nrows = -(-len(names) // cols)
    fig, grid = plt.subplots(
        nrows,
        cols,
        figsize=_size((2.6 * cols + 0.6, 2.3 * nrows + 0.9)),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",  # room for two-line titles at every context's font size
    )
    grow = _size((1.0, 1.0))[0]
    ages = dict(zip(child["milestone"], child["age_months"], strict=True))
    panels = []
    for k, name in enumerate(names):
        ax = grid[k // cols, k % cols]
        panels.append(ax)
        d = pd.DataFrame([r for r in rows if r["probe"] == name])
        color = PROBE_PALETTE[k]
        if not d.empty:
            band = d.dropna(subset=["ci_low"])
            if len(band):
                ax.fill_between(
                    band["age_months"],
                    band["ci_low"],
                    band["ci_high"],
                    color=color,
                    alpha=0.25,
                    lw=0,
                )
            ax.plot(
                d["age_months"],
                d["share_passing"],
                color=color,
                marker=PROBE_MARKERS[k],
                ms=3.5 * grow,
                lw=1.4 * grow,
            )
        age = ages.get(name)
        if age is not None and age <= end:
            ax.axvline(age, color="0.1", ls="--", lw=grow)
        elif age is not None:
            ax.text(
                0.97,
                0.95,
                f"child age {age:g} mo\n(past the axis)",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize="xx-small",
                color="0.25",
            )
        if d.empty or d["share_passing"].max() == 0:
            ax.text(
                0.5,
                0.5,
                "no infant passed",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize="x-small",
                color="0.25",
            )
        ax.set_title(textwrap.fill(label(name), 28), loc="left", fontsize="small")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(0, end)
    for extra in range(len(names), nrows * cols):
        grid[extra // cols, extra % cols].remove()
    for r in range(nrows):
        grid[r, 0].set_ylabel("share passed" if bin_months > 0 else "share passing")
    for k, ax in enumerate(panels):
        if k + cols >= len(names):  # no panel below it
            ax.set_xlabel("age (months)")
            ax.xaxis.set_tick_params(labelbottom=True)
    # One legend for every panel, in neutral colours (each panel has its own colour).
    handles = [
        Patch(color="0.8", label="95% CI over infants"),
        Line2D(
            [], [], color="0.3", marker="o", ms=3.5 * grow, lw=1.4 * grow, label="infants (mean)"
        ),
        Line2D([], [], color="0.1", ls="--", lw=grow, label="child age"),
    ]
    fig.legend(handles=handles, loc="upper right", ncols=3, fontsize="x-small", frameon=False)
    fig.suptitle("Probe battery over age", x=0.01, ha="left")
    carrier = grid[nrows - 1, 0]
    note = (
        "Agents: simulated months; share of batteries passed, mean over infants. "
        + _shares_note(n_boot, bin_months)
    )
    # The constrained layout places the panels once and is then frozen: the caption below
    # spans the figure, and the layout would squeeze the panels to fit it beside them.
    fig.canvas.draw()
    fig.set_layout_engine("none")
    _keep(carrier, _shares_data(rows, child), list(child["source"]), note)
    return np.array(panels, dtype=object)


# --------------------------------------------------------------------------- ablation


def plot_ablation(
    data: pd.DataFrame,
    *,
    x: str = "condition",
    y: str = "value",
    hue: str | None = None,
    child: dict | None = None,
    palette: str | dict | None = None,
    unit: str = "run",
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
    palette
        Colours of the ``hue`` levels (default :data:`PALETTE`).
    unit
        What one row (a dot) is, for the caption: ``"run"``, ``"seed"``, ``"infant"``.
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
    palette = PALETTE if palette is None else palette
    kw = {"hue": hue, "palette": palette} if hue else {"color": _colors(1)[0]}
    grow = _size((1.0, 1.0))[0]  # dots grow with the context's fonts
    sns.stripplot(
        data=data, x=x, y=y, dodge=bool(hue), alpha=0.5, size=4 * grow, ax=ax, legend=False, **kw
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
        **({"hue": hue, "palette": palette} if hue else {"color": "black"}),
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
    note = (
        f"Dots: each {unit}; diamonds and bars: the mean and its 95% bootstrap CI over"
        f" {unit}s (1000 resamples)"
    )
    _keep(ax, data, sources, note if child else f"No child value for this measure. {note}")
    return ax


# --------------------------------------------------------------------------- saving


def save_figure(
    figure: Figure | Axes | Sequence[Axes] | np.ndarray,
    path: str | Path,
    *,
    data: pd.DataFrame | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Write a figure as PDF, SVG and PNG, and the data behind it as CSV.

    Parameters
    ----------
    figure
        The figure, one of its axes, or its panels (an array of axes).
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
    if isinstance(figure, Axes):
        fig = figure.figure
    elif isinstance(figure, Figure):
        fig = figure
    else:  # the panels of a small-multiples figure
        fig = np.ravel(figure)[0].figure
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
