"""The cue diagnostic at a tiny size: its curve, its read-out and its one-line errors."""

from __future__ import annotations

import json


def test_the_script_prints_its_curve_and_a_json_line_at_a_tiny_size(scripts):
    res = scripts.run(
        "cue_diagnostic.py",
        *("--cue", "point", "--varied", "--steps", 256, "--every", 256, "--n", 4, "--trials", 4),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert line["config"]["cue"] == "point" and line["config"]["varied"]
    assert [row["steps"] for row in line["curve"]] == [256]
    for key in ("practice", "score", "passing"):
        assert 0.0 <= line["curve"][0][key] <= 1.0
    assert 0.0 <= line["answer_decodability"] <= 1.0
    assert 0.0 <= line["answer_decodability_untrained"] <= 1.0
    assert "| steps | practice rewarded |" in res.stdout
    bad = scripts.run("cue_diagnostic.py", "--every", 0)
    assert bad.returncode == 2 and "--every: expected a positive number, got 0" in bad.stderr


def test_the_cued_toy_label_follows_the_columns(scripts):
    """At the cue's step the infant faces north, so "the left one" is the toy with the
    smaller column; the label is balanced over the varied rooms (either toy is cued)."""
    from infancy.infants import Cohort

    module = scripts.load("cue_diagnostic.py")
    cohort = Cohort({}, n=4, seed=0)
    z, left = module.cue_states(cohort, "gaze-following-v0", seed=0, episodes=32)
    assert z.shape[:2] == (4, 32) and left.shape == (4, 32)
    assert 0.3 < left.mean() < 0.7
