"""A lifetime as a unit of work, and the executors that run many."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from infancy.curricula.executors import ProcessExecutor, RayExecutor, SerialExecutor, executor
from infancy.curricula.work import LifetimeSpec, run_lifetime
from infancy.infants.base import MODES, OBSERVE, SystemM

# A lifetime of a few seconds: the tiny clock, 2 months, two infants, two probes.
TINY = {
    "n": 2,
    "curriculum": {
        "preset": "tiny",
        "clock": {"end_months": 2.0},
        "probes": {"names": ["reaching", "word_comprehension"]},
    },
    "tables": ["probes", "lexicon", "audit"],
}


class ShyM(SystemM):
    """A System M that only ever proposes to observe (defined here, in a test module,
    and named by import path: a worker process must import it to rebuild it)."""

    def decide(self, meta, age_months):
        n = self.n
        return {
            "mode": np.full(n, OBSERVE, dtype=np.int64),
            "gate_a": np.ones(n),
            "gate_b": np.zeros(n),
            "intrinsic_weight": np.zeros(n),
            "store_threshold": np.full(n, 0.5),
            "replay_ratio": np.zeros(n),
            "one_shot": np.ones(n),
        }


def _same(a, b) -> None:
    assert a.ok and b.ok, (a.error, b.error)
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)


def test_a_spec_is_plain_data_and_names_its_problems():
    spec = LifetimeSpec.model_validate({**TINY, "seed": 3, "genome": [0.0] * 4})
    again = LifetimeSpec.model_validate(json.loads(json.dumps(spec.model_dump(mode="json"))))
    assert again == spec
    # The genome goes into the infant config, for an evolvable M by default.
    assert again.run_config()["infant"]["m"] == {
        "name": "evolvable",
        "evolvable": {"genome": [0.0] * 4},
    }
    with pytest.raises(ValueError, match="unknown table 'brains'"):
        LifetimeSpec.model_validate({"tables": ["brains"]})
    with pytest.raises(ValueError, match="infants_per_world"):
        LifetimeSpec.model_validate({"n": 3, "infants_per_world": 2})


def test_a_failed_lifetime_is_reported_with_its_spec_not_raised():
    bad = {**TINY, "infant": {"m": {"name": "nowhere.module:M"}}}
    res = run_lifetime(bad)
    assert not res.ok and "cannot import 'nowhere.module:M'" in res.error
    assert res.spec["infant"] == bad["infant"] and res.tables == {}


def test_same_spec_same_tables_on_every_executor():
    specs = [{**TINY, "seed": s} for s in (0, 1)]
    serial = SerialExecutor().map(specs)
    assert [r.ok for r in serial] == [True, True]
    assert not serial[0].tables["probes"].equals(serial[1].tables["probes"])  # seeds differ
    with executor("process", workers=2) as pool:
        seen = []
        process = pool.map(specs, progress=lambda i, r: seen.append(i))
    assert sorted(seen) == [0, 1]
    for a, b in zip(serial, process, strict=True):
        _same(a, b)
    with RayExecutor(workers=2) as ray_pool:
        ray = ray_pool.map(specs)
    for a, b in zip(serial, ray, strict=True):
        _same(a, b)


def test_a_system_m_named_by_import_path_runs_in_a_worker_and_a_failure_stays_alone():
    shy = {**TINY, "infant": {"m": {"name": f"{__name__}:ShyM"}}}
    broken = {**TINY, "infant": {"m": {"name": f"{__name__}:Missing"}}}
    results = ProcessExecutor(workers=2).map([shy, broken, TINY])
    assert results[0].ok, results[0].error
    proposed = results[0].tables["audit"]["proposed_mode"]
    assert (proposed == MODES[OBSERVE]).all()  # ShyM decided, inside the worker
    assert not results[1].ok and "Missing" in results[1].error
    assert results[2].ok and (results[2].tables["audit"]["proposed_mode"] != "observe").any()


def test_executor_names():
    assert isinstance(executor("serial"), SerialExecutor)
    assert isinstance(executor(), ProcessExecutor)
    with pytest.raises(ValueError, match="unknown 'gpu'; known: serial, process, ray"):
        executor("gpu")


def test_a_genome_per_infant_reaches_system_m():
    from infancy.infants.system_m import EvolvableM

    phi = EvolvableM.default_phi()
    spec = {
        "n": 2,
        "curriculum": {"preset": "tiny", "clock": {"end_months": 0.5}},
        "tables": ["audit"],
        "genome": [phi.tolist(), (0 * phi).tolist()],  # infant 1: every output 0
    }
    res = run_lifetime(spec)
    assert res.ok, res.error
    proposed = res.tables["audit"].groupby("infant")["proposed_mode"].agg(set)
    assert proposed[0] != proposed[1]  # each infant decided with its own genome
    bad = run_lifetime({**spec, "genome": [1.0, 2.0]})
    assert not bad.ok and "m.evolvable.genome: expected 130 numbers" in bad.error  # 13 x 10


def test_a_process_pool_from_stdin_says_why_it_cannot_start():
    import subprocess
    import sys

    program = (
        "from infancy.curricula.executors import ProcessExecutor\n"
        "try:\n"
        "    ProcessExecutor(workers=1).map([{'n': 1}])\n"
        "except RuntimeError as exc:\n"
        "    print(exc)\n"
    )
    res = subprocess.run(
        [sys.executable, "-"], input=program, capture_output=True, text=True, timeout=300
    )
    assert "is not a file the workers can import" in res.stdout, res.stderr


def _threads_in_worker(_: int) -> tuple[int, int, int]:
    import numba
    import torch

    return numba.config.NUMBA_NUM_THREADS, numba.get_num_threads(), torch.get_num_threads()


def test_process_workers_run_one_numba_and_one_torch_thread_each():
    # numba reads its thread count once, at import; a worker that set the variable in
    # its initializer ran a full-size thread pool beside its siblings (2 workers were
    # slower than 1 on two cores). The pool's workers must see it from their start.
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from infancy.curricula.executors import _worker_environment, _worker_init

    with (
        _worker_environment(),
        ProcessPoolExecutor(
            2, mp_context=mp.get_context("spawn"), initializer=_worker_init
        ) as pool,
    ):
        seen = list(pool.map(_threads_in_worker, range(2)))
    assert seen == [(1, 1, 1), (1, 1, 1)]
