"""The results table of finished experiments: each one's headline effect, per contrast.

Reads experiment directories written by ``infancy experiment run`` and prints, as a
Markdown table, one row per contrast of each experiment's headline measure (the YAML's
``headline``, else its first measure): the means of seed means of the two conditions,
their difference with its 95% hierarchical bootstrap CI, Hedges' g, the permutation p
and the seeds per condition; then, with ``--all``, every contrast and measure. The last
line is JSON with the same rows. An experiment that has not finished is listed as such,
never summarised from part of its lifetimes.

    python experiments/results_table.py runs/experiment-cue-ablation-small-* ...
    python experiments/results_table.py --all DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from infancy.analysis.experiments import format_number, format_p


def _row(exp: str, r: pd.Series) -> dict:
    return {
        "experiment": exp,
        "contrast": f"{r['condition']} - {r['control']}",
        "measure": r["label"] or r["measure"],
        "condition": float(r["mean_condition"]),
        "control": float(r["mean_control"]),
        "difference": float(r["difference"]),
        "ci": [float(r["diff_low"]), float(r["diff_high"])],
        "g": float(r["effect_size"]),
        "p": float(r["p_value"]),
        "seeds": [int(r["n_seeds_condition"]), int(r["n_seeds_control"])],
    }


def _plain(x):
    """NaN as null: the JSON line stays strict JSON."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _markdown(rows: list[dict]) -> str:
    head = (
        "| experiment | contrast | measure | condition | control | difference (95% CI) "
        "| g | p | seeds |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        lo, hi = r["ci"]
        # One number of decimals per row part: three significant digits of its largest.
        pair = (r["condition"], r["control"])
        means = [format_number(x, *pair) for x in pair]
        diff = format_number(r["difference"], lo, hi)
        if math.isfinite(lo) and math.isfinite(hi):
            ci = f"{diff} ({format_number(lo, r['difference'], hi)} to "
            ci += f"{format_number(hi, r['difference'], lo)})"
        elif 0 in r["seeds"]:
            names = r["contrast"].split(" - ")
            empty = [c for c, n in zip(names, r["seeds"], strict=True) if n == 0]
            which = "either condition" if len(empty) == 2 else empty[0]
            ci = f"{diff}: no infant of {which} has a value"
        else:
            ci = f"{diff} (no CI: fewer than 2 seeds)"
        g = f"{r['g']:.2f}" if math.isfinite(r["g"]) else "not computable"
        lines.append(
            f"| {r['experiment']} | {r['contrast']} | {r['measure']} | {means[0]} "
            f"| {means[1]} | {ci} | {g} | {format_p(r['p'])} "
            f"| {r['seeds'][0]} vs {r['seeds'][1]} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path, help="experiment directories")
    ap.add_argument("--all", action="store_true", help="every contrast and measure too")
    args = ap.parse_args(argv)

    from infancy.curricula.experiments import ExperimentError, list_experiments, load_experiment

    shipped = set(list_experiments()["name"])
    rows, every, unfinished = [], [], []
    for d in args.dirs:
        status_file, spec_file = d / "experiment.json", d / "experiment.yaml"
        if not (status_file.is_file() and spec_file.is_file()):
            print(f"{d}: not an experiment directory (no experiment.json)", file=sys.stderr)
            return 2
        status = json.loads(status_file.read_text())
        try:
            spec = load_experiment(spec_file)
        except ExperimentError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        if status.get("status") != "finished":
            unfinished.append(
                f"{spec.name}: {status.get('status')}, {status.get('done', 0)} of "
                f"{status.get('lifetimes', '?')} lifetimes"
            )
            continue
        # An experiment run before its YAML named a headline takes the shipped one's.
        headline = spec.headline
        if headline is None and spec.name in shipped:
            headline = load_experiment(spec.name).headline
        headline = headline or spec.measures[0].name
        summary = pd.read_parquet(d / "summary.parquet")
        label = f"{spec.name} ({spec.size}, {spec.seeds} seeds)"
        rows += [_row(label, r) for _, r in summary[summary["measure"] == headline].iterrows()]
        every += [_row(label, r) for _, r in summary.iterrows()]
    print(_markdown(rows))
    if args.all:
        print()
        print(_markdown(every))
    for line in unfinished:
        print(f"not finished: {line}")
    print(json.dumps(_plain({"headline": rows, "unfinished": unfinished})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
