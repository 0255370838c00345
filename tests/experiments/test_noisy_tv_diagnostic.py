"""The noisy-TV diagnostic at a tiny size: what it reads, its JSON line and its one-line
errors."""

from __future__ import annotations

import json

import numpy as np
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
    assert set(line["slow_trap"]) == {"1.1", "1.2", "1.3"}
    assert all(0.0 <= v <= 1.0 for got in line["slow_trap"].values() for v in got.values())
    assert "a candidate trap signal" in res.stdout
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


def test_the_rooms_novelty_ratio_is_each_infants_tv_room_over_its_playroom(scripts):
    # Made-up rows: infant 0's TV room twice as novel as its playroom, infant 1's alike;
    # infant 2 never awake in the playroom has no ratio. Chance level: 1.
    mod = scripts.load("noisy_tv_diagnostic.py")
    base = {"segment": 1, "tv_steps": 0, "out_steps": 0, "damped": False}
    base.update(nov_in=0.0, nov_out=0.0, err_in=0.0, err_out=0.0)
    base.update({f"meta_{k}": 0.0 for k in mod.META_STATES})
    rows = [
        {**base, "infant": 0, "room": mod.ROOMS[0], "awake": 10, "raw_nov": 2.0},
        {**base, "infant": 0, "room": mod.ROOMS[1], "awake": 20, "raw_nov": 2.0},
        {**base, "infant": 1, "room": mod.ROOMS[0], "awake": 10, "raw_nov": 1.0},
        {**base, "infant": 1, "room": mod.ROOMS[1], "awake": 10, "raw_nov": 1.0},
        {**base, "infant": 2, "room": mod.ROOMS[0], "awake": 10, "raw_nov": 1.0},
        {**base, "infant": 2, "room": mod.ROOMS[1], "awake": 0, "raw_nov": 0.0},
    ]
    got = mod.summarise(rows, rows, 2)
    assert got["room_ratio_by_infant"] == pytest.approx([2.0, 1.0])
    assert got["room_ratio"] == pytest.approx(1.5) and got["infants_above_1"] == 1


def test_only_the_chunks_own_update_is_read_not_the_dreams_after_it(scripts):
    # Infants that fall asleep whenever their energy is below full: many chunks have
    # dream updates on memories after the chunk's own. An infant asleep for a chunk has
    # no awake step in it; read from a dream's batch of memories, it would have many.
    mod = scripts.load("noisy_tv_diagnostic.py")
    sleepy = {"m": {"rule": {"sleep_below": 0.99, "wake_above": 1.0}}}
    rows = mod.live(n=2, seed=0, segments=6, curious=True, infant=sleepy)
    asleep = [r for r in rows if r["awake"] == 0]
    assert asleep and len(asleep) < len(rows)
    assert all(r["tv_steps"] == 0 and r["raw_nov"] == 0.0 for r in asleep)


def test_novelty_before_scaling_is_the_scaled_novelty_times_a_scale():
    # The diagnostic's raw novelty is ``novelty_sample`` times A's scale after the
    # update; that holds while ``novelty`` (the mean over valid steps) is the same
    # product.
    from infancy.infants import Cohort
    from infancy.worlds import make_batch

    cohort = Cohort({}, n=2, seed=0)
    env = make_batch("playroom-v0", 2, seed=0, autoreset=True)
    env.reset()
    got = {}
    learn = cohort.a.learn

    def reading(batch, gate):
        sig = learn(batch, gate)
        got.setdefault("sig", sig)
        got.setdefault("valid", batch.valid.numpy())
        got.setdefault("scale", cohort.a.novelty_scale.numpy().copy())
        return sig

    cohort.a.learn = reading
    for _ in range(3):
        got.clear()
        cohort.live(env, cohort.config.chunk)
    raw = got["sig"]["novelty_sample"].numpy() * got["scale"][:, None]
    mean = (raw * got["valid"]).sum(1) / got["valid"].sum(1)
    assert np.allclose(mean, got["sig"]["novelty"].numpy() * got["scale"], rtol=1e-4)


def test_the_slow_trap_candidate_flags_a_room_that_stays_more_novel(scripts):
    # Made-up lives: the TV room's chunks 1.6 times as novel as the playroom's, rooms by
    # turns from the playroom. Over a slow mean (from 1.0 towards 1.3) the TV room's
    # chunks stay above 1.2 times it and the playroom's below; at 2 times, nothing is
    # flagged; an infant asleep throughout is never flagged.
    mod = scripts.load("noisy_tv_diagnostic.py")
    rows = []
    for seg in range(40):
        room = mod.ROOMS[(seg + 1) % 2]
        for _ in range(4):
            for infant, awake in ((0, 10), (1, 0)):
                nov = 1.6 if room == mod.ROOMS[0] else 1.0
                rows.append(
                    {"segment": seg, "room": room, "infant": infant, "awake": awake}
                    | {"raw_nov": nov * awake}
                )
    got = mod.slow_trap(rows, 20, 1.2)
    # Infant 0 flagged from the second chunk of each visit to the TV room (3 of 4),
    # infant 1 never: 3 of 8 of the TV room's rows, none of the playroom's.
    assert got == {mod.ROOMS[0]: pytest.approx(3 / 8), mod.ROOMS[1]: 0.0}
    assert mod.slow_trap(rows, 20, 2.0) == {mod.ROOMS[0]: 0.0, mod.ROOMS[1]: 0.0}


def test_the_room_auc_is_chance_for_the_same_readings_and_one_for_a_higher_room(scripts):
    # Made-up rows: infant 0's TV-room chunks always read higher than its playroom's
    # (AUC 1), infant 1's read the same values in both rooms (ties count half: 0.5);
    # infant 2 has no playroom chunks and is left out.
    mod = scripts.load("noisy_tv_diagnostic.py")
    rows = []
    for seg in range(4):
        room = mod.ROOMS[seg % 2]
        for k in range(3):
            tv = room == mod.ROOMS[0]
            rows.append({"segment": seg, "room": room, "infant": 0, "x": k + (10 if tv else 0)})
            rows.append({"segment": seg, "room": room, "infant": 1, "x": float(k)})
            if tv:
                rows.append({"segment": seg, "room": room, "infant": 2, "x": 5.0})
    got = mod.room_auc(rows, 0, "x")
    assert got == {"auc": pytest.approx(0.75), "infants_above_half": 1, "infants": 2}
    # Only the rows from segment ``late`` on are read: from 2 on, infant 0's TV room
    # reads 10-12 against a playroom of 0-2 still; from 4 on there are none.
    assert mod.room_auc(rows, 2, "x")["auc"] == pytest.approx(0.75)
    for r in rows:
        if r["segment"] < 2 and r["infant"] == 0:
            r["x"] = -r["x"] if r["room"] == mod.ROOMS[0] else 99.0
    assert mod.room_auc(rows, 2, "x")["auc"] == pytest.approx(0.75)
    assert mod.room_auc(rows, 0, "x")["auc"] < 0.75
    assert mod.room_auc(rows, 4, "x") == {"auc": None, "infants_above_half": 0, "infants": 0}


def test_the_trap_options_set_system_ms_rule_and_refuse_bad_values(scripts):
    res = scripts.run(
        "noisy_tv_diagnostic.py",
        *("--segments", 2, "--n", 2, "--trap-rate", 0.5, "--trap-chunks", 1),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert line["config"]["trap_rate"] == 0.5 and line["config"]["trap_novelty"] is None
    assert set(line["room_auc"]) >= {"novelty", "prediction_error", "lp_a"}
    assert line["trap"] == {
        "trap_signal": "novelty",
        "trap_rate": 0.5,
        "trap_novelty": 1.5,
        "trap_noise": 3.0,
        "trap_chunks": 1,
    }
    # No local model: the noise M reads is 0 in both rooms.
    assert all(got["noise"] == 0.0 for got in line["meta_median"].values())
    bad = scripts.run("noisy_tv_diagnostic.py", "--segments", 1, "--n", 1, "--trap-rate", 1.5)
    assert bad.returncode == 2
    assert "--trap-rate: Input should be less than or equal to 1, got 1.5" in bad.stderr


def test_the_noise_options_give_a_the_local_model_and_m_a_trap_on_it(scripts):
    """``--local-hidden`` gives System A its local still-view model (the noise M reads is
    then above 0) and ``--trap-signal noise`` makes M's trap read it; noise with no
    model, or a signal M does not know, is refused in one line naming the flag."""
    res = scripts.run(
        "noisy_tv_diagnostic.py",
        *("--segments", 4, "--n", 4, "--screen", 7, "--local-hidden", 8),
        *("--trap-signal", "noise", "--trap-noise", 0.5, "--trap-chunks", 1),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert line["config"]["local_hidden"] == 8
    assert line["trap"]["trap_signal"] == "noise" and line["trap"]["trap_noise"] == 0.5
    assert "noise" in line["room_auc"]
    # Even at this size the screen is noise and the playroom hardly any (9.06 and 0.001).
    got = line["meta_median"]
    assert got["noisy-tv-v0"]["noise"] > 10 * got["playroom-v0"]["noise"]
    assert "noise" in res.stdout
    bad = scripts.run("noisy_tv_diagnostic.py", "--segments", 1, "--n", 1, "--trap-signal", "noise")
    assert bad.returncode == 2
    assert "--trap-signal: noise needs --local-hidden above 0" in bad.stderr
    bad = scripts.run("noisy_tv_diagnostic.py", "--segments", 1, "--n", 1, "--trap-signal", "loud")
    assert bad.returncode == 2
    assert "--trap-signal: Input should be 'novelty' or 'noise', got loud" in bad.stderr
    bad = scripts.run("noisy_tv_diagnostic.py", "--segments", 1, "--n", 1, "--local-hidden", -1)
    assert bad.returncode == 2
    assert "--local-hidden: Input should be greater than or equal to 0, got -1" in bad.stderr
