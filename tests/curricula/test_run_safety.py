"""One writer per run, resume only under the config the run started with, and a
damaged checkpoint or a stray part: nothing lost, nothing overwritten, one line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from infancy.curricula.runner import RunConfigError, execute, plan, resume, start, tables
from infancy.store import RunError, RunStore

CLI = [sys.executable, "-m", "infancy.cli"]


def _resume(run: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "run", "--resume", str(run), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _resume_now(run: Path) -> subprocess.CompletedProcess:
    cmd = [*CLI, "run", "--resume", str(run), "--quiet"]
    return subprocess.run(cmd, capture_output=True, text=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes but the lock's (a refused writer may take the free lock and
    write its own name into it before it refuses)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "lock.json"
    }


def _one_line(proc, *parts: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def _same_tables(store: RunStore, reference: RunStore) -> None:
    got, want = tables(store), tables(reference)
    assert set(got) == set(want) and len(want) == 5
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def finished(finished_small):
    """The run uninterrupted (the tables every resume below must end with)."""
    return finished_small[0]


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory, small):
    """The run interrupted a month past its fourth checkpoint (ckpt-000002 and
    ckpt-000003 kept); copy it before changing it."""
    store = start(plan(small), tmp_path_factory.mktemp("cut") / "cut")
    segments = {"k": 0}

    def stop(life):
        segments["k"] += 1
        if segments["k"] == 9:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(store, plan(small), progress=stop)
    names = sorted(p.name for p in (store.path / "checkpoints").iterdir())
    assert names == ["ckpt-000002", "ckpt-000003", "latest.json"]
    return store.path


@pytest.fixture
def cut(interrupted, tmp_path) -> Path:
    return Path(shutil.copytree(interrupted, tmp_path / "cut"))


# ---------------------------------------------------------------------- one writer
def test_a_second_writer_is_refused_in_this_process_and_the_lock_is_let_go(tmp_path, small):
    store = start(plan(small), tmp_path / "run")
    assert store.locked
    with pytest.raises(RunError, match=rf"in use by another writer \(pid {os.getpid()}, started"):
        resume(store.path)
    store.unlock()
    again, _ = resume(store.path)
    with pytest.raises(RunError, match="in use by another writer"):
        RunStore.open(store.path).lock()
    again.unlock()
    other = RunStore.open(store.path)
    other.lock()
    other.unlock()


def test_two_resumes_at_once_the_second_is_refused_and_the_first_finishes(cut, finished):
    # A lock left by a writer that was killed: taken over.
    code = (
        "import os, signal, sys; from infancy.store import RunStore; "
        "RunStore.open(sys.argv[1]).lock(); os.kill(os.getpid(), signal.SIGKILL)"
    )
    dead = subprocess.run([sys.executable, "-c", code, str(cut)])
    assert dead.returncode == -signal.SIGKILL
    dead_pid = json.loads((cut / "lock.json").read_text())["pid"]
    first = _resume(cut)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None:
            try:
                if json.loads((cut / "lock.json").read_text())["pid"] == first.pid:
                    break
            except ValueError:  # caught between the holder's truncate and write
                pass
            time.sleep(0.02)
        assert first.poll() is None, first.communicate()
        os.kill(first.pid, signal.SIGSTOP)  # the first writer holds the lock, mid-run
        try:
            second = _resume_now(cut)
        finally:
            os.kill(first.pid, signal.SIGCONT)
        line = _one_line(second, "in use by another writer", f"pid {first.pid}, started")
        assert str(dead_pid) not in line
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert "milestones" in out
    done = RunStore.open(cut)
    assert done.status()["status"] == "finished"
    _same_tables(done, finished)


# ---------------------------------------------------------------------- fingerprint
def _edit(run: Path, change) -> None:
    config = yaml.safe_load((run / "config.yaml").read_text())
    change(config)
    (run / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(seed=4), "config.yaml: seed changed since the run started (0 -> 4)"),
        (
            lambda c: c["curriculum"]["clock"].update(steps_per_month=512),
            "curriculum.clock.steps_per_month changed since the run started (256 -> 512)",
        ),
        (lambda c: c["infant"]["b"].update(lr=0.5), "infant.b.lr changed"),
        (
            # The order of the scenario mix changes the draws: a different run.
            lambda c: c["curriculum"]["stages"][0].update(
                scenarios=dict(reversed(c["curriculum"]["stages"][0]["scenarios"].items()))
            ),
            'curriculum.stages.0.scenarios changed since the run started (order ["playroom-v0"',
        ),
    ],
)
def test_a_changed_config_is_refused_naming_the_key(cut, change, message):
    _edit(cut, change)
    before = _snapshot(cut)
    line = _one_line(_resume_now(cut), message, "resume refused")
    assert line.count(str(cut / "config.yaml")) == 1
    assert _snapshot(cut) == before


def test_a_changed_config_is_refused_before_the_first_checkpoint(tmp_path, small):
    store = start(plan(small), tmp_path / "run")
    store.unlock()
    _edit(store.path, lambda c: c.update(n=3))
    before = _snapshot(store.path)
    _one_line(_resume_now(store.path), "config.yaml: changed since the run started", "refused")
    assert _snapshot(store.path) == before
    with pytest.raises(RunError, match="changed since the run started"):
        execute(store, plan({**small, "n": 3}))  # the Python API checks too


def test_a_config_rewritten_the_same_resumes(cut, finished):
    config = yaml.safe_load((cut / "config.yaml").read_text())
    config = dict(reversed(config.items()))  # the top level's order means nothing
    text = "# the same run, written again\n" + yaml.safe_dump(config, sort_keys=False, indent=4)
    (cut / "config.yaml").write_text(text)
    done = _resume_now(cut)
    assert done.returncode == 0, done.stderr
    _same_tables(RunStore.open(cut), finished)


def test_a_run_started_before_a_field_existed_resumes_under_its_default(
    cut, finished, as_before_a_field
):
    # Written by code from before stages had habit_scale: resumed, the field takes its
    # default (the pull whole, as then) and the run ends as if never cut.
    as_before_a_field(cut)
    assert "habit_scale" not in (cut / "config.yaml").read_text()
    done = _resume_now(cut)
    assert done.returncode == 0, done.stderr
    _same_tables(RunStore.open(cut), finished)


def test_a_run_from_before_a_changed_default_goes_on_as_it_started(cut, as_before_a_field):
    # Written before memory.reward_half_life existed, when a rewarded memory faded as the
    # rest: resumed, it goes on that way (null), not under today's default (never fade),
    # and so do the cohorts of its checkpoints.
    from infancy.infants import Cohort, InfantConfig

    assert InfantConfig().memory.reward_half_life == 0.0
    as_before_a_field(cut, drop="infant.memory.reward_half_life")
    assert "reward_half_life" not in (cut / "config.yaml").read_text()
    store, the_plan = resume(cut)
    store.unlock()
    assert the_plan.infant.memory.reward_half_life is None
    newest = sorted((cut / "checkpoints").glob("ckpt-*"))[-1]
    assert Cohort.load(newest / "cohort").config.memory.reward_half_life is None


def test_a_run_from_before_the_kept_trials_goes_on_without_them(cut, as_before_a_field):
    # Written before the default curriculum kept a third of the hiding game's trials (its
    # worlds without a-not-b-v0): resumed, it goes on with none, as it started, not with
    # today's default merged into its curriculum.
    from infancy.curricula.stages import load_curriculum

    assert load_curriculum().worlds["a-not-b-v0"]["kept"] > 0
    as_before_a_field(cut, drop="curriculum.worlds.a-not-b-v0")
    written = yaml.safe_load((cut / "config.yaml").read_text())
    assert "a-not-b-v0" not in written["curriculum"]["worlds"]
    store, the_plan = resume(cut)
    store.unlock()
    assert the_plan.curriculum.worlds["a-not-b-v0"] == {"kept": 0.0}


def test_a_run_from_before_a_field_still_refuses_a_changed_value(cut, as_before_a_field):
    as_before_a_field(cut)
    _edit(cut, lambda c: c.update(seed=4))
    before = _snapshot(cut)
    _one_line(_resume_now(cut), "seed changed since the run started (0 -> 4)", "refused")
    assert _snapshot(cut) == before
    # The field itself at a value other than its default: not the run that started.
    _edit(cut, lambda c: c.update(seed=0) or c["curriculum"]["stages"][0].update(habit_scale=0.5))
    _one_line(_resume_now(cut), "stages.0.habit_scale changed since the run started", "refused")


def test_a_run_from_before_a_field_resumes_before_its_first_checkpoint(
    tmp_path, small, as_before_a_field
):
    store = start(plan(small), tmp_path / "run")
    store.unlock()
    as_before_a_field(store.path)
    again, _ = resume(store.path)  # the Python API: no error
    again.unlock()
    _edit(store.path, lambda c: c.update(n=3))
    with pytest.raises(RunError, match="changed since the run started"):
        resume(store.path)


# ---------------------------------------------------------------------- damage
def _garble_latest(run: Path) -> None:
    (run / "checkpoints" / "latest.json").write_text('{"seq": 3, "st')


def _truncate_newest(run: Path) -> None:
    path = run / "checkpoints" / "ckpt-000003" / "lifetime.json"
    path.write_text(path.read_text()[:20])


def _garble_latest_and_truncate_newest(run: Path) -> None:
    _garble_latest(run)  # the newest folder is tried first, then the one before
    _truncate_newest(run)


def _truncate_newest_weights(run: Path) -> None:
    path = run / "checkpoints" / "ckpt-000003" / "lifetime.safetensors"
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize("damage", [_garble_latest_and_truncate_newest, _truncate_newest_weights])
def test_a_damaged_checkpoint_falls_back_to_one_that_reads(cut, finished, damage):
    damage(cut)
    done = _resume_now(cut)
    assert done.returncode == 0, done.stderr
    _same_tables(RunStore.open(cut), finished)


def test_no_checkpoint_that_reads_is_one_line_and_changes_nothing(cut):
    _truncate_newest(cut)
    older = cut / "checkpoints" / "ckpt-000002" / "lifetime.json"
    older.write_text("")
    before = _snapshot(cut)
    _one_line(_resume_now(cut), "no checkpoint reads completely", "ckpt-000003", "ckpt-000002")
    assert _snapshot(cut) == before


@pytest.mark.parametrize(
    "stray", ["parts/probes/notes.txt", "parts/probes/part-000001 copy.parquet", "parts/x.csv"]
)
def test_a_stray_file_among_the_parts_is_one_line_and_kept(cut, stray):
    (cut / stray).write_text("mine")
    before = _snapshot(cut)
    _one_line(_resume_now(cut), stray.rsplit("/", 1)[-1], "not a part this run wrote")
    assert _snapshot(cut) == before


# ---------------------------------------------------------------------- bad places and files
def _tree(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in folder.rglob("*")
    }


def _write(path: str, data: bytes):
    def setup(tmp: Path) -> None:
        (tmp / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp / path).write_bytes(data)

    return setup


def _a_run(tmp: Path) -> None:
    store = start(plan({"n": 1, "curriculum": {"preset": "tiny"}}), tmp / "run")
    store.unlock()


def _and(*setups):
    def setup(tmp: Path) -> None:
        for step in setups:
            step(tmp)

    return setup


TINY = b"curriculum: {preset: tiny}\n"


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (_write("c.yaml", b"n: \xe9\n"), ["-c", "{tmp}/c.yaml"], "c.yaml: not UTF-8 text"),
        (
            _write("c.yaml", b"n: 1\nseed: 2\nseed: 3\n"),
            ["-c", "{tmp}/c.yaml"],
            "c.yaml: key 'seed' given twice (lines 2 and 3)",
        ),
        (
            _write("c.yaml", b"curriculum:\n  preset: tiny\n  preset: default\n"),
            ["-c", "{tmp}/c.yaml"],
            "key 'preset' given twice",
        ),
        (_write("c.yaml", b"n: yes\n"), ["-c", "{tmp}/c.yaml"], "n: Input should be a valid int"),
        (
            _write("c.yaml", b"curriculum: {probes: {trials: on}}\n"),
            ["-c", "{tmp}/c.yaml"],
            "probes.trials: Input should be a valid int",
        ),
        (_write("f", b"x"), ["--preset", "tiny", "--out", "{tmp}/f/run"], "is a file, not a"),
        (_write("f", b"x"), ["--preset", "tiny", "--out", "{tmp}/no/run"], "does not exist"),
        (_write("f", b"x"), ["--preset", "tiny", "--runs-dir", "{tmp}/f"], "--runs-dir: "),
        (_write("f", b"x"), ["--preset", "tiny", "--runs-dir", "{tmp}/f/runs"], "a file, not a"),
        (
            _and(_a_run, _write("run/run.json", b'{"status": "runn')),
            ["--resume", "{tmp}/run"],
            "run.json: unreadable",
        ),
        (
            _and(_a_run, _write("run/config.yaml", b"n: \xff\n")),
            ["--resume", "{tmp}/run"],
            "config.yaml: not UTF-8",
        ),
        (
            _and(_a_run, _write("run/config.yaml", b"n: 1\nn: 1\n")),
            ["--resume", "{tmp}/run"],
            "given twice",
        ),
        (
            _and(_a_run, _write("run/config.yaml", b"- 1\n")),
            ["--resume", "{tmp}/run"],
            "expected a mapping",
        ),
    ],
)
def test_bad_places_and_files_are_one_line_exit_2_and_change_nothing(
    tmp_path, setup, args, message
):
    setup(tmp_path)
    before = _tree(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    cmd = [*CLI, "run", *args, "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    _one_line(proc, message)
    after = _tree(tmp_path)
    after.pop("run/lock.json", None), before.pop("run/lock.json", None)
    assert after == before


def test_a_folder_that_cannot_be_written_is_one_line(tmp_path):
    if not Path("/sys/fs").is_dir():
        pytest.skip("no /sys/fs")
    proc = subprocess.run(
        [*CLI, "run", "--preset", "tiny", "--out", "/sys/fs/infancy-run"],
        capture_output=True,
        text=True,
    )
    _one_line(proc, "--out: /sys/fs/infancy-run: cannot make the run directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        cmd = [*CLI, "run", "--preset", "tiny", "--runs-dir", str(folder)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        _one_line(proc, "cannot make the run directory (Permission denied)")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_full_disk_while_checkpointing_is_one_line_and_leaves_a_run_to_resume(
    tmp_path, small, monkeypatch
):
    import errno

    from typer.testing import CliRunner

    from infancy.cli import app

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("infancy.curricula.runner.save_file", full)
    config, run = tmp_path / "run.yaml", tmp_path / "run"
    config.write_text(yaml.safe_dump(small))
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--out", str(run), "--quiet"])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for part in (str(run), "No space left on device", f"infancy run --resume {run}"):
        assert part in lines[0], lines[0]
    status = json.loads((run / "run.json").read_text())
    assert status["status"] == "interrupted"
    assert status["error"] == "cannot write: No space left on device"
    assert list((run / "checkpoints").iterdir()) == []  # the half checkpoint is gone
    monkeypatch.undo()
    store, _ = resume(run)  # the lock was let go and the run resumes from its start
    assert store.latest_checkpoint() is None
    store.unlock()


def test_a_run_records_what_it_ran_with(finished):
    import platform

    import numba
    import numpy
    import torch

    from infancy import __version__

    env = finished.status()["environment"]
    assert env["infancy"] == __version__
    assert env["python"] == platform.python_version()
    assert env["torch"] == torch.__version__.split("+")[0] or env["torch"] == torch.__version__
    assert env["numpy"] == numpy.__version__ and env["numba"] == numba.__version__
    assert env["pandas"] == pd.__version__ and env["pyarrow"]
    assert env["platform"] == platform.platform()
    assert env["torch_threads"] >= 1 and env["numba_threads"] >= 1
    source = Path(__file__).resolve().parents[2]
    head = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    if head.returncode == 0:
        assert env["commit"] == head.stdout.strip()
        assert isinstance(env["commit_dirty"], bool)
    else:
        assert env["commit"] is None
    assert "resumed_with" not in finished.status()


def test_a_resume_records_what_it_resumed_with(cut):
    store, the_plan = resume(cut)

    def stop(life):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(store, the_plan, progress=stop)
    status = json.loads((cut / "run.json").read_text())
    assert status["environment"]["infancy"]
    (again,) = status["resumed_with"]
    assert again["seq"] == 3 and again["python"] == status["environment"]["python"]


def test_a_truncated_part_stops_the_final_join_before_anything_is_replaced(tmp_path):
    import pandas as pd

    from infancy.store import RunError, RunStore

    store = RunStore.create(tmp_path / "run", {"n": 1}, {"n": 1})
    for seq in (1, 2):
        store.write_parts(
            {"probes": pd.DataFrame({"x": [seq]}), "lexicon": pd.DataFrame({"y": [seq]})}, seq
        )
    part = sorted((tmp_path / "run" / "parts" / "lexicon").iterdir())[-1]
    part.write_bytes(part.read_bytes()[:20])  # truncated
    with pytest.raises(RunError, match=r"a part of the lexicon table does not read"):
        store.finish(("probes", "lexicon"))
    assert not (tmp_path / "run" / "probes.parquet").exists()
    assert not (tmp_path / "run" / "lexicon.parquet").exists()
    assert len(list((tmp_path / "run" / "parts" / "probes").iterdir())) == 2
    assert store.status()["status"] != "finished"


def test_a_run_from_a_curriculum_file_without_worlds_resumes_without_them(tmp_path):
    # config.yaml holds the whole curriculum: a resume plans it as it stands. Planned
    # onto the default curriculum file, a run made from a file with no ``worlds`` would
    # resume with the default file's world parameters (and be refused, or worse, not).
    from infancy.curricula.stages import PRESETS

    data = yaml.safe_load((PRESETS / "default.yaml").read_text())
    del data["defaults"]["worlds"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    first = plan({"n": 2, "curriculum": {"file": str(tmp_path / "plain.yaml"), "preset": "tiny"}})
    assert first.curriculum.worlds == {}
    assert plan({"n": 2, "curriculum": {"preset": "tiny"}}).curriculum.worlds  # the default's
    start(first, tmp_path / "run").unlock()
    store, again = resume(tmp_path / "run")
    store.unlock()
    # (read as written then, the hiding world lived with its own kept share, 0)
    assert again.resolved()["curriculum"]["worlds"] == {"a-not-b-v0": {"kept": 0.0}}
    assert (
        again.resolved()
        == plan(
            {
                "n": 2,
                "curriculum": {
                    "file": str(tmp_path / "plain.yaml"),
                    "preset": "tiny",
                    "worlds": {"a-not-b-v0": {"kept": 0.0}},
                },
            }
        ).resolved()
    )


def test_a_new_run_from_a_run_directorys_config_lives_what_that_run_lived(tmp_path):
    # ``infancy run --config RUN/config.yaml``: the stored config is the whole curriculum
    # the run lived. Planned onto the default curriculum file, a run made from a file
    # with no ``worlds`` would start its copy with the default file's world parameters.
    from infancy.curricula.runner import load_plan
    from infancy.curricula.stages import PRESETS

    data = yaml.safe_load((PRESETS / "default.yaml").read_text())
    del data["defaults"]["worlds"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    first = plan({"n": 2, "curriculum": {"file": str(tmp_path / "plain.yaml"), "preset": "tiny"}})
    start(first, tmp_path / "run").unlock()
    stored = tmp_path / "run" / "config.yaml"
    # (read as written then, the hiding world lives with its own kept share, 0, as the
    # first run did: the world's default)
    lived = {"file": str(tmp_path / "plain.yaml"), "preset": "tiny"}
    lived["worlds"] = {"a-not-b-v0": {"kept": 0.0}}
    assert load_plan(stored).resolved() == plan({"n": 2, "curriculum": lived}).resolved()
    assert load_plan(stored, seed=3).config.seed == 3  # the command line's changes on top
    assert load_plan(stored).label == first.label == "tiny"  # not "resolved"
    # A named infant replaces the run's (merged under the stored complete infant, it
    # would change nothing); a curriculum overlay is refused in one line.
    other = load_plan(stored, infant_preset="no-learning")
    assert other.infant == plan({"infant": "no-learning"}).infant != first.infant
    assert other.curriculum == load_plan(stored).curriculum
    with pytest.raises(RunConfigError, match=r"whole curriculum .* \(got preset 'small'\)$"):
        load_plan(stored, preset="small")
    # The same file outside a run directory is a user's config: onto the default file.
    (tmp_path / "mine").mkdir()
    shutil.copy(stored, tmp_path / "mine" / "config.yaml")
    assert load_plan(tmp_path / "mine" / "config.yaml").curriculum.worlds != {}
