"""experiments/development.py at tiny size: it runs, writes each lifetime's tables,
resumes without running them again, and prints the table and one JSON line."""

from __future__ import annotations

import json
import re
import shutil


def _refuse(token: str):
    raise ValueError(f"not JSON: {token}")


ARGS = ("--size", "tiny", "--seeds", "1", "--conditions", "default", "--out")


def test_development_table_at_tiny_size(tmp_path, scripts):
    out = tmp_path / "dev"
    first = scripts.run("development.py", *ARGS, out)
    assert first.returncode == 0, first.stderr[-2000:]
    assert sorted(p.name for p in out.iterdir()) == [
        "default__s0.audit.parquet",
        "default__s0.config.json",
        "default__s0.probes.parquet",
    ]
    assert "default__s0: done" in first.stdout
    # Strict JSON (a NaN would not parse), and no nan printed in the tables: a statistic
    # that cannot be computed is said in words, with the reason.
    line = json.loads(first.stdout.strip().splitlines()[-1], parse_constant=_refuse)
    assert "nan" not in first.stdout.lower()
    if "cannot be computed" in first.stdout:
        assert first.stdout.count(": cannot be computed: ") >= 1
    assert line["benchmark"] == "development"
    criteria = {r["criterion"] for r in line["criteria"]["s0"]}
    assert "probes passed stably by >= 3/4 of the infants" in criteria
    assert line["m"][0]["condition"] == "default"
    assert line["order"][0]["condition"] == "default" and line["order"][0]["diff"] is None
    assert "## milestone order against children, by condition" in first.stdout
    assert 0.0 < line["m"][0]["rule fit (chunk index, energy)"] <= 1.0
    # The damping is said by room (the tiny default lives in both kinds of room).
    for room in ("in a noisy-TV room", "elsewhere"):
        assert re.fullmatch(r"\d+\.\d\d% \(\d+ of \d+\)", line["m"][0][f"damping {room}"])
    again = scripts.run("development.py", *ARGS, out)  # everything is there: nothing runs again
    assert again.returncode == 0 and "done in" not in again.stdout

    # A lifetime made with another configuration (as after a default changed) is not
    # taken as this condition's: the resume stops with one line and writes nothing.
    record_path = out / "default__s0.config.json"
    record = json.loads(record_path.read_text())
    changed = {**record, "curriculum": {**record["curriculum"], "caregiver": {"reliability": 0.5}}}
    record_path.write_text(json.dumps(changed))
    before = sorted(p.name for p in out.iterdir())
    mixed = scripts.run("development.py", *ARGS, out)
    assert mixed.returncode != 0
    error = mixed.stderr.strip().splitlines()
    assert len(error) == 1 and "default__s0.config.json" in error[0], mixed.stderr
    assert "curriculum.caregiver.reliability" in error[0] and "new --out folder" in error[0]
    record_path.unlink()  # tables without a record cannot be checked either
    unknown = scripts.run("development.py", *ARGS, out)
    assert unknown.returncode != 0 and "without a readable record" in unknown.stderr
    assert sorted(p.name for p in out.iterdir()) == [n for n in before if n != record_path.name]
    record_path.write_text(json.dumps(record))

    # --on: the conditions named on a candidate, and the order's differences taken to that
    # candidate. The tiny default's tables stand in for both lifetimes (a report only).
    base = "no-kept-trials"
    for label in (base, f"no-memory@{base}"):
        for name in ("probes", "audit"):
            shutil.copy(out / f"default__s0.{name}.parquet", out / f"{label}__s0.{name}.parquet")
    on = scripts.run(
        "development.py",
        *ARGS[:5],
        "default",
        "no-memory",
        "--on",
        base,
        "--report-only",
        "--out",
        out,
    )
    assert on.returncode == 0, on.stderr[-2000:]
    assert f"minus {base} (same seeds)" in on.stdout
    order = {r["condition"]: r for r in json.loads(on.stdout.strip().splitlines()[-1])["order"]}
    assert set(order) == {base, f"no-memory@{base}"}
    assert order[base]["diff"] is None
    if order[base]["tau_b"] is not None:  # the same tables: no difference at all
        assert order[f"no-memory@{base}"]["diff"] == 0.0

    # --first-seed: seeds from it up, so held-out seeds run (and report) alone. Seed 0's
    # tables stand in for seed 3's; seed 0 is not read.
    for name in ("probes", "audit"):
        shutil.copy(out / f"default__s0.{name}.parquet", out / f"default__s3.{name}.parquet")
    later = scripts.run(
        "development.py", *ARGS[:2], "--first-seed", "3", *ARGS[2:], out, "--report-only"
    )
    assert later.returncode == 0, later.stderr[-2000:]
    assert set(json.loads(later.stdout.strip().splitlines()[-1])["criteria"]) == {"s3"}
    # Seeds that are not there, or no seed at all: one line each, no traceback.
    for flags, message in [
        (("--first-seed", "-1"), "--first-seed: expected a non-negative number, got -1"),
        (("--seeds", "0"), "--seeds: expected a positive number, got 0"),
        (("--first-seed", "9"), "holds no lifetime of default for seeds 9-11"),
    ]:
        bad = scripts.run(
            "development.py", *flags, "--conditions", "default", "--report-only", "--out", out
        )
        assert bad.returncode != 0 and "Traceback" not in bad.stderr, bad.stderr
        assert message in bad.stderr.strip().splitlines()[-1], bad.stderr
    # The run names the seeds the same way.
    development = scripts.load("development.py")
    labels = [s["label"] for s in development.specs(["default"], 2, "tiny", first_seed=2)]
    assert labels == ["default__s2", "default__s3"]


def test_damping_by_room_reads_the_audits_world_and_says_when_it_cannot(scripts):
    import pandas as pd

    dev = scripts.load("development.py")
    audit = pd.DataFrame(
        {
            "intrinsic_weight": [0.025, 0.1, 0.1, 0.1, 0.025],
            "world": ["noisy-tv-v0", "noisy-tv-v0", "reach-v0", "reach-v0", "reach-v0"],
        }
    )
    got = dev.damping_by_room(audit)
    assert got == {
        "damping in a noisy-TV room": "50.00% (1 of 2)",
        "damping elsewhere": "33.33% (1 of 3)",
    }
    old = dev.damping_by_room(audit.drop(columns="world"))
    assert all(v.startswith("not recorded (") for v in old.values())
    mixed = dev.damping_by_room(audit.assign(world=[None, *audit["world"][1:]]))
    assert all(v.startswith("not recorded (") for v in mixed.values())
