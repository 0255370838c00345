"""Whether the A-not-B error appears and then goes with learning: a cohort practises
``a-not-b-v0`` alone and is tested with the battery's A-not-B probe as it learns.

    python experiments/anotb_diagnostic.py [--steps 32768] [--every 4096] [--n 16]
        [--trials 8] [--seed 0] [--no-habit] [--no-sectors] [--world-defaults]

The practice world is Diamond's (1985) task with a reacher's body: a toy hidden in the
box at A (left or right, drawn per episode) three times, then at B, the infant held at
the midline for 2 steps before each search; finding the toy is rewarded. It is set as
the default curriculum sets it (its ``worlds: a-not-b-v0`` parameters: since session 30
a third of the trials kept, ``kept``), or with the world's own defaults under
``--world-defaults`` (no kept trials, as before session 30). The infant is the default
infant (since session 30 its reach costs ``b.reach_effort``). The infant
reads the object file (where the toy went) and, unless ``--no-habit``, its motor habit
(``b.habit``: where its own reaches went from the seat, strengthened by each reach);
``--no-sectors`` takes the cue's sector code (``b.cue_sectors``) away from both.

Every ``--every`` steps the script prints the probe's perseverative error rate (the
share of the B trials searched on whose search went to A, the mean over the infants that
searched on one: 1 for a pure perseverator, about 1/2 for a side bias, 0 for an infant
that searches where it saw the toy go), how many infants searched, the median delay
tolerated (steps; -1: none, the probe's score) and the share of infants that pass
(the probe's rule: B trials found at B in at least 75% of ``--trials`` episodes and above
chance, repeated A trials at A in 75%, at the shortest delay). One JSON line closes.
System M never imagines and is not drawn to observe by the caregiver, as in
``cue_diagnostic.py``.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from infancy.curricula.probes import CohortPolicy, a_not_b
from infancy.infants import Cohort
from infancy.worlds import make_batch


def practice_params() -> dict:
    """``a-not-b-v0``'s parameters in the default curriculum (``worlds``), as a lifetime
    sets the world."""
    from infancy.curricula.stages import load_curriculum

    return dict(load_curriculum("default").worlds.get("a-not-b-v0", {}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=32768)
    ap.add_argument("--every", type=int, default=4096)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-habit", action="store_true", help="b.habit false (no motor habit)")
    ap.add_argument("--no-sectors", action="store_true", help="b.cue_sectors false")
    ap.add_argument(
        "--world-defaults",
        action="store_true",
        help="practise a-not-b-v0 with the world's defaults, not the default curriculum's",
    )
    args = ap.parse_args(argv)
    for name in ("steps", "every", "n", "trials"):
        if getattr(args, name) < 1:
            ap.error(f"--{name}: expected a positive number, got {getattr(args, name)}")
    config = {
        "m": {"rule": {"imagine_every": 0, "social_above": 1.0}},
        "b": {"habit": not args.no_habit, "cue_sectors": not args.no_sectors},
    }
    cohort = Cohort(config, n=args.n, seed=args.seed)
    world = {} if args.world_defaults else practice_params()
    env = make_batch("a-not-b-v0", args.n, seed=args.seed, autoreset=True, **world)
    env.reset()
    print(f"practice world: a-not-b-v0 {json.dumps(world) if world else '(its defaults)'}")
    start = time.perf_counter()
    curve = []
    print("| steps | errors on B trials searched | infants searching | delay tolerated | passing |")
    print("|---|---|---|---|---|")
    for k in range(max(1, args.steps // args.every)):
        cohort.live(env, args.every)
        rows = a_not_b(
            CohortPolicy(cohort.frozen(), args.seed + k),
            ["reacher"] * args.n,
            trials=args.trials,
            seed=args.seed + k,
        )
        searched = rows["errors"].notna()
        row = {
            "steps": (k + 1) * args.every,
            "errors": float(rows["errors"].mean()) if searched.any() else None,
            "searching": int(searched.sum()),
            "delay": float(np.median(rows["score"])),
            "passing": float(rows["passed"].mean()),
        }
        curve.append(row)
        print(
            f"| {row['steps']:,} | "
            + ("none searched" if row["errors"] is None else f"{row['errors']:.2f}")
            + f" | {row['searching']} of {args.n} | {row['delay']:g} | "
            f"{round(row['passing'] * args.n)} of {args.n} |",
            flush=True,
        )
    seconds = time.perf_counter() - start
    line = {"config": vars(args), "world": world, "curve": curve, "seconds": round(seconds, 1)}
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
