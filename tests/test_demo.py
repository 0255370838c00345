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


# ---------------------------------------------------------------------- issue 21, part 2
def _window(**options):
    """The app's window, built (infant ready), without running its loop."""
    from infancy.demo.app import DemoOptions, _App, check_options

    opts = DemoOptions(**options)
    win = _App(opts, check_options(opts))
    win.build()
    win.draw()
    return win


def test_the_first_world_frame_comes_before_the_infant_is_ready():
    win = _window(world="playroom-v0", seed=0, check_words=False)
    try:
        stats = win.stats
        # The world is drawn while the infant is still being built in the background.
        assert stats["first_frame_s"] <= stats["world_frame_s"] <= stats["ready_s"]
        assert win.room.steps == 0 and win.room.cohort.n == 1
    finally:
        win.pg.display.quit()


def test_clicking_a_toy_addresses_that_toy_not_the_first_of_its_kind():
    pg = pygame
    # playroom-v0, seed 0: two rattles (and two dolls) on the floor.
    win = _window(world="playroom-v0", seed=0, scripted=False, check_words=False)
    try:
        room, screen = win.room, win.screen
        st = room.world.state
        kind = RULES.kind_index("rattle")
        slots = np.flatnonzero(st.obj_kind[0] == kind)
        assert len(slots) == 2  # the case this test is about
        second = int(slots[1])
        row, col = (int(v) for v in st.obj_pos[0, second])
        pos = (
            screen.world_rect.x + col * screen.tile + screen.tile // 2,
            screen.world_rect.y + row * screen.tile + screen.tile // 2,
        )
        win.handle(pg.event.Event(pg.MOUSEBUTTONDOWN, button=3, pos=pos))
        assert room.caregiver.queue[0] == {"point": "rattle", "object": second}
        win.handle(pg.event.Event(pg.KEYDOWN, key=pg.K_2))  # "rattle", about the same toy
        assert room.caregiver.queue[-1] == {"point": "rattle", "object": second, "say": "rattle"}
        room.advance(1)
        code = room.world.scenario.object_code(second)
        assert int(st.cg_point[0]) == code and int(st.cg_gaze[0]) == code
        assert room.log[0].caregiver == {"point": "rattle", "object": second, "steps": 4}
    finally:
        win.pg.display.quit()


def test_grow_up_during_the_session_reaches_the_age(tmp_path):
    events = [{"at": 5, "grow": 1.5}, {"at": 8, "quit": True}]
    info, folder = _demo(tmp_path, events)
    assert info["steps"] == 8  # the world waited while the baby grew up
    grown = Cohort.load(folder / "cohort")
    assert grown.age_months >= 1.5
    # 1.5 months of the tiny curriculum (256 steps a month), then 3 steps with the teacher
    assert grown.steps >= 1.5 * 256
    recorded = load_events(folder / "events.yaml", kinds=RULES.kind_names, words=RULES.vocabulary)
    assert recorded[0].control == {"grow": 1.5} and recorded[0].at == 5


def test_the_words_panel_shows_what_b_acts_on():
    from infancy.demo.session import Classroom

    room = Classroom("playroom-v0", seed=6)
    before = room.cohort.state_dict()[0]
    check = room.word_check(trials=8, seed=0)  # a frozen copy, taken now
    looks = check()  # what the app runs in a background thread
    assert set(looks) == set(RULES.vocabulary)
    assert all(isinstance(v, bool) for v in looks.values())
    # A newborn that has heard nothing looks at no named toy more than at the other.
    assert not any(looks.values())
    after = room.cohort.state_dict()[0]
    assert all(np.array_equal(before[k], after[k]) for k in before)  # the infant is untouched


def _fake_run(tmp_path, n=3):
    """A run directory with one checkpoint holding ``n`` infants (as the runner writes)."""
    from infancy.curricula.runner import plan
    from infancy.store import RunStore

    the_plan = plan(n=n, seed=0, preset="tiny")
    store = RunStore.create(tmp_path / "run", the_plan.resolved(), {})
    cohort = Cohort(None, n=n, seed=0, months_per_step=1 / 256)
    store.save_checkpoint(1, lambda folder: cohort.save(folder / "cohort"), {"step": 0})
    store.unlock()
    return store.path, cohort


def test_run_and_infant_show_that_infant_of_the_run(tmp_path):
    run, cohort = _fake_run(tmp_path)
    win = _window(run=run, infant=2, check_words=False)
    try:
        room = win.room
        assert room.cohort.n == 3 and room.infant == 2
        assert room.world.batch_size == 3  # one world per infant of the run
        lex = cohort.a.associations()[2, 1:, 1:].detach().numpy()
        assert [s for _, _, s, _ in room.lexicon()] == pytest.approx(lex.max(-1).tolist())
        assert room.gauges()["energy"] == pytest.approx(float(cohort.energy[2]))
    finally:
        win.pg.display.quit()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--run", "{tmp}/nothing"], "--run: {tmp}/nothing: not a run directory"),
        (
            ["--run", "{run}", "--infant", "3"],
            "--infant: expected 0 to 2 (--run holds 3 infants), got 3",
        ),
        (
            ["--run", "{run}"],
            "--infant: --run {run}/checkpoints/ckpt-000001/cohort holds 3 infants",
        ),
        (["--infant", "0"], "--infant: says which infant of --run DIR or --checkpoint DIR"),
        (["--run", "{run}", "--age", "3"], "--age and --run: give one of them"),
        (["--run", "{empty}"], "has no checkpoint yet"),
    ],
)
def test_bad_run_or_infant_is_a_one_line_error(tmp_path, args, message):
    from infancy.curricula.runner import plan
    from infancy.store import RunStore

    run, _ = _fake_run(tmp_path)
    empty = RunStore.create(tmp_path / "empty", plan(n=1, preset="tiny").resolved(), {})
    empty.unlock()
    fill = {"tmp": str(tmp_path), "run": str(run), "empty": str(empty.path)}
    result = runner.invoke(app, ["demo", *[a.format(**fill) for a in args], "--seconds", "1"])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert message.format(**fill) in out, out
    assert len(result.output.strip().splitlines()) <= 2  # one line (a long path may wrap)


def test_story_has_a_not_b_at_8_and_at_12_months():
    from infancy.demo.story import STORY

    titles = [s.title for s in STORY]
    anb = [s for s in STORY if s.world == "a-not-b-v0"]
    assert [s.age for s in anb] == [8.0, 12.0]
    assert all(s.caption for s in STORY) and len(set(titles)) == len(titles)
    for word in ("newborn", "Peekaboo", "pointing", "unreliable", "noisy TV"):
        assert any(word in t for t in titles), word


def test_story_grows_the_baby_for_the_a_not_b_scenes(tmp_path):
    from infancy.demo.story import STORY

    at_8 = next(i for i, s in enumerate(STORY) if s.age == 8.0)
    events = [{"at_frame": i + 1, "story": "next"} for i in range(at_8)]
    info, folder = _demo(tmp_path, [*events, {"at_frame": at_8 + 3, "quit": True}], "--story")
    assert info["world"] == "a-not-b-v0"
    assert 8.0 <= Cohort.load(folder / "cohort").age_months < 8.5


def test_the_window_can_draw_the_world_before_torch_is_imported():
    import subprocess
    import sys

    code = (
        "import sys, infancy.demo.app, infancy.demo.screen, infancy.demo.session; "
        "from infancy.demo.session import make_world; make_world('playroom-v0'); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]


def test_stage_pictures_show_each_world_as_the_curriculum_makes_it():
    from infancy.curricula import load_curriculum
    from infancy.demo.notebook import stage_frames

    curriculum = load_curriculum()
    stages = list(curriculum.stages)
    habits = [curriculum.stage_habits(i) for i in range(len(stages))]
    titled = stage_frames(stages, habits, worlds={"reach-v0": {"room": 11}})
    plain = stage_frames(stages, habits)
    reach = [i for i, (title, _) in enumerate(titled) if title.endswith("reach-v0")]
    assert reach, [title for title, _ in titled]  # the reacher stage pictures reach-v0
    # A room of 11 is drawn larger than the world's own room of 7.
    assert titled[reach[0]][1].shape[0] > plain[reach[0]][1].shape[0]
