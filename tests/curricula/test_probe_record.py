"""One record per probe: complete, tied to the child data, and the only list of probes."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pandas as pd
import pytest

from infancy.analysis import compare, reference
from infancy.curricula import stages
from infancy.curricula.probe_records import PROBE_ROOM, PROBES, Probe, label

ROOT = Path(__file__).resolve().parents[2]
TEXT_FIELDS = ("name", "label", "short", "construct", "paradigm", "measure", "pass_rule")


def _reference_row(c) -> pd.Series:
    """The row of the shipped reference data that a child counterpart names."""
    if c.table == "findings":
        df = reference.findings().set_index("finding")
    elif c.table == "cdc":
        df = reference.cdc_milestones().set_index("item")
    else:
        assert c.table == "who", c.table
        df = reference.who_motor_windows().set_index("milestone")
    assert c.key in df.index, (c.table, c.key)
    return df.loc[[c.key]].iloc[0]  # the first row with the key, as compare reads it


@pytest.mark.parametrize("name", list(PROBES))
def test_every_field_of_the_record_is_filled(name):
    p = PROBES[name]
    assert isinstance(p, Probe) and p.name == name
    for field in (*TEXT_FIELDS, "shortcut"):
        assert isinstance(getattr(p, field), str) and len(getattr(p, field)) > 1, field
    assert 0.0 <= p.chance <= 1.0
    assert set(p.needs) <= {"reach", "locomotion"}
    assert p.world == PROBE_ROOM
    assert label(name) == p.label


@pytest.mark.parametrize("name", list(PROBES))
def test_the_child_counterpart_is_a_row_of_the_shipped_data_with_its_source(name):
    c = PROBES[name].child
    row = _reference_row(c)
    age = {"findings": f"age_months_{c.which}", "cdc": "age_months", "who": f"{c.which}_months"}
    assert pd.notna(row[age[c.table]]), (c.table, c.key, c.which)
    assert len(c.source) > 3 and c.source in row["source"]  # the record cites the row's source


@pytest.mark.parametrize("name", [n for n, p in PROBES.items() if p.growth is not None])
def test_a_child_growth_rate_is_a_findings_row_whose_value_is_a_rate(name):
    from infancy.analysis.compare import child_growth

    c = PROBES[name].growth
    assert c.table == "findings" and c.which == "value"
    row = _reference_row(c)
    assert c.source in row["source"]
    growth = child_growth(name)
    assert growth["rate"] > 0 and "/month" in growth["unit"], growth
    assert growth["value"] == row["value"]


def test_probes_without_a_published_rate_have_no_child_growth():
    from infancy.analysis.compare import child_growth

    assert PROBES["a_not_b"].growth is not None  # Diamond 1985: ~2 s/month
    without = [n for n, p in PROBES.items() if p.growth is None]
    assert without and all(child_growth(n) is None for n in without)
    with pytest.raises(ValueError, match="probe: expected one of"):
        child_growth("not_a_probe")


@pytest.mark.parametrize("name", list(PROBES))
def test_the_runner_is_the_probe_room_battery_function(name):
    from infancy.curricula.probes import ProbeRoom

    run = PROBES[name].run
    assert callable(run) and run.__name__ == name
    assert {"policy", "bodies", "trials", "seed"} <= set(inspect.signature(run).parameters)
    assert ProbeRoom.id == PROBES[name].world


def test_probe_names_are_unique_and_short_labels_too():
    assert len({p.short for p in PROBES.values()}) == len(PROBES)
    assert len({p.label for p in PROBES.values()}) == len(PROBES)
    assert label("not_a_probe") == "not a probe"


def test_stages_compare_and_the_cli_derive_their_probes_from_the_record():
    from infancy.cli import _probe_summary

    assert stages.PROBE_NAMES == tuple(PROBES)
    assert list(compare.child_milestones()["milestone"].sort_values()) == sorted(PROBES)
    latest = pd.DataFrame(
        {"probe": ["object_permanence", "object_permanence"], "passed": [True, False]}
    )
    assert _probe_summary(latest) == f"passed: {PROBES['object_permanence'].short} 1/2"


def _probe_collections(path: Path) -> list[tuple[int, list[str]]]:
    """Literal lists, tuples, sets and dict keys in ``path`` that name two probes or more."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict) or items is None:
            continue
        names = [k.value for k in items if isinstance(k, ast.Constant) and k.value in PROBES]
        if len(names) >= 2:
            found.append((node.lineno, names))
    return found


@pytest.mark.parametrize(
    "module",
    [
        "curricula/stages.py",
        "curricula/probes.py",
        "analysis/compare.py",
        "analysis/report.py",
        "analysis/figures.py",
        "app/cli.py",
    ],
)
def test_no_layer_keeps_a_probe_list_of_its_own(module):
    assert _probe_collections(ROOT / module) == []


def test_no_module_but_the_records_lists_every_probe():
    """Shortcut policies may name the probes they aim at; a full list is the record's."""
    records = ROOT / "curricula" / "probe_records.py"
    for folder in ("app", "analysis", "curricula", "infants", "worlds"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != records:
                full = [n for _, n in _probe_collections(path) if set(n) == set(PROBES)]
                assert full == [], path
