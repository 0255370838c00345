"""Why the infants' reach is unreliable: a cohort practises in ``reach-v0`` alone and
is tested with the reaching probe as it learns.

    python experiments/reach_diagnostic.py [--steps 24576] [--every 4096] [--n 16]
        [--effort 0.0] [--empty-share 0.0] [--entropy 0.01] [--room 7] [--anywhere]
        [--distance 1] [--named] [--no-orient] [--seed 0]
        [--start CHECKPOINT [--renew a,b,m,memory]]

Every ``--every`` steps the script prints, for the cohort, the reaching probe's score
(the share of toy trials in which the infant got the toy), the share of infants that
pass, and the two shares the probe's control compares: trials with a toy and trials
with nothing in which the infant reached at all. A reach that is aimed at the toy shows
as the first share far above the second; a blind reach (the cheapest way to get a toy
in ``reach-v0``) shows as both high. At the end it prints how well "a toy in the cell in
front" (what decides whether a reach can pay) is decodable from System A's latent, the
state B reads: the balanced accuracy of a logistic read-out on held-out steps (chance
0.5), beside the same read-out of an untrained cohort's latent. The read-out is one
linear map for the latents of all infants pooled, while each infant's B reads its own
A's latent through a non-linear network: it is a lower bound on what one B could read.
The held-out steps come from the same episodes as the fitted ones (views repeat while
an infant turns in place), which makes it somewhat optimistic. Beside it, the latent's
effective rank on the same views (per infant, averaged: how many of its dimensions it
really uses, up to its size; a collapsed latent uses few;
:func:`infancy.infants.evaluation.effective_rank`). One JSON line closes.

``--effort`` is B's cost of a reach (``b.reach_effort``) and ``--empty-share`` the share
of ``reach-v0`` episodes with no toy (the world's ``empty_share``): the two changes to
the practice world that should make reaching at nothing lose. ``--room`` and
``--anywhere`` are the practice room's side and whether the infant sits on any cell of
it rather than at its centre (``reach-v0``'s ``room`` and ``anywhere``): a reach learned
in one view of one room is tested in the probe's held-out room (the defaults are the old
room 7, centre; the default curriculum practises in ``--room 8 --anywhere``). The
read-out's views always come from ``reach-v0``'s default room, so that runs compare.
``--distance`` above 1 practises crawling to a toy up to that far away
(``crawl-v0``, a crawler's body, in the room of ``--room``/``--anywhere``; each episode
draws the distance from 1 to ``--distance``) and scores the locomotion probe (the toy
three cells away, 16 steps) instead of the reaching probe. The toy must fit the room:
``--distance 3`` needs ``--room 8 --anywhere`` (a one-line error says so otherwise).
There the caregiver stays quiet, as in the probes; ``--named`` makes it look at and name
the toy, as in ``reach-v0`` (and is refused at ``--distance 1``, where it always does).
``--no-orient`` turns B's bottom-up orienting off (``b.orient``: with no word in mind,
B reads nothing of where the nearest object is).
``--start`` practises from a saved cohort (e.g. a run's
``checkpoints/ckpt-N/cohort``) with its own infant config, System M included (so M
may imagine there, and ``--n``, ``--effort`` and ``--entropy`` are refused);
``--renew`` replaces the named parts with a newborn cohort's, a lesion test of what
in the saved cohort keeps it from learning. System M never imagines
and is not drawn to observe by the caregiver (``imagine_every: 0``, ``social_above:
1``); it still observes when A's error rises and sleeps when tired, so not every step
is an acting step. ``--trials`` (16 by default) is twice the battery's 8, so "passing"
uses the probe's rule with a binomial test on 16 trials.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from infancy.curricula.probes import PROBES, CohortPolicy, _reach_task, above_chance
from infancy.infants import Cohort
from infancy.infants.evaluation import effective_rank
from infancy.worlds import make_batch
from infancy.worlds.core.codes import VIEW_CHANNELS

KIND = VIEW_CHANNELS.index("kind")


def decodability(features: torch.Tensor, label: np.ndarray, seed: int) -> float:
    """Balanced accuracy of an L2-regularised logistic read-out of ``label`` from
    ``features`` (``[M, D]``), fitted on a random half of the rows, scored on the
    other half. The features are standardised on the fitting half and the two classes
    weighted equally, so that a rare label or small features do not hide what is
    there. 0.5 is chance; a label of one class only is not computable (nan)."""
    y = np.asarray(label, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    idx = np.random.default_rng(seed).permutation(len(y))
    train, test = idx[: len(y) // 2], idx[len(y) // 2 :]
    f = features.float()
    mean, std = f[train].mean(0), f[train].std(0) + 1e-6
    x = torch.cat([(f - mean) / std, torch.ones(len(y), 1)], 1)
    target = torch.as_tensor(y, dtype=torch.float32)
    positive = float(y[train].mean())
    weight = torch.where(target > 0, 0.5 / positive, 0.5 / (1.0 - positive))
    w = torch.zeros(x.shape[1], requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=200)

    def loss():
        opt.zero_grad()
        value = (
            torch.nn.functional.binary_cross_entropy_with_logits(
                x[train] @ w, target[train], weight=weight[train]
            )
            + 1e-3 * (w**2).sum()
        )
        value.backward()
        return value

    opt.step(loss)
    with torch.no_grad():
        pred = (x[test] @ w > 0).numpy()
    yt = y[test]
    return float(0.5 * (pred[yt].mean() + (~pred[~yt]).mean()))


def accuracy_text(value: float) -> str:
    """A read-out's balanced accuracy for a printed line: three decimals, or in words
    why it cannot be computed (:func:`decodability` gives nan for a one-class label)."""
    return "cannot be computed (the label has one class)" if np.isnan(value) else f"{value:.3f}"


def front_states(cohort: Cohort, n: int, seed: int, steps: int = 256):
    """A's latent on ``steps`` views per infant of ``reach-v0`` seen while turning at
    random, and whether a toy is in the cell in front (the one a reach grasps from)."""
    env = make_batch("reach-v0", n, seed=seed + 1, autoreset=True, empty_share=0.3)
    env.reset()
    rng = np.random.default_rng(seed)
    views, senses = [], []
    for _ in range(steps):
        views.append(env.view[:, 0].copy())
        senses.append(env.senses[:, 0].copy())
        env.step(rng.integers(0, 3, size=(n, 1)))  # stay or turn: every heading is seen
    view, sense = np.stack(views, 1), np.stack(senses, 1)
    size = view.shape[-1]
    front = view[:, :, KIND, size - 2, size // 2] > 0
    with torch.no_grad():
        z = cohort.a.encode(cohort.features(view, sense))
    return z, front


PARTS = ("a", "b", "m", "memory")


def renewed(cohort: Cohort, parts: list[str], seed: int) -> Cohort:
    """``cohort`` with the named parts replaced by those of a newborn cohort of the same
    config (``a``: System A and its front end; ``b``: System B; ``m``: System M and its
    meta-signals; ``memory``: the episodic memory), in place."""
    born = Cohort(cohort.config, n=cohort.n, seed=seed)
    if "a" in parts:
        cohort.a, cohort.obs = born.a, born.obs
        cohort.attend()
    if "b" in parts:
        cohort.b = born.b
    if "m" in parts:
        cohort.m, cohort.signals, cohort.meta, cohort.action = (
            born.m,
            born.signals,
            born.meta,
            born.action,
        )
    if "memory" in parts:
        cohort.memory = born.memory
    return cohort


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=24576)
    ap.add_argument("--every", type=int, default=4096)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--effort", type=float, default=0.0)
    ap.add_argument("--empty-share", type=float, default=0.0)
    ap.add_argument("--entropy", type=float, default=0.01)
    ap.add_argument("--room", type=int, default=7)
    ap.add_argument("--anywhere", action="store_true")
    ap.add_argument("--distance", type=int, default=1)
    ap.add_argument("--named", action="store_true", help="crawl-v0's caregiver names the toy")
    ap.add_argument("--no-orient", action="store_true", help="b.orient false")
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=Path, help="a cohort checkpoint folder to practise from")
    ap.add_argument("--renew", default="", help=f"parts of --start made new: {', '.join(PARTS)}")
    args = ap.parse_args(argv)
    renew = [p for p in args.renew.split(",") if p]
    bad = [p for p in renew if p not in PARTS]
    if bad or (renew and args.start is None):
        what = f"unknown part {bad[0]!r}; known: {', '.join(PARTS)}" if bad else "needs --start"
        ap.error(f"--renew: {what}")
    config = {
        "m": {"rule": {"imagine_every": 0, "social_above": 1.0}},
        "b": {"reach_effort": args.effort, "entropy": args.entropy, "orient": not args.no_orient},
    }
    if args.start is not None:
        ignored = [
            f"--{k.replace('_', '-')}"
            for k in ("n", "effort", "entropy", "no_orient")
            if getattr(args, k) != ap.get_default(k)
        ]
        if ignored:
            ap.error(f"--start: the saved cohort brings its own infant; drop {', '.join(ignored)}")
        try:
            cohort = Cohort.load(args.start)
        except (OSError, ValueError) as err:
            ap.error(f"--start: cannot load a cohort from {args.start}: {err}")
        config = cohort.config  # the lifetime's own infant, M included
        args.n = cohort.n
        renewed(cohort, renew, args.seed)
    else:
        cohort = Cohort(config, n=args.n, seed=args.seed)
    crawl = args.distance > 1
    if args.named and not crawl:
        ap.error("--named: only with --distance above 1 (reach-v0's caregiver always names)")
    try:
        env = make_batch(
            "crawl-v0" if crawl else "reach-v0",
            args.n,
            seed=args.seed,
            autoreset=True,
            empty_share=args.empty_share,
            room=args.room,
            anywhere=args.anywhere,
            distance=args.distance,
            **({"quiet": not args.named} if crawl else {}),
        )
    except ValueError as err:
        ap.error(str(err))
    env.reset()
    start = time.perf_counter()
    curve = []
    print("| steps | got the toy | infants passing | reached: toy trials | reached: empty trials |")
    print("|---|---|---|---|---|")
    for k in range(max(1, args.steps // args.every)):
        cohort.live(env, args.every)
        policy = CohortPolicy(cohort.frozen(), args.seed + k)
        got, on_toy, on_empty = _reach_task(
            policy,
            ["crawler" if crawl else "reacher"] * args.n,
            trials=args.trials,
            seed=args.seed + k,
            distance=3 if crawl else 1,
        )
        # The probe's own pass rule (curricula/probes.py, _controlled).
        probe = PROBES["locomotion" if crawl else "reaching"]
        passed = (
            (got >= 0.8)
            & above_chance(np.round(got * args.trials), args.trials, probe.chance)
            & (on_toy - on_empty >= 0.5)
        )
        passing = float(passed.mean())
        row = {
            "steps": (k + 1) * args.every,
            "got": float(got.mean()),
            "passing": passing,
            "reached_toy": float(on_toy.mean()),
            "reached_empty": float(on_empty.mean()),
        }
        curve.append(row)
        print(
            f"| {row['steps']} | {row['got']:.2f} | {passing:.2f} | "
            f"{row['reached_toy']:.2f} | {row['reached_empty']:.2f} |",
            flush=True,
        )
    z, front = front_states(cohort, args.n, args.seed)
    z0, _ = front_states(Cohort(config, n=args.n, seed=args.seed), args.n, args.seed)
    front = front.reshape(-1)
    trained = decodability(z.reshape(-1, z.shape[-1]), front, args.seed)
    untrained = decodability(z0.reshape(-1, z0.shape[-1]), front, args.seed)
    rank = float(np.mean([effective_rank(zi) for zi in z]))
    rank0 = float(np.mean([effective_rank(zi) for zi in z0]))
    print(
        f"'a toy in the cell in front' read from A's latent: balanced accuracy "
        f"{accuracy_text(trained)} (an untrained cohort's latent: {accuracy_text(untrained)}; "
        f"chance 0.5)"
    )
    print(
        f"effective rank of A's latent on those views: {rank:.1f} of {z.shape[-1]} "
        f"(an untrained cohort's: {rank0:.1f})"
    )
    print(
        json.dumps(
            {
                "config": {**vars(args), "start": args.start and str(args.start)},
                "curve": curve,
                "front_decodability": trained,
                "front_decodability_untrained": untrained,
                "latent_rank": rank,
                "latent_rank_untrained": rank0,
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
