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


def test_the_geometric_follower_passes_both_cue_probes(scripts):
    """The pathway's ceiling: a policy that only turns to the side of the place
    ``b.follow`` computes passes both cue probes in every simulated infant. From the cue
    probes' old caregiver places, (2, 2) and (2, 6), it scored 0.85 and 0.83: the cued
    toy stood behind the other on the caregiver's line in 15% of trials. It is rewarded
    in most varied practice rooms, far above keeping still (1/3)."""
    module = scripts.load("cue_diagnostic.py")
    for cue in ("gaze", "point"):
        got = module.follower_scores(cue, n=8, trials=8, seed=0, rooms=256)
        assert got["probe_score"] == 1.0 and got["probe_passing"] == 1.0, (cue, got)
        assert got["practice"] > 0.7, (cue, got)
    import infancy.curricula.probes as probes

    old = probes.CUE_CAREGIVER
    try:
        probes.CUE_CAREGIVER = ((2, 2), (2, 6))
        before = module.follower_scores("gaze", n=8, trials=8, seed=0, rooms=8)
    finally:
        probes.CUE_CAREGIVER = old
    assert before["probe_score"] < 0.95
