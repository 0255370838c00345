"""Compile time: how long a first world step waits for numba, with the serial twins of
the batch kernels (what a small batch steps with) against the parallel kernels (what
it stepped with before the twins, and what a batch of ``SERIAL_BELOW`` worlds or more
steps with).

Each measurement is a fresh Python process with an empty numba cache of its own
(``NUMBA_CACHE_DIR``): the seconds from before ``make_batch`` to the end of the first
``step``, cold (compiling), then again in a second process on the same cache, warm
(loading the cached machine code). The two kernel sets alternate, ``--repeats`` times
each, so they share the machine's state at the time.

    python benchmarks/compile_time.py              # playroom-v0, 2 repeats
    python benchmarks/compile_time.py --repeats 3 --world reach-v0

The last line is JSON: ``cold_s`` and ``warm_s`` (medians) by kernel set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = """
import sys, time
import numpy as np
from infancy.worlds import make_batch
from infancy.worlds.core import engine
if sys.argv[2] == "parallel":
    engine.SERIAL_BELOW = 0  # every batch steps with the parallel kernels
tick = time.perf_counter()
batch = make_batch(sys.argv[1], 4, seed=0)
batch.reset()
batch.step(np.zeros((4, batch.n_infants), dtype=np.int64))
print(time.perf_counter() - tick)
"""


def _first_step(world: str, kernels: str, cache: str) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, world, kernels],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kernels}: {out.stderr.strip().splitlines()[-1]}")
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", default="playroom-v0")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    from infancy.worlds import list_worlds

    if args.world not in list_worlds():
        raise SystemExit(f"--world: {args.world!r} is not a shipped world ({list_worlds()})")
    if args.repeats < 1:
        raise SystemExit(f"--repeats: expected a positive number, got {args.repeats}")
    cold: dict[str, list[float]] = {"serial": [], "parallel": []}
    warm: dict[str, list[float]] = {"serial": [], "parallel": []}
    for r in range(args.repeats):
        order = ("serial", "parallel") if r % 2 == 0 else ("parallel", "serial")
        for kernels in order:
            with tempfile.TemporaryDirectory() as cache:
                cold[kernels].append(_first_step(args.world, kernels, cache))
                warm[kernels].append(_first_step(args.world, kernels, cache))
            print(
                f"  repeat {r + 1} {kernels}: cold {cold[kernels][-1]:.1f} s, "
                f"warm {warm[kernels][-1]:.2f} s",
                flush=True,
            )
    med = {k: statistics.median(v) for k, v in cold.items()}
    wmed = {k: statistics.median(v) for k, v in warm.items()}
    print(f"first step of {args.world} (4 worlds), median of {args.repeats}:")
    print("| kernels | cold: compile (s) | warm: cached (s) |\n|---|---|---|")
    for k in ("serial", "parallel"):
        print(f"| {k} | {med[k]:.1f} | {wmed[k]:.2f} |")
    print(f"serial twins compile in {med['serial'] / med['parallel']:.2f}x the parallel time")
    print(json.dumps({"world": args.world, "repeats": args.repeats, "cold_s": med, "warm_s": wmed}))


if __name__ == "__main__":
    main()
