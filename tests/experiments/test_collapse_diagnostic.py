"""The collapse diagnostic at a tiny size: its table, its JSON line, a variant that
changes only what it names, and its one-line errors."""

from __future__ import annotations

import json

import pytest

from infancy.infants import Cohort
from infancy.worlds import make_batch


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    cohort = Cohort({"chunk": 16}, n=2, seed=0)
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 48)  # it has learned: its parameters are not a new cohort's
    path = tmp_path_factory.mktemp("ckpt") / "cohort"
    cohort.save(path)
    return path


def test_the_script_prints_its_table_and_a_json_line_at_a_tiny_size(scripts, saved):
    res = scripts.run(
        "collapse_diagnostic.py",
        saved,
        *("--steps", 32, "--play", 64),
        *("--variant", "as-is=", "--variant", "floor=b: {entropy_floor: 1.0}"),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert list(line["results"]) == ["before", "as-is", "floor"]
    assert line["variants"]["floor"] == {"b": {"entropy_floor": 1.0}}
    for got in line["results"].values():
        assert len(got["top_share"]) == len(got["reward"]) == 2
        # A share of the search phase's steps (0 where an infant never reached it).
        assert all(0.0 <= v <= 1.0 for v in got["top_share"])
        assert all(v >= 0.0 for v in got["reward"])
    assert "| before (frozen) |" in res.stdout and "| floor +32 |" in res.stdout


def test_a_variant_changes_the_config_it_names_and_keeps_what_was_learned(scripts, saved):
    diagnostic = scripts.load("collapse_diagnostic.py")
    from infancy.infants.checkpoint import load

    cohort = load(saved)
    twin = diagnostic.variant_of(cohort, {"b": {"entropy_floor": 0.5}})
    assert twin.config.b.entropy_floor == 0.5
    assert twin.config.model_copy(update={"b": cohort.config.b}) == cohort.config
    for p, q in zip(cohort.b.parameters(), twin.b.parameters(), strict=True):
        assert (p == q).all()
    new = Cohort({"chunk": 16}, n=2, seed=0)
    pairs = zip(new.b.parameters(), twin.b.parameters(), strict=True)
    assert any((p != q).any() for p, q in pairs)
    assert twin.steps == cohort.steps == 48


def test_bad_input_gets_one_line_and_a_non_zero_exit(scripts, saved, tmp_path):
    bad = scripts.run("collapse_diagnostic.py", saved, "--variant", "x=b: {nope: 1}")
    assert bad.returncode != 0 and "--variant x:" in bad.stderr and "nope" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    empty = scripts.run("collapse_diagnostic.py", tmp_path)
    assert empty.returncode != 0 and "RUN:" in empty.stderr
    steps = scripts.run("collapse_diagnostic.py", saved, "--steps", 0)
    assert steps.returncode == 2
    assert steps.stderr.strip() == "--steps: expected a positive number, got 0"
    garbled = scripts.run("collapse_diagnostic.py", saved, "--variant", "x=b: {")
    assert garbled.returncode == 2 and len(garbled.stderr.strip().splitlines()) == 1
    held = scripts.run("collapse_diagnostic.py", saved, "--variant", "c=memory: {credit_steps: 8}")
    assert held.returncode != 0 and "changes what the checkpoint holds" in held.stderr
    assert len(held.stderr.strip().splitlines()) == 1
