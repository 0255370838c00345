"""Does a cohort's search for hidden toys rest on its memory? The object-permanence
and A-not-B probes on a checkpoint as it is, and again with its memory lesioned at test
(System A's memory span set to 0: no belief trace and no object file; nothing else of
the cohort changes and nothing learns).

    python experiments/memory_lesion.py CHECKPOINT [--body walker] [--seeds 3]
        [--trials 8]

``CHECKPOINT`` is a cohort checkpoint (a run's ``checkpoints/ckpt-NNNNNN``, or its
``cohort`` folder). Each probe is run ``--seeds`` times (probe seeds 0, 1, ...), with
``--trials`` trials, every infant in the body ``--body``. The script prints, per
probe and condition, the mean score over the infants and batteries and the infants
passing at each battery; one JSON line closes. Chance: object permanence 1/3 (three
boxes); A-not-B's score is the longest delay passed (-1 none), chance for a B trial
1/2. The cheapest way to look as if memory mattered, a lesion that breaks the whole
infant, is ruled out by what is lesioned: only the memory span.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

PROBES = ("object_permanence", "a_not_b")


def lesion_table(cohort, body: str, seeds: int, trials: int) -> list[dict]:
    """One row per probe and condition: ``probe``, ``lesioned``, ``mean_score``,
    ``passing`` (infants passing, per battery)."""
    from infancy.curricula import probes as P

    rows = []
    for lesioned in (False, True):
        frozen = cohort.frozen()
        if lesioned:
            frozen.a.set_memory_span(0.0)
        for name in PROBES:
            scores, passing = [], []
            for seed in range(seeds):
                policy = P.CohortPolicy(frozen, seed)
                r = P.PROBES[name].run(policy, [body] * frozen.n, trials=trials, seed=seed)
                scores.append(float(r["score"].mean()))
                passing.append(int(r["passed"].sum()))
            rows.append(
                {
                    "probe": name,
                    "lesioned": lesioned,
                    "mean_score": round(float(np.mean(scores)), 3),
                    "passing": passing,
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--body", default="walker", help="body profile of every infant")
    ap.add_argument("--seeds", type=int, default=3, help="batteries (probe seeds)")
    ap.add_argument("--trials", type=int, default=8, help="trials per probe")
    args = ap.parse_args(argv)
    from infancy.infants.checkpoint import load

    path = args.checkpoint
    if (path / "cohort").is_dir():
        path = path / "cohort"
    if not path.is_dir():
        print(
            f"checkpoint: {args.checkpoint}: expected a cohort checkpoint folder", file=sys.stderr
        )
        return 2
    cohort = load(path)
    rows = lesion_table(cohort, args.body, args.seeds, args.trials)
    for r in rows:
        state = "memory lesioned" if r["lesioned"] else "as it is"
        print(
            f"{r['probe']:18s} {state:16s} mean score {r['mean_score']:6.3f}   "
            f"infants passing per battery {r['passing']} of {cohort.n}"
        )
    print(
        json.dumps(
            {
                "benchmark": "memory_lesion",
                "checkpoint": str(args.checkpoint),
                "body": args.body,
                "rows": rows,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
