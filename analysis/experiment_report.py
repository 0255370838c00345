"""The HTML page of an experiment (``infancy report EXPERIMENT_DIR``).

An experiment directory (:mod:`infancy.curricula.experiments`) holds the experiment as
resolved (``experiment.yaml``), one row per condition, seed, infant and measure
(``measures.parquet``) and one row per contrast and measure (``summary.parquet``, from
:mod:`infancy.analysis.experiments`). The page states the question and the literature,
the conditions, the table of effects with their CIs, two figures (each also as PDF, SVG,
PNG and the CSV behind it) and one sentence per contrast that states the number. Where
a ``probe_slope`` measure's probe has a published growth rate (its record's ``growth``,
such as Diamond's ~2 s/month for A-not-B), the page sets each condition's slope against
the children's (:func:`against_children`).

Figures:

``effects``
    Hedges' g of every contrast and measure with its 95% hierarchical bootstrap CI
    (seeds resampled, then infants within seeds); 0 is no effect. A measure whose g
    cannot be computed (every seed scored the same) is drawn as a hollow mark at 0, and
    one that a condition has no value of (no infant passed the probe whose slope it
    is) as a cross at 0; the caption names both.
``conditions``
    one panel per measure: each seed's mean (dots) and the condition's mean over seeds
    with its 95% bootstrap CI over seeds (bar).
"""

from __future__ import annotations

import base64
import html
import json
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from jinja2 import Environment, PackageLoader, select_autoescape

from . import figures

__all__ = ["against_children", "plot_conditions", "plot_effects", "write_experiment_report"]

_COLUMNS = {
    "condition": "condition",
    "control": "control",
    "label": "measure",
    "difference": "difference",
    "diff_low": "CI low",
    "diff_high": "CI high",
    "effect_size": "Hedges' g",
    "p_value": "p",
    "n_seeds_condition": "seeds (condition)",
    "n_seeds_control": "seeds (control)",
}


def plot_effects(summary: pd.DataFrame, ax=None):
    """Hedges' g with its CI, one row per contrast and measure (see the module
    docstring); returns the axes (the data kept for :func:`figures.save_figure`)."""
    rows = summary.reset_index(drop=True)
    labels = [f"{r.label}\n{r.condition} vs {r.control}" for r in rows.itertuples()]
    if ax is None:  # grown with the style's fonts (talk, poster), as every figure
        size = figures._size((6.5, 0.6 * len(rows) + 1.4))
        _, ax = plt.subplots(figsize=size, layout="constrained")
    y = np.arange(len(rows))[::-1]
    g = rows["effect_size"].to_numpy(dtype=float)
    ok = np.isfinite(g)
    low = rows["g_low"].to_numpy(dtype=float)
    high = rows["g_high"].to_numpy(dtype=float)
    grow = figures._size((1.0, 1.0))[0]  # marks grow with the style's fonts
    ax.axvline(0.0, color="0.5", lw=grow, zorder=0)
    with_ci = ok & np.isfinite(low) & np.isfinite(high)
    ax.hlines(y[with_ci], low[with_ci], high[with_ci], color="0.2", lw=2 * grow)
    ax.plot(g[ok], y[ok], "o", color="0.1", ms=6 * grow)
    # g missing: every seed scored the same (a hollow mark), or a condition has no value
    # at all (a cross), as when no infant passed the probe whose slope is measured
    empty = ~np.isfinite(rows["difference"].to_numpy(dtype=float))
    flat = ~ok & ~empty
    ax.plot(np.zeros(flat.sum()), y[flat], "o", mfc="white", mec="0.3", ms=6 * grow)
    ax.plot(np.zeros(empty.sum()), y[empty], "x", color="0.3", ms=6 * grow)
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("effect size, Hedges' g (condition minus control, in SDs of seed means)")
    note = (
        "Dots: Hedges' g on seed means; lines: its 95% hierarchical bootstrap CI (seeds"
        " resampled, then infants within seeds); 0: no effect"
    )
    if (ok & ~with_ci).any():
        note += (
            "; a dot without a line: no CI (over 2.5% of the resamples had no spread between seeds)"
        )
    if flat.any():
        note += "; hollow marks at 0: g not computable (every seed scored the same)"
    if empty.any():
        note += "; crosses at 0: not computable (a condition has no value)"
    data = rows.assign(y=y)[
        ["condition", "control", "measure", "label", "effect_size", "g_low", "g_high"]
    ]
    figures._keep(ax, data, [], note, cite=False)
    return ax


def _seed_mean_ci(v: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """The 95% bootstrap CI of the mean of seed means ``v`` (2,000 resamples)."""
    return tuple(np.quantile(rng.choice(v, size=(2000, v.size)).mean(1), [0.025, 0.975]))


def plot_conditions(measures: pd.DataFrame, labels: dict[str, str], *, seed: int = 0):
    """One panel per measure: seed means (dots) and each condition's mean over seeds
    with a 95% bootstrap CI over seeds (bar); returns the figure."""
    per_seed = measures.groupby(["measure", "condition", "seed"], sort=False)["value"].mean()
    per_seed = per_seed.reset_index()
    names = list(dict.fromkeys(per_seed["measure"]))
    conditions = list(dict.fromkeys(per_seed["condition"]))
    fig, axes = plt.subplots(
        1,
        len(names),
        figsize=figures._size((3.2 * len(names) + 0.6, 3.6)),
        squeeze=False,
        layout="constrained",
    )
    rng = np.random.default_rng(seed)
    grow = figures._size((1.0, 1.0))[0]  # marks grow with the style's fonts
    rows = []
    for ax, name in zip(axes[0], names, strict=True):
        d = per_seed[per_seed["measure"] == name]
        for i, cond in enumerate(conditions):
            v = d[d["condition"] == cond]["value"].to_numpy(dtype=float)
            if not v.size:
                continue
            lo, hi = _seed_mean_ci(v, rng)
            ax.bar(i, v.mean(), color="0.85", edgecolor="0.3")
            ax.errorbar(
                i,
                v.mean(),
                yerr=[[v.mean() - lo], [hi - v.mean()]],
                color="0.1",
                lw=1.5 * grow,
                capsize=4 * grow,
            )
            jitter = (rng.random(v.size) - 0.5) * 0.3
            ax.plot(i + jitter, v, "o", color="0.2", ms=3.5 * grow, alpha=0.8)
            rows.append(
                {
                    "measure": name,
                    "condition": cond,
                    "mean": v.mean(),
                    "ci_low": lo,
                    "ci_high": hi,
                    "seeds": v.size,
                }
            )
        ax.set_xticks(range(len(conditions)), conditions, rotation=20, ha="right")
        ax.set_title(textwrap.fill(labels.get(name, name), 28), fontsize="medium")
        ax.set_ylabel("seed mean (over its infants)")
    fig.supxlabel(
        "Dots: each seed's mean over its infants; bars: the mean over seeds, whiskers its"
        " 95% bootstrap CI over seeds",
        fontsize="x-small",
        color="0.3",
    )
    fig._infancy_data = pd.DataFrame(rows)  # type: ignore[attr-defined]
    return fig


def against_children(spec: dict, measures: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Each condition's growth of a probe's score against the children's rate.

    For every ``probe_slope`` measure of ``spec`` whose probe has a published growth rate
    (:func:`infancy.analysis.compare.child_growth`): the condition's mean over seeds of
    the seed means, with a 95% bootstrap CI over seeds. A world step has no duration of
    its own, so a slope in steps per month meets the children's seconds per month only
    at one step length, ``step_seconds_implied`` (the children's rate over the
    condition's; missing when the condition's slope is not above 0).

    Parameters
    ----------
    spec
        The experiment as resolved (``experiment.yaml``).
    measures
        ``condition, seed, infant, measure, value`` (``measures.parquet``).
    seed
        The bootstrap's seed.

    Returns
    -------
    pandas.DataFrame
        One row per such measure and condition: ``measure, label, probe, condition,
        seeds, mean, ci_low, ci_high, child_rate, child_value, child_ages, source,
        step_seconds_implied, sentence`` (the row in words; a condition none of whose
        infants has a slope says so). Empty when the experiment has no such measure.
    """
    from .compare import child_growth
    from .experiments import format_number

    rows = []
    rng = np.random.default_rng(seed)
    for m in spec["measures"]:
        growth = child_growth(m["probe"]) if m.get("kind") == "probe_slope" else None
        if growth is None:
            continue
        mine = measures[measures["measure"] == m["name"]]
        for cond in spec["conditions"]:
            v = mine[mine["condition"] == cond].groupby("seed")["value"].mean().dropna()
            v = v.to_numpy(dtype=float)
            mean = lo = hi = implied = np.nan
            if v.size:
                mean = float(v.mean())
                lo, hi = _seed_mean_ci(v, rng)
            if v.size == 0:
                sentence = (
                    f"{cond}: not computable: no infant has a slope (fewer than two batteries"
                    f" from its first pass of {m['probe']} on), so nothing can be set against"
                    f" the children's {growth['value']}"
                )
            else:
                where = (
                    f"{cond}: {format_number(mean, lo, hi)} steps per month (95% CI"
                    f" {format_number(lo, mean, hi)} to {format_number(hi, mean, lo)} over"
                    f" {v.size} seed{'s' if v.size > 1 else ''})"
                )
                if mean > 0:
                    implied = growth["rate"] / mean
                    sentence = (
                        f"{where}; on the children's {growth['value']} if a world step lasts"
                        f" {format_number(implied)} s"
                    )
                else:
                    sentence = (
                        f"{where}; the delay tolerated did not grow, so no step length puts"
                        f" it on the children's {growth['value']}"
                    )
            rows.append(
                {
                    "measure": m["name"],
                    "label": m.get("label") or m["name"],
                    "probe": m["probe"],
                    "condition": cond,
                    "seeds": int(v.size),
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "child_rate": growth["rate"],
                    "child_value": growth["value"],
                    "child_ages": growth["ages"],
                    "source": growth["source"],
                    "step_seconds_implied": implied,
                    "sentence": sentence,
                }
            )
    columns = [
        "measure", "label", "probe", "condition", "seeds", "mean", "ci_low", "ci_high",
        "child_rate", "child_value", "child_ages", "source", "step_seconds_implied", "sentence",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _cell(value, column: str) -> str:
    if isinstance(value, float) and not np.isfinite(value):
        return "not computable"
    if column == "p_value":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if isinstance(value, float):
        return f"{value:.3g}"
    return html.escape(str(value))


def _effects_table(summary: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(v)}</th>" for v in _COLUMNS.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r[c], c)}</td>" for c in _COLUMNS) + "</tr>"
        for _, r in summary.iterrows()
    )
    return f'<div class="scroll"><table class="data"><tr>{head}</tr>{body}</table></div>'


def _marks(what: str, rows: pd.DataFrame) -> str:
    return f"; {what} for " + ", ".join(sorted(set(rows["label"]))) if len(rows) else ""


def write_experiment_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the experiment's page into ``out`` (default ``FOLDER/report``); returns
    the path of ``index.html``.

    Raises
    ------
    ValueError
        ``folder`` is not a finished experiment directory (one line saying why).
    """
    folder = Path(folder)
    status_file = folder / "experiment.json"
    if not status_file.exists():
        raise ValueError(f"{folder}: not an experiment directory (no experiment.json)")
    status = json.loads(status_file.read_text())
    if not (folder / "summary.parquet").exists():
        raise ValueError(
            f"{folder}: the experiment is {status.get('status', 'unfinished')}; finish it "
            f"with: infancy experiment run --resume {folder}"
        )
    spec = yaml.safe_load((folder / "experiment.yaml").read_text())
    summary = pd.read_parquet(folder / "summary.parquet")
    measures = pd.read_parquet(folder / "measures.parquet")
    labels = {m["name"]: m.get("label") or m["name"] for m in spec["measures"]}
    out = folder / "report" if out is None else Path(out)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    figures.set_style("paper")
    drawn = []
    no_g = ~np.isfinite(summary["effect_size"].astype(float))
    empty = ~np.isfinite(summary["difference"].astype(float))
    captions = {
        "effects": "Effect of each condition against its control: Hedges' g on seed means, "
        "with 95% hierarchical bootstrap CIs (seeds resampled, then infants within seeds)"
        + _marks(
            "hollow marks at 0: g not computable (every seed scored the same)",
            summary[no_g & ~empty],
        )
        + _marks("crosses at 0: not computable (a condition has no value)", summary[empty]),
        "conditions": "Each measure by condition: dots are seed means (each the mean of "
        "its infants), bars the mean over seeds with a 95% bootstrap CI over seeds",
    }
    for stem, make in (
        ("effects", lambda: plot_effects(summary)),
        ("conditions", lambda: plot_conditions(measures, labels)),
    ):
        fig = make()
        files = figures.save_figure(fig, fig_dir / stem, data=fig._infancy_data)
        plt.close(fig if isinstance(fig, plt.Figure) else fig.figure)
        png = (fig_dir / f"{stem}.png").read_bytes()
        drawn.append(
            {
                "stem": stem,
                "caption": captions[stem],
                "files": [f"figures/{p.name}" for p in files],
                "data": base64.b64encode(png).decode("ascii"),
            }
        )
    n = measures.groupby("condition").agg(
        seeds=("seed", "nunique"), infants_per_seed=("infant", "nunique")
    )
    conditions = [
        {
            "name": name,
            "overrides": yaml.safe_dump(over, sort_keys=False).strip() if over else "(base)",
            "seeds": int(n.loc[name, "seeds"]) if name in n.index else 0,
            "control": name == spec["control"],
        }
        for name, over in spec["conditions"].items()
    ]
    children = against_children(spec, measures)
    env = Environment(
        loader=PackageLoader("infancy.analysis", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    page = env.get_template("experiment.html").render(
        spec=spec,
        status=status,
        folder=str(folder),
        conditions=conditions,
        effects=_effects_table(summary),
        verdicts=list(summary["verdict"]),
        children=[
            {
                "label": label,
                "child": f"{g['child_value'].iloc[0]} ({g['child_ages'].iloc[0]}, "
                f"{g['source'].iloc[0]})",
                "sentences": list(g["sentence"]),
            }
            for label, g in children.groupby("label", sort=False)
        ],
        figures=drawn,
        base=yaml.safe_dump(spec.get("base") or {}, sort_keys=False).strip() or "(none)",
    )
    index = out / "index.html"
    index.write_text(page)
    return index
