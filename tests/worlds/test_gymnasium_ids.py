"""The gymnasium ids work the way the README says, in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gymnasium
try:
    gymnasium.make("infancy/reach-v0")
except gymnasium.error.Error:
    print("bare id: not registered")
env = gymnasium.make("infancy.worlds:infancy/reach-v0")
obs, info = env.reset(seed=0)
print("module id:", type(env.unwrapped).__name__)
"""


def test_module_prefixed_gymnasium_id_works_without_importing_infancy():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, check=True
    ).stdout
    assert "bare id: not registered" in out  # what the README warns about
    assert "module id: InfantGymEnv" in out
