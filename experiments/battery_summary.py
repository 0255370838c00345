"""Sum up finished runs with the probe battery: per run and probe, how many infants
reached a stable milestone, at what ages, whether it stayed passed, and the peak share.

    python experiments/battery_summary.py RUN_DIR [RUN_DIR ...] [--stable 2]

Prints one markdown table per run, a table across runs, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from infancy.analysis.acquisition import first_stable_pass
from infancy.store import RunError, RunStore


def summarise(probes: pd.DataFrame, stable: int) -> pd.DataFrame:
    """Per probe: infants, stable milestones, median first-stable age, the share passing
    at the last battery and at its peak, and the median score at the last battery."""
    first = first_stable_pass(probes, stable)
    last_age = probes["age_months"].max()
    rows = []
    for probe, g in probes.groupby("probe", sort=False):
        share = g.groupby("age_months")["passed"].mean()
        ages = first[first["probe"] == probe]["age_months"]
        reached = ages.dropna()
        last = g[g["age_months"] == last_age]
        rows.append(
            {
                "probe": probe,
                "infants": g["infant"].nunique(),
                "stable_milestones": int(reached.size),
                "median_age": float(reached.median()) if reached.size else None,
                "share_passing_last": float(share.iloc[-1]),
                "share_passing_peak": float(share.max()),
                "median_score_last": float(last["score"].median()),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--stable", type=int, default=2, help="passes in a row for a milestone")
    args = ap.parse_args(argv)
    frames = []
    for path in args.runs:
        try:
            probes = RunStore.open(path).table("probes")
        except (RunError, OSError, ValueError) as exc:
            print(f"error: {path}: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
        table = summarise(probes, args.stable).assign(run=path.name)
        frames.append(table)
        print(f"\n### {path.name}\n")
        print(table.drop(columns="run").to_string(index=False))
        anb = probes[probes["probe"] == "a_not_b"]
        if "errors" in anb and anb["errors"].notna().any():
            by_age = anb.groupby(np.floor(anb["age_months"] / 4) * 4)["errors"].mean()
            print("A-not-B perseverative error rate by 4-month bin:", by_age.round(2).to_dict())
    both = pd.concat(frames, ignore_index=True)
    print(json.dumps({r: t.drop(columns="run").to_dict("records") for r, t in both.groupby("run")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
