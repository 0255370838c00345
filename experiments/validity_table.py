"""The battery's validity table: every shortcut and every oracle through every probe,
with every body, and the rate of false stable milestones over a default lifetime.

    python experiments/validity_table.py [--n 32] [--trials 8] [--seed 0] [--out DIR]

Prints markdown tables (the pass rate of each policy x probe x body; a shortcut's own
targets are marked *) and one JSON line; writes ``validity.csv`` and ``nulls.csv`` to
``--out`` when given. Used for the closing note of the instruments issue and
``docs/probes.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from infancy.curricula.probes import PROBES
from infancy.curricula.validity import (
    BODIES,
    SHORTCUTS,
    lifetime_schedule,
    null_rates,
    oracle,
    run_battery,
)


def validity(n: int, trials: int, seed: int) -> pd.DataFrame:
    rows = []
    for body in BODIES:
        for name, shortcut in SHORTCUTS.items():
            r = run_battery(shortcut.make(seed), body=body, trials=trials, seed=seed, n=n)
            for probe, g in r.groupby("probe"):
                rows.append(
                    {
                        "policy": name,
                        "body": body,
                        "probe": probe,
                        "target": probe in shortcut.targets,
                        "pass_rate": g["passed"].mean(),
                        "mean_score": g["score"].mean(),
                    }
                )
        for probe in PROBES:
            r = run_battery(
                oracle(probe), body=body, trials=trials, seed=seed, n=n, probes=(probe,)
            )
            rows.append(
                {
                    "policy": "oracle",
                    "body": body,
                    "probe": probe,
                    "target": True,
                    "pass_rate": r["passed"].mean(),
                    "mean_score": r["score"].mean(),
                }
            )
    return pd.DataFrame(rows)


def _markdown(table: pd.DataFrame, body: str) -> str:
    sub = table[table["body"] == body]
    short = {k: p.short for k, p in PROBES.items()}
    lines = ["| policy | " + " | ".join(short[p] for p in PROBES) + " |"]
    lines.append("|---" * (len(PROBES) + 1) + "|")
    for policy in [*SHORTCUTS, "oracle"]:
        cells = []
        for probe in PROBES:
            row = sub[(sub["policy"] == policy) & (sub["probe"] == probe)]
            if not len(row):
                cells.append("")
                continue
            mark = "*" if bool(row["target"].iloc[0]) and policy != "oracle" else ""
            cells.append(f"{row['pass_rate'].iloc[0]:.2f}{mark}")
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=32, help="simulated infants per battery")
    ap.add_argument("--trials", type=int, default=8, help="trials per probe")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="folder for the CSV files")
    args = ap.parse_args(argv)
    if args.n < 1 or args.trials < 1:
        print("error: --n and --trials must be positive", file=sys.stderr)
        return 2
    tick = time.perf_counter()
    table = validity(args.n, args.trials, args.seed)
    for body in BODIES:
        print(f"\n### {body}: share of {args.n} simulated infants passing (* = its targets)\n")
        print(_markdown(table, body))
    schedule = lifetime_schedule("default")
    nulls = null_rates(SHORTCUTS["random"].make, schedule=schedule, n=args.n, seed=args.seed)
    print(f"\n### random policy over a default lifetime ({len(schedule)} batteries)\n")
    print(nulls.to_string(index=False))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "validity.csv", index=False)
        nulls.to_csv(args.out / "nulls.csv", index=False)
    shortcut_rows = table[(table["policy"] != "oracle") & table["target"]]
    oracle_rows = table[table["policy"] == "oracle"]
    summary = {
        "max_shortcut_pass_rate_on_targets": float(shortcut_rows["pass_rate"].max()),
        "oracle_pass_rate": {
            f"{r.probe}/{r.body}": float(r.pass_rate) for r in oracle_rows.itertuples()
        },
        "random_false_milestone_rate": {r.probe: float(r.rate) for r in nulls.itertuples()},
        "seconds": round(time.perf_counter() - tick, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
