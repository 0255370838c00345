"""The example run shipped with the package: small, complete, opened in one call, and
what the project's code makes now (regenerate: python experiments/example_run.py)."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from infancy.analysis import example_run, load_run
from infancy.analysis.runs import EXAMPLE_TABLES
from infancy.curricula.runner import check
from infancy.store import RunStore

REGENERATE = "out of date: regenerate it with  python experiments/example_run.py"


def test_example_run_is_a_small_complete_run(scripts):
    path = example_run()
    script = scripts.load("example_run.py")
    files = sorted(p.name for p in path.iterdir())
    assert files == sorted(["config.yaml", "run.json", *(f"{t}.parquet" for t in EXAMPLE_TABLES)])
    assert sum(p.stat().st_size for p in path.iterdir()) < 800_000  # a few hundred kB
    status = json.loads((path / "run.json").read_text())
    assert status["status"] == "finished" and status["n"] == script.N
    assert status["curriculum"] == script.PRESET and status["age_months"] == 24.0
    assert "created" not in status and "commit" not in status["environment"]
    store = RunStore.open(path)
    probes = store.table("probes")
    assert probes["infant"].nunique() == script.N
    assert sorted(probes["age_months"].unique()) == list(range(1, 25))  # monthly batteries
    data = load_run(path)
    assert set(data["measure"]) >= {"probe:reaching", "share_act", "trust"}
    assert data["value"].notna().all()


def test_the_shipped_example_is_what_the_code_makes_now():
    """The first month lived again from its config.yaml gives the same tables, on a
    processor of the maker and torch CPU capability the example was made on (its
    run.json records them). On another, torch's kernels take other code paths and the
    floats differ (tests/curricula/test_golden.py); there the first month lived twice
    must agree."""
    from infancy.store import processor_kind

    env = json.loads((example_run() / "run.json").read_text())["environment"]
    result = check(example_run(), months=1.0)
    if processor_kind(env["cpu"], env["torch_cpu_capability"]) == processor_kind():
        assert result.reproduces, f"{REGENERATE}\n" + "\n".join(result.lines())
        assert result.tables == 3 and result.rows > 0
    else:
        # The check stops at the first table that differs, so it counts only the tables
        # before it (on an AVX-512 processor, against the example's AVX2: about 2).
        again = check(example_run(), months=1.0)
        assert again.lines() == result.lines(), "the first month differs between two lives"


def test_differences_name_the_table_that_changed(tmp_path, scripts):
    script = scripts.load("example_run.py")
    copy = tmp_path / "example_run"
    shutil.copytree(example_run(), copy)
    assert script.differences(copy, example_run()) == []
    lexicon = pd.read_parquet(copy / "lexicon.parquet")
    lexicon.loc[0, "strength"] += 1.0
    lexicon.to_parquet(copy / "lexicon.parquet", index=False)
    diff = script.differences(copy, example_run())
    assert len(diff) == 1 and diff[0].startswith("lexicon:")


def test_figure_gallery_draws_every_figure_of_the_example(tmp_path, scripts):
    res = scripts.run("figure_gallery.py", "--out", tmp_path, "--contexts", "paper")
    assert res.returncode == 0, res.stderr[-2000:]
    sizes = json.loads(res.stdout.strip().splitlines()[-1])["inches"]
    names = {p.stem for p in (tmp_path / "paper").glob("*.png")}
    assert names == {k.split("/")[1] for k in sizes} and len(names) == 8
    bad = scripts.run("figure_gallery.py", "--out", tmp_path, "--contexts", "slides")
    assert bad.returncode == 2 and "--contexts" in bad.stderr
