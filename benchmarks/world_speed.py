"""World speed, side by side with MiniGrid in the same run.

Measures, on this machine and in one process:

- MiniGrid ``MiniGrid-Empty-8x8-v0`` single-env steps/s and rgb_array frames/s (peer;
  ``pip install -e ".[bench]"``);
- our PettingZoo ``ParallelEnv`` at B=1 (``playroom-v0``, scripted caregiver);
- the batched engine at B = 1, 64, 1024, 4096 with full infant observations
  (view and senses, line-of-sight occlusion, scripted caregiver, auto-reset);
- our rgb_array frames/s;
- the engine's memory per world.

Prints a table and a final JSON line. Usage::

    python benchmarks/world_speed.py [--world playroom-v0] [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def timed(fn, seconds: float) -> float:
    """Calls per second of ``fn`` over about ``seconds`` (after one warm-up call)."""
    fn()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def minigrid_rates(seconds: float) -> tuple[float | None, float | None]:
    try:
        import gymnasium
        import minigrid  # noqa: F401
    except ImportError:
        return None, None
    env = gymnasium.make("MiniGrid-Empty-8x8-v0")
    env.reset(seed=0)
    rng = np.random.default_rng(0)

    def step():
        _, _, term, trunc, _ = env.step(int(rng.integers(0, 3)))
        if term or trunc:
            env.reset()

    steps = timed(step, seconds)
    renv = gymnasium.make("MiniGrid-Empty-8x8-v0", render_mode="rgb_array")
    renv.reset(seed=0)
    frames = timed(renv.render, seconds)
    return steps, frames


def pettingzoo_rate(world: str, seconds: float) -> float:
    from infancy.worlds import make

    env = make(world)
    env.reset(seed=0)
    rng = np.random.default_rng(0)

    def step():
        if not env.agents:
            env.reset()
        env.step({"infant_0": int(rng.integers(0, 8))})

    return timed(step, seconds)


def batched_rate(world: str, batch: int, seconds: float) -> tuple[float, float]:
    from infancy.worlds import make_batch

    engine = make_batch(world, batch, seed=0, autoreset=True)
    engine.reset()
    rng = np.random.default_rng(0)
    actions = rng.integers(0, 8, size=(64, batch, engine.n_infants))
    i = [0]

    def step():
        engine.step(actions[i[0] % 64])
        i[0] += 1

    calls = timed(step, seconds)
    per_world = sum(a.nbytes for a in engine.state) + engine.view.nbytes + engine.senses.nbytes
    return calls * batch * engine.n_infants, per_world / batch


def frame_rate(world: str, seconds: float) -> tuple[float, tuple[int, ...]]:
    from infancy.worlds import make

    env = make(world, render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    return timed(env.render, seconds), frame.shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", default="playroom-v0")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--batches", default="1,64,1024,4096")
    args = parser.parse_args()

    import numba

    mg_steps, mg_frames = minigrid_rates(args.seconds)
    pz = pettingzoo_rate(args.world, args.seconds)
    batched = {}
    memory = {}
    for b in (int(x) for x in args.batches.split(",")):
        batched[b], memory[b] = batched_rate(args.world, b, args.seconds)
    frames, shape = frame_rate(args.world, args.seconds)

    def fmt(x: float | None) -> str:
        return "n/a (pip install -e '.[bench]')" if x is None else f"{x:,.0f}"

    rows = [
        ("MiniGrid-Empty-8x8-v0 steps/s (peer)", fmt(mg_steps)),
        ("MiniGrid rgb_array frames/s, 256x256 (peer)", fmt(mg_frames)),
        (f"{args.world} PettingZoo B=1 steps/s", fmt(pz)),
    ]
    rows += [(f"{args.world} batched B={b} infant-steps/s", fmt(r)) for b, r in batched.items()]
    rows += [
        (f"{args.world} rgb_array frames/s, {shape[1]}x{shape[0]}", fmt(frames)),
        (f"engine memory per world (B={max(memory)})", f"{memory[max(memory)]:,.0f} bytes"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"world speed on this machine (numba threads: {numba.get_num_threads()})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>14}")
    if mg_steps:
        best = max(batched.values())
        print(
            f"  batched best / MiniGrid: {best / mg_steps:,.0f}x; "
            f"PettingZoo / MiniGrid: {pz / mg_steps:.2f}x; "
            f"frames / MiniGrid frames: {frames / mg_frames:.2f}x"
        )
    result = {
        "world": args.world,
        "minigrid_steps_per_s": mg_steps,
        "minigrid_frames_per_s": mg_frames,
        "pettingzoo_steps_per_s": pz,
        "batched_steps_per_s": {str(b): r for b, r in batched.items()},
        "frames_per_s": frames,
        "frame_shape": list(shape),
        "bytes_per_world": memory[max(memory)],
        "numba_threads": numba.get_num_threads(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
