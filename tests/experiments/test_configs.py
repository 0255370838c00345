"""The run configs in experiments/configs/ that a measurement names load, and differ
from the default only where their header says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from infancy.curricula.runner import plan

CONFIGS = Path(__file__).resolve().parents[2] / "experiments" / "configs"


def _plan_of(name: str):
    """The plan of the run config ``experiments/configs/NAME``."""
    path = CONFIGS / name
    return plan(yaml.safe_load(path.read_text()), source=str(path))


def _stages_against_default(name: str):
    """The stages of config ``name`` and of the default, by stage name, after checking
    that the two differ in nothing but their stages' mixes of worlds (and the text of
    their sources): infant, clock, worlds, stage names, ages, body, caregiver, mastery."""
    the_plan = _plan_of(name)
    default = plan({})
    assert the_plan.infant == default.infant
    assert the_plan.curriculum.clock == default.curriculum.clock
    assert the_plan.curriculum.worlds == default.curriculum.worlds
    ours = {s.name: s for s in the_plan.curriculum.stages}
    theirs = {s.name: s for s in default.curriculum.stages}
    assert list(ours) == list(theirs)

    def rest(stage):  # all but the mix of worlds, the text of the source, the memory
        return stage.model_copy(update={"scenarios": {}, "source": "", "memory_scale": 1.0})

    for stage in ours:
        assert rest(ours[stage]) == rest(theirs[stage])  # ages, body, caregiver, mastery
    assert all(s.memory_scale == 1.0 for s in theirs.values())
    return ours, theirs


def test_gaze_practice_adds_gaze_to_the_reacher_and_walker_stages_only():
    ours, theirs = _stages_against_default("gaze-practice.yaml")
    for name in ("newborn", "crawler"):
        assert ours[name].scenarios == theirs[name].scenarios
    for name, share in (("reacher", 0.15), ("walker", 0.1)):
        assert "gaze-following-v0" not in theirs[name].scenarios
        assert ours[name].scenarios["gaze-following-v0"] == share
        total = sum(theirs[name].scenarios.values())
        assert sum(ours[name].scenarios.values()) == pytest.approx(total)


def test_hiding_practice_moves_free_play_to_hiding_in_the_crawler_and_walker_stages():
    ours, theirs = _stages_against_default("hiding-practice.yaml")
    for name in ("newborn", "reacher"):
        assert ours[name].scenarios == theirs[name].scenarios
    for name, hiding, play in (("crawler", 0.25, 0.05), ("walker", 0.2, 0.1)):
        moved = hiding - theirs[name].scenarios["a-not-b-v0"]
        assert ours[name].scenarios["a-not-b-v0"] == hiding
        assert ours[name].scenarios["playroom-v0"] == play
        assert theirs[name].scenarios["playroom-v0"] - play == pytest.approx(moved)
        others = set(ours[name].scenarios) - {"a-not-b-v0", "playroom-v0"}
        assert {k: ours[name].scenarios[k] for k in others} == {
            k: theirs[name].scenarios[k] for k in others
        }


def test_growing_memory_scales_the_span_by_stage_and_changes_nothing_else():
    ours, theirs = _stages_against_default("growing-memory.yaml")
    assert [s.memory_scale for s in ours.values()] == [0.25, 0.5, 1.0, 2.0]
    for name in ours:
        assert ours[name].scenarios == theirs[name].scenarios


def test_the_practice_configs_keep_the_default_memory():
    for name in ("gaze-practice.yaml", "hiding-practice.yaml"):
        ours, _ = _stages_against_default(name)
        assert all(s.memory_scale == 1.0 for s in ours.values())


def test_maturing_inhibition_is_the_habit_pull_config_with_the_pull_scaled_by_stage():
    the_plan = _plan_of("maturing-inhibition.yaml")
    pull = _plan_of("habit-pull.yaml")
    assert the_plan.infant == pull.infant
    assert [s.habit_scale for s in the_plan.curriculum.stages] == [1.0, 1.0, 0.5, 0.25]
    default = plan({}).curriculum

    def whole(stage):  # the stage with its pull whole and no text of its source
        return stage.model_copy(update={"habit_scale": 1.0, "source": ""})

    assert [whole(s) for s in the_plan.curriculum.stages] == [whole(s) for s in default.stages]
    assert the_plan.curriculum.model_copy(update={"stages": default.stages}) == default


def test_inhibition_by_walking_is_maturing_inhibition_with_no_pull_in_the_walker():
    the_plan = _plan_of("inhibition-by-walking.yaml")
    maturing = _plan_of("maturing-inhibition.yaml")
    assert the_plan.infant == maturing.infant
    assert [s.habit_scale for s in the_plan.curriculum.stages] == [1.0, 1.0, 0.5, 0.0]
    walker = maturing.curriculum.stages[-1].model_copy(update={"habit_scale": 0.0})
    assert the_plan.curriculum.stages == [*maturing.curriculum.stages[:-1], walker]
    assert the_plan.curriculum.model_copy(update={"stages": []}) == (
        maturing.curriculum.model_copy(update={"stages": []})
    )


@pytest.mark.parametrize(
    "name, field", [("no-cue-sectors.yaml", "cue_sectors"), ("habit.yaml", "habit")]
)
def test_a_b_config_turns_its_mechanism_over_and_changes_nothing_else(name, field):
    the_plan = _plan_of(name)
    default = plan({})
    on = getattr(default.infant.b, field)
    assert getattr(the_plan.infant.b, field) is not on
    b = the_plan.infant.b.model_copy(update={field: on})
    assert the_plan.infant.model_copy(update={"b": b}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_habit_pull_config_adds_the_pull_to_the_habit_config_only():
    the_plan = _plan_of("habit-pull.yaml")
    habit = _plan_of("habit.yaml")
    assert the_plan.infant.b.habit_pull > 0 and habit.infant.b.habit_pull == 0
    b = the_plan.infant.b.model_copy(update={"habit_pull": 0.0})
    assert the_plan.infant.model_copy(update={"b": b}) == habit.infant
    assert the_plan.curriculum == habit.curriculum


def test_the_no_habituation_config_turns_off_habituation_and_changes_nothing_else():
    the_plan = _plan_of("no-habituation.yaml")
    default = plan({})
    assert the_plan.infant.b.habituation == 0 and default.infant.b.habituation > 0
    b = the_plan.infant.b.model_copy(update={"habituation": default.infant.b.habituation})
    assert the_plan.infant.model_copy(update={"b": b}) == default.infant
    assert the_plan.curriculum == default.curriculum


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("imagination-gate", {"imagine_error_below": 0.9, "imagine_stress_above": 0.4}),
        ("cue-observe", {"shift_above": None}),
        (
            "cue-observe-gate",
            {"shift_above": None, "imagine_error_below": 0.9, "imagine_stress_above": 0.4},
        ),
        ("smoothed-trap", {"trap_rate": 0.5, "trap_novelty": 1.15, "trap_chunks": 1}),
    ],
)
def test_a_system_m_config_changes_its_rule_fields_and_nothing_else(name, fields):
    the_plan = _plan_of(f"{name}.yaml")
    default = plan({})
    ours, theirs = the_plan.infant.m.rule, default.infant.m.rule
    assert {k: getattr(ours, k) for k in fields} == fields
    assert all(getattr(theirs, k) != v for k, v in fields.items())
    rule = ours.model_copy(update={k: getattr(theirs, k) for k in fields})
    m = the_plan.infant.m.model_copy(update={"rule": rule})
    assert the_plan.infant.model_copy(update={"m": m}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_noise_trap_config_adds_the_local_model_and_reads_it_and_changes_nothing_else():
    the_plan = _plan_of("noise-trap.yaml")
    default = plan({})
    ours = the_plan.infant
    assert ours.a.local_hidden > 0 and default.infant.a.local_hidden == 0
    fields = {"trap_signal": "noise", "trap_noise": 3.0, "trap_chunks": 1}
    assert {k: getattr(ours.m.rule, k) for k in fields} == fields
    rule = ours.m.rule.model_copy(update={k: getattr(default.infant.m.rule, k) for k in fields})
    a = ours.a.model_copy(update={"local_hidden": 0})
    m = ours.m.model_copy(update={"rule": rule})
    assert ours.model_copy(update={"a": a, "m": m}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_noise_median_trap_config_is_the_noise_trap_read_by_its_median():
    """noise-median-trap is noise-trap with the noise as the median of the still steps'
    errors (``signals.noise.summary``) and its own threshold, nothing else."""
    noise = _plan_of("noise-trap.yaml")
    the_plan = _plan_of("noise-median-trap.yaml")
    ours = the_plan.infant
    assert (ours.signals.noise.summary, noise.infant.signals.noise.summary) == ("median", "mean")
    assert (ours.m.rule.trap_noise, noise.infant.m.rule.trap_noise) == (1.0, 3.0)
    signals = ours.signals.model_copy(
        update={"noise": ours.signals.noise.model_copy(update={"summary": "mean"})}
    )
    rule = ours.m.rule.model_copy(update={"trap_noise": 3.0})
    back = ours.model_copy(
        update={"signals": signals, "m": ours.m.model_copy(update={"rule": rule})}
    )
    assert back == noise.infant
    assert the_plan.curriculum == noise.curriculum


def test_the_held_out_median_trap_config_raises_the_threshold_alone():
    """noise-median-trap-1.5 is noise-median-trap with a threshold of 1.5, nothing else."""
    median = _plan_of("noise-median-trap.yaml").infant
    the_plan = _plan_of("noise-median-trap-1.5.yaml")
    ours = the_plan.infant
    assert (ours.m.rule.trap_noise, median.m.rule.trap_noise) == (1.5, 1.0)
    rule = ours.m.rule.model_copy(update={"trap_noise": 1.0})
    assert ours.model_copy(update={"m": ours.m.model_copy(update={"rule": rule})}) == median
    assert the_plan.curriculum == _plan_of("noise-median-trap.yaml").curriculum


def test_the_twice_median_trap_config_waits_for_a_second_chunk_alone():
    """noise-median-trap-1.5-twice is noise-median-trap-1.5 with trap_chunks 2, nothing
    else."""
    once = _plan_of("noise-median-trap-1.5.yaml")
    the_plan = _plan_of("noise-median-trap-1.5-twice.yaml")
    ours = the_plan.infant
    assert (ours.m.rule.trap_chunks, once.infant.m.rule.trap_chunks) == (2, 1)
    rule = ours.m.rule.model_copy(update={"trap_chunks": 1})
    assert ours.model_copy(update={"m": ours.m.model_copy(update={"rule": rule})}) == once.infant
    assert the_plan.curriculum == once.curriculum


def test_the_effort_from_birth_config_charges_the_reach_effort_from_birth_alone():
    """effort-from-birth is the default infant with b.effort_when_able off (the default
    until session 40), nothing else: the same effort, charged to a newborn too."""
    the_plan = _plan_of("effort-from-birth.yaml")
    default = plan({})
    b = the_plan.infant.b
    assert (b.effort_when_able, default.infant.b.effort_when_able) == (False, True)
    assert b.reach_effort == default.infant.b.reach_effort > 0
    b = b.model_copy(update={"effort_when_able": True})
    assert the_plan.infant.model_copy(update={"b": b}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_fading_rewards_config_is_the_old_memory_and_changes_nothing_else():
    """fading-rewards is the default infant as it was until rewarded memories were kept:
    they fade as the rest (null), where the default never fades them (0)."""
    the_plan = _plan_of("fading-rewards.yaml")
    default = plan({})
    assert the_plan.infant.memory.reward_half_life is None
    assert default.infant.memory.reward_half_life == 0.0
    memory = the_plan.infant.memory.model_copy(update={"reward_half_life": 0.0})
    assert the_plan.infant.model_copy(update={"memory": memory}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_credited_memory_config_changes_the_credit_alone():
    """credited-memory is the default infant with credit reaching 8 steps back."""
    the_plan = _plan_of("credited-memory.yaml")
    default = plan({})
    assert (the_plan.infant.memory.credit_steps, default.infant.memory.credit_steps) == (8, 0)
    memory = the_plan.infant.memory.model_copy(update={"credit_steps": 0})
    assert the_plan.infant.model_copy(update={"memory": memory}) == default.infant
    assert the_plan.curriculum == default.curriculum


def test_the_no_kept_trials_config_turns_off_the_kept_trials_and_the_reach_effort_only():
    """no-kept-trials is the default without the hiding game's kept trials and with a
    free reach, as the default was in these two until 2026-12-06."""
    the_plan = _plan_of("no-kept-trials.yaml")
    default = plan({})
    assert the_plan.curriculum.worlds["a-not-b-v0"] == {"kept": 0.0}
    assert default.curriculum.worlds["a-not-b-v0"] == {"kept": 0.33}
    worlds = {**the_plan.curriculum.worlds, "a-not-b-v0": {"kept": 0.33}}
    assert the_plan.curriculum.model_copy(update={"worlds": worlds}) == default.curriculum
    assert (the_plan.infant.b.reach_effort, default.infant.b.reach_effort) == (0.0, 0.05)
    b = the_plan.infant.b.model_copy(update={"reach_effort": 0.05})
    assert the_plan.infant.model_copy(update={"b": b}) == default.infant


def test_early_joint_attention_is_the_default_with_the_cue_on_from_birth():
    the_plan = _plan_of("early-joint-attention.yaml")
    default = plan({})
    assert the_plan.infant == default.infant
    assert [s.follow for s in the_plan.curriculum.stages] == [True, True, True, True]
    assert [s.follow for s in default.curriculum.stages] == [False, False, True, True]

    def on(stage):  # the stage with the cue on and no text of its source
        return stage.model_copy(update={"follow": True, "source": ""})

    assert [on(s) for s in the_plan.curriculum.stages] == [on(s) for s in default.curriculum.stages]
    ours = the_plan.curriculum.model_copy(update={"stages": default.curriculum.stages})
    assert ours == default.curriculum


def test_the_default_before_session_30_is_both_of_its_changes_undone():
    the_plan = _plan_of("no-kept-trials-early-joint-attention.yaml")
    kept = _plan_of("no-kept-trials.yaml")
    joint = _plan_of("early-joint-attention.yaml")
    # The infant and the worlds from one, the stages from the other.
    assert the_plan.infant == kept.infant
    assert the_plan.curriculum.worlds == kept.curriculum.worlds

    def bare(stage):  # the stage without the text of its source
        return stage.model_copy(update={"source": ""})

    assert [bare(s) for s in the_plan.curriculum.stages] == [
        bare(s) for s in joint.curriculum.stages
    ]
    ours = the_plan.curriculum.model_copy(update={"stages": joint.curriculum.stages})
    assert ours == kept.curriculum.model_copy(update={"stages": joint.curriculum.stages})


def test_a_development_condition_is_the_config_of_its_name(scripts):
    """experiments/development.py runs the condition that ``infancy run -c`` runs, for
    every condition named after a config of experiments/configs."""
    development = scripts.load("development.py")
    names = [n for n in development.CONDITIONS if (CONFIGS / f"{n}.yaml").exists()]
    # Twenty today (no-cue-sectors, habit, habit-pull, no-habituation,
    # maturing-inhibition, inhibition-by-walking, imagination-gate, cue-observe,
    # cue-observe-gate, fading-rewards, credited-memory, no-kept-trials,
    # early-joint-attention, no-kept-trials-early-joint-attention, smoothed-trap,
    # noise-trap, noise-median-trap, noise-median-trap-1.5, noise-median-trap-1.5-twice,
    # effort-from-birth): a renamed file must not empty the check.
    assert len(names) >= 20, names
    for name in names:
        ours = plan(json.loads(json.dumps(development.CONDITIONS[name])))
        theirs = _plan_of(f"{name}.yaml")
        assert (ours.infant, ours.curriculum) == (theirs.infant, theirs.curriculum), name


def test_a_condition_on_a_candidate_is_its_overrides_on_the_candidate(scripts):
    """``development.py --on``: the ablations of a candidate before it is adopted."""
    development = scripts.load("development.py")
    base = "no-kept-trials"
    theirs = _plan_of(f"{base}.yaml")
    for cond, preset in [("no-memory", "no-memory"), ("fixed-schedule-m", "fixed-schedule-m")]:
        name, config = development.on_base(cond, base)
        assert name == f"{cond}@{base}"
        ours = plan(config)
        alone = plan({"infant": preset})
        # The preset's own change, and the candidate's infant overrides beside it.
        want = alone.infant.model_copy(
            update={"b": alone.infant.b.model_copy(update={"reach_effort": 0.0})}
        )
        assert ours.infant == want and ours.infant != theirs.infant
        assert ours.curriculum == theirs.curriculum
    # An infant override merges into the candidate's (habit on top of the reach effort).
    _, habit = development.on_base("habit", base)
    assert (plan(habit).infant.b.habit, plan(habit).infant.b.reach_effort) == (True, 0.0)
    # The default on a candidate is the candidate, under its own name; on the default,
    # a condition is itself.
    assert development.on_base("default", base) == (base, development.CONDITIONS[base])
    assert development.on_base("no-memory", None) == ("no-memory", {"infant": "no-memory"})
    with pytest.raises(SystemExit, match="--on: 'no-memory' is not a candidate"):
        development.on_base("default", "no-memory")
