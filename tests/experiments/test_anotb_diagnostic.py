"""The A-not-B diagnostic at a tiny size: its curve, its JSON line and its one-line
errors."""

from __future__ import annotations

import json


def test_the_script_prints_its_curve_and_a_json_line_at_a_tiny_size(scripts):
    res = scripts.run(
        "anotb_diagnostic.py", *("--steps", 256, "--every", 256, "--n", 4, "--trials", 2)
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert not line["config"]["no_habit"] and not line["config"]["no_sectors"]
    # It practises the world as the default curriculum sets it (kept trials since
    # session 30), and says so.
    from infancy.curricula.stages import load_curriculum

    assert line["world"] == load_curriculum("default").worlds["a-not-b-v0"]
    assert line["world"]["kept"] > 0 and "practice world: a-not-b-v0 {" in res.stdout
    (row,) = line["curve"]
    assert row["steps"] == 256 and 0 <= row["searching"] <= 4
    assert 0.0 <= row["passing"] <= 1.0 and row["delay"] >= -1
    # An error rate only where an infant searched on a B trial; none is said in words.
    if row["searching"]:
        assert 0.0 <= row["errors"] <= 1.0
    else:
        assert row["errors"] is None and "none searched" in res.stdout
    assert "| steps | errors on B trials searched |" in res.stdout
    bad = scripts.run("anotb_diagnostic.py", "--n", 0)
    assert bad.returncode == 2 and "--n: expected a positive number, got 0" in bad.stderr
