"""Bad input: unknown ids, bad parameters and invalid actions give clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.worlds import make, make_aec, make_batch, make_gym, register
from infancy.worlds.scenarios.playroom import Playroom


def test_unknown_world_names_the_known_ones():
    with pytest.raises(
        ValueError, match=r"unknown world 'nursery-v0'; known worlds: \[.*playroom-v0"
    ):
        make("nursery-v0")


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"n_toys": 0}, "parameter 'n_toys'"),
        ({"toys": 3}, "unknown parameter 'toys'; known parameters"),
        ({"max_cycles": "long"}, "parameter 'max_cycles'"),
        ({"abilities": "toddler"}, "abilities: unknown profile 'toddler'"),
        ({"abilities": {"locomotion": "fly"}}, "abilities.locomotion"),
        ({"caregiver": {"reliability": 1.5}}, "caregiver.reliability"),
        ({"caregiver": {"patience": 1}}, "caregiver.patience"),
        ({"n_infants": 9}, "parameter 'n_infants'"),
    ],
)
def test_bad_parameters_are_named(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        make("playroom-v0", **kwargs)


def test_scenario_specific_combinations_are_checked():
    with pytest.raises(ValueError, match="'distance' 2 needs locomotion"):
        make("reach-v0", distance=2)
    make("reach-v0", distance=2, abilities="crawler")
    with pytest.raises(ValueError, match="must include reach"):
        make("a-not-b-v0", abilities="newborn")
    with pytest.raises(ValueError, match="render_mode"):
        make("playroom-v0", render_mode="ascii")
    with pytest.raises(ValueError, match="n_infants"):
        make_gym("playroom-v0", n_infants=2)
    with pytest.raises(ValueError, match="batch_size"):
        make_batch("playroom-v0", 0)


@pytest.mark.parametrize("action", [8, -1, 2.5, "reach", [1, 2]])
def test_invalid_infant_action_names_agent_and_action(action):
    env = make("playroom-v0")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"invalid action for 'infant_0': .*"):
        env.step({"infant_0": action})


def test_invalid_caregiver_action_and_agent_errors():
    env = make("playroom-v0")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="invalid action for 'caregiver'"):
        env.step({"infant_0": 0, "caregiver": np.array([9, 0, 0, 0, 0, 0, 0])})
    with pytest.raises(ValueError, match="unknown agent 'infant_7'"):
        env.step({"infant_0": 0, "infant_7": 0})
    with pytest.raises(ValueError, match="missing action for live agent 'infant_0'"):
        env.step({})


def test_gym_and_aec_reject_invalid_actions():
    env = make_gym("reach-v0")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="invalid action for 'infant_0'"):
        env.step(11)
    aec = make_aec("playroom-v0")
    aec.reset(seed=0)
    with pytest.raises(ValueError, match="invalid action for 'infant_0'"):
        aec.step(42)
        aec.step(np.array([0, 0, 0, 0, 0, 0, 0]))


def test_batch_rejects_out_of_range_actions():
    batch = make_batch("playroom-v0", 4, seed=0)
    with pytest.raises(RuntimeError, match="reset"):
        batch.step(np.zeros((4, 1), dtype=np.int64))
    batch.reset()
    with pytest.raises(ValueError, match="infant action"):
        batch.step(np.full((4, 1), 8))
    with pytest.raises(ValueError, match="caregiver action: gaze"):
        batch.step(np.zeros((4, 1), dtype=np.int64), np.array([0, 10**6, 0, 0, 0, 0, 0]))


def test_register_refuses_bad_or_taken_ids():
    class Bad(Playroom):
        id = "nursery"

    with pytest.raises(ValueError, match="id: expected 'name-v<N>'"):
        register(Bad)

    class Clash(Playroom):
        id = "playroom-v0"

    with pytest.raises(ValueError, match="already registered"):
        register(Clash)


def test_gym_step_after_the_episode_ended_is_refused():
    env = make_gym("playroom-v0", max_cycles=2)
    env.reset(seed=0)
    over = False
    for _ in range(2):
        _, _, terminated, truncated, _ = env.step(0)
        over = terminated or truncated
        if over:
            break
    assert over
    with pytest.raises(RuntimeError, match=r"call reset\(\)") as err:
        env.step(0)
    assert len(str(err.value).splitlines()) == 1
    env.reset(seed=1)
    env.step(0)  # a new episode steps again
