"""Infant speed: a cohort of 16 infants with Systems A, B and M all learning.

Measures, on this machine and in one process:

- ``cohort_steps_per_s``: real world steps per second summed over the cohort (16
  infants in 16 worlds of ``playroom-v0``), everything on: A learns every chunk (with
  replay), B learns (PPO), M decides and audits, memory stores, imagination runs when M
  chooses it. M's mode is overridden to ``act`` so that B learns every chunk (the most
  expensive case); ``--free`` lets the rule M choose instead. The figure is all the
  steps over all the time. They are timed in ``--rounds`` rounds of whole chunks, whose
  slowest and fastest are printed as well: rounds differ by the work in them (a round
  with a sleep chunk does consolidation and imagination) and by this shared VM's drift.
- ``train_samples_per_s``: A's and B's training samples per second, timed alone on a
  batch of one chunk;
- the share of the time in the world, inference, and learning;
- ``peer_mlp_train_samples_per_s``: a plain torch MLP trained in the same run, the
  peer that says how fast the machine is at the time (this shared VM's speed varies).

Prints a table and a final JSON line. Usage::

    python benchmarks/infant_speed.py [--world playroom-v0] [--steps 4096] [--rounds 4] [--free]
        [--set a.covariance_weight=0 ...]
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import yaml

from infancy.infants import Cohort
from infancy.infants.base import Transitions
from infancy.worlds import make_batch


def peer_mlp_rate(d_in: int, seconds: float = 1.5) -> float:
    """Training samples/s of one plain torch MLP the size of an infant's encoder
    (``d_in -> 64 -> 64``, batch 256, fused Adam): a yardstick of how fast the machine
    is at the time, for comparing readings taken at different times."""
    gen = torch.Generator().manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(d_in, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=True)
    x = torch.randn(256, d_in, generator=gen)
    y = torch.randn(256, 64, generator=gen)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        loss = (net(x) - y).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        done += x.shape[0]
    return done / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", default="playroom-v0")
    ap.add_argument("--infants", type=int, default=16)
    ap.add_argument("--steps", type=int, default=4096, help="world steps timed (in all)")
    ap.add_argument("--rounds", type=int, default=4, help="timed rounds (their spread is shown)")
    ap.add_argument("--free", action="store_true", help="let the rule M choose the modes")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an infant config key (dotted, e.g. a.covariance_weight=0) for a before/after peer",
    )
    args = ap.parse_args()
    config: dict = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            ap.error(f"--set: expected KEY=VALUE, got {item!r}")
        *path, last = key.split(".")
        node = config
        for part in path:
            node = node.setdefault(part, {})
        node[last] = yaml.safe_load(value)
    if args.rounds < 1 or args.steps < 1:
        ap.error("--steps and --rounds: expected positive integers")
    n = args.infants
    torch.set_num_threads(2)
    world = make_batch(args.world, n, seed=0, autoreset=True)
    world.reset()
    try:
        cohort = Cohort(config, n=n, seed=0)
    except ValueError as err:
        ap.error(f"--set: {err}")
    if not args.free:
        cohort.m.override(mode="act", gate_b=1.0)
    cohort.live(world, 2 * cohort.config.chunk)  # warm-up (numba, torch)

    # Time the parts by wrapping them.
    spent = {"world": 0.0, "learn": 0.0}
    step_world, learn = world.step, cohort.learn

    def timed_world(*a, **k):
        t = time.perf_counter()
        out = step_world(*a, **k)
        spent["world"] += time.perf_counter() - t
        return out

    def timed_learn(*a, **k):
        t = time.perf_counter()
        out = learn(*a, **k)
        spent["learn"] += time.perf_counter() - t
        return out

    world.step, cohort.learn = timed_world, timed_learn
    # Rounds of whole chunks, to show the spread; the figure is the whole run.
    chunk = cohort.config.chunk
    per_round = max(1, args.steps // (args.rounds * chunk)) * chunk
    rounds = []
    total = 0.0
    for _ in range(args.rounds):
        start = time.perf_counter()
        cohort.live(world, per_round)
        took = time.perf_counter() - start
        total += took
        rounds.append(per_round * n / took)
    cohort_rate = len(rounds) * per_round * n / total
    other = total - spent["world"] - spent["learn"]

    # Training throughput alone, one chunk of the cohort's own data.
    t = cohort.config.chunk
    x = cohort.features(cohort._view[:, : t + 1], cohort._senses[:, : t + 1])
    action = torch.from_numpy(cohort._action[:, :t])
    reward = torch.from_numpy(cohort._reward[:, :t])
    ones = torch.ones(n, t, dtype=torch.bool)
    batch = Transitions(x.t(0, t), action, x.t(1), reward, ones, ~ones)
    gate = torch.ones(n)
    reps = 20
    s = time.perf_counter()
    for _ in range(reps):
        cohort.a.learn(batch, gate)
    a_rate = reps * n * t / (time.perf_counter() - s)
    rollout = {
        "z": cohort._s[:, :t],
        "action": action,
        "logp": cohort._logp[:, :t],
        "value": cohort._value[:, :t],
        "reward": reward,
        "done": torch.zeros(n, t),
        "last_value": torch.zeros(n),
    }
    s = time.perf_counter()
    for _ in range(reps):
        cohort.b.learn(rollout, gate)
    b_rate = reps * n * t / (time.perf_counter() - s)  # samples (each seen `epochs` times)

    peer = peer_mlp_rate(cohort.obs.size)

    rows = [
        (f"{args.world} cohort of {n}, all learning: real steps/s", f"{cohort_rate:,.0f}"),
        (
            f"  {len(rounds)} rounds of {per_round} steps: slowest, fastest",
            f"{min(rounds):,.0f}, {max(rounds):,.0f}",
        ),
        ("  time in world stepping", f"{spent['world'] / total:.0%}"),
        ("  time in inference and bookkeeping", f"{other / total:.0%}"),
        (
            "  time in learning (A, B, words, memory, imagination, M)",
            f"{spent['learn'] / total:.0%}",
        ),
        ("System A training samples/s", f"{a_rate:,.0f}"),
        (
            f"System B training samples/s ({cohort.config.b.epochs} PPO epochs each)",
            f"{b_rate:,.0f}",
        ),
        ("peer: one plain MLP (encoder size), batch 256, fused Adam: samples/s", f"{peer:,.0f}"),
    ]
    print(f"infant speed on this machine (torch threads: {torch.get_num_threads()})")
    for k, v in rows:
        print(f"  {k:<62}{v:>12}")
    print(
        json.dumps(
            {
                "world": args.world,
                "infants": n,
                "cohort_steps_per_s": cohort_rate,
                "cohort_steps_per_s_rounds": rounds,
                "train_samples_per_s": {"a": a_rate, "b": b_rate},
                "peer_mlp_train_samples_per_s": peer,
                "share": {
                    "world": spent["world"] / total,
                    "inference": other / total,
                    "learning": spent["learn"] / total,
                },
                "chunk": t,
                "free_modes": args.free,
                "infant": config,
                "torch_threads": torch.get_num_threads(),
            }
        )
    )


if __name__ == "__main__":
    main()
