"""Experiment speed: tiny lifetimes per hour through each executor, and the scaling from
one worker to two.

The same batch of tiny lifetimes (the ``tiny`` curriculum, ``--n`` infants, seeds
0..``--lifetimes``-1, the probes and lexicon tables kept) runs through ``serial`` (this
process, its default threads), ``process`` with 1 and 2 workers and ``ray`` with 2
workers (a local cluster started for it, its start-up included). Every backend must
return identical tables (checked here too). Configurations run one after another in
one run, so they share the machine's state at the time.

    python benchmarks/experiment_speed.py                 # 4 lifetimes of 4 infants each
    python benchmarks/experiment_speed.py --lifetimes 6 --no-ray

The last line is JSON: ``lifetimes_per_hour`` by executor and workers.
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lifetimes", type=int, default=4)
    ap.add_argument("--n", type=int, default=4, help="infants per lifetime")
    ap.add_argument("--end-months", type=float, default=24.0)
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray executor")
    args = ap.parse_args()

    from infancy.curricula.executors import executor

    specs = [
        {
            "n": args.n,
            "seed": s,
            "curriculum": {"preset": "tiny", "clock": {"end_months": args.end_months}},
            "tables": ["probes", "lexicon"],
        }
        for s in range(args.lifetimes)
    ]
    configs = [("serial", 1), ("process", 1), ("process", 2)]
    if not args.no_ray:
        configs.append(("ray", 2))
    rows, reference = [], None
    for name, workers in configs:
        tick = time.perf_counter()
        with executor(name, workers=workers) as pool:
            results = pool.map(specs)
        wall = time.perf_counter() - tick
        failed = [r.error for r in results if not r.ok]
        if failed:
            raise SystemExit(f"{name}: {failed[0]}")
        tables = [r.tables for r in results]
        if reference is None:
            reference = tables
        same = all(
            a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)
            for a, b in zip(reference, tables, strict=True)
        )
        rows.append(
            {
                "executor": name,
                "workers": workers,
                "lifetimes": len(specs),
                "wall_s": wall,
                "lifetimes_per_hour": len(specs) * 3600 / wall,
                "identical_to_serial": same,
            }
        )
        print(
            f"{name:8s} workers={workers}  {wall:7.1f} s  {rows[-1]['lifetimes_per_hour']:7.1f} "
            f"lifetimes/h  identical={same}",
            flush=True,
        )
    df = pd.DataFrame(rows)
    one = df[(df.executor == "process") & (df.workers == 1)]["lifetimes_per_hour"].iloc[0]
    two = df[(df.executor == "process") & (df.workers == 2)]["lifetimes_per_hour"].iloc[0]
    print(df.to_string(index=False, float_format=lambda x: f"{x:.1f}"))
    print(f"process pool scaling from 1 to 2 workers: x{two / one:.2f}")
    print(
        json.dumps(
            {
                "benchmark": "experiment_speed",
                "n": args.n,
                "end_months": args.end_months,
                "lifetimes_per_hour": {
                    f"{r['executor']}/{r['workers']}": r["lifetimes_per_hour"] for r in rows
                },
                "scaling_1_to_2_workers": two / one,
                "identical": bool(df["identical_to_serial"].all()),
            }
        )
    )


if __name__ == "__main__":
    main()
