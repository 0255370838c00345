"""Why the infants do not follow gaze or pointing: a cohort practises in one cue world
alone and is tested with the battery's probe for that cue as it learns.

    python experiments/cue_diagnostic.py [--cue gaze] [--varied] [--steps 32768]
        [--every 8192] [--n 16] [--trials 16] [--seed 0] [--no-follow] [--no-sectors]
    python experiments/cue_diagnostic.py --cue gaze --follower

The practice world is ``gaze-following-v0`` (``--cue gaze``) or ``point-following-v0``
(``--cue point``) with a reacher's body: after eye contact the caregiver turns its head
(or points) to one of two toys, and choosing that toy is rewarded. By default its layout
is fixed (caregiver straight ahead, a toy right beside the infant on each side), which
the side the head or arm turns to solves (``head-side``, a shortcut of the validity kit,
scores 1.0 there); ``--varied`` draws the caregiver's place off the infant's line and
the toys in two of three directions (west, north, east), each 1 or 2 cells away, where
no shortcut of the cue probes scores 0.1 above chance (tests/worlds/test_mechanics.py).
The probe puts the caregiver front-left or front-right of the infant in its held-out
room and the toys in two of three directions, so only a cue followed to its toy passes
it. ``--no-follow`` turns B's geometric joint attention off (``b.follow``: the place the
caregiver looks or points to, in the word cue's place slots); ``--no-sectors`` turns
off B's sector code of that place (``b.cue_sectors``). ``--follower`` scores,
instead, a policy that acts on that place with no learning (turn to its side, else keep
still): the probe score and the varied practice reward the pathway allows.

Every ``--every`` steps the script prints the share of practice episodes rewarded since
the last line (chance 1/2), the probe's score (the share of trials in which the first toy
looked at was the cued one; chance 1/2) and the share of infants that pass (the probe's
rule on ``--trials`` trials). At the end it prints how well "the cued toy is the left one
of the two" is decodable from System A's latent at the step the cue is shown, in the
varied room (the answer a follower must compute, chance 0.5), beside the same read-out of
an untrained cohort's latent: the balanced accuracy of a logistic read-out on held-out
views (``reach_diagnostic.decodability``), a lower bound on what B can read. One JSON
line closes. System M never imagines and is not drawn to observe by the caregiver
(``imagine_every: 0``, ``social_above: 1``), as in ``reach_diagnostic.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from infancy.curricula.probes import CohortPolicy, gaze_following, point_following
from infancy.infants import Cohort
from infancy.worlds import make_batch
from infancy.worlds.core.codes import STAY, TURN_LEFT, TURN_RIGHT

WORLDS = {"gaze": "gaze-following-v0", "point": "point-following-v0"}
PROBES = {"gaze": gaze_following, "point": point_following}


def _reach_diagnostic():
    """``reach_diagnostic.py``, for its read-out (a sibling script, not a package module)."""
    path = Path(__file__).with_name("reach_diagnostic.py")
    spec = importlib.util.spec_from_file_location("reach_diagnostic_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cue_states(cohort: Cohort, world: str, seed: int, episodes: int = 64):
    """A's latent at the step the cue is first shown, in ``episodes`` varied rooms per
    infant, and whether the cued toy is the left one of the two (the infant faces north,
    so the toy with the smaller column)."""
    n = cohort.n
    env = make_batch(world, n, seed=seed + 1, varied=True)
    views, senses, left = [], [], []
    stay = np.full((n, 1), STAY)
    contact = env.scenario.config.contact_steps
    for _ in range(episodes):
        env.reset()
        for _ in range(contact + 1):  # eye contact, then the cue (still held)
            env.step(stay)
        st = env.state
        target = st.aux[:, 0].astype(np.int64)
        cols = st.obj_pos[:, :2, 1].astype(np.int64)
        rows = np.arange(n)
        left.append(cols[rows, target] < cols[rows, 1 - target])
        views.append(env.view[:, 0].copy())
        senses.append(env.senses[:, 0].copy())
    view, sense = np.stack(views, 1), np.stack(senses, 1)
    with torch.no_grad():
        z = cohort.a.encode(cohort.features(view, sense))
    return z, np.stack(left, 1)


class Follower:
    """A policy that acts on geometric joint attention with no learning: it turns to the
    side of the place ``b.follow`` puts in the word cue (when that place lies more to a
    side than ahead) and otherwise keeps still. What a perfectly trained B could do with
    the pathway: its probe score is the ceiling the pathway allows."""

    def __init__(self, n: int, seed: int = 0) -> None:
        self.cohort = Cohort({"b": {"follow": True}}, n=n, seed=seed)
        self.mind = self.cohort.new_mind()

    def begin(self, mask) -> None:
        self.mind.reset(mask)

    def __call__(self, view, senses, state=None) -> np.ndarray:
        cue = self.cohort.word_cue(view, senses, self.mind)
        lat, fwd, on = cue[:, 2], cue[:, 3], cue[:, 1] > 0
        side = on & (np.abs(lat) > 0) & (np.abs(lat) >= 0.5 * np.abs(fwd))
        return np.where(side, np.where(lat < 0, TURN_LEFT, TURN_RIGHT), STAY).astype(np.int64)


def follower_scores(cue: str, n: int, trials: int, seed: int, rooms: int = 1024) -> dict:
    """The :class:`Follower`'s probe score and share passing (``n`` simulated infants,
    ``trials`` each) and its share of rewarded episodes in ``rooms`` varied practice
    rooms."""
    rows = PROBES[cue](Follower(n, seed), ["reacher"] * n, trials=trials, seed=seed)
    env = make_batch(WORLDS[cue], rooms, seed=seed, varied=True)
    env.reset()
    policy = Follower(rooms, seed)
    won, over = np.zeros(rooms), np.zeros(rooms, dtype=bool)
    for _ in range(env.scenario.config.max_cycles):
        res = env.step(policy(env.view[:, 0], env.senses[:, 0])[:, None])
        won += np.where(over, 0.0, res.reward[:, 0] > 0)
        over |= res.terminated[:, 0] | res.truncated[:, 0]
    return {
        "probe_score": float(rows["score"].mean()),
        "probe_passing": float(rows["passed"].mean()),
        "practice": float(won.mean()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cue", choices=sorted(WORLDS), default="gaze")
    ap.add_argument("--varied", action="store_true", help="the practice world's varied layout")
    ap.add_argument("--steps", type=int, default=32768)
    ap.add_argument("--every", type=int, default=8192)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--no-follow", action="store_true", help="b.follow false (no geometric joint attention)"
    )
    ap.add_argument(
        "--no-sectors", action="store_true", help="b.cue_sectors false (the place slots alone)"
    )
    ap.add_argument(
        "--follower",
        action="store_true",
        help="score the untrained geometric follower (the pathway's ceiling) and stop",
    )
    args = ap.parse_args(argv)
    for name in ("steps", "every", "n", "trials"):
        if getattr(args, name) < 1:
            ap.error(f"--{name}: expected a positive number, got {getattr(args, name)}")
    if args.follower:
        got = follower_scores(args.cue, args.n, args.trials, args.seed)
        print(
            f"geometric follower, {args.cue}: probe score {got['probe_score']:.3f} "
            f"({round(got['probe_passing'] * args.n)} of {args.n} simulated infants passing); "
            f"varied practice rewarded {got['practice']:.3f}"
        )
        print(json.dumps({"config": vars(args), "follower": got}))
        return 0
    config = {
        "m": {"rule": {"imagine_every": 0, "social_above": 1.0}},
        "b": {"follow": not args.no_follow, "cue_sectors": not args.no_sectors},
    }
    cohort = Cohort(config, n=args.n, seed=args.seed)
    world = WORLDS[args.cue]
    env = make_batch(world, args.n, seed=args.seed, autoreset=True, varied=args.varied)
    env.reset()
    tally = {"rewarded": 0, "ended": 0}
    step = env.step

    def counted(*a, **k):
        res = step(*a, **k)
        tally["rewarded"] += int((res.reward > 0).sum())
        tally["ended"] += int((res.terminated | res.truncated).sum())
        return res

    env.step = counted  # the cohort's driver steps the world; count what it earns
    start = time.perf_counter()
    curve = []
    print("| steps | practice rewarded | probe score | infants passing |")
    print("|---|---|---|---|")
    for k in range(max(1, args.steps // args.every)):
        tally.update(rewarded=0, ended=0)
        cohort.live(env, args.every)
        rows = PROBES[args.cue](
            CohortPolicy(cohort.frozen(), args.seed + k),
            ["reacher"] * args.n,
            trials=args.trials,
            seed=args.seed + k,
        )
        row = {
            "steps": (k + 1) * args.every,
            "practice": tally["rewarded"] / max(1, tally["ended"]),
            "score": float(rows["score"].mean()),
            "passing": float(rows["passed"].mean()),
        }
        curve.append(row)
        print(
            f"| {row['steps']} | {row['practice']:.2f} | {row['score']:.2f} | "
            f"{row['passing']:.2f} |",
            flush=True,
        )
    reach = _reach_diagnostic()
    z, left = cue_states(cohort, world, args.seed)
    z0, _ = cue_states(Cohort(config, n=args.n, seed=args.seed), world, args.seed)
    trained = reach.decodability(z.reshape(-1, z.shape[-1]), left.reshape(-1), args.seed)
    untrained = reach.decodability(z0.reshape(-1, z0.shape[-1]), left.reshape(-1), args.seed)
    print(
        f"'the cued toy is the left one' read from A's latent as the cue is shown: balanced "
        f"accuracy {reach.accuracy_text(trained)} (an untrained cohort's latent: "
        f"{reach.accuracy_text(untrained)}; chance 0.5)"
    )
    print(
        json.dumps(
            {
                "config": vars(args),
                "curve": curve,
                "answer_decodability": trained,
                "answer_decodability_untrained": untrained,
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
