"""What each development mechanism costs in speed: the cohort benchmark
(``infant_speed.py``) with the default infant and with each mechanism taken away.

    python benchmarks/mechanism_costs.py [--steps 2048] [--rounds 2] [--repeats 2]
        [--infants 16]

The mechanisms are the ablation presets (``infants/presets/``: ``no-memory``,
``no-word-pathway``, ``no-replay``) and A's extra predictor-head steps
(``a.head_updates`` 0, the largest item in a profile of the default lifetime). Each
variant runs ``infant_speed.py`` in its own process with the preset's keys as ``--set``
overrides; the default and the variants take turns, ``--repeats`` times, the order
rotated by one each repeat, so that this shared machine's drift does not fall on the
same variant every time. The cost of a mechanism is the
default's time per step over the variant's, minus 1, per repeat (its median is
printed): 0.25 means the default spends 25% more time per step than the infant without
it. Each run's peer MLP is printed with it (how fast the machine was then). One JSON
line closes.

As in ``infant_speed.py``, M's mode is held at *act* (B learns every chunk): sleep comes
only when the energy floor forces it, and imagination not at all. So the cost of replay
here is mostly the replayed memories in A's updates (``m.rule.replay_ratio``); sleep's
consolidation and B's rehearsal of rewarded memories weigh as much as the sleep chunks
of a lifetime allow, which this benchmark does not have.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
PRESETS = HERE.parent / "infants" / "presets"
EXTRA = {"A's extra head steps (a.head_updates 0)": {"a": {"head_updates": 0}}}


def flat(config: dict, prefix: str = "") -> list[str]:
    """``--set`` items (``KEY=VALUE``, dotted keys) for a nested infant config."""
    out = []
    for key, value in config.items():
        if isinstance(value, dict):
            out += flat(value, f"{prefix}{key}.")
        else:
            out.append(f"{prefix}{key}={json.dumps(value)}")
    return out


def variants() -> dict[str, list[str]]:
    """Each variant's name and its ``--set`` items (the default: none)."""
    out: dict[str, list[str]] = {"default": []}
    for name in ("no-memory", "no-word-pathway", "no-replay"):
        out[name] = flat(yaml.safe_load((PRESETS / f"{name}.yaml").read_text()) or {})
    out.update({name: flat(config) for name, config in EXTRA.items()})
    return out


def measure(items: list[str], steps: int, rounds: int, infants: int) -> dict:
    """One ``infant_speed.py`` run's JSON line."""
    cmd = [sys.executable, str(HERE / "infant_speed.py"), "--steps", str(steps)]
    cmd += ["--rounds", str(rounds), "--infants", str(infants)]
    for item in items:
        cmd += ["--set", item]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: infant_speed.py {' '.join(items)}: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=2048)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--infants", type=int, default=16)
    args = ap.parse_args(argv)
    for name in ("steps", "rounds", "repeats", "infants"):
        if getattr(args, name) < 1:
            ap.error(f"--{name}: expected a positive number, got {getattr(args, name)}")
    runs = variants()
    rates: dict[str, list[float]] = {name: [] for name in runs}
    peers: dict[str, list[float]] = {name: [] for name in runs}
    infant: dict[str, dict] = {}  # the infant config each variant's benchmark ran with
    names = list(runs)
    for k in range(args.repeats):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            items = runs[name]
            got = measure(items, args.steps, args.rounds, args.infants)
            rates[name].append(got["cohort_steps_per_s"])
            peers[name].append(got["peer_mlp_train_samples_per_s"])
            infant[name] = got["infant"]
    head = "| infant | --set | cohort steps/s (each repeat) | cost of the mechanism | peer MLP |"
    print(head)
    print("|---|---|---|---|---|")
    costs = {}
    for name, items in runs.items():
        # Per repeat: the default's time per step over the variant's, minus 1.
        cost = np.array(rates[name]) / np.array(rates["default"]) - 1.0
        costs[name] = None if name == "default" else float(np.median(cost))
        shown = "-" if costs[name] is None else f"{costs[name]:+.0%}"
        print(
            f"| {name} | {' '.join(items) or '(none)'} | "
            f"{', '.join(f'{r:,.0f}' for r in rates[name])} | {shown} | "
            f"{', '.join(f'{p:,.0f}' for p in peers[name])} |"
        )
    print(
        json.dumps(
            {
                "benchmark": "mechanism_costs",
                "config": vars(args),
                "variants": runs,
                "infant": infant,
                "cohort_steps_per_s": rates,
                "cost": costs,
                "peer_mlp_train_samples_per_s": peers,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
