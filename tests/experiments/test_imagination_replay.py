"""The imagination experiment's command line: bad input, and a tiny real run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

SCRIPT = Path(__file__).resolve().parents[2] / "experiments" / "imagination_replay.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600
    )


def _not_json(name: str) -> None:
    raise AssertionError(f"{name} in the JSON line")


def test_unknown_condition_is_one_line_and_exit_2() -> None:
    res = run("--conditions", "pause,dreams")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "--conditions" in lines[0] and "dreams" in lines[0]


def test_existing_out_folder_is_not_touched(tmp_path: Path) -> None:
    keep = tmp_path / "keep.txt"
    keep.write_text("mine")
    res = run("--out", str(tmp_path))
    assert res.returncode == 2 and "--out" in res.stderr
    assert keep.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_tiny_run_on_chosen_seeds_and_conditions(tmp_path: Path) -> None:
    out = tmp_path / "imag"
    res = run(
        "--seeds", "1", "--first-seed", "3", "--acting-steps", "256", "--infants", "2",
        "--conditions", "none,imagination,none", "--out", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    # Strict JSON: a criterion not reached is null, never NaN.
    result = json.loads(res.stdout.strip().splitlines()[-1], parse_constant=_not_json)
    assert result["seeds"] == [3]
    assert set(result["steps_to_criterion"]) == {"none", "imagination"}
    assert list(result["contrasts"]) == ["imagination - none"]
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(summary.condition) == ["imagination", "none"]
    assert set(summary.seed) == {3}
    assert ((summary.auc >= 0) & (summary.auc <= 1)).all()
