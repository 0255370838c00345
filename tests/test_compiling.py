"""The one-line notice while numba compiles: a cold cache is told apart from a warm one
without compiling anything, and the line shows only when something is cold."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest
from rich.console import Console

from infancy.compiling import (
    MESSAGE,
    RUN_KERNELS,
    WORLD_KERNELS,
    CompilingNotice,
    cached,
    uncached,
)


@pytest.fixture
def kernel_module(tmp_path):
    """A module with one cached numba function, in a fresh folder (a cold cache)."""
    name = f"_cold_kernel_{tmp_path.name.replace('-', '_')}"
    path = tmp_path / f"{name}.py"
    path.write_text(
        textwrap.dedent(
            """
            from numba import njit

            @njit(cache=True)
            def twice(x):
                return 2 * x
            """
        )
    )
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module, f"{name}:twice"
    del sys.modules[name]


def test_a_cold_kernel_is_told_apart_from_a_cached_one(kernel_module):
    module, name = kernel_module
    assert cached(name) is False and uncached([name]) == [name]
    assert module.twice(3) == 6  # compiles and writes the cache
    assert cached(name) is True and uncached([name]) == []


def test_the_notice_shows_only_while_something_is_cold(kernel_module):
    module, name = kernel_module
    out = Console(record=True, width=100, force_terminal=True)
    with CompilingNotice([name], console=out) as notice:
        assert notice.cold == [name]
        module.twice(2)
    text = out.export_text()
    assert MESSAGE in text and "kernels compiled" in text
    quiet = Console(record=True, width=100, force_terminal=True)
    with CompilingNotice([name], console=quiet) as notice:  # warm now: nothing
        assert notice.cold == []
    assert quiet.export_text() == ""
    off = CompilingNotice([f"{name}x"], console=quiet, enabled=False)
    assert off.cold == [] and off.start() is off


def test_the_commands_kernels_can_be_read_with_this_numba():
    """If numba changed its cache layout, the notice would go silent: fail instead."""
    for name in (*WORLD_KERNELS, *RUN_KERNELS):
        assert cached(name) is not None, name
    assert cached("infancy.worlds.core.kernels:no_such_kernel") is None
