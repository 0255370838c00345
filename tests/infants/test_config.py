"""Infant configuration: defaults, YAML, and one-line errors naming the key."""

from __future__ import annotations

import pytest

from infancy.infants import Cohort, ConfigError, InfantConfig, available, load_config


def test_defaults_validate_and_round_trip():
    cfg = InfantConfig()
    again = InfantConfig.from_dict(cfg.model_dump(mode="json"))
    assert again == cfg


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"a": {"latnet": 8}}, "a.latnet"),
        ({"b": {"gamma": "high"}}, "b.gamma"),
        ({"chunk": 1}, "chunk"),
        ({"m": {"energy_floor": 2.0}}, "m.energy_floor"),
        ({"memory": {"capacity": -5}}, "memory.capacity"),
        ({"surprise": 1}, "surprise"),
        ({"m": {"drain": {"act": 0.1}}}, "m.drain"),
    ],
)
def test_bad_values_name_the_key(data, key):
    with pytest.raises(ConfigError) as err:
        InfantConfig.from_dict(data)
    msg = str(err.value)
    assert key in msg and "\n" not in msg


def test_unknown_module_lists_known_ones():
    with pytest.raises(ValueError, match=r"m\.name: unknown implementation 'oracle'.*rule"):
        Cohort({"m": {"name": "oracle"}}, n=2)
    assert {"rule", "recipe", "evolvable"} <= set(available("m"))


def test_load_config_from_yaml(tmp_path):
    good = tmp_path / "infant.yaml"
    good.write_text("a:\n  latent: 32\nm:\n  name: recipe\n")
    cfg = load_config(good)
    assert cfg.a.latent == 32 and cfg.m.name == "recipe"
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: not valid YAML"):
        load_config(bad)
    typo = tmp_path / "typo.yaml"
    typo.write_text("b:\n  epoch: 3\n")
    with pytest.raises(ConfigError, match=r"typo.yaml: b.epoch: unknown key"):
        load_config(typo)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_bad_cohort_size():
    with pytest.raises(ValueError, match="n: expected a positive number"):
        Cohort(n=0)


def test_a_config_from_before_a_changed_default_reads_as_it_was_written():
    """Each field of ``BEFORE_THEY_EXISTED`` is one whose default is not the behaviour
    from before it existed: absent, it gets that behaviour (not today's default, which an
    entry equal to it would make pointless); written, it is kept; the rest is untouched.
    B's cues and habituation, whose old checkpoints the loader once filled inline, and the
    memory of rewards are all there."""
    from infancy.infants.config import BEFORE_THEY_EXISTED, as_written_then

    assert {("b", k) for k in ("orient", "follow", "cue_sectors", "habituation")} | {
        ("memory", "reward_half_life")
    } <= BEFORE_THEY_EXISTED.keys()

    today = InfantConfig().model_dump(mode="json")
    for (*parents, key), then in BEFORE_THEY_EXISTED.items():
        node = today
        for name in parents:
            node = node[name]
        assert node[key] != then, (*parents, key)
        written = InfantConfig().model_dump(mode="json")
        part = written
        for name in parents:
            part = part[name]
        del part[key]
        read = InfantConfig.from_dict(as_written_then(written)).model_dump(mode="json")
        got = read
        for name in parents:
            got = got[name]
        assert got[key] == then
        got[key] = node[key]
        assert read == today  # nothing else moved
    kept = as_written_then({"b": {"orient": True}})
    assert kept["b"]["orient"] is True and kept["b"]["follow"] is False
    assert as_written_then({"chunk": 8}) == {"chunk": 8}  # no section, nothing to fill
