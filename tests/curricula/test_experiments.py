"""Experiments as data: shipped files, a tiny experiment end to end, resume after a
kill, and bad input."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from infancy.curricula.experiments import (
    ExperimentError,
    Measure,
    list_experiments,
    load_experiment,
    measure_rows,
    run_experiment,
    summarise,
)
from infancy.store import query

TINY = {
    "name": "tiny-cues",
    "question": "Do cues matter in a month?",
    "size": "tiny",
    "seeds": 2,
    "base": {
        "n": 2,
        "curriculum": {
            "clock": {"end_months": 1.0},
            "probes": {"names": ["reaching", "word_comprehension"], "every_months": 0.5},
        },
    },
    "control": "cues",
    "conditions": {
        "cues": {},
        "no-cues": {"curriculum": {"caregiver": {"point_prob": 0.0, "look_prob": 0.0}}},
    },
    "measures": [
        {"name": "reach", "kind": "probe_score", "probe": "reaching", "label": "reaching"},
        {"name": "words", "kind": "words_associated", "label": "words A binds"},
        {"name": "act", "kind": "mode_share", "mode": "act"},
    ],
}


def _write(tmp_path: Path, data: dict) -> Path:
    p = tmp_path / "exp.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_every_shipped_experiment_is_valid_and_asks_a_question():
    shipped = list_experiments()
    want = {"cue-ablation", "selective-trust", "a-not-b-by-age", "m-vs-recipe", "ablations"}
    assert want <= set(shipped["name"])
    assert shipped["question"].str.endswith("?").all()
    spec = load_experiment("cue-ablation", seeds=3, size="tiny")
    assert spec.seeds == 3 and len(spec.specs()) == 3 * len(spec.conditions)
    assert all(s["curriculum"]["preset"] == "tiny" for s in spec.specs())


def test_the_ablations_experiment_compares_every_shipped_infant_preset():
    from importlib.resources import files

    presets = {
        p.name.removesuffix(".yaml")
        for p in files("infancy.infants").joinpath("presets").iterdir()
        if p.name.endswith(".yaml")
    }
    spec = load_experiment("ablations")
    assert {c["infant"] for c in spec.conditions.values()} == presets
    assert spec.control == "default"


def test_every_shipped_experiment_has_its_paragraph_and_its_child_sources_exist():
    # docs/experiments.md: one section per shipped experiment; every child finding it
    # quotes as (`topic`: Author ...) is a row of the shipped reference data.
    import re

    from infancy.analysis.reference import findings

    doc = (Path(__file__).resolve().parents[2] / "docs" / "experiments.md").read_text()
    sections = set(re.findall(r"^## (\S+)$", doc, flags=re.M))
    assert sections == set(list_experiments()["name"])
    rows = findings()
    cited = re.findall(r"`([a-z_]+)`: ([^,;)]+)", doc)
    assert len(cited) >= 8
    for topic, source in cited:
        author = source.split(" 19")[0].split(" 20")[0].strip()
        mine = rows[rows["topic"] == topic]
        assert mine["source"].str.startswith(author).any(), (topic, source)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exp")
    spec = load_experiment(_write(root, TINY))
    return run_experiment(spec, root / "runs" / "tiny", executor="serial")


def test_a_tiny_experiment_writes_measures_a_summary_and_the_catalogue(finished):
    measures = pd.read_parquet(finished / "measures.parquet")
    assert set(measures.columns) == {"condition", "seed", "infant", "measure", "value"}
    assert len(measures) == 2 * 2 * 2 * 3  # conditions x seeds x infants x measures
    summary = pd.read_parquet(finished / "summary.parquet")
    assert list(summary["measure"]) == ["reach", "words", "act"]
    assert (summary["condition"] == "no-cues").all() and (summary["control"] == "cues").all()
    assert summary["verdict"].str.contains("no-cues minus cues").all()
    assert not summary["verdict"].str.contains("nan").any()
    cat = query(finished.parent, "SELECT name, status, done FROM experiments")
    assert cat.to_dict("records") == [{"name": "tiny-cues", "status": "finished", "done": 4}]
    rows = query(finished.parent, "SELECT count(*) AS n FROM experiment_measures")
    assert int(rows["n"][0]) == len(measures)
    # What it ran with: each lifetime resolved (once per condition, the seed set after).
    from infancy.curricula.work import resolved_spec

    spec = load_experiment(finished / "experiment.yaml")
    record = json.loads((finished / "lifetimes.json").read_text())
    assert record == [resolved_spec(s) for s in spec.specs()] and len(record) == 4


def test_an_experiment_is_never_overwritten(finished):
    spec = load_experiment(_write(finished.parent, TINY))
    with pytest.raises(ExperimentError, match="never overwritten"):
        run_experiment(spec, finished, executor="serial")


def test_killed_at_any_moment_resume_finishes_with_the_same_summary(finished, tmp_path):
    exp = _write(tmp_path, TINY)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "infancy.cli", "experiment", "run", str(exp), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--executor", "serial", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NUMBA_NUM_THREADS": "1"},
    )
    deadline = time.time() + 300
    while time.time() < deadline and not list((out / "lifetimes").glob("*.parquet")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = list((out / "lifetimes").glob("*.parquet"))
    assert 1 <= len(done) < 4, "the kill came too late to test a resume"
    assert not (out / "summary.parquet").exists()
    res = subprocess.run(
        [sys.executable, "-m", "infancy.cli", "experiment", "run", "--resume", str(out), "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "NUMBA_NUM_THREADS": "1"},
    )
    assert res.returncode == 0, res.stderr
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "summary.parquet"), pd.read_parquet(finished / "summary.parquet")
    )


def test_progress_starts_where_a_resumed_experiment_stands(finished):
    # The first call tells a progress bar how far the experiment already is (it showed
    # 0/? until a lifetime finished in this process); a finished one is 4 of 4.
    calls = []
    before = pd.read_parquet(finished / "summary.parquet")
    run_experiment(resume=finished, executor="serial", progress=lambda *a: calls.append(a))
    assert calls == [(4, 4, 0)]
    pd.testing.assert_frame_equal(pd.read_parquet(finished / "summary.parquet"), before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"control": "nobody"}, "control: 'nobody' is not one of the conditions"),
        ({"colour": "red"}, "colour"),
        ({"measures": [{"name": "x", "kind": "probe_score", "probe": "telepathy"}]}, "telepathy"),
        ({"conditions": {"cues": {}, "bad": {"n": 0}}}, "n"),
        ({"conditions": {"cues": {}, "b": {"seed": 3}}}, "'seed' is set by the experiment"),
        ({"contrasts": [["cues", "ghost"]]}, "'ghost' is not one of the conditions"),
        ({"seeds": 0}, "seeds"),
        ({"headline": "fame"}, "headline: 'fame' is not one of the measures"),
        # A value YAML reads as a date reaches validation (not a copy through JSON).
        ({"base": {"curriculum": {"note": datetime.date(2026, 1, 1)}}}, "note: unknown key"),
        (
            {
                "measures": [
                    {"name": "x", "kind": "probe_score", "probe": "a_not_b", "from_months": 7.5}
                ]
            },
            "from_months: only a probe_slope measure takes an age window",
        ),
        (
            {
                "measures": [
                    {
                        "name": "x",
                        "kind": "probe_slope",
                        "probe": "a_not_b",
                        "from_months": 12,
                        "at_months": 8,
                    }
                ]
            },
            "from_months: expected less than at_months",
        ),
    ],
)
def test_bad_experiments_are_one_line_errors(tmp_path, change, message):
    with pytest.raises(ExperimentError, match=message) as err:
        load_experiment(_write(tmp_path, {**TINY, **change}))
    assert "\n" not in str(err.value)


def test_the_command_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path):
    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "infancy.cli", "experiment", "run", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    for args, message in [
        (("no-such-experiment",), "unknown 'no-such-experiment'"),
        (("cue-ablation", "--size", "huge"), "--size"),
        (("cue-ablation", "--executor", "gpu"), "--executor"),
        (("cue-ablation", "--seeds", "0"), "--seeds"),
        (("--resume", "nowhere"), "not an experiment directory"),
    ]:
        res = cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_slope_measure_fits_each_infant_from_its_first_pass_on():
    # Infant 0 passes from 8 months and its delay grows 2 steps a month; infant 1 passes
    # once at 12 months only (one battery: no slope, left out); infant 2 never passes.
    rows = []
    for age in np.arange(6.0, 15.0):
        for infant, start in ((0, 8.0), (1, 12.0), (2, 99.0)):
            passed = age >= start and (infant != 1 or age == 12.0)
            score = 2.0 * (age - start) if passed else -1.0
            rows.append((age, infant, "a_not_b", score, passed))
    probes = pd.DataFrame(rows, columns=["age_months", "infant", "probe", "score", "passed"])
    m = Measure(name="s", kind="probe_slope", probe="a_not_b", from_months=7.5, at_months=12)
    out = measure_rows({"probes": probes}, [m], end_months=24, n=3)
    assert out["infant"].tolist() == [0]
    assert out["value"].iloc[0] == pytest.approx(2.0)
    # to 14 months, infant 1 has three batteries from its pass at 12 on, the later fails
    # counting as a delay of 0: a slope of 0, not of the -1 floor
    m14 = Measure(name="s", kind="probe_slope", probe="a_not_b", from_months=10, at_months=14)
    out = measure_rows({"probes": probes}, [m14], end_months=24, n=3)
    assert out["infant"].tolist() == [0, 1]
    assert out["value"].tolist() == [pytest.approx(2.0), pytest.approx(0.0)]
    # The cheap fake: an infant that starts to pass at delay 0 at 11 months and never
    # tolerates a longer delay. A fit over every battery reads its step from the -1
    # floor to 0 as growth; the measure does not.
    ages = np.arange(8.0, 13.0)
    scores = np.where(ages >= 11, 0.0, -1.0)
    fake = pd.DataFrame(
        {
            "age_months": ages,
            "infant": 0,
            "probe": "a_not_b",
            "score": scores,
            "passed": scores >= 0,
        }
    )
    assert np.polyfit(ages, scores, 1)[0] > 0.2
    got = measure_rows({"probes": fake}, [m], end_months=24, n=1)
    assert got["value"].tolist() == [pytest.approx(0.0)]


def test_a_measure_no_infant_has_gets_a_row_that_says_why(tmp_path):
    # Nothing to fit in any condition: the summary keeps the measure, with every number
    # missing and a verdict in words, where it used to drop it (or fail on one condition).
    spec = load_experiment(
        _write(
            tmp_path,
            {
                **TINY,
                "measures": [
                    {"name": "reach", "kind": "probe_score", "probe": "reaching"},
                    {
                        "name": "slope",
                        "kind": "probe_slope",
                        "probe": "a_not_b",
                        "label": "delay growth",
                    },
                ],
            },
        )
    )
    rows = [
        (c, s, i, "reach", float(s + i))
        for c in ("cues", "no-cues")
        for s in (0, 1, 2)
        for i in (0, 1)
    ]
    rows += [("cues", 0, 0, "slope", 1.0), ("cues", 1, 0, "slope", 2.0)]  # one side only
    measures = pd.DataFrame(rows, columns=["condition", "seed", "infant", "measure", "value"])
    out = summarise(spec, measures, n_boot=50, n_perm=50).set_index("measure")
    assert list(out.index) == ["reach", "slope"]
    slope = out.loc["slope"]
    assert np.isnan(slope["difference"]) and np.isnan(slope["diff_low"])
    assert slope["n_seeds_condition"] == 0  # "no-cues" is the condition: no value
    assert slope["n_seeds_control"] == 2 and slope["n_infants_control"] == 2
    assert slope["verdict"] == (
        "delay growth: no-cues minus cues is not computable: no infant of no-cues has a "
        "value (a slope needs two batteries from the infant's first pass of a_not_b on)."
    )
    assert "nan" not in slope["verdict"]


def test_a_preset_named_on_one_side_keeps_the_infant_keys_of_the_other(tmp_path):
    # A plain merge would let the condition's preset name replace the base's infant keys
    # (or the keys replace the name): each lifetime must carry both.
    data = {
        **TINY,
        "base": {**TINY["base"], "infant": {"b": {"reach_effort": 0.05}}},
        "conditions": {"cues": {}, "no-memory": {"infant": "no-memory"}},
    }
    spec = load_experiment(_write(tmp_path, data))
    by_label = {s["label"]: s for s in spec.specs()}
    assert by_label["no-memory__s0"]["infant"] == {
        "preset": "no-memory",
        "b": {"reach_effort": 0.05},
    }
    assert by_label["cues__s0"]["infant"] == {"b": {"reach_effort": 0.05}}
    flipped = {
        **TINY,
        "base": {**TINY["base"], "infant": "no-memory"},
        "conditions": {"cues": {}, "slow": {"infant": {"b": {"reach_effort": 0.05}}}},
    }
    spec = load_experiment(_write(tmp_path, flipped))
    by_label = {s["label"]: s for s in spec.specs()}
    assert by_label["slow__s1"]["infant"] == {"preset": "no-memory", "b": {"reach_effort": 0.05}}
    assert by_label["cues__s1"]["infant"] == {"preset": "no-memory"}


class _Stop(Exception):
    """Raised from a progress callback: the experiment stops as if killed."""


@pytest.fixture
def half_done(tmp_path) -> tuple[Path, Path]:
    """A one-seed tiny experiment stopped after its first lifetime: (yaml, folder)."""
    exp = _write(tmp_path, {**TINY, "seeds": 1})
    out = tmp_path / "half"

    def stop(done: int, total: int, failed: int) -> None:
        if done:
            raise _Stop

    with pytest.raises(_Stop):
        run_experiment(load_experiment(exp), out, executor="serial", progress=stop)
    assert len(list((out / "lifetimes").glob("*.parquet"))) == 1
    return exp, out


def test_a_resumed_experiment_runs_the_lifetimes_it_recorded_when_it_started(
    half_done, monkeypatch
):
    # A default changed between the start and the resume (here: every condition now
    # resolves with a less reliable caregiver) must not reach the lifetimes still to
    # run, or the experiment would compare lifetimes of two defaults.
    from infancy.curricula import executors
    from infancy.curricula.experiments import ExperimentSpec
    from infancy.curricula.work import recorded_change, resolved_spec

    _, out = half_done
    record = {r["label"]: r for r in json.loads((out / "lifetimes.json").read_text())}
    assert set(record) == {"cues__s0", "no-cues__s0"}
    # One resolution per condition, seeds set after: each record is its spec resolved.
    spec = load_experiment(out / "experiment.yaml")
    assert [resolved_spec(s) for s in spec.specs()] == list(record.values())
    today = ExperimentSpec.specs

    def changed_default(self):
        out = []
        for s in today(self):
            cur = s["curriculum"]
            caregiver = {**cur.get("caregiver", {}), "reliability": 0.5}
            out.append({**s, "curriculum": {**cur, "caregiver": caregiver}})
        return out

    monkeypatch.setattr(ExperimentSpec, "specs", changed_default)
    ran = []
    real = executors.run_lifetime
    monkeypatch.setattr(executors, "run_lifetime", lambda s: ran.append(s) or real(s))
    run_experiment(resume=out, executor="serial")
    assert [s["label"] for s in ran] == ["no-cues__s0"]
    assert recorded_change(record["no-cues__s0"], ran[0]) is None
    # The changed default is a different lifetime: the check above could fail.
    now = {s["label"]: s for s in changed_default(load_experiment(out / "experiment.yaml"))}
    assert "reliability" in recorded_change(record["no-cues__s0"], now["no-cues__s0"])
    assert (out / "summary.parquet").exists()


def test_a_resume_refuses_an_edited_experiment_or_lifetimes_it_cannot_check(half_done):
    _, out = half_done
    path = out / "experiment.yaml"
    written = path.read_text()
    path.write_text(written.replace("seeds: 1", "seeds: 2"))
    with pytest.raises(ExperimentError, match=r"experiment.yaml: changed since the experiment"):
        run_experiment(resume=out, executor="serial")
    path.write_text(written)
    planned = out / "lifetimes.json"
    kept = planned.read_text()
    planned.write_text(json.dumps(json.loads(kept)[:1]))  # a lifetime gone from the record
    with pytest.raises(ExperimentError, match=r"not the conditions and seeds of experiment"):
        run_experiment(resume=out, executor="serial")
    planned.write_text(kept)
    (out / "lifetimes.json").unlink()  # as an experiment from before the record
    with pytest.raises(ExperimentError, match=r"1 lifetimes are done but lifetimes.json is"):
        run_experiment(resume=out, executor="serial")
    assert len(list((out / "lifetimes").glob("*.parquet"))) == 1  # nothing was lost
