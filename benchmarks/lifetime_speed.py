"""Lifetime speed: wall time and infant-lifetimes per hour of the default and tiny
presets, where the time goes, and peak memory.

Each preset runs in its own subprocess (so peak memory is its own) through the real
runner (run directory, tables, checkpoints) into a temporary folder. Time is split into
world stepping, inference (B's policy on A's encoding), learning (A, B, M, memory,
imagination), probes (the batteries) and logging (timeline rows, tables, checkpoints);
"other" is the rest (the loop itself, world changes). The peer, in the same run, is the
engine alone: the same number of world steps with random actions and no infant.

    python benchmarks/lifetime_speed.py                    # tiny and default (~15 min)
    python benchmarks/lifetime_speed.py --presets tiny
    python benchmarks/lifetime_speed.py --end-months 4     # a shorter default lifetime

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(preset: str, n: int, end_months: float | None) -> dict:
    import numpy as np

    from infancy.curricula.runner import execute, plan, start
    from infancy.worlds import make_batch

    curriculum: dict = {} if preset == "default" else {"preset": preset}
    if end_months is not None:
        curriculum["clock"] = {"end_months": end_months}
    the_plan = plan({"n": n, "curriculum": curriculum})
    with tempfile.TemporaryDirectory() as tmp:
        store = start(the_plan, Path(tmp) / "run")
        tick = time.perf_counter()
        life = execute(store, the_plan)
        wall = time.perf_counter() - tick
    steps = life.step
    parts = {**life.cohort.timing, **life.timing}
    shares = {
        "world": parts["world"],
        "inference": parts["inference"],
        "learning": parts["learning"],
        "probes": parts["probes"],
        "logging": parts["bookkeeping"],
    }
    shares["other"] = max(0.0, wall - sum(shares.values()))
    # Peer: the engine alone for the same steps (random actions, the first world).
    world = make_batch(
        the_plan.curriculum.stages[0].world_weights()[0][0], n, seed=0, autoreset=True
    )
    world.reset()
    rng = np.random.default_rng(0)
    acts = rng.integers(0, 8, size=(1024, n, 1))
    tick = time.perf_counter()
    for k in range(steps):
        world.step(acts[k % 1024])
    engine = time.perf_counter() - tick
    months = the_plan.curriculum.clock.end_months - the_plan.curriculum.clock.start_months
    return {
        "preset": preset,
        "n": n,
        "months": months,
        "steps": steps,
        "wall_s": wall,
        "infant_lifetimes_per_hour": 3600.0 / wall * n * months / 24.0,
        "infant_steps_per_s": steps * n / wall,
        "engine_alone_s": engine,
        "shares": {k: v / wall for k, v in shares.items()},
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", nargs="+", default=["tiny", "default"])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--end-months", type=float, default=None)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.n, args.end_months)))
        return
    results = []
    for preset in args.presets:
        cmd = [sys.executable, __file__, "--one", preset, "--n", str(args.n)]
        if args.end_months is not None:
            cmd += ["--end-months", str(args.end_months)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (
        f"{'preset':8} {'months':>6} {'wall s':>8} {'lifetimes/h':>11} {'inf-steps/s':>11} "
        f"{'engine s':>8} {'world':>6} {'infer':>6} {'learn':>6} {'probes':>6} {'log':>6} "
        f"{'other':>6} {'peak GiB':>8}"
    )
    print(head)
    for r in results:
        s = r["shares"]
        print(
            f"{r['preset']:8} {r['months']:6.1f} {r['wall_s']:8.1f} "
            f"{r['infant_lifetimes_per_hour']:11.1f} {r['infant_steps_per_s']:11.0f} "
            f"{r['engine_alone_s']:8.1f} {s['world']:6.1%} {s['inference']:6.1%} "
            f"{s['learning']:6.1%} {s['probes']:6.1%} {s['logging']:6.1%} {s['other']:6.1%} "
            f"{r['peak_rss_gib']:8.2f}"
        )
    print("(lifetimes/h counts infant-lifetimes of 24 months: n infants per cohort run)")
    print(json.dumps({"benchmark": "lifetime_speed", "results": results}))


if __name__ == "__main__":
    main()
