"""Curricula: the shipped presets, overlays, the age clock, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.curricula import CurriculumError, load_curriculum, merge
from infancy.worlds import list_worlds


def test_default_curriculum_follows_the_published_ages():
    cur = load_curriculum()
    assert cur.clock.start_months == 0 and cur.clock.end_months == 24
    names = [s.name for s in cur.stages]
    assert names == ["newborn", "reacher", "crawler", "walker"]
    # Reaching by ~4-6 months, crawling ~8, walking ~12 (see each stage's source).
    assert cur.stage_at(5.0).abilities == "reacher"
    assert cur.stage_at(8.5).abilities == "crawler"
    assert cur.stage_at(12.1).abilities == "walker"
    assert cur.stage_at(24.0).name == "walker"
    for stage in cur.stages:
        assert stage.source, f"{stage.name} cites no source"
        ids, weights = stage.world_weights()
        assert set(ids) <= set(list_worlds())
        assert abs(sum(weights) - 1) < 1e-9
    assert cur.probe_ages()[:3] == [0.5, 1.0, 1.5] and cur.probe_ages()[-1] == 24.0


def test_clock_maps_steps_to_months():
    cur = load_curriculum()
    clock = cur.clock
    assert clock.age(0) == 0.0
    assert clock.age(clock.steps_per_month * 6) == 6.0
    assert clock.steps(24.0) == clock.lifetime_steps == 24 * clock.steps_per_month


def test_tiny_overlay_shrinks_the_lifetime():
    tiny = load_curriculum(overlays=("tiny",))
    full = load_curriculum()
    assert tiny.clock.lifetime_steps < full.clock.lifetime_steps / 30
    assert tiny.stages == full.stages  # the overlay changes only what it names


def test_merge_is_recursive_for_mappings_only():
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2]}
    assert merge(base, {"a": {"y": 3}, "l": [9]}) == {"a": {"x": 1, "y": 3}, "l": [9]}
    assert base == {"a": {"x": 1, "y": 2}, "l": [1, 2]}


def _stages(**change):
    stages = [s.model_dump() for s in load_curriculum().stages]
    stages[1].update(change)
    return stages


BAD = [
    ({"clock": {"steps_per_month": 0}}, "clock.steps_per_month"),
    ({"clock": {"steps_per_month": "many"}}, "clock.steps_per_month"),
    ({"clock": {"end_months": -1}}, "clock.end_months"),
    ({"clock": {"start_months": 30.0}}, "end_months 24.0 must be after start_months 30.0"),
    ({"clock": {"days": 3}}, "clock.days: unknown key"),
    ({"transition": {"mode": "whim"}}, "transition.mode"),
    ({"probes": {"every_months": 0}}, "probes.every_months"),
    ({"stages": []}, "stages"),
    ({"stages": _stages(to_months=3)}, "to_months 3.0 must be after from_months 4.0"),
    ({"stages": _stages(scenarios={"moon-v0": 1.0})}, "unknown world 'moon-v0'"),
    ({"stages": _stages(scenarios={"reach-v0": 0.0})}, "weight of 'reach-v0' must be positive"),
    ({"stages": _stages(scenarios={})}, "expected at least one world id"),
    ({"stages": _stages(abilities="astronaut")}, "unknown profile 'astronaut'"),
    ({"stages": _stages(caregiver={"patience": 1.0})}, "unknown caregiver habit 'patience'"),
    ({"stages": _stages(mastery="juggling")}, "unknown probe 'juggling'"),
    ({"stages": _stages(name="")}, "stages.1.name"),
    ({"stages": _stages(memory_scale=-1)}, "stages.1.memory_scale"),
    ({"stages": _stages(colour="red")}, "stages.1.colour: unknown key"),
    ({"stages": _stages(from_months=5)}, "stages must be contiguous"),
    ({"stages": _stages(name="newborn")}, "stage names must be unique"),
    ({"clock": {"end_months": 30.0}}, "before the clock's end_months 30.0"),
    ({"clock": {"start_months": -1.0}}, "clock.start_months"),
    ({"worlds": {"moon-v0": {}}}, "unknown world 'moon-v0'"),
    ({"worlds": {"reach-v0": {"rooms": 9}}}, "reach-v0: unknown parameter 'rooms'"),
    ({"worlds": {"reach-v0": {"room": 4}}}, "reach-v0: parameter 'room'"),
    ({"worlds": {"reach-v0": {"n_infants": 2}}}, "n_infants is set by the lifetime"),
    (
        {"worlds": {"reach-v0": {"n_infants": 2, "abilities": "walker"}}},
        "abilities, n_infants are set by the lifetime",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD, ids=[b[1][:40] for b in BAD])
def test_bad_curricula_give_one_line_naming_the_key(change, expected):
    with pytest.raises(CurriculumError) as err:
        load_curriculum(**change)
    msg = str(err.value)
    assert expected in msg, msg
    assert "\n" not in msg


def test_bad_presets_and_files(tmp_path):
    with pytest.raises(CurriculumError, match="unknown preset 'adult'; known: default"):
        load_curriculum("adult")
    with pytest.raises(CurriculumError, match=r"unknown overlay 'huge' of default\.yaml; known"):
        load_curriculum(overlays=("huge",))
    bad = tmp_path / "bad.yaml"
    bad.write_text("defaults: [unclosed\n")
    with pytest.raises(CurriculumError, match="not valid YAML"):
        load_curriculum(bad)
    empty = tmp_path / "empty.yaml"
    empty.write_text("tiny: {}\n")
    with pytest.raises(CurriculumError, match="a 'defaults' key"):
        load_curriculum(empty)
    with pytest.raises(CurriculumError, match="cannot read"):
        load_curriculum(tmp_path / "missing.yaml")


def test_apply_stage_sets_body_and_caregiver():
    import numpy as np

    from infancy.curricula import apply_stage
    from infancy.worlds import make_batch

    cur = load_curriculum()
    world = make_batch("playroom-v0", 2, seed=0)
    world.reset()
    apply_stage(world, cur.stage_at(1.0))
    assert not world.state.can_reach.any() and (world.state.locomotion == 0).all()
    newborn_habits = world._habits.copy()
    apply_stage(world, cur.stage_at(13.0))
    assert world.state.can_reach.all() and (world.state.locomotion == 2).all()
    assert world.state.can_point.all()
    assert not np.array_equal(world._habits, newborn_habits)
    world.set_habits(None)  # back to the world's own caregiver
    assert (world._habits == world.scenario.habits_array()).all()
    world.step(np.zeros((2, 1), dtype=np.int64))  # still steps


def test_a_curriculum_wide_caregiver_habit_reaches_every_stage_world():
    from infancy.curricula.lifetime import Lifecycle
    from infancy.worlds.scenarios.base import HABIT_ORDER

    cur = load_curriculum(
        overlays=("tiny",),
        caregiver={"point_prob": 0.0, "reliability": 0.3},
        probes={"names": ["reaching"], "trials": 1},
        clock={"end_months": 6.0},
    )
    assert cur.stage_habits(1)["point_prob"] == 0.0  # over the stage's own 0.1
    life = Lifecycle(cur, n=2, seed=0)
    while not life.done:
        life.segment()
        life.take()
        habits = life.worlds[life.world_id]._habits
        assert (habits[:, HABIT_ORDER.index("point_prob")] == 0.0).all()
        assert np.allclose(habits[:, HABIT_ORDER.index("reliability")], 0.3)
    with pytest.raises(CurriculumError, match="unknown caregiver habit 'pointy'"):
        load_curriculum(caregiver={"pointy": 1.0})


def test_the_lifetime_makes_each_world_with_the_curriculum_s_parameters():
    from infancy.curricula.lifetime import Lifecycle

    cur = load_curriculum(overlays=("tiny",))
    assert cur.worlds["reach-v0"] == {"room": 8, "anywhere": True}  # the shipped default
    life = Lifecycle(cur, n=2, seed=0)
    reach = life._world("reach-v0")
    assert reach.scenario.config.room == 8 and reach.scenario.config.anywhere
    assert reach.height == reach.width == 8
    play = life._world("playroom-v0")  # a world the curriculum says nothing of
    assert play.scenario.config == type(play.scenario.config)(n_infants=1)


def test_a_stage_scales_the_memory_span_and_no_memory_stays_none():
    """A stage's ``memory_scale`` sets each infant's memory span to its own
    ``a.memory_span`` times the factor of the stage it is in, from the first segment it
    lives there; the no-memory infant (span 0) keeps none."""
    from infancy.curricula.lifetime import Lifecycle

    base = load_curriculum(overlays=("tiny",))
    stages = [
        {**st.model_dump(), "memory_scale": f}
        for st, f in zip(base.stages, (0.5, 1, 2, 4), strict=True)
    ]
    # (one battery, at the end: the test is about the spans)
    cur = load_curriculum(overlays=("tiny",), stages=stages, probes={"every_months": 24.0})
    assert [st.memory_scale for st in cur.stages] == [0.5, 1, 2, 4]
    factors = (0.5, 1, 2, 4)
    life = Lifecycle(cur, n=2, seed=0)
    seen = set()
    while not life.done:
        k = int(life.stage[0])
        life.segment()
        assert float(life.cohort.a.span[0]) == 16.0 * factors[k]
        seen.add(k)
    assert seen == {0, 1, 2, 3}
    life = Lifecycle(cur, n=2, seed=0, infant={"a": {"memory_span": 0.0}})
    life.segment()
    assert (life.cohort.a.span == 0).all()


def test_a_stage_scales_the_habit_s_pull_and_an_infant_without_one_has_none():
    """A stage's ``habit_scale`` sets each infant's factor on its habit's pull to that
    of the stage it is in, from the first segment it lives there; an infant with no
    pull (the default) has none to scale."""
    from infancy.curricula.lifetime import Lifecycle

    base = load_curriculum(overlays=("tiny",))
    factors = (1.0, 0.5, 0.25, 0.0)
    stages = [
        {**st.model_dump(), "habit_scale": f} for st, f in zip(base.stages, factors, strict=True)
    ]
    cur = load_curriculum(overlays=("tiny",), stages=stages, probes={"every_months": 24.0})
    pulled = {"b": {"habit": True, "habit_pull": 4.0}}
    life = Lifecycle(cur, n=2, seed=0, infant=pulled)
    seen = set()
    while not life.done:
        k = int(life.stage[0])
        life.segment()
        assert float(life.cohort.habit_pull.scale[0]) == factors[k]
        seen.add(k)
    assert seen == {0, 1, 2, 3}
    life = Lifecycle(cur, n=2, seed=0)
    life.segment()
    assert life.cohort.habit_pull is None


def test_a_stage_turns_joint_attention_off_and_an_infant_without_it_has_none(tmp_path):
    """A stage's ``follow`` turns each infant's geometric joint attention (``b.follow``)
    off while it lives in that stage and on again in the next, and a checkpoint keeps
    the setting; an infant without ``b.follow`` has it nowhere. The default curriculum
    has it off before 8 months (the newborn and reacher stages), a joint attention that
    matures."""
    from infancy.curricula.lifetime import Lifecycle
    from infancy.infants import Cohort

    on = (False, False, True, True)
    assert [(st.follow, st.from_months) for st in load_curriculum().stages] == list(
        zip(on, (0.0, 4.0, 8.0, 12.0), strict=True)
    )
    base = load_curriculum(overlays=("tiny",))
    stages = [{**st.model_dump(), "follow": f} for st, f in zip(base.stages, on, strict=True)]
    cur = load_curriculum(overlays=("tiny",), stages=stages, probes={"every_months": 24.0})
    life = Lifecycle(cur, n=2, seed=0)
    seen = set()
    while not life.done:
        k = int(life.stage[0])
        life.segment()
        assert life.cohort.follow.tolist() == [on[k]] * 2
        if not on[k] and k not in seen:  # once per stage with the cue off
            assert not Cohort.load(life.cohort.save(tmp_path / str(k))).follow.any()
        seen.add(k)
    assert seen == {0, 1, 2, 3}
    # Without b.follow, a stage that has it on does not give it (the first such segment).
    life = Lifecycle(cur, n=2, seed=0, infant={"b": {"follow": False}})
    while not on[int(life.stage[0])]:
        life.segment()
    life.segment()
    assert not life.cohort.follow.any()


def test_with_effort_when_able_the_cohort_knows_whose_body_can_reach(tmp_path):
    """With ``b.effort_when_able`` a lifetime tells the cohort, segment by segment and
    infant by infant, whose stage's body can reach (not the newborn's; the reacher's and
    after) before B learns in it, and a checkpoint keeps it; with the field off the
    cohort is never told (every body counts as able). The field is on by default."""
    from infancy.curricula.lifetime import Lifecycle
    from infancy.infants import Cohort

    cur = load_curriculum(overlays=("tiny",), probes={"every_months": 24.0})
    reach = [st.abilities != "newborn" for st in cur.stages]
    assert reach[:2] == [False, True]  # the newborn cannot reach; the reacher can
    life = Lifecycle(cur, n=2, seed=0, infant={"b": {"effort_when_able": True}})
    cohort = life.cohort
    learning = []  # the mask as B learns, not only after the segment
    learn = cohort.learn
    cohort.learn = lambda: (learning.append(cohort.able.tolist()), learn())[1]
    seen = set()
    while not life.done:
        k = int(life.stage[0])
        learning.clear()
        life.segment()
        assert learning and all(m == [reach[k]] * 2 for m in learning)
        assert cohort.able.tolist() == [reach[k]] * 2
        seen.add(k)
    assert seen == {0, 1, 2, 3}
    # Infant by infant: one newborn beside a reacher, and a checkpoint keeps the mix.
    life = Lifecycle(cur, n=2, seed=0, infant={"b": {"effort_when_able": True}})
    life.stage[:] = [1, 0]
    life.segment()
    assert life.cohort.able.tolist() == [True, False]
    assert Cohort.load(life.cohort.save(tmp_path / "mixed")).able.tolist() == [True, False]
    assert Lifecycle(cur, n=2, seed=0).cohort.config.b.effort_when_able
    life = Lifecycle(cur, n=2, seed=0, infant={"b": {"effort_when_able": False}})
    life.segment()
    assert int(life.stage[0]) == 0 and life.cohort.able.all()


def test_the_default_practice_room_never_shows_the_probe_room_s_view():
    """The probe room is held out: the default curriculum's practice rooms for reaching
    (``reach-v0``) and crawling to a toy (``crawl-v0``), seated anywhere and facing any
    way, never show the walls and floor the infant sees at the start of a probe trial,
    with any body that practises there. A room of 9 does (seated at its centre, (4, 4)),
    so this test can fail."""
    from infancy.curricula.probes import Session
    from infancy.worlds import VIEW_CHANNELS, make_batch
    from infancy.worlds.core.codes import TURN_LEFT

    cell = VIEW_CHANNELS.index("cell")
    worlds = load_curriculum().worlds

    def probe_view(body: str) -> np.ndarray:
        s = Session([body], 0)
        s.new_trial()
        s.caregiver((1, 4))
        s.release()
        s.env.refresh()
        return s.env.view[0, 0, cell]

    def shown(world: str, body: str, params: dict) -> bool:
        probe = probe_view(body)
        env = make_batch(world, 512, seed=0, **{**params, "abilities": body})
        env.reset()
        hits = False
        for _ in range(4):  # every heading
            hits |= bool((env.view[:, 0, cell] == probe).all((1, 2)).any())
            env.step(np.full((512, 1), TURN_LEFT))
        return hits

    assert not shown("reach-v0", "reacher", worlds["reach-v0"])
    for body in ("crawler", "walker"):
        assert not shown("reach-v0", body, worlds["reach-v0"])
        assert not shown("crawl-v0", body, worlds.get("crawl-v0", {}))
    assert shown("reach-v0", "reacher", {"room": 9, "anywhere": True})
    assert shown("crawl-v0", "walker", {"room": 9, "anywhere": True})


def test_a_stored_curriculum_from_before_a_changed_default_reads_as_it_was_written():
    """Each key of ``stages.BEFORE_THEY_EXISTED`` is one the default curriculum now sets
    to something else than the behaviour before it: absent from a stored curriculum, it
    gets that behaviour; written, it is kept; the rest, and the input, are untouched."""
    import copy

    from infancy.curricula.stages import BEFORE_THEY_EXISTED, as_written_then

    today = load_curriculum().model_dump(mode="json")
    assert ("worlds", "a-not-b-v0", "kept") in BEFORE_THEY_EXISTED
    for *parents, key in BEFORE_THEY_EXISTED:
        node = today
        for name in parents:
            node = node[name]
        assert node[key] != BEFORE_THEY_EXISTED[(*parents, key)], (*parents, key)
    assert as_written_then(today) == today  # written today: kept as written
    old = copy.deepcopy(today)
    del old["worlds"]["a-not-b-v0"]
    before = copy.deepcopy(old)
    then = as_written_then(old)
    assert old == before  # a copy
    assert then["worlds"]["a-not-b-v0"] == {"kept": 0.0}
    assert {k: v for k, v in then["worlds"].items() if k != "a-not-b-v0"} == old["worlds"]
    assert {k: v for k, v in then.items() if k != "worlds"} == {
        k: v for k, v in old.items() if k != "worlds"
    }
    # Other parameters of that world stay, and a stored value is never replaced.
    old["worlds"]["a-not-b-v0"] = {"delay": 3}
    assert as_written_then(old)["worlds"]["a-not-b-v0"] == {"delay": 3, "kept": 0.0}
    old["worlds"]["a-not-b-v0"] = {"kept": 0.5}
    assert as_written_then(old)["worlds"]["a-not-b-v0"] == {"kept": 0.5}
    assert as_written_then(None) is None  # not a mapping: left for validation to name


def test_room_params_are_the_curriculums_world_with_a_body():
    from infancy.curricula.stages import room_params
    from infancy.worlds import make_batch

    worlds = load_curriculum("default").worlds
    assert worlds["reach-v0"]["room"] != 6  # a parameter the default curriculum sets
    assert room_params("reach-v0") == {**worlds["reach-v0"], "abilities": "crawler"}
    # extra replaces the curriculum's, even a parameter named like an argument
    replaced = room_params("reach-v0", "walker", room=6)
    assert replaced == {**worlds["reach-v0"], "room": 6, "abilities": "walker"}
    unset = next(w for w in list_worlds() if w not in worlds)  # its own defaults
    assert room_params(unset) == {"abilities": "crawler"}
    env = make_batch("reach-v0", 2, seed=0, **room_params("reach-v0", room=6))
    env.reset()
