"""The analysis reads runs without the simulator or the learners: no torch, no numba."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "numba")


def _loaded_after(code: str) -> list[str]:
    """Heavy top-level packages in ``sys.modules`` after running ``code`` in a fresh
    interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_analysis_imports_neither_torch_nor_numba():
    code = "import infancy.analysis, infancy.analysis.figures, infancy.analysis.report"
    assert _loaded_after(code) == []


def test_the_probe_records_and_constants_are_light():
    code = "import infancy.curricula.probe_records, infancy.constants, infancy.curricula"
    assert _loaded_after(code) == []


def test_the_packages_still_export_their_names():
    code = (
        "from infancy.curricula import PROBE_NAMES, load_curriculum\n"
        "from infancy.infants import MODES, Cohort\n"
        "from infancy.constants import MODES as LIGHT\n"
        "from infancy.curricula.probe_records import PROBES\n"
        "assert MODES is LIGHT and PROBE_NAMES == tuple(PROBES) and callable(load_curriculum)\n"
        "assert Cohort.__name__ == 'Cohort'"
    )
    assert set(_loaded_after(code)) == set(HEAVY)  # the learners do load them
