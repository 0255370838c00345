"""The ``infancy`` command line.

Errors in what the user typed print one line naming the argument and exit with code 2;
nothing is written then, and an existing file is never overwritten without ``--force``.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="infancy: a testbed in which infant-like agents grow up.",
    no_args_is_help=True,
    add_completion=False,
)
worlds_app = typer.Typer(help="List, describe and picture the worlds.", no_args_is_help=True)
app.add_typer(worlds_app, name="worlds")

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> None:
    """Print a one-line error and exit with code 2."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def parse_params(items: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; values are read as JSON when they parse, else as text."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            fail(f"--param: expected key=value, got {item!r}")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from infancy import __version__

        console.print(__version__)
        raise typer.Exit()


@worlds_app.command("list")
def worlds_list() -> None:
    """List the registered worlds with a one-line description."""
    from infancy.worlds import list_worlds
    from infancy.worlds.registry import _REGISTRY

    table = Table("id", "description", title="infancy worlds")
    for wid in list_worlds():
        doc = inspect.getdoc(_REGISTRY[wid]) or ""
        lines = [ln.strip() for ln in doc.splitlines() if ln.strip() and not ln.startswith("#")]
        table.add_row(wid, lines[0] if lines else "")
    console.print(table)


@worlds_app.command("describe")
def worlds_describe(world_id: Annotated[str, typer.Argument(help="A world id.")]) -> None:
    """Print a world's documentation and its parameters."""
    from infancy.worlds import list_worlds
    from infancy.worlds.registry import _REGISTRY

    if world_id not in _REGISTRY:
        fail(f"unknown world {world_id!r}; known worlds: {', '.join(list_worlds())}")
    cls = _REGISTRY[world_id]
    console.print(inspect.getdoc(cls) or "", markup=False)
    table = Table("parameter", "default", "description", title="parameters")
    for name, field in cls.Config.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default
        table.add_row(name, repr(default), field.description or "")
    console.print(table)


@worlds_app.command("show")
def worlds_show(
    world_id: Annotated[str, typer.Argument(help="A world id, e.g. playroom-v0.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")],
    seed: Annotated[int, typer.Option(help="Seed of the episode.")] = 0,
    steps: Annotated[
        int,
        typer.Option(help="Steps to run (scripted caregiver, infant turning) before the picture."),
    ] = 3,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="World parameter key=value (repeatable)."),
    ] = None,
    tile: Annotated[int, typer.Option(help="Pixels per cell.", min=8, max=128)] = 48,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write one frame of a world as a PNG image."""
    if out.suffix.lower() != ".png":
        fail(f"--out: expected a .png file name, got {str(out)!r}")
    if out.exists() and not force:
        fail(f"--out: {out} exists; pass --force to overwrite it")
    if not out.parent.exists():
        fail(f"--out: folder {out.parent} does not exist")
    if steps < 0:
        fail(f"--steps: expected a number >= 0, got {steps}")
    params = parse_params(param or [])
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from infancy.worlds import make
    from infancy.worlds.render import Renderer

    try:
        env = make(world_id, **params)
    except ValueError as err:
        fail(str(err))
    env.reset(seed=seed)
    for _ in range(steps):
        if not env.agents:
            break
        acts = {a: 1 for a in env.agents if a != "caregiver"}  # infants look around
        env.step(acts)
    renderer = Renderer(env.engine.rules, tile=tile)
    surf = renderer.surface(env.engine, 0)
    tmp = out.with_name(out.name + ".tmp.png")
    renderer.pg.image.save(surf, str(tmp))
    os.replace(tmp, out)
    console.print(f"wrote {out} ({surf.get_width()}x{surf.get_height()})")


def main() -> None:
    """Entry point of the ``infancy`` command."""
    app()


if __name__ == "__main__":
    main()
