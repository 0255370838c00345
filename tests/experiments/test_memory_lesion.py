"""The memory-lesion script at a tiny size, on a checkpoint it can read."""

from __future__ import annotations

import json

from infancy.infants import Cohort


def test_the_script_prints_both_conditions_and_a_json_line(tmp_path, scripts):
    path = Cohort(None, n=2, seed=0).save(tmp_path / "cohort")
    res = scripts.run("memory_lesion.py", path.parent, "--seeds", 1, "--trials", 2)
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    rows = line["rows"]
    assert [(r["probe"], r["lesioned"]) for r in rows] == [
        ("object_permanence", False),
        ("a_not_b", False),
        ("object_permanence", True),
        ("a_not_b", True),
    ]
    assert all(len(r["passing"]) == 1 and 0 <= r["passing"][0] <= 2 for r in rows)


def test_a_missing_checkpoint_is_one_line_and_a_non_zero_exit(tmp_path, scripts):
    res = scripts.run("memory_lesion.py", tmp_path / "nothing")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "expected a cohort checkpoint" in res.stderr
