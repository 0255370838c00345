"""Every figure of the run report and the notebooks (and of an experiment's page, given
one) at paper, talk and poster size, as PNG files to look at.

    python experiments/figure_gallery.py [--run RUN] [--experiment DIR] [--out DIR]
                                         [--contexts paper,talk,poster]

``--run`` defaults to the shipped example run (``infancy.analysis.example_run()``).
Writes ``OUT/<context>/<figure>.png`` (as a notebook shows it: cropped to what is
drawn) and prints one JSON line with the files' sizes in inches.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from infancy.analysis import compare, example_run, figures
from infancy.analysis.experiment_report import plot_conditions, plot_effects
from infancy.analysis.report import (
    _plot_modes_by_stage,
    compare_run,
    words_associated,
)
from infancy.store import RunStore


def makers(run: Path, experiment: Path | None) -> dict:
    """Figure name -> a function drawing it in the current style."""
    store = RunStore.open(run)
    probes, timeline, audit, lexicon = (
        store.table(t) for t in ("probes", "timeline", "audit", "lexicon")
    )
    words = int(lexicon["word"].nunique())
    stats = compare_run(probes, world_words=words, n_boot=200)
    end = store.status().get("end_months")
    out = {
        "milestone_windows": lambda: figures.plot_milestone_windows(stats["ages"]),
        "probe_curves": lambda: figures.plot_probe_curves(probes, end_months=end),
        "probe_panels": lambda: figures.plot_probe_panels(probes, end_months=end),
        "probe_curves_by_battery": lambda: figures.plot_probe_curves(probes, bin_months=0),
        "vocabulary_growth": lambda: figures.plot_vocabulary_growth(
            compare.vocabulary(probes), world_words=words, associated=words_associated(lexicon)
        ),
        "meta_timeline": lambda: figures.plot_meta_timeline(timeline),
        "meta_timeline_infant_0": lambda: figures.plot_meta_timeline(timeline, infant=0),
        "modes_by_stage": lambda: _plot_modes_by_stage(audit, 0),
    }
    if experiment is not None:
        spec = yaml.safe_load((experiment / "experiment.yaml").read_text())
        labels = {m["name"]: m.get("label") or m["name"] for m in spec["measures"]}
        summary = pd.read_parquet(experiment / "summary.parquet")
        measures = pd.read_parquet(experiment / "measures.parquet")
        out["effects"] = lambda: plot_effects(summary)
        out["conditions"] = lambda: plot_conditions(measures, labels)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=None, help="A run directory.")
    parser.add_argument("--experiment", type=Path, default=None, help="An experiment directory.")
    parser.add_argument("--out", type=Path, default=Path("figure_gallery"))
    parser.add_argument("--contexts", default=",".join(figures.CONTEXTS))
    args = parser.parse_args(argv)
    contexts = args.contexts.split(",")
    bad = [c for c in contexts if c not in figures.CONTEXTS]
    if bad:
        parser.error(f"--contexts: expected some of {', '.join(figures.CONTEXTS)}, got {bad}")
    draw = makers(args.run or example_run(), args.experiment)
    sizes = {}
    for context in contexts:
        figures.set_style(context)
        (args.out / context).mkdir(parents=True, exist_ok=True)
        for name, make in draw.items():
            drawn = make()
            fig = drawn if isinstance(drawn, plt.Figure) else np.ravel(drawn)[0].figure
            fig.savefig(args.out / context / f"{name}.png", dpi=100, bbox_inches="tight")
            sizes[f"{context}/{name}"] = [round(float(v), 1) for v in fig.get_size_inches()]
            plt.close(fig)
    print(json.dumps({"out": str(args.out), "inches": sizes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
