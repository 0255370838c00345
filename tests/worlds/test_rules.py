"""Rules files: the shipped ones load; a malformed one names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infancy.worlds import RulesError, load_rules, make


def test_shipped_rules_describe_the_toys_bodies_and_caregiver():
    rules = load_rules()
    assert {"ball", "rattle", "cup", "box", "screen", "tv"} <= set(rules.kind_names)
    assert rules.toys.kinds["screen"].occluder and rules.toys.kinds["cup"].container
    assert rules.toys.kinds["tv"].noisy
    assert {"newborn", "reacher", "crawler", "walker"} <= set(rules.body.profiles)
    assert "screen" not in rules.vocabulary and "ball" in rules.vocabulary


def _write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    "name, mutate, key",
    [
        ("toys", lambda d: d["kinds"]["ball"].update(colour="teal"), "kinds.ball.colour"),
        ("toys", lambda d: d["kinds"]["ball"].update(bounces=True), "kinds.ball.bounces"),
        ("toys", lambda d: d["colours"].update(red=[300, 0, 0]), "colours.red"),
        (
            "body",
            lambda d: d["profiles"]["walker"].update(locomotion="run"),
            "profiles.walker.locomotion",
        ),
        ("body", lambda d: d.update(view_size=6), "view_size"),
        ("body", lambda d: d["profiles"]["newborn"].pop("reach"), "profiles.newborn.reach"),
        ("body", lambda d: d["move_success"].update(crawl=2.0), "move_success.crawl"),
        ("caregiver", lambda d: d.update(reliability="often"), "reliability"),
        ("caregiver", lambda d: d.pop("arm_reach"), "arm_reach"),
    ],
)
def test_malformed_rules_name_file_and_key(tmp_path, name, mutate, key):
    shipped = load_rules()
    data = {
        "toys": shipped.toys.model_dump(),
        "body": shipped.body.model_dump(),
        "caregiver": shipped.caregiver.model_dump(),
    }[name]
    data = yaml.safe_load(yaml.safe_dump(_plain(data)))
    mutate(data)
    path = _write(tmp_path, name, data)
    with pytest.raises(RulesError) as err:
        load_rules(tmp_path)
    message = str(err.value)
    assert str(path) in message and key in message
    assert "\n" not in message


def test_invalid_yaml_and_missing_folder(tmp_path):
    path = _write(tmp_path, "toys", "kinds: [unclosed\n")
    with pytest.raises(RulesError, match=f"{path}: not valid YAML at line"):
        load_rules(tmp_path)
    with pytest.raises(RulesError, match="not a folder"):
        load_rules(tmp_path / "missing")


def test_custom_rules_change_the_world(tmp_path):
    data = _plain(load_rules().caregiver.model_dump())
    data["reliability"] = 0.0
    _write(tmp_path, "caregiver", data)
    rules = load_rules(tmp_path)
    env = make("naming-v0", rules=rules)
    assert env.scenario.habits.reliability == 0.0


def _plain(obj):
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj
