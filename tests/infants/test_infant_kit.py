"""The infants' checker kit over every registered System A, B and M, and on toys
registered here: a well-behaved M passes, broken ones fail with a message that says
what is wrong."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from infancy.infants import JepaA, SystemM, available, register_m
from infancy.infants.base import _REGISTRIES
from infancy.infants.testing import check_system_a, check_system_b, check_system_m


@register_m("kit-toy")
class ToyM(SystemM):
    """Observes one chunk in three, acts otherwise; counts its chunks (state)."""

    def __init__(self, config, n):
        super().__init__(config, n)
        self.chunks = np.zeros(n, dtype=np.int64)

    def decide(self, meta, age_months):
        self.chunks += 1
        n = self.n
        return {
            "mode": np.where(self.chunks % 3 == 0, 0, 1).astype(np.int64),
            "gate_a": np.ones(n),
            "gate_b": 1.0,
            "intrinsic_weight": 0.1,
            "store_threshold": 0.5,
            "replay_ratio": 0.5,
            "one_shot": meta["trust"],
        }

    def state_arrays(self):
        return {"chunks": self.chunks}

    def load_state_arrays(self, arrays):
        self.chunks = arrays["chunks"].astype(np.int64)


@pytest.mark.parametrize("name", available("a"))
def test_system_a(name):
    check_system_a(name)


@pytest.mark.parametrize("name", available("b"))
def test_system_b(name):
    check_system_b(name)


@pytest.mark.parametrize("name", available("m"))
def test_system_m(name):
    check_system_m(name)


def test_every_implementation_is_checked_including_one_registered_here():
    assert {"rule", "recipe", "evolvable", "kit-toy"} <= set(available("m"))
    assert "jepa" in available("a") and "ppo" in available("b")


class _WrongShape(ToyM):
    def decide(self, meta, age_months):
        out = super().decide(meta, age_months)
        out["mode"] = np.append(out["mode"], 1)  # one infant too many
        return out


class _Forgetful(ToyM):
    def load_state_arrays(self, arrays):  # the state is not restored
        pass


class _LeakyA(JepaA):
    def learn(self, batch, gate):  # ignores M's gate: every infant learns
        return super().learn(batch, torch.ones_like(gate))


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (_WrongShape, r"m 'kit-broken': decide\(\)\['mode'\]: expected a scalar or shape \(3,\)"),
        (_Forgetful, r"m 'kit-broken': state_arrays do not round-trip"),
    ],
)
def test_the_kit_catches_a_broken_m(monkeypatch, cls, message):
    monkeypatch.setitem(_REGISTRIES["m"], "kit-broken", cls)
    with pytest.raises(AssertionError, match=message):
        check_system_m("kit-broken")


class _RestlessA(JepaA):
    def watch(self, before, x, x_next, action, still, gate):  # learns where nothing is still
        err = super().watch(before, x, x_next, action, torch.ones_like(still), gate)
        return None if err is None else err * still


class _SecretA(JepaA):
    @property
    def watches(self):  # has a local model, but says it has none
        return False


class _EagerA(JepaA):
    @property
    def watches(self):  # says it watches, with its local model off too
        return True


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (_RestlessA, r"a 'kit-broken': watch with no still step: infant 2"),
        (_EagerA, r"a 'kit-broken': watches is True, but watch gave None"),
        (_SecretA, r"a 'kit-broken': watches is False, but watch gave an error"),
        (_LeakyA, r"a 'kit-broken': learn with gate 0: infant 1"),
    ],
)
def test_the_kit_catches_a_broken_a(monkeypatch, cls, message):
    monkeypatch.setitem(_REGISTRIES["a"], "kit-broken", cls)
    with pytest.raises(AssertionError, match=message):
        check_system_a("kit-broken")
