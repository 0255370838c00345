"""The noisy-TV diagnostic at a tiny size: what it reads, its JSON line and its one-line
errors."""

from __future__ import annotations

import json

import pytest


def test_the_tv_is_seen_only_in_the_tv_room(scripts):
    mod = scripts.load("noisy_tv_diagnostic.py")
    rows = mod.live(n=2, seed=0, segments=2, curious=False)
    rooms = {r["room"] for r in rows}
    assert rooms == set(mod.ROOMS)
    # The TV is found in the view where there is one, and nowhere else.
    assert all(r["tv_steps"] == 0 for r in rows if r["room"] == "playroom-v0")
    assert sum(r["tv_steps"] for r in rows if r["room"] == "noisy-tv-v0") > 0


def test_the_script_prints_its_figures_and_a_json_line_at_a_tiny_size(scripts):
    res = scripts.run("noisy_tv_diagnostic.py", *("--segments", 4, "--n", 2))
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    for key in ("damped_noisy-tv-v0", "damped_playroom-v0"):
        assert 0.0 <= line[key] <= 1.0
    for key in ("tv_in_view_curious", "tv_in_view_incurious"):
        assert 0.0 < line[key] <= 1.0
    # The pull is the mean over infants of their own differences.
    diff = line["tv_in_view_curious"] - line["tv_in_view_incurious"]
    assert line["pull"] == pytest.approx(diff)
    assert line["pull"] == pytest.approx(sum(line["pull_by_infant"]) / 2)
    assert line["infants_drawn"] == sum(d > 0 for d in line["pull_by_infant"])
    assert line["pull_ci"][0] <= line["pull"] <= line["pull_ci"][1]
    assert line["novelty_tv_in_view"] > 0 and line["novelty_tv_out_of_view"] > 0
    assert "| A's novelty |" in res.stdout and "nan" not in res.stdout
    # The rooms' novelty before scaling: each infant's ratio, their mean and its CI.
    assert line["raw_novelty_tv_room"] > 0 and line["raw_novelty_playroom"] > 0
    assert line["room_ratio"] == pytest.approx(sum(line["room_ratio_by_infant"]) / 2)
    assert line["room_ratio_ci"][0] <= line["room_ratio"] <= line["room_ratio_ci"][1]
    assert line["infants_above_1"] == sum(r > 1 for r in line["room_ratio_by_infant"])
    bad = scripts.run("noisy_tv_diagnostic.py", "--segments", 0)
    assert bad.returncode == 2 and "--segments: expected a positive number, got 0" in bad.stderr


def test_a_cohort_against_itself_shows_no_pull(scripts):
    # The null the pull is measured against: the same lives on both sides give 0, with
    # no infant drawn, whatever the TV in view.
    mod = scripts.load("noisy_tv_diagnostic.py")
    rows = mod.live(n=2, seed=0, segments=4, curious=True)
    same = mod.summarise(rows, rows, 4)
    assert same["pull"] == 0.0 and same["infants_drawn"] == 0
    assert same["pull_ci"] == [0.0, 0.0] and same["tv_in_view_curious"] > 0


def test_the_rooms_novelty_ratio_is_1_where_the_rooms_read_alike(scripts):
    # The ratio's chance level: the playroom's lives on both sides of it give 1, no
    # infant above, so a ratio above 1 is the TV room's own.
    mod = scripts.load("noisy_tv_diagnostic.py")
    rows = mod.live(n=2, seed=0, segments=4, curious=True)
    play = [r for r in rows if r["room"] == mod.ROOMS[1]]
    mirrored = play + [{**r, "room": mod.ROOMS[0]} for r in play]
    same = mod.summarise(mirrored, mirrored, 4)
    assert same["room_ratio"] == pytest.approx(1.0) and same["infants_above_1"] == 0
