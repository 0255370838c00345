"""System M's meta-signals: one registered record per signal, constants from config,
the same numbers as the running averages they replace; M's per-implementation config
blocks and the evolvable genome."""

from __future__ import annotations

import numpy as np
import pytest

from infancy.infants import (
    META_STATES,
    Cohort,
    ConfigError,
    EvolvableM,
    InfantConfig,
    MConfig,
)
from infancy.infants.signals import SIGNALS, Chunk, MetaSignals, check_registry, register_signal
from infancy.worlds import make_batch
from infancy.worlds.core.codes import S_RESTRAINED


def test_the_registry_is_the_record_of_what_m_reads():
    check_registry()
    assert tuple(k for k, s in SIGNALS.items() if s.meta_state) == META_STATES
    assert list(SIGNALS) == [*META_STATES, "memories"]
    assert all(s.description and s.reads for s in SIGNALS.values())
    with pytest.raises(ValueError, match="'trust' is registered already"):
        register_signal("trust")(type("Again", (), {}))


def _chunk(rng, n=4, t=6):
    senses = np.zeros((n, t, S_RESTRAINED + 1), dtype=np.uint8)
    senses[:, :, S_RESTRAINED] = rng.integers(0, 2, (n, t))
    return Chunk(
        a={
            "prediction_error": rng.uniform(0, 2, n).astype(np.float32),
            "uncertainty": rng.uniform(0, 1, n).astype(np.float32),
            "novelty": rng.uniform(0, 2, n).astype(np.float32),
            # (the last infant had no still step: the cohort gives NaN)
            "noise": np.append(rng.uniform(0, 8, n - 1), np.nan),
        },
        gate_a=np.array([1.0, 0.0, 0.5, 1.0])[:n],
        mode=np.array([1, 1, 0, 3])[:n],
        reward=(rng.random((n, t)) < 0.2).astype(np.float32),
        senses=senses,
        social=rng.random((n, t)),
        right=rng.integers(0, 3, n).astype(np.float64),
        wrong=rng.integers(0, 2, n).astype(np.float64),
        energy=rng.uniform(0, 1, n),
        memories=rng.integers(0, 100, n),
    )


def _by_hand(s, c):
    """The meta-states as the cohort computed them inline before signals.py."""
    learned, acted = c.gate_a > 0, c.mode == 1
    pe = c.a["prediction_error"]
    s["pe_fast"] = np.where(learned, 0.5 * s["pe_fast"] + 0.5 * pe, s["pe_fast"])
    s["pe_slow"] = np.where(learned, 0.9 * s["pe_slow"] + 0.1 * pe, s["pe_slow"])
    ret = c.reward.sum(1)
    s["ret_fast"] = np.where(acted, 0.5 * s["ret_fast"] + 0.5 * ret, s["ret_fast"])
    s["ret_slow"] = np.where(acted, 0.9 * s["ret_slow"] + 0.1 * ret, s["ret_slow"])
    restrained = (c.senses[:, :, S_RESTRAINED] > 0).mean(1)
    s["stress"] = 0.8 * s["stress"] + 0.2 * np.maximum(restrained, acted * (ret <= 0))
    s["trust_right"] += c.right
    s["trust_wrong"] += c.wrong
    trust = (4.0 + s["trust_right"]) / (5.0 + s["trust_right"] + s["trust_wrong"])
    return {
        **{k: np.asarray(v, dtype=np.float64) for k, v in c.a.items()},
        "noise": np.nan_to_num(c.a["noise"], nan=0.0),  # new in session 35
        "lp_a": s["pe_slow"] - s["pe_fast"],
        "lp_b": s["ret_fast"] - s["ret_slow"],
        "energy": c.energy.copy(),
        "stress": s["stress"].copy(),
        "social": c.social.mean(1),
        "trust": trust,
        "memories": c.memories.astype(np.float64),
    }


def test_default_signals_give_the_numbers_of_the_inline_code(rng):
    bank = MetaSignals(InfantConfig().signals, 4)
    state = {k: v.copy() for k, v in bank.state.items()}
    for _ in range(5):
        chunk = _chunk(rng)
        got, want = bank.update(chunk), _by_hand(state, chunk)
        assert got.keys() == want.keys()
        for k in want:
            assert got[k].dtype == np.float64 and np.array_equal(got[k], want[k]), k


def test_the_noise_can_be_the_typical_still_steps_error(rng):
    """``signals.noise.summary: median``: the error of the typical still step, which
    tells a source that changes unforetold on every step (a screen) from one that
    surprises now and then (a caregiver's look): both have a mean of 1 here. The
    default, ``mean``, reads the cohort's mean as it is; an infant with no still step
    reads 0 either way, and a chunk with no steps given (at birth) reads the mean."""
    from infancy.infants.config import InfantConfig

    nan = np.nan
    steps = np.array(
        [
            [1.0, 1.0, 1.0, 1.0, nan, nan],  # steady
            [4.0, 0.0, 0.0, 0.0, nan, nan],  # a burst
            [nan] * 6,  # no still step
        ]
    )
    chunk = _chunk(rng, n=3)
    chunk.a.update(noise=np.array([1.0, 1.0, nan]), noise_steps=steps)
    median = InfantConfig.from_dict({"signals": {"noise": {"summary": "median"}}}).signals
    assert MetaSignals(median, 3).read(chunk)["noise"] == pytest.approx([1.0, 0.0, 0.0])
    mean = MetaSignals(InfantConfig().signals, 3).read(chunk)["noise"]
    assert mean == pytest.approx([1.0, 1.0, 0.0])
    del chunk.a["noise_steps"]
    assert MetaSignals(median, 3).read(chunk)["noise"] == pytest.approx([1.0, 1.0, 0.0])


def test_signal_constants_are_config():
    cfg = InfantConfig.from_dict({"signals": {"trust": {"prior": [1.0, 1.0]}, "lp_a": {"slow": 1}}})
    bank = MetaSignals(cfg.signals, 4)
    rng = np.random.default_rng(0)
    birth = bank.at_birth(np.ones(4), np.zeros(4))
    assert np.all(birth["trust"] == 0.5)  # Beta(1, 1)
    chunk = _chunk(rng)
    out = bank.update(chunk)
    learned = chunk.gate_a > 0
    pe = chunk.a["prediction_error"].astype(np.float64)
    assert np.allclose(out["lp_a"][learned], 0.5 * (pe[learned] - 1))  # slow: the latest
    with pytest.raises(ConfigError, match=r"signals\.stress\.rate"):
        InfantConfig.from_dict({"signals": {"stress": {"rate": 2.0}}})


@pytest.mark.parametrize(
    ("key", "place"),
    [
        ("sleep_below", "m.rule.sleep_below"),
        ("imagine_every", "m.rule.imagine_every"),
        ("recipe_observe_chunks", "m.recipe.observe_chunks"),
        ("trust_prior", "signals.trust.prior"),
    ],
)
def test_old_flat_m_keys_name_their_new_place(key, place):
    with pytest.raises(ConfigError) as err:
        InfantConfig.from_dict({"m": {key: 1}})
    assert str(err.value) == f"config: m: {key}: moved to {place}"


def test_each_m_reads_its_own_block():
    cfg = InfantConfig.from_dict({"m": {"name": "recipe", "recipe": {"observe_chunks": 2}}})
    cohort = Cohort(cfg, n=2, seed=0)
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 3 * cfg.chunk)
    modes = cohort.m.audit.frame()["mode"].astype(str).tolist()
    assert modes == ["observe"] * 4 + ["act"] * 4  # two chunks observing, then acting


def test_evolvable_genome_per_infant_from_config_and_checkpoint(tmp_path):
    p = EvolvableM(MConfig(), 1).n_params
    sleepy = np.zeros(p)
    sleepy.reshape(len(EvolvableM.inputs), len(EvolvableM.outputs))[
        EvolvableM.inputs.index("bias"), EvolvableM.outputs.index("sleep")
    ] = 5.0
    genome = [EvolvableM.default_phi().tolist(), sleepy.tolist()]
    cfg = {"m": {"name": "evolvable", "evolvable": {"genome": genome}}, "chunk": 8}
    cohort = Cohort(cfg, n=2, seed=0)
    assert cohort.m.m.phi.shape == (2, p)
    assert np.array_equal(cohort.m.m.phi, np.array(genome))
    assert cohort.mode.tolist() == [1, 3]  # infant 0 acts (rested), infant 1 sleeps
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 12)
    cohort.m.m.set_params(sleepy)  # [P]: every infant
    assert np.array_equal(cohort.m.m.phi, np.stack([sleepy, sleepy]))
    cohort.save(tmp_path)
    restored = Cohort.load(tmp_path)
    assert np.array_equal(restored.m.m.phi, cohort.m.m.phi)
    one = Cohort({"m": {"name": "evolvable", "evolvable": {"genome": sleepy.tolist()}}}, n=3)
    assert np.array_equal(one.m.m.phi, np.stack([sleepy] * 3))
    with pytest.raises(ValueError, match=r"m.evolvable.genome: expected \d+ numbers or 3 rows"):
        Cohort({"m": {"name": "evolvable", "evolvable": {"genome": [[0.0] * p] * 2}}}, n=3)
    m = EvolvableM(MConfig(), 2)
    with pytest.raises(ValueError, match="phi: expected"):
        m.set_params(np.zeros((3, p)))
    m.load_state_arrays({"phi": sleepy})  # a checkpoint from before per-infant genomes
    assert m.phi.shape == (2, p)
