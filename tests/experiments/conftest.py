"""What the tests of ``experiments/`` share: running a script as a user would, and
importing one to test its functions (the folder is not a package)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"


class Scripts:
    """The scripts of ``experiments/``, by file name."""

    folder = EXPERIMENTS

    def run(self, name: str, *args: object, timeout: int = 600) -> subprocess.CompletedProcess[str]:
        """Run ``python experiments/NAME ARGS...`` and capture its text output."""
        return subprocess.run(
            [sys.executable, str(EXPERIMENTS / name), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def load(self, name: str) -> ModuleType:
        """Import ``experiments/NAME`` as a module (its ``main`` is not run)."""
        path = EXPERIMENTS / name
        spec = importlib.util.spec_from_file_location(path.stem + "_script", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


@pytest.fixture(scope="session")
def scripts() -> Scripts:
    """Run or import the scripts of ``experiments/``."""
    return Scripts()
