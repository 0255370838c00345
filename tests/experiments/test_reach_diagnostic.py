"""The reach diagnostic: its read-out on data with known answers, and the script at a
tiny size."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "experiments" / "reach_diagnostic.py"


def _module():
    spec = importlib.util.spec_from_file_location("reach_diagnostic", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_read_out_finds_a_rare_label_that_is_there_and_not_one_that_is_not():
    decodability = _module().decodability
    rng = np.random.default_rng(0)
    label = rng.random(2000) < 0.2  # rare, as a toy in front is
    noise = torch.as_tensor(rng.normal(size=(2000, 16)), dtype=torch.float32)
    # Present in one feature of many, shifted by one standard deviation: the best a
    # read-out can do is Phi(0.5) = 0.691 balanced accuracy.
    present = noise.clone()
    present[:, 3] += torch.as_tensor(label, dtype=torch.float32)
    assert abs(decodability(present, label, seed=1) - 0.691) < 0.04
    # Absent: chance.
    assert abs(decodability(noise, label, seed=1) - 0.5) < 0.06
    assert np.isnan(decodability(noise, np.zeros(2000, dtype=bool), seed=1))


def test_the_script_prints_its_curve_and_a_json_line_at_a_tiny_size():
    res = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--steps",
            "256",
            "--every",
            "256",
            "--n",
            "4",
            "--trials",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert [row["steps"] for row in line["curve"]] == [256]
    for key in ("got", "passing", "reached_toy", "reached_empty"):
        assert 0.0 <= line["curve"][0][key] <= 1.0
    assert 0.0 <= line["front_decodability"] <= 1.0
    assert "| steps | got the toy |" in res.stdout
