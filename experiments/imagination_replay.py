"""Does imagination replay help? Infants with and without it on ``reach-v0``.

At equal *real* steps (steps spent acting in the world; imagining and sleeping do not
count), compare how soon each cohort reaches ``--criterion`` success and the area under
its learning curve, over several seeds, with bootstrap confidence intervals on the paired
differences. Four conditions: "none" (never imagines), "pause" (the control: away from
acting on the same schedule as "imagination", watching the world, but learning nothing
from imagination), "imagination", and "consolidation" (imagination plus an update of A
on memories in every imagine or sleep chunk). Imagination minus pause is the effect of
imagined replay itself; imagination minus none adds the effect of the pauses;
consolidation minus imagination is the effect of A's dream updates. Prints a table and
a final JSON line and, with ``--out DIR``, writes ``curves.csv`` and ``summary.csv``
there (never over an existing folder).

Usage::

    python experiments/imagination_replay.py --seeds 5 --acting-steps 4096
    # a replication on fresh seeds (24..47), two conditions only
    python experiments/imagination_replay.py --seeds 24 --first-seed 24 \
        --conditions pause,imagination
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from infancy.curricula.comparisons import IMAGINATION_CONDITIONS, imagination_comparison


def _number(x: float) -> float | None:
    """``x`` for the JSON line, ``None`` (null) for NaN: NaN is not JSON."""
    return None if x != x else x


def bootstrap_ci(diff: np.ndarray, seed: int = 0, reps: int = 10_000) -> tuple[float, float]:
    """95% percentile interval of the mean of ``diff`` (resampling seeds)."""
    rng = np.random.default_rng(seed)
    d = diff[~np.isnan(diff)]
    if d.size == 0:
        return float("nan"), float("nan")
    means = rng.choice(d, size=(reps, d.size), replace=True).mean(1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5, help="number of seeds")
    ap.add_argument("--first-seed", type=int, default=0, help="seeds run from this one on")
    ap.add_argument(
        "--conditions",
        default=",".join(IMAGINATION_CONDITIONS),
        help=f"comma-separated, from {','.join(IMAGINATION_CONDITIONS)}",
    )
    ap.add_argument("--acting-steps", type=int, default=4096, help="real steps per infant")
    ap.add_argument("--infants", type=int, default=16, help="infants per cohort")
    ap.add_argument("--criterion", type=float, default=0.8, help="success to reach")
    ap.add_argument("--out", type=Path, default=None, help="folder for the CSV files (new)")
    args = ap.parse_args()
    if args.seeds < 1 or args.acting_steps < 256 or args.infants < 1 or args.first_seed < 0:
        print(
            "error: --seeds >= 1, --first-seed >= 0, --acting-steps >= 256, --infants >= 1",
            file=sys.stderr,
        )
        return 2
    # Each condition once, in the order given: a repeated one would pair a seed with
    # itself twice.
    conditions = tuple(dict.fromkeys(c.strip() for c in args.conditions.split(",") if c.strip()))
    unknown = [c for c in conditions if c not in IMAGINATION_CONDITIONS]
    if unknown or not conditions:
        print(
            f"error: --conditions: unknown {unknown or 'empty list'}; expected names from "
            f"{','.join(IMAGINATION_CONDITIONS)}",
            file=sys.stderr,
        )
        return 2
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if args.out is not None and args.out.exists():
        print(f"error: --out {args.out} exists; choose a new folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    curves, summary = imagination_comparison(
        seeds,
        acting_steps=args.acting_steps,
        n=args.infants,
        criterion=args.criterion,
        conditions=conditions,
    )
    wide = summary.pivot(index="seed", columns="condition", values=["steps_to_criterion", "auc"])
    print(
        f"imagination replay on reach-v0: seeds {seeds[0]}-{seeds[-1]} x {args.infants} infants, "
        f"{args.acting_steps} real steps each, criterion {args.criterion:.0%}"
    )
    print(wide.round(3).to_string())
    contrasts = {}
    for cond, base in (
        ("imagination", "none"),
        ("imagination", "pause"),
        ("consolidation", "imagination"),
    ):
        if cond not in conditions or base not in conditions:
            continue
        stc_diff = (wide["steps_to_criterion"][cond] - wide["steps_to_criterion"][base]).to_numpy()
        auc_diff = (wide["auc"][cond] - wide["auc"][base]).to_numpy()
        lo, hi = bootstrap_ci(stc_diff)
        alo, ahi = bootstrap_ci(auc_diff)
        paired = int((~np.isnan(stc_diff)).sum())  # seeds where both reached the criterion
        stc_mean = float(np.nanmean(stc_diff)) if paired else float("nan")
        if paired:
            print(
                f"steps to criterion, {cond} - {base}: mean {stc_mean:+.0f} "
                f"(95% CI {lo:+.0f} to {hi:+.0f}); sooner in {int((stc_diff < 0).sum())} "
                f"seeds, later in {int((stc_diff > 0).sum())}"
            )
        else:
            print(
                f"steps to criterion, {cond} - {base}: no seed reached "
                f"{args.criterion:.0%} in both (try more --acting-steps)"
            )
        print(
            f"learning-curve area, {cond} - {base}: mean {np.nanmean(auc_diff):+.3f} "
            f"(95% CI {alo:+.3f} to {ahi:+.3f})"
        )
        contrasts[f"{cond} - {base}"] = {
            "steps_to_criterion_diff_mean": _number(stc_mean),
            "steps_to_criterion_diff_ci95": [_number(lo), _number(hi)],
            "auc_diff_mean": float(np.nanmean(auc_diff)),
            "auc_diff_ci95": [alo, ahi],
        }
    if args.out is not None:
        args.out.mkdir(parents=True)
        curves.to_csv(args.out / "curves.csv", index=False)
        summary.to_csv(args.out / "summary.csv", index=False)
    result = {
        "seeds": seeds,
        "acting_steps": args.acting_steps,
        "steps_to_criterion": {  # null: not reached within the budget
            c: [_number(x) for x in summary[summary.condition == c].steps_to_criterion.tolist()]
            for c in conditions
        },
        "auc": {c: summary[summary.condition == c].auc.round(4).tolist() for c in conditions},
        "contrasts": contrasts,
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
