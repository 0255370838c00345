"""One start of the classroom (``infancy demo``), timed from the process start.

Usage: ``SDL_VIDEODRIVER=dummy python benchmarks/classroom_start.py SECONDS``; prints one
JSON line: the first frame (loading screen), the first frame of the world, the infant
ready, frames/s (docs/measurements.md, "The classroom's start").
"""

from __future__ import annotations

import json
import os
import sys
import time


def process_age() -> float:
    """Seconds since this process started (Linux ``/proc``)."""
    with open("/proc/self/stat", encoding="ascii") as f:
        start = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as f:
        up = float(f.read().split()[0])
    return up - start / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    started = time.perf_counter() - process_age()
    from infancy.demo.app import DemoOptions, run_demo

    stats = run_demo(DemoOptions(seconds=float(sys.argv[1]), started=started))
    keep = ("first_frame_s", "world_frame_s", "ready_s", "fps", "fps_1x", "worst_frame_ms")
    print(json.dumps({k: stats.get(k) for k in keep}))
