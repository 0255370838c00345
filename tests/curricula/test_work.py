"""A lifetime's record (curricula/work.py): resolved with every key, run again as it
stands, and compared with a spec as this code resolves it."""

from __future__ import annotations

import json

import pytest
import yaml

from infancy.curricula.stages import PRESETS, CurriculumError, load_curriculum
from infancy.curricula.work import from_record, recorded_change, resolved_spec

SPEC = {"curriculum": {"preset": "tiny"}, "seed": 3, "label": "c__s3", "tables": ["probes"]}


def test_a_record_is_the_same_lifetime_read_back():
    record = resolved_spec(SPEC)
    assert record["seed"] == 3 and record["label"] == "c__s3" and record["tables"] == ["probes"]
    assert json.loads(json.dumps(record)) == record  # plain data
    assert resolved_spec(from_record(record)) == record
    assert recorded_change(record, SPEC) is None
    other = {**SPEC, "curriculum": {"preset": "tiny", "caregiver": {"reliability": 0.5}}}
    assert recorded_change(record, other) == "curriculum.caregiver.reliability (absent -> 0.5)"


def test_a_record_gets_no_default_it_lacks(tmp_path):
    # A record is complete: planned again, no preset's defaults are merged under it. A
    # curriculum file with no worlds is recorded with none, and keeps none (merged onto
    # the default file, it would take the default's world parameters).
    data = yaml.safe_load((PRESETS / "default.yaml").read_text())
    del data["defaults"]["worlds"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    spec = {**SPEC, "curriculum": {"file": str(tmp_path / "plain.yaml"), "preset": "tiny"}}
    record = resolved_spec(spec)
    assert record["curriculum"]["worlds"] == {}
    # (read as written then, a hiding world lived with its defaults is written out with
    # the kept share it had before kept trials, 0, the world's own default)
    assert resolved_spec(from_record(record))["curriculum"]["worlds"] == {
        "a-not-b-v0": {"kept": 0.0}
    }
    assert recorded_change(record, spec) is None
    # A record without a world today's default sets (as one made before that default)
    # runs without it, and is told apart from today's lifetime.
    old = json.loads(json.dumps(resolved_spec(SPEC)))
    del old["curriculum"]["worlds"]["reach-v0"]
    assert "reach-v0" not in resolved_spec(from_record(old))["curriculum"]["worlds"]
    assert recorded_change(old, SPEC).startswith("curriculum.worlds.reach-v0 (absent -> ")


def test_a_resolved_curriculum_takes_no_overlay_and_a_bad_record_is_said():
    with pytest.raises(CurriculumError, match="a resolved curriculum takes no overlay"):
        load_curriculum("resolved", overlays=("tiny",))
    bad = {"curriculum": {"file": "resolved", "colour": 1}, "label": "x__s0"}
    assert recorded_change(bad, SPEC).startswith("the record no longer plans (")
