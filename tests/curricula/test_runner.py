"""The lifecycle runner and the run store: tables, resume after a kill, the catalogue, and
finding a run's cohort and its worlds' parameters (``cohort_folder``, ``run_world_params``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from infancy.curricula.lifetime import TABLES
from infancy.curricula.runner import execute, plan, resume, run_world_params, start, tables
from infancy.store import RunError, RunStore, catalogue, cohort_folder, list_runs


def _frames_equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert set(a) == set(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def finished(finished_small):
    """One uninterrupted small run, shared by the tests that only read it."""
    return finished_small


def test_a_run_writes_every_table_and_a_config_that_replans_the_same_run(finished):
    store, the_plan = finished
    assert store.status()["status"] == "finished"
    out = tables(store)
    assert set(out) == set(TABLES)
    assert not (store.path / "parts").exists()
    tl = out["timeline"]
    columns = ["step", "age_months", "infant", "stage", "world", "measure", "value"]
    assert list(tl.columns) == columns
    assert {"prediction_error", "trust", "share_act", "a_loss"} <= set(tl["measure"])
    # Each chunk has exactly one mode per infant.
    shares = tl[tl["measure"].str.startswith("share_")].groupby(["step", "infant"])["value"]
    assert np.allclose(shares.sum(), 1.0)
    probes = out["probes"]
    assert sorted(probes["probe"].unique()) == ["reaching", "word_comprehension"]
    assert sorted(probes["age_months"].unique()) == the_plan.curriculum.probe_ages()
    audit = out["audit"]
    assert set(audit["mode"]) <= {"observe", "act", "imagine", "sleep"}
    assert len(audit) == 2 * (the_plan.curriculum.clock.lifetime_steps // 64 + 1)
    lex = out["lexicon"]
    assert len(lex) == 2 * 7 * len(the_plan.curriculum.probe_ages())
    # The written config is complete: planning it again gives the same run.
    again = plan(yaml.safe_load((store.path / "config.yaml").read_text()))
    assert again.resolved() == the_plan.resolved()


def test_a_runs_cohort_is_its_last_complete_checkpoints(finished, tmp_path):
    store, _ = finished
    last = store.latest_checkpoint()[0] / "cohort"
    assert cohort_folder(store.path) == last
    assert cohort_folder(last) == last  # a cohort folder names itself
    assert cohort_folder(str(store.path)) == last
    (tmp_path / "empty").mkdir()
    with pytest.raises(RunError, match="empty"):
        cohort_folder(tmp_path / "empty")  # no run, no cohort
    bare = tmp_path / "bare"
    RunStore.create(bare, {"infant": {}}, {})
    with pytest.raises(RunError, match="no checkpoint yet"):
        cohort_folder(bare)


def test_a_world_is_set_as_the_runs_curriculum_set_it(finished, tmp_path):
    # Read from the run, or from a cohort inside it; a run from before an entry existed
    # (its stored worlds lack it) is set without it, as it lived; a cohort with no run
    # around it takes the default curriculum's.
    from infancy.curricula.stages import load_curriculum

    store, the_plan = finished
    written = str(store.path / "config.yaml")
    for world in ("a-not-b-v0", "reach-v0"):
        want = dict(the_plan.curriculum.worlds.get(world) or {})
        assert run_world_params(store.path, world) == (want, written)
        cohort = store.latest_checkpoint()[0] / "cohort"
        assert run_world_params(cohort, world) == (want, written)
    default = load_curriculum("default").worlds["a-not-b-v0"]
    assert default["kept"] > 0
    lone = tmp_path / "lone"
    lone.mkdir()
    assert run_world_params(lone, "a-not-b-v0") == (default, "default curriculum")
    # A config two folders up is not a run's unless the cohort sits in its checkpoints.
    stray = tmp_path / "proj" / "ckpt" / "cohort"
    stray.mkdir(parents=True)
    (tmp_path / "proj" / "config.yaml").write_text("{}")
    assert run_world_params(stray, "a-not-b-v0") == (default, "default curriculum")
    old = tmp_path / "old"
    config = the_plan.resolved()
    config["curriculum"]["worlds"].pop("a-not-b-v0", None)
    RunStore.create(old, config, {})
    assert run_world_params(old, "a-not-b-v0")[0] == {"kept": 0.0}


def test_an_existing_directory_is_never_overwritten(finished, tmp_path):
    store, the_plan = finished
    before = {p.name: p.stat().st_mtime_ns for p in store.path.iterdir()}
    with pytest.raises(RunError, match="never overwritten"):
        start(the_plan, store.path)
    assert {p.name: p.stat().st_mtime_ns for p in store.path.iterdir()} == before
    with pytest.raises(RunError, match="nothing to resume"):
        resume(store.path)
    with pytest.raises(RunError, match="not a run directory"):
        resume(tmp_path)


def test_an_interrupted_run_resumes_to_the_same_tables(finished, tmp_path, small):
    store, _ = finished
    other = start(plan(small), tmp_path / "broken")
    segments = {"k": 0}

    def stop(life):
        segments["k"] += 1
        if segments["k"] == 9:  # a month (a segment) past the checkpoint at 8 months
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(other, plan(small), progress=stop)
    assert other.status()["status"] == "interrupted"
    latest = other.latest_checkpoint()
    assert latest is not None and latest[1]["seq"] >= 1
    # What a kill can leave behind: a part written after the checkpoint, a half
    # written part and a half written checkpoint. Resuming must drop them.
    part = other.path / "parts" / "probes" / f"part-{latest[1]['seq'] + 1:06d}.parquet"
    store.table("probes").to_parquet(part)
    (other.path / "parts" / "probes" / ".part-000099.tmp").write_bytes(b"half")
    (other.path / "checkpoints" / ".tmp-000099").mkdir()
    again, replanned = resume(other.path)
    execute(again, replanned)
    _frames_equal(tables(again), tables(store))


def test_a_killed_run_resumes_from_its_last_checkpoint(finished, tmp_path, small):
    store, _ = finished
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({**small, "checkpoint_every_months": 1.0}))
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "infancy.cli", "run", "--config", str(config), "--quiet"]
    proc = subprocess.Popen([*cmd, "--out", str(out)], stdout=subprocess.DEVNULL)
    latest = out / "checkpoints" / "latest.json"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if latest.exists() and json.loads(latest.read_text())["seq"] >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert RunStore.open(out).status()["status"] == "running"  # it never knew
    done = subprocess.run(
        [sys.executable, "-m", "infancy.cli", "run", "--resume", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "milestones" in done.stdout
    # Checkpoints every month instead of every two change nothing but the checkpoints.
    _frames_equal(tables(RunStore.open(out)), tables(store))


def test_the_catalogue_queries_every_run(finished, tmp_path):
    store, _ = finished
    runs = list_runs(store.path.parent)
    assert "whole" in set(runs["run"])
    con = catalogue(store.path.parent)
    n = con.execute("SELECT count(*) FROM probes WHERE run = 'whole'").fetchone()[0]
    assert n == len(store.table("probes"))
    got = con.execute(
        "SELECT r.status, count(DISTINCT t.infant) FROM timeline t JOIN runs r USING (run) "
        "WHERE t.run = 'whole' GROUP BY r.status"
    ).fetchall()
    assert got == [("finished", 2)]


def test_merged_run_configs_keep_a_preset_named_on_one_side_and_infant_keys_on_the_other():
    from infancy.curricula.runner import merge_run_configs

    base = {"infant": {"b": {"reach_effort": 0.05}}, "curriculum": {"worlds": {"w": {"k": 1}}}}
    over = {"infant": "no-memory"}
    merged = merge_run_configs(base, over)
    assert merged == {
        "infant": {"b": {"reach_effort": 0.05}, "preset": "no-memory"},
        "curriculum": {"worlds": {"w": {"k": 1}}},
    }
    # The other way round, and a plan of it holds both the preset's change and the key.
    both = plan(merge_run_configs({"infant": "no-memory"}, {"infant": {"b": {"habit": True}}}))
    assert (both.infant.a.memory_span, both.infant.b.habit) == (0.0, True)
    # Lists are replaced, as in a run config; the result shares nothing with its inputs.
    assert merge_run_configs({"tables": ["probes"]}, {"tables": ["audit"]}) == {"tables": ["audit"]}
    merged["curriculum"]["worlds"]["w"]["k"] = 2
    merged["infant"]["b"]["reach_effort"] = 0.0
    assert base == {
        "infant": {"b": {"reach_effort": 0.05}},
        "curriculum": {"worlds": {"w": {"k": 1}}},
    }
    assert over == {"infant": "no-memory"}
