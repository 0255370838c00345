"""experiments/noise_by_room.py at a tiny size: its rooms, its figures and its errors."""

from __future__ import annotations

import json
import math


def test_the_tv_rooms_typical_still_step_is_noisier_than_the_naming_rooms(scripts):
    """After a few chunks of learning (the model is born predicting no change), the TV
    room's typical still step changes (a cell of random colours) and the naming room's
    does not (the caregiver's cues come now and then), while both rooms' means are well
    above 0."""
    res = scripts.run("noise_by_room.py", *("--n", 2, "--rounds", 2, "--chunks", 2))
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    rooms = line["rooms"]
    assert {"noisy-tv-v0", "naming-v0", "playroom-v0"} <= set(rooms)
    tv, naming = rooms["noisy-tv-v0"], rooms["naming-v0"]
    assert tv["median"] > 0.5 > naming["median"]
    assert tv["mean"] > 0.5 and naming["mean"] > 0.5
    assert tv["over_1"] > naming["over_1"]
    for room in rooms.values():
        assert room["median"] <= room["median_p90"] and room["chunks"] > 0
    assert all(math.isfinite(v) for room in rooms.values() for v in room.values())
    assert "nan" not in res.stdout.lower()


def test_bad_options_are_refused_in_one_line(scripts):
    bad = scripts.run("noise_by_room.py", "--rounds", 0)
    assert bad.returncode == 2
    assert "--rounds: expected a positive number, got 0" in bad.stderr
    bad = scripts.run("noise_by_room.py", "--seed", -1)
    assert bad.returncode == 2 and "--seed: expected a non-negative number, got -1" in bad.stderr
    bad = scripts.run("noise_by_room.py", "--screen", 9)
    assert bad.returncode == 2 and "--screen: expected a width of 1 to 7 cells, got 9" in bad.stderr
