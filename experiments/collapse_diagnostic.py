"""Whether a run's infants have lost the search for a hidden toy in their policy, and
what brings it back: the run's last checkpoint plays ``a-not-b-v0``, frozen, then
practises it under each variant of its infant config and plays it again.

    python experiments/collapse_diagnostic.py RUN [--steps 16000] [--play 2000]
        [--seed 0] [--variant NAME=YAML ...]

RUN is a run folder (``infancy run --out``) or a checkpoint's ``cohort`` folder. The
frozen play (``--play`` steps, nothing learns) reports for each infant the share of its
search-phase steps given to its most frequent action (1: the policy has collapsed onto
one action where the search is to be made; a searching infant turns and reaches, about
0.5) and its reward an episode (finding the toy is rewarded 1; about 2 an episode for an
infant that finds it on every trial). An infant whose top share is at least 0.9 is
counted as collapsed. Each variant then practises ``--steps`` steps of the world from the
same checkpoint with its overrides of the infant config (learning on, System M
deciding), and plays again. The world is set as the run's curriculum set it (its
``worlds: a-not-b-v0`` parameters, read as written then: a run from before session 30
has no kept trials); a bare cohort folder, with no run around it, takes the default
curriculum's. The default variants:

- ``as-is``: the infant as it was;
- ``entropy``: ``b.entropy`` 0.05 (a larger entropy bonus everywhere);
- ``entropy-floor``: ``b.entropy_floor`` 1.0 (pushed up only below 1 nat);
- ``no-novelty``: ``m.rule.intrinsic_weight`` 0 (no curiosity in B's reward);
- ``no-replay``: ``b.replay_weight`` 0 (no rehearsal of remembered rewards).

``--variant NAME=YAML`` replaces them (``--variant 'floor=b: {entropy_floor: 0.5}'``).
One JSON line closes, with every figure.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from infancy.curricula.runner import run_world_params
from infancy.curricula.stages import merge
from infancy.infants import Cohort, InfantConfig
from infancy.infants.checkpoint import load
from infancy.infants.evaluation import episode_rewards, frozen_play
from infancy.store import RunError, cohort_folder
from infancy.worlds import make_batch
from infancy.worlds.core.codes import INFANT_ACTIONS

VARIANTS = {
    "as-is": {},
    "entropy": {"b": {"entropy": 0.05}},
    "entropy-floor": {"b": {"entropy_floor": 1.0}},
    "no-novelty": {"m": {"rule": {"intrinsic_weight": 0.0}}},
    "no-replay": {"b": {"replay_weight": 0.0}},
}
"""Each default variant's overrides of the infant config."""

COLLAPSED = 0.9
"""A top action share in the search phase at or above this counts as collapsed."""

SEARCH = 3  # a-not-b-v0's search phase (worlds/scenarios/hiding.py)


def variant_of(cohort: Cohort, overrides: dict) -> Cohort:
    """A copy of ``cohort`` (parameters, memory, state) living by its config with
    ``overrides``; the overrides must not change the size of anything it holds."""
    return cohort.frozen(merge(cohort.config.model_dump(), overrides))


def play(
    cohort: Cohort, steps: int, seed: int, world: dict | None = None
) -> dict[str, list[float]]:
    """``steps`` frozen steps of ``a-not-b-v0`` (with parameters ``world``): each
    infant's top action share in the search phase and its reward an episode
    (:func:`~infancy.infants.evaluation.frozen_play`)."""
    table = frozen_play(cohort, "a-not-b-v0", steps, seed, world)
    search = table[table["phase"] == SEARCH]
    counts = np.zeros((cohort.n, len(INFANT_ACTIONS)))
    codes = pd.Categorical(search["action"], categories=INFANT_ACTIONS).codes
    np.add.at(counts, (search["infant"].to_numpy(), codes), 1)
    top = counts.max(1) / np.maximum(counts.sum(1), 1)
    reward = episode_rewards(table)
    return {
        "top_share": [round(float(v), 3) for v in top],
        "reward": [round(float(v), 3) for v in reward],
    }


def _row(label: str, got: dict[str, list[float]]) -> str:
    top, reward = np.array(got["top_share"]), np.array(got["reward"])
    return (
        f"| {label} | {int((top >= COLLAPSED).sum())} of {top.size} | {reward.mean():.2f} | "
        + " ".join(f"{v:.2f}" for v in top)
        + " | "
        + " ".join(f"{v:.2f}" for v in reward)
        + " |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path, help="a run folder or a checkpoint's cohort folder")
    ap.add_argument("--steps", type=int, default=16000, help="practice steps per variant")
    ap.add_argument("--play", type=int, default=2000, help="frozen steps of each play")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--variant", action="append", default=None, metavar="NAME=YAML")
    args = ap.parse_args(argv)
    for name in ("steps", "play"):
        if getattr(args, name) < 1:
            ap.exit(2, f"--{name}: expected a positive number, got {getattr(args, name)}\n")
    variants = dict(VARIANTS)
    if args.variant:
        variants = {}
        for text in args.variant:
            name, _, body = text.partition("=")
            try:
                over = yaml.safe_load(body) if body else {}
            except yaml.YAMLError:
                over = None
            if not name or not isinstance(over, dict):
                ap.exit(2, f"--variant: expected NAME=YAML mapping, got {text!r}\n")
            variants[name] = over
    try:
        folder = cohort_folder(args.run)
        world, source = run_world_params(args.run, "a-not-b-v0")
    except RunError as err:
        ap.exit(2, f"RUN: {err}\n")
    cohort = load(folder)
    for name, over in variants.items():  # a bad variant is told before any play
        try:
            InfantConfig.from_dict(merge(cohort.config.model_dump(), over))
        except (ValueError, TypeError) as err:
            raise SystemExit(f"--variant {name}: {str(err).splitlines()[0]}") from None
    start = time.perf_counter()
    results = {"before": play(cohort, args.play, args.seed, world)}
    print(f"checkpoint: {folder} (age {cohort.age_months:.2f} months)")
    print(f"world: a-not-b-v0 {json.dumps(world) if world else '(its defaults)'}, from {source}")
    print(
        "| variant | collapsed | reward an episode | top action share by infant |"
        " reward by infant |"
    )
    print("|---|---|---|---|---|")
    print(_row("before (frozen)", results["before"]), flush=True)
    for name, over in variants.items():
        try:
            twin = variant_of(cohort, over)
        except (ValueError, TypeError) as err:
            raise SystemExit(f"--variant {name}: {str(err).splitlines()[0]}") from None
        except KeyError as err:  # a field that changes what the checkpoint holds
            raise SystemExit(
                f"--variant {name}: changes what the checkpoint holds (no {err} in it)"
            ) from None
        practice = make_batch("a-not-b-v0", cohort.n, seed=args.seed + 1, autoreset=True, **world)
        practice.reset()
        twin.live(practice, args.steps)
        results[name] = play(twin, args.play, args.seed, world)
        print(_row(f"{name} +{args.steps:,}", results[name]), flush=True)
    seconds = time.perf_counter() - start
    line = {"config": {**vars(args), "run": str(args.run)}, "checkpoint": str(folder)}
    line.update(world=world, world_from=source)
    line.update(variants=variants, results=results, seconds=round(seconds, 1))
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
