from __future__ import annotations

import pytest
import torch

# A whole lifetime of two infants with a two-probe battery: seconds, not minutes.
SMALL = {
    "n": 2,
    "curriculum": {
        "preset": "tiny",
        "probes": {"names": ["reaching", "word_comprehension"], "trials": 2},
    },
    "checkpoint_every_months": 2.0,
}


@pytest.fixture(scope="session")
def small() -> dict:
    """A small run configuration (read only: copy before changing it)."""
    return SMALL


@pytest.fixture(scope="session")
def finished_small(tmp_path_factory, small):
    """The small run lived once, uninterrupted, for every module that only reads it
    (``run --check``, the runner, run safety): ``(store, plan)`` of a run named
    ``whole``. Read only: copy it before changing it."""
    from infancy.curricula.runner import execute, plan, start

    the_plan = plan(small)
    store = start(the_plan, tmp_path_factory.mktemp("whole") / "whole")
    execute(store, the_plan)
    return store, the_plan


@pytest.fixture(autouse=True)
def _two_threads():
    # Runs are compared with runs (in this process and in subprocesses): same threads.
    torch.set_num_threads(2)
    yield


@pytest.fixture(scope="session")
def as_before_a_field():
    """``as_before_a_field(run)``: see :func:`_as_before_a_field`."""
    return _as_before_a_field


def _as_before_a_field(run, drop: str = "habit_scale") -> None:
    """Rewrite the run at ``run`` as code from before the field ``drop`` existed wrote
    it: ``config.yaml``, every checkpoint's ``config.json`` and the fingerprints in
    ``run.json`` and the checkpoints' ``meta.json`` without it. ``drop`` is a stage
    field, the dotted path of a curriculum key (``curriculum.worlds.a-not-b-v0``), or
    that of an infant field (``infant.memory.reward_half_life``), which the checkpoints'
    cohorts (``cohort/infant.json``) lose as well."""
    import json

    import yaml

    from infancy.store import fingerprint

    infant = drop.split(".")[1:] if drop.startswith("infant.") else None
    curriculum = drop.split(".")[1:] if drop.startswith("curriculum.") else None

    def pop(node: dict, path: list[str]) -> None:
        for name in path[:-1]:
            node = node[name]
        node.pop(path[-1])

    def without(config: dict) -> dict:
        if infant:
            pop(config["infant"], infant)
        elif curriculum:
            pop(config["curriculum"], curriculum)
        else:
            for stage in config["curriculum"]["stages"]:
                stage.pop(drop)
        return config

    if infant:
        for cohort in sorted((run / "checkpoints").glob("ckpt-*/cohort/infant.json")):
            meta = json.loads(cohort.read_text())
            pop(meta["config"], infant)
            cohort.write_text(json.dumps(meta))

    config = without(yaml.safe_load((run / "config.yaml").read_text()))
    (run / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    status = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**status, "config_sha256": fingerprint(config)}))
    for folder in sorted((run / "checkpoints").glob("ckpt-*")):
        then = without(json.loads((folder / "config.json").read_text()))
        (folder / "config.json").write_text(json.dumps(then, indent=1))
        meta = json.loads((folder / "meta.json").read_text())
        (folder / "meta.json").write_text(json.dumps({**meta, "config_sha256": fingerprint(then)}))
