"""What System A's local still-view model reads in each room of the default curriculum.

One cohort with the local model (``a.local_hidden``) lives the default curriculum's
rooms (but ``crawl-v0``) by turns (``--rounds`` rounds, each room ``--chunks`` chunks a
round, a crawler's body, the worlds' parameters of the default curriculum; ``--screen``
widens the TV), and every still step's error
(:meth:`~infancy.infants.base.SystemA.watch`: what of the view changed that the change
of the step before did not foretell) is kept. Per room,
over the second half of the rounds, the script prints the medians over chunks of:

- ``mean``: the chunk's error per still step, the ``noise`` meta-state by default
  (``signals.noise.summary: mean``);
- ``median``: the error of the chunk's typical still step (``summary: median``);
- ``over_1``: the share of the chunk's still steps with an error above 1 (about one TV
  cell's floor, 1.06-1.54 over seeds 0-5: what no model can predict of one cell of
  random colours, on a step with the cell in view);

and the 90th percentile over chunks of ``mean`` and ``median`` (how often a room would
pass a threshold between). Construct: a source that changes unforetold on most still
steps (a noisy TV), against one that surprises now and then (the caregiver's looks,
points and named toys, a toy hidden). Chance level: none; the rooms are compared with
each other. The cheapest fake of a noisy-TV detector is one that fires for any room
that is busier or newer: a room whose chunks read as high as the TV room's is one a
threshold on that figure cannot tell from it. The local model is trained only in these
rounds (much less than in a lifetime), so the rooms read higher than a lifetime's.

    python experiments/noise_by_room.py [--seed 0] [--rounds 40] [--screen 7]

Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from infancy.curricula.stages import room_params
from infancy.infants import Cohort
from infancy.worlds import make_batch

ROOMS = (
    "noisy-tv-v0",
    "naming-v0",
    "playroom-v0",
    "a-not-b-v0",
    "point-following-v0",
    "gaze-following-v0",
    "peekaboo-v0",
    "reach-v0",
)
"""The rooms of the default curriculum but ``crawl-v0`` (``reach-v0`` with a crawler's
defaults, which ``reach-v0`` stands for here), lived in this order each round."""


def live(
    n: int, seed: int, rounds: int, chunks: int, screen: int | None, local_hidden: int
) -> pd.DataFrame:
    """One cohort by turns in :data:`ROOMS`: a row per chunk and infant with the room,
    the round, the still steps and the figures of the module's docstring (NaN for an
    infant with no still step in the chunk)."""
    cohort = Cohort({"a": {"local_hidden": local_hidden}}, n=n, seed=seed)
    envs = {}
    for i, room in enumerate(ROOMS):
        tv = room == "noisy-tv-v0" and screen
        params = room_params(room, **({"screen": screen} if tv else {}))
        envs[room] = make_batch(room, n, seed=seed + i, autoreset=True, **params)
        envs[room].reset()
    got: dict[str, np.ndarray] = {}
    watch = cohort.a.watch

    def spy(before, x, x_next, action, still, gate):
        err = watch(before, x, x_next, action, still, gate)
        got["err"], got["still"] = err.numpy().copy(), still.numpy().copy()
        return err

    cohort.a.watch = spy
    rows = []
    for r in range(rounds):
        for room in ROOMS:
            cohort.begin(envs[room])  # no step crosses from one room into the next
            for _ in range(chunks):
                got.clear()
                cohort.live(envs[room], cohort.config.chunk)
                for i in range(n):
                    e = got["err"][i][got["still"][i]] if got else np.zeros(0)
                    some = len(e) > 0
                    rows.append(
                        {
                            "round": r,
                            "room": room,
                            "infant": i,
                            "still": len(e),
                            "mean": float(e.mean()) if some else np.nan,
                            "median": float(np.median(e)) if some else np.nan,
                            "over_1": float((e > 1.0).mean()) if some else np.nan,
                        }
                    )
    return pd.DataFrame(rows)


def summarise(rows: pd.DataFrame, rounds: int) -> pd.DataFrame:
    """Per room, over the second half of the rounds: medians over chunks, and the 90th
    percentile of ``mean`` and ``median`` (chunks with no still step left out)."""
    late = rows[(rows["round"] >= rounds // 2) & (rows["still"] > 0)]
    by = late.groupby("room", sort=False)
    out = by[["still", "mean", "median", "over_1"]].median()
    out["mean_p90"] = by["mean"].quantile(0.9)
    out["median_p90"] = by["median"].quantile(0.9)
    out["chunks"] = by.size()
    return out.reindex([r for r in ROOMS if r in out.index])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--chunks", type=int, default=4, help="chunks in each room a round")
    ap.add_argument("--screen", type=int, default=None, help="the TV's width in cells, 1-7")
    ap.add_argument("--local-hidden", type=int, default=32, help="the local model's units")
    args = ap.parse_args(argv)
    for name in ("n", "rounds", "chunks", "local_hidden"):
        if getattr(args, name) < 1:
            flag = name.replace("_", "-")
            ap.error(f"--{flag}: expected a positive number, got {getattr(args, name)}")
    if args.seed < 0:
        ap.error(f"--seed: expected a non-negative number, got {args.seed}")
    if args.screen is not None and not 1 <= args.screen <= 7:
        ap.error(f"--screen: expected a width of 1 to 7 cells, got {args.screen}")
    start = time.perf_counter()
    rows = live(args.n, args.seed, args.rounds, args.chunks, args.screen, args.local_hidden)
    table = summarise(rows, args.rounds)
    print(table.round(3).to_string())
    missing = [r for r in ROOMS if r not in table.index]
    if missing:
        print(f"no still step in the second half: {', '.join(missing)}")
    line = {
        "benchmark": "noise_by_room",
        "config": vars(args),
        "rooms": {r: {k: float(v) for k, v in row.items()} for r, row in table.iterrows()},
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
