"""The results table: finished experiments summarised by their headline, unfinished ones
named, strict JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from infancy.analysis.experiments import contrasts
from infancy.curricula.experiments import load_experiment


def _experiment(
    folder: Path, name: str, effect: float, status: str = "finished", scale: float = 1.0
) -> Path:
    # A finished experiment directory made by hand: the shipped spec, constructed measures
    # with a planted effect on the headline, and its summary from the real statistics.
    spec = load_experiment(name)
    folder.mkdir(parents=True)
    (folder / "experiment.yaml").write_text(yaml.safe_dump(spec.model_dump(mode="json")))
    (folder / "experiment.json").write_text(
        json.dumps({"name": name, "status": status, "lifetimes": 20, "done": 20})
    )
    rng = np.random.default_rng(0)
    rows = []
    for cond in spec.conditions:
        shift = effect if cond != spec.control else 0.0
        for seed in range(spec.seeds):
            for infant in range(4):
                for m in spec.measures:
                    bump = shift if m.name == spec.headline_measure else 0.0
                    value = scale * rng.normal(1.0 + bump, 0.1)
                    rows.append((cond, seed, infant, m.name, value))
    measures = pd.DataFrame(rows, columns=["condition", "seed", "infant", "measure", "value"])
    summary = contrasts(measures, spec.pairs(), n_boot=200, n_perm=200)
    summary.insert(3, "label", summary["measure"])
    summary.to_parquet(folder / "summary.parquet", index=False)
    return folder


def test_headline_rows_with_the_planted_effect_and_unfinished_named(tmp_path, scripts):
    done = _experiment(tmp_path / "cue", "cue-ablation", effect=2.0)
    part = _experiment(tmp_path / "trust", "selective-trust", effect=0.0, status="running")
    res = scripts.run("results_table.py", done, part)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    (row,) = out["headline"]
    assert row["contrast"] == "cues-off - cues-on" and row["measure"] == "words_associated_24"
    assert abs(row["difference"] - 2.0) < 0.2 and row["ci"][0] > 1.5
    assert out["unfinished"] == ["selective-trust: running, 20 of 20 lifetimes"]
    assert "| cue-ablation (small, 10 seeds) | cues-off - cues-on |" in res.stdout


def test_not_an_experiment_directory_is_one_line_and_exit_2(tmp_path, scripts):
    res = scripts.run("results_table.py", tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "experiment.json" in res.stderr


def test_a_small_effect_keeps_its_significant_digits(tmp_path, scripts):
    # An effect of about 0.002 (noisy-tv's intrinsic weight is of this size) must not be
    # printed as 0.00 (0.00 to 0.00).
    done = _experiment(tmp_path / "cue", "cue-ablation", effect=1.5, scale=0.001)
    res = scripts.run("results_table.py", done)
    assert res.returncode == 0, res.stderr
    (line,) = [x for x in res.stdout.splitlines() if x.startswith("| cue-ablation")]
    cells = [c.strip() for c in line.strip("|").split("|")]
    diff = cells[5]
    assert not diff.startswith("0.00 ") and not diff.startswith("-0.00 "), line
    value = json.loads(res.stdout.strip().splitlines()[-1])["headline"][0]["difference"]
    # three significant digits: within half a percent of the value
    assert abs(float(diff.split()[0]) - value) <= 0.005 * abs(value), (diff, value)
