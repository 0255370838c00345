"""A run's report: one self-contained HTML page (``infancy report RUN``).

The page holds the run's configuration, the milestone table against children, every
figure (embedded, and written beside the page as PDF, SVG, PNG and CSV), the comparison
statistics and a summary of System M's audit log. :func:`compare_run` returns the same
numbers as tidy DataFrames for a notebook.
"""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.axes import Axes

from infancy.curricula.probe_records import PROBES, label
from infancy.store import RunError, RunStore

from . import compare, figures
from .acquisition import first_stable_pass

__all__ = ["FIGURES", "audit_summary", "compare_run", "words_associated", "write_report"]

FIGURES = {
    "milestone_windows": "Age of acquisition of each probe: each infant's first stable pass"
    " (dots), the cohort median (bar) and the children's age and window (diamond, grey)",
    "probe_curves": "Share of batteries passed over age, one panel per probe: mean over"
    " infants per 2-month bin, band the 95% bootstrap CI over infants (bins with 3 infants"
    " or more); dashed: the child age of the milestone",
    "vocabulary_growth": "Vocabulary on the CDI percentile bands: words the infant shows by"
    " looking (word-comprehension probe, solid) and words System A associates (lexicon,"
    " dashed); right axis: the agents' own word count",
    "meta_timeline": "System M's signals over the lifetime, one panel per group in its own"
    " units (cohort mean per age bin), above the share of steps in each mode it chose",
    "modes_by_stage": "System M's mode shares by curriculum stage: dots, one per infant (its"
    " share of meta-actions in that mode); diamonds and bars, the cohort mean with its 95%"
    " bootstrap CI over infants",
}
"""The report's figures: file stem -> caption."""


def compare_run(
    probes: pd.DataFrame,
    *,
    world_words: int | None = None,
    stable: int = 2,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Every comparison with children for one cohort's probe table.

    Parameters
    ----------
    probes
        The run's probe table (``age_months, infant, probe, score, passed``).
    world_words
        Words in the agents' world (for the vocabulary normalisation; ``None`` skips
        the vocabulary comparison).
    stable, n_boot, seed
        Stable passes for the first-stable age; bootstrap resamples and seed.

    Returns
    -------
    dict of pandas.DataFrame
        ``milestones`` (per probe: child age and source, cohort first-stable median and
        logistic 50% point with CIs, alignment residual), ``ages`` (each infant's first
        stable pass, :func:`first_stable_pass`), ``order`` (Kendall tau),
        ``alignment``, ``windows``, ``a_not_b``, ``vocabulary`` (per infant and month on
        the CDI bands).
    """
    ages = first_stable_pass(probes, stable)
    first = compare.cohort_aoa(
        probes, method="first_stable", stable=stable, n_boot=n_boot, seed=seed
    )
    cohort = compare.cohort_aoa(probes, n_boot=n_boot, seed=seed)
    child = compare.child_milestones([p for p in PROBES if p in set(probes["probe"])])
    agent = compare.by_milestone(first)[["milestone", "age_months"]]
    alignment = compare.age_alignment(agent, child)
    table = child[["milestone", "child_milestone", "age_months", "source"]].rename(
        columns={"age_months": "child_months"}
    )
    for name, df in (("first_stable", first), ("logistic", cohort)):
        part = df.rename(
            columns={
                "probe": "milestone",
                "age_months": f"{name}_months",
                "ci_low": f"{name}_ci_low",
                "ci_high": f"{name}_ci_high",
            }
        )
        keep = ["milestone", f"{name}_months", f"{name}_ci_low", f"{name}_ci_high"]
        if name == "first_stable":
            keep += ["n_reached", "n_infants"]
        table = table.merge(part[keep], on="milestone", how="left")
    table = table.merge(alignment[["milestone", "residual_months"]], on="milestone", how="left")
    # What the body allows: the earliest age at which a probe's oracle can pass with the
    # curriculum's bodies, so an age splits into maturation and learning.
    earliest = maturation_table()
    earliest = earliest[earliest["body"] == "earliest"][["probe", "from_months"]].rename(
        columns={"probe": "milestone", "from_months": "earliest_possible_months"}
    )
    table = table.merge(earliest, on="milestone", how="left")
    table["learning_delay_months"] = (
        table["first_stable_months"] - table["earliest_possible_months"]
    )
    out = {
        "milestones": table,
        "order": compare.milestone_order(agent, child, seed=seed),
        "alignment": alignment,
        "ages": ages,
        "windows": compare.share_in_windows(ages, child),
        "a_not_b": compare.a_not_b_slope(probes, n_boot=n_boot, seed=seed),
    }
    if world_words:
        out["vocabulary"] = compare.vocabulary_percentiles(
            compare.vocabulary(probes), world_words=world_words
        )
    return out


DATA = Path(__file__).parents[1] / "curricula" / "data"


def maturation_table() -> pd.DataFrame:
    """The shipped table of what each body makes possible
    (:func:`infancy.curricula.validity.maturation`; read without importing the
    simulator)."""
    return pd.read_csv(DATA / "maturation.csv")


def null_table() -> pd.DataFrame:
    """The shipped rates of false stable milestones of a random policy over a default
    lifetime (``experiments/validity_table.py``)."""
    return pd.read_csv(DATA / "nulls.csv")


def audit_summary(audit: pd.DataFrame) -> pd.DataFrame:
    """System M's audit log summarised by stage: ``stage, records, share_<mode>``, mean
    gates and intrinsic weight, overrides and constraint violations (counts)."""
    if audit.empty:
        return pd.DataFrame(columns=["stage", "records"])
    a = pd.concat([audit, _mode_indicators(audit)], axis=1)
    violated = [c for c in a.columns if c.startswith("violated_")]
    agg = {"records": ("mode", "size")}
    agg |= {f"share_{m}": (f"share_{m}", "mean") for m in figures.MODES}
    agg |= {c: (c, "mean") for c in ("gate_a", "gate_b", "intrinsic_weight") if c in a}
    agg |= {c: (c, "sum") for c in ("overridden", *violated) if c in a}
    order = list(dict.fromkeys(a["stage"]))
    summary = a.groupby("stage").agg(**agg).reindex(order).reset_index()
    total = a.assign(stage="all").groupby("stage").agg(**agg).reset_index()
    return pd.concat([summary, total], ignore_index=True)


def _mode_indicators(audit: pd.DataFrame) -> pd.DataFrame:
    """``share_<mode>`` columns, 1.0 where the record chose that mode (means are shares)."""
    modes = pd.get_dummies(audit["mode"]).reindex(columns=list(figures.MODES), fill_value=False)
    return modes.astype(float).add_prefix("share_")


def _modes_by_stage(audit: pd.DataFrame) -> pd.DataFrame:
    per = pd.concat([audit[["stage", "infant"]], _mode_indicators(audit)], axis=1)
    per = per.groupby(["stage", "infant"], sort=False).mean().reset_index()
    per.columns = [c.removeprefix("share_") for c in per.columns]
    return per.melt(id_vars=["stage", "infant"], var_name="mode", value_name="share")


def _plot_modes_by_stage(audit: pd.DataFrame, seed: int) -> Axes:
    ax = figures.plot_ablation(
        _modes_by_stage(audit),
        x="stage",
        y="share",
        hue="mode",
        palette=figures.MODE_COLORS,
        unit="infant",
        seed=seed,
    )
    ax.set_ylabel("share of meta-actions (0 to 1)")
    ax.set_xlabel("curriculum stage")
    ax.set_title("Modes by curriculum stage", loc="left")
    ax.legend(title="mode", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small")
    return ax


def words_associated(lexicon: pd.DataFrame) -> pd.DataFrame:
    """Words System A associates with the right toy, per infant and age: ``infant,
    age_months, words`` from the lexicon table (a word A comprehends by its own threshold
    and binds to the toy the word names). Not the word-comprehension probe, which counts
    the words the infant *shows by looking*."""
    right = lexicon["comprehended"].astype(bool) & lexicon["correct"].astype(bool)
    return (
        lexicon.assign(words=right.astype(int))
        .groupby(["infant", "age_months"], as_index=False)["words"]
        .sum()
    )


def _number(value, fmt: str = ".2f") -> str | None:
    """``value`` formatted, or ``None`` when it is missing or not finite."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return format(v, fmt) if np.isfinite(v) else None


def _plain(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """``df`` with the probes in ``column`` by their plain labels (not raw names)."""
    if column not in df.columns or df.empty:
        return df
    return df.assign(**{column: df[column].map(lambda p: label(p) if p in PROBES else p)})


def _with_ci(value, low, high) -> str:
    """``"6.00 [5.00, 7.00]"``; an en dash where the value is missing, and no interval
    where it cannot be computed."""
    v = _number(value)
    if v is None:
        return "\u2013"
    lo, hi = _number(low), _number(high)
    return f"{v} [{lo}, {hi}]" if lo is not None and hi is not None else v


def _milestones_for_page(table: pd.DataFrame) -> pd.DataFrame:
    """The milestone table as the page shows it, narrow enough for a 1280-px screen:
    plain probe labels (no raw names), each age with its 95% CI in one cell, the infants
    that reached it as "k of n"."""
    t = table
    return pd.DataFrame(
        {
            "probe": t["milestone"].map(label),
            "child milestone": t["child_milestone"],
            "child months": t["child_months"],
            "source": t["source"],
            "first stable months [95% CI]": [
                _with_ci(*r)
                for r in zip(
                    t["first_stable_months"],
                    t["first_stable_ci_low"],
                    t["first_stable_ci_high"],
                    strict=True,
                )
            ],
            "reached": [
                f"{int(k)} of {int(n)}" if pd.notna(k) and pd.notna(n) else "\u2013"
                for k, n in zip(t["n_reached"], t["n_infants"], strict=True)
            ],
            "logistic months [95% CI]": [
                _with_ci(*r)
                for r in zip(
                    t["logistic_months"], t["logistic_ci_low"], t["logistic_ci_high"], strict=True
                )
            ],
            "residual months": t["residual_months"],
            "earliest possible months": t["earliest_possible_months"],
            "learning delay months": t["learning_delay_months"],
        }
    )


def _table_html(df: pd.DataFrame, digits: int = 2) -> str:
    """A table in a scrolling container (the page never scrolls sideways); headers with
    spaces, so that they wrap; an empty table says so in words."""
    if df.empty:
        return '<p class="empty">No rows: nothing to show here for this run.</p>'
    df = df.rename(columns=lambda c: str(c).replace("_", " "))
    table = df.to_html(
        index=False,
        na_rep="\u2013",  # an en dash
        float_format=lambda v: f"{v:.{digits}f}",
        border=0,
        classes="data",
        escape=True,
    )
    return f'<div class="table-wrap">{table}</div>'


def _summary(
    stats: dict[str, pd.DataFrame],
    probes: pd.DataFrame,
    lexicon: pd.DataFrame,
    world_words: int,
) -> list[tuple[str, str]]:
    """The comparison statistics in words; one that cannot be computed says why."""
    order = stats["order"].iloc[0]
    tau, p = _number(order.get("tau")), _number(order.get("p_value"), ".3f")
    if order.get("why_missing") or tau is None:
        why = order.get("why_missing") or (
            "fewer than two milestones reached by half the cohort, so there is no order to compare"
        )
        order_text = f"not computed: {why}"
    else:
        order_text = (
            f"tau = {tau}, one-sided permutation p = {p or 'not computed'} "
            f"({'exact' if order['exact'] else 'sampled'}; n = {order['n_milestones']} "
            f"milestones by the cohort's first-stable median, {order['n_not_reached']} not "
            "reached by half the cohort and ranked last, tied)"
        )
    alignment = stats["alignment"]
    b = _number(alignment["slope"].iloc[0]) if len(alignment) else None
    a = _number(alignment["intercept"].iloc[0]) if len(alignment) else None
    align_text = (
        f"b = {b}, a = {a}"
        if b is not None and a is not None
        else "not computed: fewer than two milestones reached by half the cohort"
    )
    anb = stats["a_not_b"].set_index("infant").loc["cohort"]
    slope = _number(anb["slope_steps_per_month"])
    if slope is None:
        anb_text = "not computed: no infant passed the A-not-B probe at two ages or more"
    else:
        lo, hi = _number(anb["ci_low"]), _number(anb["ci_high"])
        ci = f"95% CI {lo} to {hi}" if lo and hi else "no CI: too few infants to resample"
        implied = _number(anb["seconds_per_step_implied"])
        anb_text = (
            f"{slope} steps/month ({ci}); children about {anb['child_s_per_month']:g} s/month "
            f"({html.escape(compare.short_source(anb['source']))}); "
            + (
                f"equal if a step lasted {implied} s"
                if implied is not None and float(implied) > 0
                else "no step duration makes them equal (the agents' slope is not positive)"
            )
        )
    summary = [
        ("Milestone order (Kendall tau-b vs children)", order_text),
        ("Age alignment (child months = a + b x simulated months)", align_text),
        ("A-not-B delay slope", anb_text),
    ]
    of = f" of {world_words} in the world" if world_words else ""
    words = probes[probes["probe"] == "word_comprehension"]
    if len(words):
        last = words[words["age_months"] == words["age_months"].max()]
        summary.append(
            (
                "Words the infant shows by looking (word-comprehension probe)",
                f"median {last['score'].median():g}{of} at {last['age_months'].iloc[0]:g}"
                f" months (n = {len(last)} infants; range {last['score'].min():g} to"
                f" {last['score'].max():g}). What the infant does: it looks at the named"
                " toy more than chance.",
            )
        )
    if not lexicon.empty:
        assoc = words_associated(lexicon)
        last = assoc[assoc["age_months"] == assoc["age_months"].max()]
        summary.append(
            (
                "Words System A associates (lexicon)",
                f"median {last['words'].median():g}{of} at {last['age_months'].iloc[0]:g}"
                f" months (n = {len(last)} infants; range {last['words'].min():g} to"
                f" {last['words'].max():g}). What the infant's world model binds: a word"
                " System A comprehends by its own threshold and links to the toy it names;"
                " it can run ahead of what the infant shows by looking.",
            )
        )
    if "vocabulary" in stats and len(stats["vocabulary"]):
        v = stats["vocabulary"]
        last = v[v["age_months"] == v["age_months"].max()]
        summary.append(
            (
                "Words shown by looking, on CDI bands (last normed age)",
                f"{last['age_months'].iloc[0]:g} months: bands "
                + ", ".join(f"{b} x{k}" for b, k in last["band"].value_counts().items())
                + f"; normalisation: {compare.VOCABULARY_NORMALISATION}",
            )
        )
    return summary


def write_report(
    run: str | Path,
    out: str | Path | None = None,
    *,
    force: bool = False,
    n_boot: int = 1000,
    seed: int = 0,
) -> Path:
    """Write the HTML report of a run.

    Parameters
    ----------
    run
        A run directory (finished or under way).
    out
        Folder for the page and its figures (default ``RUN/report``); it must not exist
        or be empty unless ``force``.
    force
        Replace the files of an earlier report in ``out``.
    n_boot, seed
        Bootstrap resamples and seed of the confidence intervals.

    Returns
    -------
    pathlib.Path
        The ``index.html`` written.

    Raises
    ------
    infancy.store.RunError
        ``run`` is not a run directory, has no probe batteries yet, or ``out`` holds
        files and ``force`` is not set.
    """
    store = RunStore.open(run)
    out = store.path / "report" if out is None else Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise RunError(f"{out}: a report is already there (use --force to replace it)")
    status = store.status()
    probes = store.table("probes")
    if probes.empty:
        raise RunError(f"{store.path}: no probe battery has run yet")
    timeline = store.table("timeline")
    audit = store.table("audit")
    lexicon = store.table("lexicon")
    world_words = int(lexicon["word"].nunique()) if not lexicon.empty else 0
    associated = words_associated(lexicon) if not lexicon.empty else None
    stats = compare_run(probes, world_words=world_words or None, n_boot=n_boot, seed=seed)

    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    figures.set_style("paper")
    drawn = []
    makers = {
        "milestone_windows": lambda: figures.plot_milestone_windows(stats["ages"]),
        "probe_curves": lambda: figures.plot_probe_panels(
            probes, end_months=status.get("end_months"), seed=seed
        ),
        "vocabulary_growth": (
            lambda: figures.plot_vocabulary_growth(
                compare.vocabulary(probes), world_words=world_words, associated=associated
            )
        )
        if world_words
        else None,
        "meta_timeline": lambda: figures.plot_meta_timeline(timeline),
        "modes_by_stage": lambda: _plot_modes_by_stage(audit, seed),
    }
    for stem, make in makers.items():
        if make is None:
            continue
        drawn_on = make()
        # The axes that carry the sources: the one drawn, or the panel that says so.
        ax = (
            drawn_on
            if isinstance(drawn_on, Axes)
            else next(a for a in np.ravel(drawn_on) if hasattr(a, "_infancy_sources"))
        )
        sources = list(getattr(ax, "_infancy_sources", []))
        files = figures.save_figure(ax, fig_dir / stem)
        plt.close(ax.figure)
        png = fig_dir / f"{stem}.png"
        drawn.append(
            {
                "stem": stem,
                "caption": FIGURES[stem],
                "sources": "; ".join(sources) or "none",
                "files": [f"figures/{p.name}" for p in files],
                "png": f"figures/{png.name}",
                "data": base64.b64encode(png.read_bytes()).decode("ascii"),
            }
        )

    summary = _summary(stats, probes, lexicon, world_words)
    env = Environment(
        loader=PackageLoader("infancy.analysis", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    page = env.get_template("report.html").render(
        run=store.path.name,
        path=str(store.path),
        status=status,
        created=time.strftime("%Y-%m-%d %H:%M", time.localtime(status["created"]))
        if isinstance(status.get("created"), int | float)
        else "at a time not recorded",
        config=yaml.safe_dump(store.config(), sort_keys=False),
        summary=summary,
        milestones=_table_html(_milestones_for_page(stats["milestones"])),
        windows=_table_html(_plain(stats["windows"], "milestone")),
        alignment=_table_html(
            _plain(stats["alignment"].drop(columns=["slope", "intercept"]), "milestone")
        ),
        a_not_b=_table_html(stats["a_not_b"].drop(columns="source")),
        nulls=_table_html(_plain(null_table(), "probe")),
        audit=_table_html(audit_summary(audit), 3),
        figures=drawn,
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
