"""The world loop: roles, the driver, a person as the caregiver, infants sharing a world."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.curricula.driver import Driver, HumanCaregiver, Infants, ScriptedCaregiver
from infancy.infants import Cohort
from infancy.worlds import make_batch
from infancy.worlds.core.codes import CH_KIND, S_EYE_CONTACT


def _lexicon(cohort: Cohort, word: int, kind: int) -> float:
    """How strongly infant 0's System A binds word code ``word`` to kind ``kind``."""
    return float(cohort.a.lexicon[0, word, 1 + kind])


def _taught(world, events, steps: int, seed: int = 0) -> tuple[Cohort, HumanCaregiver]:
    cohort = Cohort({"chunk": 16}, n=1, seed=seed)
    person = HumanCaregiver(events, idle="still")
    Driver(world, cohort, person).run(steps)
    return cohort, person


def test_a_person_teaching_a_word_changes_the_lexicon():
    # A reacher cannot crawl away: the toy stays in view while the person teaches.
    world = make_batch("playroom-v0", 1, seed=3, abilities="reacher")
    world.reset()
    rules = world.rules
    in_view = (
        np.unique(world.view[0, 0, CH_KIND]).astype(int) - 1
    )  # kinds the infant sees at the start
    toy = next(int(k) for k in in_view if k >= 0 and rules.kind_names[k] in rules.vocabulary)
    name = rules.kind_names[toy]
    word = rules.vocabulary.index(name) + 1
    before = _lexicon(Cohort({"chunk": 16}, n=1, seed=0), word, toy)
    lesson = [{"point": name, "say": name, "steps": 4}, {"eye_contact": True}] * 40
    taught, person = _taught(world, lesson, 200)
    assert len(person.done) == 200 and not person.queue
    world2 = make_batch("playroom-v0", 1, seed=3, abilities="reacher")
    world2.reset()
    silent, _ = _taught(world2, [], 200)
    gain = _lexicon(taught, word, toy) - before
    assert gain > 0, "teaching did not strengthen the word's binding to its toy"
    assert gain > 2 * (_lexicon(silent, word, toy) - before), "a silent caregiver taught as much"


def test_human_events_become_caregiver_actions_and_bad_events_are_named():
    world = make_batch("naming-v0", 2, seed=0)
    world.reset()
    rules = world.rules
    kind = int(world.state.obj_kind[0, 0])
    name = rules.kind_names[kind]
    person = HumanCaregiver()
    acts = person.actions(world, {"point": name, "say": name})
    code = world.scenario.object_code(0)
    assert acts[0, 1] == code and acts[0, 2] == code  # looks and points at it
    assert acts[0, 3] == rules.vocabulary.index(name) + 1
    assert (person.actions(world, {"eye_contact": True})[:, 1] == 1).all()
    with pytest.raises(ValueError, match="unknown key 'shout'"):
        person.push({"shout": "ball"})
    with pytest.raises(ValueError, match="steps"):
        person.push({"say": "ball", "steps": 0})
    with pytest.raises(ValueError, match="not a word"):
        person.actions(world, {"say": "table"})
    # Idle: still (all zeros) or the world's script (None).
    obs = Driver(world, Cohort(n=2)).observation()
    assert (HumanCaregiver(idle="still").act(obs) == 0).all()
    assert HumanCaregiver(idle="script").act(obs) is None


def test_human_caregiver_object_picks_which_toy_of_a_kind():
    world = make_batch("playroom-v0", 1, seed=0)  # seed 0: two rattles
    world.reset()
    kind = world.rules.kind_index("rattle")
    first, second = (int(k) for k in np.flatnonzero(world.state.obj_kind[0] == kind))
    person = HumanCaregiver()
    code = world.scenario.object_code
    assert person.actions(world, {"look": "rattle"})[0, 1] == code(first)
    acts = person.actions(world, {"point": "rattle", "object": second})
    assert acts[0, 1] == code(second) and acts[0, 2] == code(second)
    # A slot that holds another kind falls back to the first of the kind.
    other = int(np.flatnonzero(world.state.obj_kind[0] != kind)[0])
    assert person.actions(world, {"look": "rattle", "object": other})[0, 1] == code(first)
    with pytest.raises(ValueError, match="object: says which toy"):
        person.push({"say": "ball", "object": 1})
    with pytest.raises(ValueError, match="object: expected an object slot"):
        person.push({"look": "ball", "object": -1})


def test_two_learning_infants_share_a_world_and_the_caregiver_attends_to_each():
    world = make_batch("playroom-v0", 1, seed=1, n_infants=2, caregiver={"eye_contact_prob": 0.6})
    world.reset()
    first, second = Cohort({"chunk": 16}, n=1, seed=1), Cohort({"chunk": 16}, n=1, seed=2)
    driver = Driver(world, [first, second])
    attended, contact = [], np.zeros(2)
    for _ in range(320):
        res = driver.step()
        attended.append(int(world.state.cg_attends[0]))
        contact += res.senses[0, :, S_EYE_CONTACT] > 0
    assert set(attended) == {0, 1}, "the caregiver attended to one infant only"
    assert (contact > 0).all(), f"eye contact per infant: {contact}"
    assert first.steps == second.steps == 320
    # Each learned on its own experience (different seeds, different slots).
    assert not np.array_equal(first.a.lexicon.numpy(), second.a.lexicon.numpy())


def test_nearest_rule_attends_to_the_infant_closest_to_the_caregiver():
    world = make_batch("playroom-v0", 4, seed=5, n_infants=2, caregiver={"attend_rule": "nearest"})
    world.reset()
    cohort = Cohort(n=8, seed=0)
    st, chosen = world.state, 0
    for _ in range(40):
        world.scripted_caregiver()  # the script's plan for this step, before anyone moves
        d = np.abs(st.agent_pos[:, :2] - st.agent_pos[:, 2:3]).sum(-1)  # [B, 2]
        # Checked only where the caregiver just chose (its attention lasts attend_steps).
        chose = st.timer == world.scenario.habits.attend_steps - 1
        assert (st.cg_attends[chose] == d.argmin(1)[chose]).all()
        chosen += chose.sum()
        cohort.step(world)
    assert chosen >= 8


def test_cohort_step_is_the_driver_loop():
    # Cohort.step is a one-cohort Driver with the scripted caregiver: the same numbers.
    a_world, b_world = (make_batch("playroom-v0", 2, seed=7) for _ in range(2))
    a_world.reset()
    b_world.reset()
    a, b = Cohort({"chunk": 8}, n=2, seed=4), Cohort({"chunk": 8}, n=2, seed=4)
    a.live(a_world, 40)
    Driver(b_world, Infants(b), ScriptedCaregiver()).run(40)
    assert np.array_equal(a.energy, b.energy)
    for (k, x), (_, y) in zip(a.a.state_dict().items(), b.a.state_dict().items(), strict=True):
        assert torch_equal(x, y), k


def torch_equal(x, y) -> bool:
    return bool((x == y).all())


def test_driver_refuses_cohorts_that_do_not_fill_the_world():
    world = make_batch("playroom-v0", 2, seed=0, n_infants=2)
    world.reset()
    with pytest.raises(ValueError, match="4 slots, but the cohorts hold 3"):
        Driver(world, [Cohort(n=2), Cohort(n=1)])
    with pytest.raises(TypeError, match="caregiver"):
        Driver(world, Cohort(n=4), caregiver=object())
