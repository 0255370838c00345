"""Guards for the folder-to-package mapping described in DESIGN.md ("Packaging")."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("worlds", "infants", "curricula", "analysis")


def _source_packages() -> set[str]:
    """Every package in the source tree, named as it is installed."""
    found = set()
    for folder, name in (("app", "infancy"), *((s, f"infancy.{s}") for s in SUBPACKAGES)):
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            if "__pycache__" not in rel.parts:
                found.add(".".join([name, *rel.parts]))
    return found


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_bare_import_of_a_top_level_folder_is_refused(name):
    # From the repository root a bare import would find the folder itself.
    proc = subprocess.run(
        [sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert f"import infancy.{name}, not {name}" in proc.stderr


def test_setup_generates_every_package_of_the_tree():
    spec = importlib.util.spec_from_file_location("infancy_setup", ROOT / "setup.py")
    source = (ROOT / "setup.py").read_text()
    namespace: dict = {"__file__": str(ROOT / "setup.py"), "__name__": "not_main"}
    # Execute only the definitions, not setup() itself.
    exec(
        compile(source.replace("setup(packages=", "_ = dict(packages="), spec.origin, "exec"),
        namespace,
    )
    assert set(namespace["packages"]()) == _source_packages()


def test_every_package_imports_from_the_installation():
    for name in sorted(_source_packages()):
        module = importlib.import_module(name)
        # The installed copy, never the source folder through sys.path.
        assert module.__name__ == name


def test_rules_ship_as_package_data():
    from importlib import resources

    rules = resources.files("infancy.worlds") / "rules"
    assert {p.name for p in rules.iterdir() if p.name.endswith(".yaml")} >= {
        "toys.yaml",
        "body.yaml",
        "caregiver.yaml",
    }
