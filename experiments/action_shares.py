"""What each infant of a saved cohort does in one world: the share of its steps given to
each action, and its reward an episode, with its policy frozen.

    python experiments/action_shares.py RUN [--world reach-v0] [--abilities reacher]
        [--steps 600] [--seed 0]

RUN is a run folder (``infancy run --out``) or a checkpoint's ``cohort`` folder (a run's
last complete checkpoint is read). The world is made with the parameters the run's
curriculum gives it (``worlds:``, :func:`~infancy.curricula.runner.run_world_params`;
the default curriculum's where no run holds RUN), in the body ``--abilities`` (a profile
of ``body.yaml``). Nothing learns. One JSON line closes, with every figure.

Why: an infant that never passes reaching (session 39's non-reachers) may have a B that
never tries the action, or one that tries it where it cannot pay; the shares tell the
two apart. An action that a body cannot make (``point`` before the walker stage,
``reach`` in the newborn's) is a no-op the world ignores, and its share shows where the
policy has settled on doing nothing useful.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from infancy.infants.evaluation import episode_rewards, frozen_play
from infancy.worlds import list_worlds
from infancy.worlds.core.codes import INFANT_ACTIONS


def shares(cohort, world: str, abilities: str, steps: int, seed: int, params: dict) -> dict:
    """Play ``steps`` frozen steps of ``world`` in one body, and count what each infant
    does (:func:`~infancy.infants.evaluation.frozen_play`).

    Parameters
    ----------
    cohort
        A :class:`~infancy.infants.Cohort` (nothing in it changes).
    world, abilities
        A registered world id and a body profile of ``body.yaml`` (or a mapping).
    steps, seed
        Steps to play and the seed of the world's and the policy's draws.
    params
        The world's parameters (a curriculum's ``worlds:`` entry for it).

    Returns
    -------
    dict
        ``share``: for each action of ``INFANT_ACTIONS``, each infant's share of its
        steps; ``reward``: each infant's reward over its finished episodes (the reward
        of the unfinished last one is counted too, a slight upward bias; all of it when
        none finished); ``episodes``: how many finished.
    """
    table = frozen_play(cohort, world, steps, seed, params, abilities)
    counts = pd.crosstab(table["infant"], table["action"])
    share = counts.reindex(columns=list(INFANT_ACTIONS), fill_value=0) / steps
    episodes = table.groupby("infant")["done"].sum()
    reward = episode_rewards(table)
    return {
        "share": {a: [round(float(v), 3) for v in share[a]] for a in INFANT_ACTIONS},
        "reward": [round(float(v), 3) for v in reward],
        "episodes": [int(v) for v in episodes],
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table and the JSON line for the command line ``argv``; 0 on success."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=Path, help="a run folder or a checkpoint's cohort folder")
    ap.add_argument("--world", default="reach-v0", help="a registered world id")
    ap.add_argument("--abilities", default="reacher", help="a body profile of body.yaml")
    ap.add_argument("--steps", type=int, default=600, help="frozen steps to play")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.steps < 1:
        ap.exit(2, f"--steps: expected a positive number, got {args.steps}\n")
    if args.world not in list_worlds():
        ap.exit(2, f"--world: unknown world {args.world!r}; known: {sorted(list_worlds())}\n")
    from infancy.curricula.runner import run_world_params
    from infancy.infants.checkpoint import load
    from infancy.store import RunError, cohort_folder
    from infancy.worlds.rules import load_rules

    try:
        load_rules().profile(args.abilities)
    except ValueError as err:
        ap.exit(2, f"--{str(err).splitlines()[0]}\n")
    try:
        folder = cohort_folder(args.run)
        params, source = run_world_params(args.run, args.world)
    except RunError as err:
        ap.exit(2, f"RUN: {err}\n")
    cohort = load(folder)
    got = shares(cohort, args.world, args.abilities, args.steps, args.seed, params)
    print(f"checkpoint: {folder} (age {cohort.age_months:.2f} months)")
    shown = json.dumps(params) if params else "(its defaults)"
    print(f"world: {args.world} {shown}, from {source}; body {args.abilities}")
    print("| infant | " + " | ".join(INFANT_ACTIONS) + " | reward an episode |")
    print("|---" * (len(INFANT_ACTIONS) + 2) + "|")
    for i in range(cohort.n):
        cells = " | ".join(f"{got['share'][a][i]:.2f}" for a in INFANT_ACTIONS)
        print(f"| {i} | {cells} | {got['reward'][i]:.2f} |")
    line = {
        "config": {**vars(args), "run": str(args.run)},
        "checkpoint": str(folder),
        "age_months": round(float(cohort.age_months), 3),
        "world_params": params,
        "world_params_from": source,
        **got,
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
