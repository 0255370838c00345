"""The example run shipped with the package (``infancy.analysis.example_run()``), so that
notebooks and tests that only show analysis have a populated run in seconds.

    python experiments/example_run.py            # (re)write analysis/data/example_run/
    python experiments/example_run.py --check    # make it again elsewhere and compare

It is an ordinary run made by the project's own runner (``plan``, ``start``,
``execute``; the same as ``infancy run --preset small --n 4 --seed 0`` with the clock
of ``STEPS_PER_MONTH``), kept to the
tables the report reads (``EXAMPLE_TABLES``: probes, timeline, audit, lexicon) with its
``config.yaml`` and a ``run.json`` without times or commit. Deterministic: the same
code, library versions and torch CPU capability give the same tables, which
``--check`` verifies (as ``infancy run --check`` does for the first months of any run).
Re-run it after changing the infants, the worlds or the curriculum; the test
``tests/experiments/test_example_run.py`` fails while the shipped run is out of date.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from infancy.analysis.runs import EXAMPLE_TABLES
from infancy.curricula.runner import execute, plan, start
from infancy.progress import lifetime_bar

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "analysis" / "data" / "example_run"
N, SEED, PRESET = 4, 0, "small"
"""Four infants, seed 0, the ``small`` curriculum (0-24 months, a battery every month)."""
STEPS_PER_MONTH = 2000
"""The ``small`` clock of before 2026-12-04 (``small`` now lives 6,000 steps a month): at
6,000 the example's tables grew from 0.56 MB to 1.6 MB, past the few hundred kB a
package's example data should be. At 2,000 the four infants reach all 8 milestones,
each by 1 to 4 of them (locomotion by 1, object permanence by 2, A-not-B and reaching by
3: one infant never reaches; made 2026-12-08, session 40, with the reach's effort
charged once the body can reach, on a processor with AVX2, whose floats differ from one
with AVX-512; in session 30, on AVX-512 with the effort charged from birth, 7 of 8, not
A-not-B; in session 21 object permanence by 2 and locomotion by none);
before the cue's sector code they learned words but not the reach (docs/measurements.md)."""
DROPPED = ("created", "finished")
"""``run.json`` keys that differ at every making (times); the commit is dropped too."""


def make(folder: Path, *, quiet: bool = False) -> Path:
    """Run the example and write it to ``folder`` (which must not exist)."""
    clock = {"steps_per_month": STEPS_PER_MONTH}
    the_plan = plan({"curriculum": {"clock": clock}}, n=N, seed=SEED, preset=PRESET)
    with tempfile.TemporaryDirectory() as tmp:
        store = start(the_plan, Path(tmp) / "run")
        if quiet:
            execute(store, the_plan)
        else:
            with lifetime_bar(the_plan, desc="example run") as progress:
                execute(store, the_plan, progress=progress)
        folder.mkdir(parents=True)
        shutil.copyfile(store.path / "config.yaml", folder / "config.yaml")
        for name in EXAMPLE_TABLES:
            shutil.copyfile(store.path / f"{name}.parquet", folder / f"{name}.parquet")
        status = json.loads((store.path / "run.json").read_text())
    for key in DROPPED:
        status.pop(key, None)
    env = status.get("environment", {})
    for key in ("commit", "commit_dirty"):
        env.pop(key, None)
    status["made_by"] = "python experiments/example_run.py"
    (folder / "run.json").write_text(json.dumps(status, indent=1) + "\n")
    return folder


def differences(made: Path, shipped: Path) -> list[str]:
    """What differs between two example runs (config text and every table)."""
    out = []
    if (made / "config.yaml").read_text() != (shipped / "config.yaml").read_text():
        out.append("config.yaml differs")
    for name in EXAMPLE_TABLES:
        try:
            pd.testing.assert_frame_equal(
                pd.read_parquet(made / f"{name}.parquet"),
                pd.read_parquet(shipped / f"{name}.parquet"),
            )
        except (AssertionError, FileNotFoundError) as exc:
            out.append(f"{name}: {str(exc).splitlines()[0]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="Folder to (re)write.")
    parser.add_argument(
        "--check", action="store_true", help="Make it in a temporary folder and compare."
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        made = make(Path(tmp) / "example_run")
        sizes = {p.name: p.stat().st_size for p in sorted(made.iterdir())}
        if args.check:
            diff = differences(made, args.out)
            for line in diff:
                print(line)
            print(
                json.dumps({"same": not diff, "seconds": round(time.perf_counter() - started, 1)})
            )
            return 1 if diff else 0
        staging = args.out.with_name(f".{args.out.name}.new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(made, staging)
    if args.out.exists():
        shutil.rmtree(args.out)
    staging.rename(args.out)
    print(
        json.dumps(
            {
                "out": str(args.out),
                "bytes": sum(sizes.values()),
                "files": sizes,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
