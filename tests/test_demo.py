"""The classroom app (`infancy demo`) driven by files of teacher inputs, headless."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pygame
import pytest
from typer.testing import CliRunner

from infancy.cli import app
from infancy.demo.events import EventsError, dump_events, load_events
from infancy.infants import Cohort
from infancy.worlds.rules import load_rules

runner = CliRunner()
RULES = load_rules()
# playroom-v0, seed 6: a ball is in the newborn's view from the first step (checked
# below), and the infant stays put while it observes.
WORLD = ["--world", "playroom-v0", "--seed", "6"]


def _events(tmp_path, events, name="events.yaml"):
    path = tmp_path / name
    dump_events(events, path)
    return path


def _demo(tmp_path, events, *args, name="run"):
    """Run the app on ``events`` (fast, scripted caregiver off) and return its lesson
    record: ``lesson.json`` and the folder."""
    lesson = tmp_path / name
    path = _events(tmp_path, events, f"{name}.yaml")
    cmd = ["demo", *WORLD, "--no-scripted", "--speed", "max", "--seconds", "60"]
    result = runner.invoke(app, [*cmd, "--events", str(path), "--lesson", str(lesson), *args])
    assert result.exit_code == 0, result.output
    return json.loads((lesson / "lesson.json").read_text()), lesson


def _ball(folder) -> tuple[float, int]:
    cohort = Cohort.load(folder / "cohort")
    lex = cohort.a.associations()[0, 1 + RULES.vocabulary.index("ball")].detach().numpy()
    return float(lex[1 + RULES.kind_index("ball")]), int(lex.argmax()) - 1


def test_the_ball_is_in_view_in_the_test_world():
    from infancy.worlds import make_batch
    from infancy.worlds.core.codes import CH_KIND

    world = make_batch("playroom-v0", 1, seed=6)
    view, _ = world.reset()
    assert RULES.kind_index("ball") + 1 in view[0, 0, CH_KIND]


def test_teaching_ball_five_times_with_pointing_binds_ball_to_the_ball(tmp_path):
    teach = [{"at": 8 * i, "point": "ball", "say": "ball", "steps": 4} for i in range(5)]
    quit_ = {"at": 64, "quit": True}  # one learning chunk
    info, taught = _demo(tmp_path, [*teach, quit_], name="taught")
    _, silent = _demo(tmp_path, [quit_], name="silent")
    assert info["steps"] == 64 and info["events"] == 5
    strength, meaning = _ball(taught)
    assert meaning == RULES.kind_index("ball")
    assert strength > _ball(silent)[0] + 1.0
    lexicon = pd.read_parquet(taught / "lexicon.parquet")
    row = lexicon[lexicon["word"] == "ball"].iloc[0]
    assert row["meaning"] == "ball" and row["correct"]
    # The record replays: the same inputs give the same infant.
    replay = tmp_path / "replay"
    result = runner.invoke(
        app,
        ["demo", *WORLD, "--no-scripted", "--speed", "max", "--seconds", "60",
         "--events", str(taught / "events.yaml"), "--lesson", str(replay)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _ball(replay)[0] == pytest.approx(strength, rel=1e-6)
    assert json.loads((replay / "lesson.json").read_text())["steps"] == 64


def test_pause_stops_the_world_and_learning(tmp_path):
    events = [
        {"at": 10, "pause": True},
        {"at_frame": 30, "advance": 3},
        {"at_frame": 40, "quit": True},
    ]
    info, folder = _demo(tmp_path, events, "--scripted")
    assert info["steps"] == 13  # 10, then paused; 3 stepped by hand
    assert Cohort.load(folder / "cohort").steps == 13


def test_grow_up_reaches_the_age(tmp_path):
    info, folder = _demo(tmp_path, [{"at_frame": 1, "quit": True}], "--age", "1.5")
    assert info["age_months"] >= 1.5 and info["age"] == 1.5
    assert Cohort.load(folder / "cohort").age_months >= 1.5


def test_screenshot_is_written_and_not_blank(tmp_path):
    shot = tmp_path / "frame.png"
    path = _events(
        tmp_path, [{"point": "ball", "say": "ball", "steps": 4}, {"at": 3, "quit": True}]
    )
    result = runner.invoke(
        app, ["demo", *WORLD, "--events", str(path), "--seconds", "30", "--screenshot", str(shot)]
    )
    assert result.exit_code == 0, result.output
    image = pygame.surfarray.array3d(pygame.image.load(str(shot)))
    assert image.shape[:2] == (1280, 720)
    assert image.var() > 0
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20


def test_story_mode_goes_through_every_scene(tmp_path):
    from infancy.demo.story import STORY

    events = [{"at_frame": 2 * i + 1, "story": "next"} for i in range(len(STORY) - 1)]
    info, _ = _demo(tmp_path, [*events, {"at_frame": 2 * len(STORY), "quit": True}], "--story")
    assert info["story"] is True and info["world"] == STORY[-1].world


@pytest.mark.parametrize(
    "args, text, message",
    [
        (["--world", "nursery-v0"], None, "--world: unknown world 'nursery-v0'"),
        ([], "events: [ {say: ball", "--events"),
        ([], "events:\n  - {say: bal}", "say: 'bal' is not a word"),
        ([], "- {shout: ball}", "unknown key 'shout'"),
        ([], "- {at: 5, say: ball}\n- {at: 2, say: ball}", "at: 2 is before"),
        (["--age", "3", "--checkpoint", "."], None, "give one of them"),
        (["--screenshot", "x.jpg"], None, "--screenshot: expected a .png"),
    ],
)
def test_bad_inputs_are_one_line_errors(tmp_path, args, text, message):
    cmd = ["demo", *args, "--seconds", "1"]
    if text is not None:
        (tmp_path / "e.yaml").write_text(text)
        cmd += ["--events", str(tmp_path / "e.yaml")]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_events_round_trip(tmp_path):
    events = [{"at": 0, "point": "duck", "say": "duck", "steps": 2}, {"at_frame": 9, "speed": "10"}]
    back = load_events(_events(tmp_path, events), kinds=RULES.kind_names, words=RULES.vocabulary)
    assert [e.as_dict() for e in back] == events
    with pytest.raises(EventsError, match="steps: says how long"):
        load_events(
            _events(tmp_path, [{"steps": 3}]), kinds=RULES.kind_names, words=RULES.vocabulary
        )
