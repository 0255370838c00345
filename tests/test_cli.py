"""The command line: `infancy worlds ...` as a user types it."""

from __future__ import annotations

import subprocess
import sys

import pygame
import pytest
from typer.testing import CliRunner

from infancy.cli import app

runner = CliRunner()


def test_worlds_list_and_describe():
    result = runner.invoke(app, ["worlds", "list"])
    assert result.exit_code == 0 and "a-not-b-v0" in result.output
    result = runner.invoke(app, ["worlds", "describe", "naming-v0"])
    assert result.exit_code == 0 and "teach" in result.output


def test_show_writes_a_png_and_never_overwrites(tmp_path):
    out = tmp_path / "room.png"
    result = runner.invoke(app, ["worlds", "show", "playroom-v0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    image = pygame.image.load(str(out))
    assert image.get_width() == 9 * 48
    before = out.read_bytes()
    result = runner.invoke(app, ["worlds", "show", "a-not-b-v0", "--out", str(out)])
    assert result.exit_code == 2 and "exists" in result.output
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["worlds", "show", "nursery-v0", "--out", "{tmp}/x.png"], "unknown world 'nursery-v0'"),
        (["worlds", "show", "playroom-v0", "--out", "{tmp}/x.jpg"], "--out: expected a .png"),
        (["worlds", "show", "playroom-v0", "--out", "{tmp}/no/x.png"], "does not exist"),
        (["worlds", "show", "playroom-v0", "--out", "{tmp}/x.png", "-p", "n_toys"], "key=value"),
        (["worlds", "show", "playroom-v0", "--out", "{tmp}/x.png", "-p", "n_toys=40"], "n_toys"),
        (["worlds", "describe", "nursery-v0"], "unknown world"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_installed_command_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "infancy.cli", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.strip()


def test_run_bar_shows_time_left_within_80_columns():
    from rich.console import Console

    from infancy.cli import _run_bar

    out = Console(width=80, record=True, force_terminal=False)
    bar = _run_bar(out)
    task = bar.add_task(
        "age  5.25 mo | newbornx3 reacherx5",
        total=1000,
        speed="12,345 infant-steps/s",
        probes="passed: OP 0/8 AnB 0/8 VoE 1/8 gaze 0/8 point 0/8 words 0.4 reach 3/8",
    )
    bar.update(task, completed=300)
    out.print(bar.get_renderable())
    lines = out.export_text().splitlines()
    assert len(lines) == 1 and len(lines[0]) <= 80
    assert "left" in lines[0] and "age  5.25 mo" in lines[0] and lines[0].rstrip().endswith("…")


def test_worlds_list_cuts_each_description_at_a_sentence_end():
    import inspect

    from infancy.cli import first_sentence
    from infancy.worlds.registry import _REGISTRY

    result = runner.invoke(app, ["worlds", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "``" not in result.output  # Markdown rendered, not printed
    for wid, cls in _REGISTRY.items():
        sentence = first_sentence(inspect.getdoc(cls))
        assert sentence.endswith((".", "?", "!")), (wid, sentence)
        assert not sentence.startswith("#")
        assert sentence.replace("``", "")[:40] in result.output
    # brackets and a year do not end a sentence early; the first full stop after does
    assert first_sentence("## Description\nAs Diamond (1985. p. 3) ran it. Then\nmore.") == (
        "As Diamond (1985. p. 3) ran it."
    )
    assert first_sentence("## Description\nNo full stop\n## Agents\nx.") == "No full stop"


def test_worlds_describe_renders_markdown():
    result = runner.invoke(app, ["worlds", "describe", "naming-v0"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Description" in result.output and "Registered ids" in result.output
    assert "##" not in result.output and "``" not in result.output
    assert "teach_steps" in result.output  # the parameter table


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["report"],
        ["worlds"],
        ["worlds", "show"],
        ["runs"],
        ["runs", "sql"],
        ["experiment"],
        ["experiment", "run"],
        ["demo"],
    ],
    ids=lambda c: " ".join(c) or "infancy",
)
def test_help_pages_show_no_bool_type_and_keep_sentences_whole(command):
    import typer.main

    from infancy.cli import unwrap

    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    # at a wide terminal every command's help is one line: no docstring line break
    # cuts a sentence (the line breaks of the docstrings are not kept)
    lines = [ln.strip(" │") for ln in result.output.splitlines()]
    target = typer.main.get_command(app)
    for name in command:
        target = target.commands[name]
    helps = [target.help] if target.help else []
    helps += [c.help for c in getattr(target, "commands", {}).values() if c.help]
    for text in helps:
        first = unwrap(text).split("\n\n")[0]
        assert any(first in ln for ln in lines), first


def test_unwrap_joins_lines_and_keeps_paragraphs():
    from infancy.cli import unwrap

    assert unwrap("One line\n    and the next.\n\n    A second\n    paragraph.") == (
        "One line and the next.\n\nA second paragraph."
    )


def test_the_readme_picture_is_what_worlds_show_draws(tmp_path):
    """docs/img/playroom.png is the README's `infancy worlds show playroom-v0 --seed 2`:
    the same pixels (regenerate with that command and --out docs/img/playroom.png)."""
    from pathlib import Path

    import numpy as np

    readme = Path(__file__).resolve().parents[1] / "README.md"
    picture = readme.parent / "docs" / "img" / "playroom.png"
    assert "`infancy worlds show playroom-v0 --seed 2`" in readme.read_text()
    out = tmp_path / "playroom.png"
    result = runner.invoke(app, ["worlds", "show", "playroom-v0", "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    drawn = pygame.surfarray.array3d(pygame.image.load(str(out)))
    shipped = pygame.surfarray.array3d(pygame.image.load(str(picture)))
    assert drawn.shape == shipped.shape
    assert np.array_equal(drawn, shipped), (
        f"{int((drawn != shipped).any(axis=-1).sum())} pixels differ: regenerate "
        "docs/img/playroom.png and check the README's caption"
    )
