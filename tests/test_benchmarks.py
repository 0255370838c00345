"""The infant benchmark runs as a user runs it and prints its table and JSON line (a
tiny run: the figures themselves are machine readings, not test outcomes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _not_json(token: str):
    raise ValueError(f"not JSON: {token}")


def _bench(name: str, *args: str) -> str:
    """Run ``python benchmarks/NAME ARGS...`` as a user would; its standard output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout


def test_infant_speed_prints_a_table_and_a_json_line():
    out = (
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "infant_speed.py"),
                "--steps",
                "128",
                "--rounds",
                "2",
                "--infants",
                "4",
                "--set",
                "a.covariance_weight=0",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        .stdout.strip()
        .splitlines()
    )
    assert "real steps/s" in out[1] and "rounds of 64 steps" in out[2]
    result = json.loads(out[-1], parse_constant=_not_json)
    assert len(result["cohort_steps_per_s_rounds"]) == 2
    rate = result["cohort_steps_per_s"]
    assert (
        min(result["cohort_steps_per_s_rounds"]) <= rate <= max(result["cohort_steps_per_s_rounds"])
    )
    assert abs(sum(result["share"].values()) - 1.0) < 1e-6
    assert result["train_samples_per_s"]["a"] > 0 and result["infants"] == 4
    assert result["infant"] == {"a": {"covariance_weight": 0}}  # the peer it was told


def test_infant_speed_refuses_bad_rounds():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "infant_speed.py"), "--rounds", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "--rounds" in run.stderr.strip().splitlines()[-1]


def test_infant_speed_refuses_a_bad_infant_key():
    for bad in ("a.covariance_weight", "a.no_such_key=1"):
        run = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "infant_speed.py"), "--set", bad],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2, run.stderr
        assert "--set" in run.stderr.strip().splitlines()[-1]


def test_experiment_speed_prints_a_table_and_a_json_line():
    out = (
        _bench(
            "experiment_speed.py",
            *("--lifetimes", "2", "--n", "1", "--end-months", "0.5", "--no-ray"),
        )
        .strip()
        .splitlines()
    )
    result = json.loads(out[-1], parse_constant=_not_json)
    assert result["benchmark"] == "experiment_speed" and result["identical"] is True
    assert set(result["lifetimes_per_hour"]) == {"serial/1", "process/1", "process/2"}
    assert all(v > 0 for v in result["lifetimes_per_hour"].values())
    assert any("scaling from 1 to 2 workers" in line for line in out)


def test_mechanism_costs_runs_each_ablation_preset_beside_the_default():
    import yaml

    out = _bench(
        "mechanism_costs.py",
        *("--steps", "64", "--rounds", "1", "--repeats", "1", "--infants", "2"),
    )
    result = json.loads(out.strip().splitlines()[-1], parse_constant=_not_json)
    assert result["benchmark"] == "mechanism_costs"
    # Each variant's benchmark ran with the preset's own keys, the default with none.
    assert result["infant"]["default"] == {}
    for name in ("no-memory", "no-word-pathway", "no-replay"):
        preset = yaml.safe_load((ROOT / "infants" / "presets" / f"{name}.yaml").read_text())
        assert result["infant"][name] == preset, name
    assert result["infant"]["A's extra head steps (a.head_updates 0)"] == {"a": {"head_updates": 0}}
    rates = result["cohort_steps_per_s"]
    assert result["cost"]["default"] is None
    for name, cost in result["cost"].items():
        if name != "default":
            assert cost == rates[name][0] / rates["default"][0] - 1.0
    assert "| no-memory | a.memory_span=0.0 |" in out
