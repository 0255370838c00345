"""Bad inputs, one table: every value a user can get wrong in a run config, on the
command line or in a file is refused in one line (exit code 2 on the command line) and
leaves nothing behind.

Config cases run the ``infancy run`` command in this process (Typer's runner: no
import cost); a few cases run it in a subprocess, the way a user does.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from infancy.cli import app
from infancy.curricula.stages import load_curriculum
from infancy.infants import Cohort, InfantConfig
from infancy.store import RunError

CLI = [sys.executable, "-m", "infancy.cli"]
INF, NAN = float("inf"), float("nan")
STAGES = load_curriculum("default", overlays=("tiny",)).model_dump(mode="json")["stages"]
WORLD = next(iter(STAGES[0]["scenarios"]))


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _one_line(code: int, stderr: str, *parts: str) -> str:
    lines = stderr.strip().splitlines()
    assert code == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def _stage(**changes) -> dict:
    """The tiny curriculum with its first stage changed."""
    stages = copy.deepcopy(STAGES)
    for key, value in changes.items():
        if value and isinstance(value, dict) and isinstance(stages[0].get(key), dict):
            stages[0][key] = {**stages[0][key], **value}
        else:
            stages[0][key] = value
    return {"preset": "tiny", "stages": stages}


def _cur(**keys) -> dict:
    return {"preset": "tiny", **keys}


# ------------------------------------------------------------------ run configs
CONFIGS = {
    # caregiver habits in a stage: probabilities in 0..1, whole steps >= 1
    "reliability above 1": ({"curriculum": _stage(caregiver={"reliability": 1.5})}, "reliability"),
    "look_prob below 0": ({"curriculum": _stage(caregiver={"look_prob": -0.1})}, "look_prob"),
    "eye_contact_prob 2": (
        {"curriculum": _stage(caregiver={"eye_contact_prob": 2})},
        "eye_contact_prob",
    ),
    "point_prob .inf": ({"curriculum": _stage(caregiver={"point_prob": INF})}, "point_prob"),
    "name_prob .nan": ({"curriculum": _stage(caregiver={"name_prob": NAN})}, "name_prob"),
    "ostensive_prob true": (
        {"curriculum": _stage(caregiver={"ostensive_prob": True})},
        "ostensive_prob: expected a number, got a boolean",
    ),
    "follow_attention_prob 1.01": (
        {"curriculum": _stage(caregiver={"follow_attention_prob": 1.01})},
        "follow_attention_prob",
    ),
    "attend_steps 0": ({"curriculum": _stage(caregiver={"attend_steps": 0})}, "attend_steps"),
    "attend_steps 2.5": ({"curriculum": _stage(caregiver={"attend_steps": 2.5})}, "attend_steps"),
    "arm_reach 0": ({"curriculum": _stage(caregiver={"arm_reach": 0})}, "arm_reach"),
    "arm_reach text": ({"curriculum": _stage(caregiver={"arm_reach": "far"})}, "arm_reach"),
    "unknown habit": ({"curriculum": _stage(caregiver={"patience": 1})}, "patience"),
    # scenario weights: finite and > 0
    "weight .inf": ({"curriculum": _stage(scenarios={WORLD: INF})}, "finite"),
    "weight .nan": ({"curriculum": _stage(scenarios={WORLD: NAN})}, "scenarios"),
    "weight 0": ({"curriculum": _stage(scenarios={WORLD: 0})}, "must be positive"),
    "weight -1": ({"curriculum": _stage(scenarios={WORLD: -1})}, "must be positive"),
    "weight true": ({"curriculum": _stage(scenarios={WORLD: True})}, "boolean"),
    "no worlds": ({"curriculum": _stage(scenarios={})}, "at least one world"),
    # the run's own keys
    "checkpoint_every_months .inf": ({"checkpoint_every_months": INF}, "finite"),
    "checkpoint_every_months .nan": ({"checkpoint_every_months": NAN}, "finite"),
    "checkpoint_every_months 0": ({"checkpoint_every_months": 0}, "greater than 0"),
    "checkpoint_every_months 1e300": ({"checkpoint_every_months": 1e300}, "less than"),
    "checkpoint_every_months true": ({"checkpoint_every_months": True}, "boolean"),
    "n true": ({"n": True}, "n: expected a number, got a boolean (true)"),
    "n false": ({"n": False}, "n: expected a number"),
    "n 2.5": ({"n": 2.5}, "n: "),
    "n 5000": ({"n": 5000}, "n: "),
    "seed true": ({"seed": True}, "seed: expected a number"),
    "seed -1": ({"seed": -1}, "seed: "),
    "seed 2**32": ({"seed": 2**32}, "seed: "),
    "segment_chunks 0": ({"segment_chunks": 0}, "segment_chunks"),
    "segment_chunks true": ({"segment_chunks": True}, "segment_chunks"),
    # the probe battery: finite work
    "probes every 1e-9 months": ({"curriculum": _cur(probes={"every_months": 1e-9})}, "one step"),
    "probes every 0.01 months": (
        {"curriculum": _cur(probes={"every_months": 0.01})},
        "at most 1000",
    ),
    "probes every .inf months": ({"curriculum": _cur(probes={"every_months": INF})}, "finite"),
    "probes trials true": ({"curriculum": _cur(probes={"trials": True})}, "trials"),
    "probes stable 0": ({"curriculum": _cur(probes={"stable": 0})}, "stable"),
    # the clock and the transitions
    "steps_per_month true": (
        {"curriculum": _cur(clock={"steps_per_month": True})},
        "steps_per_month",
    ),
    "end_months .inf": ({"curriculum": _cur(clock={"end_months": INF})}, "end_months"),
    "start_months .nan": ({"curriculum": _cur(clock={"start_months": NAN})}, "start_months"),
    "max_delay_months .inf": (
        {"curriculum": _cur(transition={"max_delay_months": INF})},
        "max_delay_months",
    ),
    "min_share 2": ({"curriculum": _cur(transition={"min_share": 2})}, "min_share"),
    # the infant
    "infant lr true": ({"infant": {"a": {"lr": True}}}, "a.lr: expected a number"),
    "infant lr .inf": ({"infant": {"a": {"lr": INF}}}, "a.lr"),
    "infant gamma .nan": ({"infant": {"b": {"gamma": NAN}}}, "b.gamma"),
    "infant chunk true": ({"infant": {"chunk": True}}, "chunk"),
    "infant learning 3": ({"infant": {"learning": 3}}, "learning"),
}


@pytest.mark.parametrize("data, message", CONFIGS.values(), ids=CONFIGS.keys())
def test_a_bad_config_value_is_one_line_exit_2_and_nothing_written(tmp_path, data, message):
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    before = _files(tmp_path)
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--out", str(out), "--quiet"])
    _one_line(result.exit_code, result.stderr, "run.yaml", message)
    assert _files(tmp_path) == before and not out.exists()


# ------------------------------------------------------------------ CLI options
OPTIONS = {
    "--n 0": (["--preset", "tiny", "--n", "0"], "--n: "),
    "--n 5000": (["--n", "5000"], "--n: "),
    "--seed -5": (["--seed", "-5"], "--seed: "),
    "--seed 2**32": (["--preset", "tiny", "--seed", str(2**32)], "--seed: "),
    "--preset unknown": (["--preset", "huge"], "--preset"),
    "--infant unknown": (["--infant", "genius"], "infant"),
    "--config missing": (["--config", "nowhere.yaml"], "--config"),
}


@pytest.mark.parametrize("args, message", OPTIONS.values(), ids=OPTIONS.keys())
def test_a_bad_run_option_names_itself(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", *args, "--quiet"])
    line = _one_line(result.exit_code, result.stderr, message)
    if message.startswith("--n") or message.startswith("--seed"):
        assert "--preset" not in line
    assert _files(tmp_path) == {}


@pytest.mark.parametrize(
    "args, message",
    [(["--n", "0"], "--n: "), (["--preset", "tiny", "--seed", "-5"], "--seed: ")],
    ids=["--n 0", "--seed -5"],
)
def test_a_bad_run_option_in_a_subprocess(tmp_path, args, message):
    proc = subprocess.run([*CLI, "run", *args], capture_output=True, text=True, cwd=tmp_path)
    line = _one_line(proc.returncode, proc.stderr, message)
    assert "--preset" not in line
    assert _files(tmp_path) == {}


def test_a_yaml_boolean_for_a_number_in_a_subprocess(tmp_path):
    (tmp_path / "run.yaml").write_text("n: true\ncurriculum: {preset: tiny}\n")
    proc = subprocess.run(
        [*CLI, "run", "--config", "run.yaml", "--out", "r"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    _one_line(proc.returncode, proc.stderr, "run.yaml: n: expected a number, got a boolean")
    assert set(_files(tmp_path)) == {"run.yaml"}


# ------------------------------------------------------------------ worlds show
def _show_setup(tmp: Path) -> None:
    (tmp / "file.txt").write_text("a file")
    (tmp / "dir.png").mkdir()
    (tmp / "taken.png").write_bytes(b"not mine")


SHOW = {
    "onto a folder": (["--out", "dir.png", "--force"], "dir.png is a folder"),
    "into a file's folder": (["--out", "file.txt/x.png"], "is a file, not a folder"),
    "into a missing folder": (["--out", "nowhere/x.png"], "does not exist"),
    "over a file without --force": (["--out", "taken.png"], "--force"),
    "not a png": (["--out", "x.jpg"], ".png"),
    "--seed -1": (["--out", "x.png", "--seed", "-1"], "--seed: "),
    "--steps -1": (["--out", "x.png", "--steps", "-1"], "--steps: "),
    "--param without =": (["--out", "x.png", "--param", "n_toys"], "--param"),
}


@pytest.mark.parametrize("args, message", SHOW.values(), ids=SHOW.keys())
def test_worlds_show_refuses_in_one_line_and_leaves_nothing(tmp_path, args, message):
    _show_setup(tmp_path)
    before = _files(tmp_path)
    proc = subprocess.run(
        [*CLI, "worlds", "show", "playroom-v0", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    _one_line(proc.returncode, proc.stderr, message)
    assert _files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.png", "file.txt", "taken.png"]
    assert list((tmp_path / "dir.png").iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_worlds_show_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = subprocess.run(
            [*CLI, "worlds", "show", "playroom-v0", "--out", str(folder / "x.png")],
            capture_output=True,
            text=True,
        )
    finally:
        folder.chmod(0o755)
    _one_line(proc.returncode, proc.stderr, "cannot be written")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_worlds_show_where_the_write_itself_fails():
    # /proc passes every check beforehand (even for root) and refuses the file
    proc = subprocess.run(
        [*CLI, "worlds", "show", "playroom-v0", "--out", "/proc/x.png"],
        capture_output=True,
        text=True,
    )
    _one_line(proc.returncode, proc.stderr, "cannot write /proc/x.png")


# ------------------------------------------------------------------ files
@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A saved cohort of two infants (copy before changing it)."""
    cohort = Cohort(InfantConfig.model_validate({"chunk": 8}), 2, seed=0)
    return cohort.save(tmp_path_factory.mktemp("cohort") / "cohort")


def _meta_as_list(meta: dict):
    return [meta]


def _n_off(meta: dict):
    return {**meta, "n": 3}


def _n_text(meta: dict):
    return {**meta, "n": "two"}


def _no_config(meta: dict):
    return {k: v for k, v in meta.items() if k != "config"}


@pytest.mark.parametrize(
    "change, message",
    [
        (_meta_as_list, "expected a mapping"),
        (_n_off, "n: 3 does not match the arrays (2 infants)"),
        (_n_text, "n: 'two' does not match"),
        (_no_config, "config: missing"),
        (lambda meta: "{", "not valid JSON"),
    ],
    ids=["a list", "n does not match", "n is text", "no config", "not JSON"],
)
def test_a_bad_cohort_file_is_one_line_naming_it(saved, tmp_path, change, message):
    import shutil

    folder = tmp_path / "cohort"
    shutil.copytree(saved, folder)
    meta = json.loads((folder / "infant.json").read_text())
    changed = change(meta)
    text = changed if isinstance(changed, str) else json.dumps(changed)
    (folder / "infant.json").write_text(text)
    with pytest.raises(ValueError) as err:
        Cohort.load(folder)
    line = str(err.value)
    assert len(line.splitlines()) == 1 and message in line, line
    assert "infant.json" in line or str(folder) in line


RESUMES = {
    "run.json a list": ({"run.json": "[1]"}, "run.json: expected a mapping"),
    "run.json garbled": ({"run.json": '{"status": "runn'}, "run.json: unreadable"),
    "config.yaml a list": ({"config.yaml": "- 1\n"}, "config.yaml: expected a mapping"),
    "config.yaml bad value": ({"config.yaml": "n: .inf\n"}, "n: "),
    "config.yaml boolean": ({"config.yaml": "seed: true\n"}, "seed: expected a number"),
}


@pytest.mark.parametrize("files, message", RESUMES.values(), ids=RESUMES.keys())
def test_resuming_a_bad_run_directory_is_one_line_and_changes_nothing(tmp_path, files, message):
    run = tmp_path / "run"
    run.mkdir()
    contents = {"run.json": json.dumps({"status": "interrupted"}), "config.yaml": "n: 2\n"}
    for name, text in {**contents, **files}.items():
        (run / name).write_text(text)
    before = {k: v for k, v in _files(tmp_path).items() if not k.endswith("lock.json")}
    result = CliRunner().invoke(app, ["run", "--resume", str(run), "--quiet"])
    _one_line(result.exit_code, result.stderr, message)
    after = {k: v for k, v in _files(tmp_path).items() if not k.endswith("lock.json")}
    assert after == before


@pytest.mark.parametrize(
    "config, message",
    [("- 1\n- 2\n", "expected a mapping"), ("n: [\n", "not valid YAML")],
    ids=["a list", "not YAML"],
)
def test_load_run_of_a_bad_config_is_one_line_naming_it(tmp_path, config, message):
    from infancy.analysis import load_run

    (tmp_path / "run.json").write_text(json.dumps({"status": "finished"}))
    (tmp_path / "config.yaml").write_text(config)
    before = _files(tmp_path)
    with pytest.raises(RunError) as err:
        load_run(tmp_path)
    line = str(err.value)
    assert len(line.splitlines()) == 1 and message in line and "config.yaml" in line, line
    assert _files(tmp_path) == before


def test_a_python_tag_in_a_config_file_is_refused_and_never_run(tmp_path):
    """YAML is read with safe_load: a ``!!python`` tag is refused, never executed."""
    marker = tmp_path / "ran"
    (tmp_path / "run.yaml").write_text(f'n: !!python/object/apply:os.system ["touch {marker}"]\n')
    proc = subprocess.run(
        [*CLI, "run", "--config", "run.yaml", "--out", "r"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    _one_line(proc.returncode, proc.stderr, "run.yaml: not valid YAML at line 1")
    assert not marker.exists()
    assert set(_files(tmp_path)) == {"run.yaml"}
