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
from typer.core import TyperCommand, TyperGroup


def unwrap(text: str) -> str:
    """A help text's paragraphs, each on one line: the help pages wrap them to the
    terminal, so a docstring's own line breaks never cut a sentence mid-line.

    Parameters
    ----------
    text
        A docstring or help text; paragraphs are separated by blank lines.

    Returns
    -------
    str
        The paragraphs, separated by blank lines, each without line breaks.
    """
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _no_flag_types(params: list[Any]) -> list[Any]:
    """Flags (``--force``, ``--help``) without a type on the help page: ``<bool>``
    says nothing a user types."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(TyperCommand):
    """A command whose help page shows no type for a flag."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _no_flag_types(super().get_params(ctx))


class _Group(TyperGroup):
    """A command group whose help page shows no type for a flag; its commands' help
    texts are unwrapped (:func:`unwrap`) and their pages are :class:`_Command`'s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = unwrap(self.help)
        for command in self.commands.values():
            if command.help:
                command.help = unwrap(command.help)
            if type(command) is TyperCommand:  # the same state, another help page
                command.__class__ = _Command

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _no_flag_types(super().get_params(ctx))


app = typer.Typer(
    cls=_Group,
    help="infancy: a testbed in which infant-like agents grow up.",
    no_args_is_help=True,
    add_completion=False,
)
worlds_app = typer.Typer(
    cls=_Group, help="List, describe and picture the worlds.", no_args_is_help=True
)
app.add_typer(worlds_app, name="worlds")

console = Console()
if not console.is_terminal:  # a log or a pipe: wide enough for the milestone table
    console = Console(width=max(console.width, 120))
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


def first_sentence(doc: str) -> str:
    """The first sentence of a world's ``## Description`` section (or of its first
    paragraph), on one line (still Markdown).

    Parameters
    ----------
    doc
        A scenario's Markdown docstring.

    Returns
    -------
    str
        Text up to the first full stop, question or exclamation mark that ends a
        sentence (outside brackets, before a capital letter or the end); the whole
        section when no sentence ends in it.
    """
    import re

    section = re.search(r"##\s*Description\s*\n(.*?)(?=\n\s*##|\Z)", doc, flags=re.S)
    text = section.group(1) if section else doc.split("\n\n")[0]
    text = " ".join(text.split())
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch in ".?!" and depth == 0:
            rest = text[i + 1 :]
            if not rest or (rest[0] == " " and rest[1:2].isupper()):
                return text[: i + 1]
    return text


@worlds_app.command("list")
def worlds_list() -> None:
    """List the registered worlds, each with the first sentence of its description."""
    from rich.markdown import Markdown

    from infancy.worlds import list_worlds
    from infancy.worlds.registry import _REGISTRY

    table = Table("id", "description", title="infancy worlds")
    for wid in list_worlds():
        table.add_row(wid, Markdown(first_sentence(inspect.getdoc(_REGISTRY[wid]) or "")))
    console.print(table)


@worlds_app.command("describe")
def worlds_describe(world_id: Annotated[str, typer.Argument(help="A world id.")]) -> None:
    """Print a world's documentation (rendered Markdown) and its parameters."""
    from rich.markdown import Markdown

    from infancy.worlds import list_worlds
    from infancy.worlds.registry import _REGISTRY

    if world_id not in _REGISTRY:
        fail(f"unknown world {world_id!r}; known worlds: {', '.join(list_worlds())}")
    cls = _REGISTRY[world_id]
    console.print(Markdown(inspect.getdoc(cls) or "", code_theme="ansi_light"))
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
    if out.is_dir():
        fail(f"--out: {out} is a folder; expected a .png file name")
    if out.exists() and not force:
        fail(f"--out: {out} exists; pass --force to overwrite it")
    if not out.parent.exists():
        fail(f"--out: folder {out.parent} does not exist")
    if not out.parent.is_dir():
        fail(f"--out: {out.parent} is a file, not a folder")
    if not os.access(out.parent, os.W_OK | os.X_OK):
        fail(f"--out: folder {out.parent} cannot be written")
    if seed < 0:
        fail(f"--seed: expected a number >= 0, got {seed}")
    if steps < 0:
        fail(f"--steps: expected a number >= 0, got {steps}")
    params = parse_params(param or [])
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from infancy.compiling import WORLD_KERNELS, CompilingNotice
    from infancy.worlds import make
    from infancy.worlds.render import Renderer

    try:
        env = make(world_id, **params)
    except ValueError as err:
        fail(str(err))
    with CompilingNotice(WORLD_KERNELS, console=err_console):
        env.reset(seed=seed)
        for _ in range(steps):
            if not env.agents:
                break
            acts = {a: 1 for a in env.agents if a != "caregiver"}  # infants look around
            env.step(acts)
    renderer = Renderer(env.engine.rules, tile=tile)
    surf = renderer.surface(env.engine, 0)
    tmp = out.with_name(f".{out.stem}.tmp.png")
    try:
        renderer.pg.image.save(surf, str(tmp))
        os.replace(tmp, out)
    except (OSError, renderer.pg.error) as err:
        tmp.unlink(missing_ok=True)
        fail(f"--out: cannot write {out} ({getattr(err, 'strerror', None) or err})")
    console.print(f"wrote {out} ({surf.get_width()}x{surf.get_height()})")


# ---------------------------------------------------------------------- lifetimes
runs_app = typer.Typer(
    cls=_Group,
    help="List the runs under a folder, or query them with SQL (DuckDB).",
    invoke_without_command=True,
)
app.add_typer(runs_app, name="runs")


def _stage_summary(names: list[str]) -> str:
    from collections import Counter

    counts = Counter(names)
    if len(counts) == 1:
        return names[0]
    return " ".join(f"{k}x{v}" for k, v in counts.items())


def _probe_summary(latest) -> str:
    from infancy.curricula.probe_records import PROBES

    if latest is None:
        return "probes: none yet"
    parts = []
    for probe, g in latest.groupby("probe", sort=False):
        short = PROBES[probe].short if probe in PROBES else probe
        if probe == "word_comprehension":
            parts.append(f"{short} {g['score'].mean():.1f}")
        else:
            parts.append(f"{short} {int(g['passed'].sum())}/{len(g)}")
    return "passed: " + " ".join(parts)


def _default_out(runs_dir: Path, label: str, seed: int) -> Path:
    import time

    base = runs_dir / f"{label}-s{seed}-{time.strftime('%Y%m%d-%H%M%S')}"
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


def _milestones(store, stable: int) -> None:
    import pandas as pd

    from infancy.analysis import milestone_table

    probes = store.table("probes")
    table = milestone_table(probes, stable=stable)
    out = Table(
        "probe",
        *[c.removeprefix("infant_") for c in table.columns[1:-1]],
        "cohort median",
        title=f"milestones: age (months) of the first stable pass ({stable} batteries in a row)",
    )
    for row in table.itertuples(index=False):
        cells = ["-" if pd.isna(v) else f"{v:.1f}" for v in row[1:]]
        out.add_row(row[0], *cells)
    console.print(out)


@app.command("run")
def run_command(
    preset: Annotated[
        str | None,
        typer.Option(help="Curriculum overlay, e.g. tiny (a whole lifetime in seconds)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Run configuration (YAML); a run directory's config.yaml starts a new run"
            " that lives the curriculum that run lived (--infant replaces its infant).",
        ),
    ] = None,
    n: Annotated[int | None, typer.Option("--n", help="Infants in the cohort.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of every random draw.")] = None,
    infant: Annotated[
        str | None,
        typer.Option(
            help="Shipped infant preset: default, or an ablation: no-learning (every"
            " learning gate shut from birth: the battery's null distribution), no-memory,"
            " no-word-pathway, no-replay, fixed-schedule-m."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Run directory to create (must not exist; its folder must)."
        ),
    ] = None,
    runs_dir: Annotated[
        Path, typer.Option(help="Folder of run directories (when --out is not given).")
    ] = Path("runs"),
    resume_dir: Annotated[
        Path | None,
        typer.Option("--resume", help="Resume this run directory from its last checkpoint."),
    ] = None,
    check_dir: Annotated[
        Path | None,
        typer.Option(
            "--check",
            help="Live this run directory's first months again from its config.yaml (nothing"
            " is written into it) and compare the tables: exit 0 if they match, 1 if not.",
        ),
    ] = None,
    months: Annotated[
        float | None,
        typer.Option(help="Months of the run --check lives again (default 1.0)."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run a cohort through a lifetime (8 infants, 0-24 months by default) and print
    the milestone table."""
    from infancy.curricula.runner import RunConfigError, execute, load_plan, plan, resume, start
    from infancy.store import RunError

    options = {
        "--preset": preset,
        "--config": config,
        "--n": n,
        "--seed": seed,
        "--infant": infant,
        "--out": out,
    }
    if check_dir is not None:
        given = [k for k, v in {**options, "--resume": resume_dir}.items() if v is not None]
        if given:
            fail(f"--check: takes no {', '.join(given)} (the run keeps its own config)")
        _check_run(check_dir, 1.0 if months is None else months)
    if months is not None:
        fail("--months: only with --check")
    try:
        if resume_dir is not None:
            given = [k for k, v in options.items() if v is not None]
            if given:
                fail(f"--resume: takes no {', '.join(given)} (the run keeps its own config)")
            store, the_plan = resume(resume_dir)
            console.print(f"resuming {store.path}")
        else:
            _check_options(n=("--n", n), seed=("--seed", seed))
            if infant is not None:
                from infancy.curricula.runner import infant_presets

                if infant not in infant_presets():
                    fail(
                        f"--infant: unknown infant preset {infant!r}; "
                        f"known: {', '.join(infant_presets())}"
                    )
            changes = {"n": n, "seed": seed, "preset": preset, "infant_preset": infant}
            if config is not None:
                if not config.is_file():
                    fail(f"--config: no such file {str(config)!r}")
                the_plan = load_plan(config, **changes)
            else:
                the_plan = plan(None, source="--preset" if preset else "run config", **changes)
            if out is not None and not out.parent.is_dir():
                if out.parent.exists():
                    fail(f"--out: {out.parent} is a file, not a folder")
                fail(f"--out: folder {out.parent} does not exist")
            if out is None and runs_dir.exists() and not runs_dir.is_dir():
                fail(f"--runs-dir: {runs_dir} is a file, not a folder")
            target = out or _default_out(runs_dir, the_plan.label, the_plan.config.seed)
            try:
                store = start(the_plan, target)
            except RunError as exc:
                fail(f"{'--out' if out is not None else '--runs-dir'}: {exc}")
            console.print(f"run directory: {store.path}")
    except (RunConfigError, RunError) as exc:
        fail(str(exc))
    stable = the_plan.curriculum.probes.stable
    if quiet:
        life = _execute_or_exit(execute, store, the_plan, None)
    else:
        from infancy.compiling import RUN_KERNELS, CompilingNotice

        total = the_plan.curriculum.clock.lifetime_steps
        bar = _run_bar(err_console)
        task = bar.add_task("starting", total=total, speed="", probes="")
        started = {"t": None, "step": 0}
        notice = CompilingNotice(RUN_KERNELS, console=err_console)

        def progress_cb(life) -> None:
            import time

            notice.stop()  # the kernels are compiled by the end of the first segment
            bar.start()  # at the first segment: an error before it stays one line
            now = time.perf_counter()
            if started["t"] is None:
                started["t"], started["step"] = now, life.step
            rate = (life.step - started["step"]) / max(now - started["t"], 1e-9)
            bar.update(
                task,
                completed=life.step,
                description=f"age {life.age_months:5.2f} mo | {_stage_summary(life.stage_names())}",
                speed=f"{rate * life.n:,.0f} infant-steps/s",
                probes=_probe_summary(life.latest),
            )

        try:
            notice.start()
            life = _execute_or_exit(execute, store, the_plan, progress_cb)
        finally:
            notice.stop(say=False)
            bar.stop()
    console.print(f"finished: {store.path} ({life.step} steps, {life.age_months:.1f} months)")
    _milestones(store, stable)


def _run_bar(out: Console):
    """The run's progress bar on one line: age and stage, bar, time elapsed and left
    first (they fit 80 columns), then speed and probes, cut with an ellipsis where the
    terminal ends."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column

    return Progress(
        TextColumn("{task.description}", table_column=Column(no_wrap=True)),
        BarColumn(bar_width=14),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        TextColumn(
            "{task.fields[speed]} {task.fields[probes]}",
            table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis"),
        ),
        console=out,
        transient=False,
        expand=True,
    )


def _check_run(path: Path, months: float) -> None:
    """``infancy run --check``: one line (two when the run does not reproduce)."""
    import math

    from infancy.curricula.runner import check
    from infancy.store import RunError

    if not math.isfinite(months) or months <= 0:
        fail(f"--months: expected a number of months > 0, got {months}")
    try:
        result = check(path, months)
    except RunError as exc:
        fail(str(exc))
    for line in result.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=0 if result.reproduces else 1)


def _check_options(**options: tuple[str, Any]) -> None:
    """Refuse a value of a run option (``key=(option, value)``) that its run config
    key would refuse, naming the option rather than where the rest came from."""
    from pydantic import ValidationError

    from infancy.curricula.runner import RunConfig

    for key, (option, value) in options.items():
        if value is None:
            continue
        try:
            RunConfig.model_validate({key: value})
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            fail(f"{option}: {msg}, got {value}")


def _execute_or_exit(execute, store, the_plan, progress_cb):
    from infancy.store import RunError

    try:
        return execute(store, the_plan, progress=progress_cb)
    except RunError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        err_console.print(
            f"interrupted: resume with  infancy run --resume {store.path}", highlight=False
        )
        raise typer.Exit(code=130) from None


@runs_app.callback()
def runs_list(
    ctx: typer.Context,
    root: Annotated[Path, typer.Option(help="Folder of run directories.")] = Path("runs"),
) -> None:
    """List the runs (newest first)."""
    ctx.obj = root
    if ctx.invoked_subcommand is not None:
        return
    from infancy.store import list_runs

    if not root.is_dir():
        fail(f"--root: no such folder {str(root)!r}")
    runs = list_runs(root)
    table = Table(
        "run",
        "status",
        "n",
        "seed",
        "curriculum",
        "age (months)",
        "created",
        title=f"runs in {root}",
    )
    for r in runs.itertuples(index=False):
        table.add_row(
            r.run,
            str(r.status),
            str(r.n),
            str(r.seed),
            str(r.curriculum),
            f"{r.age_months:.1f} / {r.end_months:g}" if r.end_months else "",
            str(r.created)[:19],
        )
    console.print(table)


@runs_app.command("sql")
def runs_sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="SQL over runs, timeline, audit, probes, ...")],
    csv: Annotated[bool, typer.Option(help="Print CSV instead of a table.")] = False,
) -> None:
    """Query every run with DuckDB: views runs, timeline, audit, probes, lexicon,
    episodes, each with a run column. Read-only: SELECT statements only, and no file
    outside the runs is read."""
    from infancy.store import RunError
    from infancy.store import query as run_query

    root = ctx.obj or Path("runs")
    if not Path(root).is_dir():
        fail(f"--root: no such folder {str(root)!r}")
    try:
        df = run_query(root, query)
    except RunError as exc:
        fail(str(exc))
    if csv:
        console.print(df.to_csv(index=False), end="", markup=False, highlight=False)
        return
    table = Table(*[str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        table.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


experiment_app = typer.Typer(
    cls=_Group,
    help="Experiments: conditions x seeds of lifetimes, with contrasts and their CIs.",
    no_args_is_help=True,
)
app.add_typer(experiment_app, name="experiment")


@experiment_app.command("list")
def experiment_list() -> None:
    """The shipped experiments, each with its question."""
    from rich.table import Table

    from infancy.curricula.experiments import list_experiments

    table = Table("name", "question", "conditions", "seeds", "size")
    for row in list_experiments().itertuples():
        table.add_row(row.name, row.question, row.conditions, str(row.seeds), row.size)
    console.print(table)


@experiment_app.command("run")
def experiment_run(
    experiment: Annotated[
        str | None, typer.Argument(help="A shipped experiment's name, or a YAML file.")
    ] = None,
    seeds: Annotated[int | None, typer.Option(help="Seeds per condition.")] = None,
    size: Annotated[
        str | None, typer.Option(help="tiny | small | full: the curriculum preset.")
    ] = None,
    executor: Annotated[str | None, typer.Option(help="serial | process (default) | ray.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes or Ray CPUs.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Experiment directory to create.")
    ] = None,
    runs_dir: Annotated[
        Path, typer.Option(help="Folder of run directories (when --out is not given).")
    ] = Path("runs"),
    resume_dir: Annotated[
        Path | None, typer.Option("--resume", help="Finish this experiment directory.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run every condition x seed lifetime of an experiment and print its contrasts."""
    from infancy.curricula.executors import EXECUTORS
    from infancy.curricula.experiments import ExperimentError, load_experiment, run_experiment
    from infancy.store import RunError

    if size is not None and size not in ("tiny", "small", "full"):
        fail(f"--size: expected tiny, small or full, got {size!r}")
    if executor is not None and executor not in EXECUTORS:
        fail(f"--executor: expected one of {', '.join(EXECUTORS)}, got {executor!r}")
    if seeds is not None and seeds < 1:
        fail(f"--seeds: expected a positive number, got {seeds}")
    if workers is not None and workers < 1:
        fail(f"--workers: expected a positive number, got {workers}")
    try:
        if resume_dir is not None:
            if experiment is not None or seeds is not None or size is not None or out:
                fail("--resume: takes no experiment, --seeds, --size or --out (it keeps its own)")
            spec, target = None, None
        else:
            if experiment is None:
                fail("experiment: give a shipped experiment's name or a YAML file")
            spec = load_experiment(experiment, seeds=seeds, size=size)
            import time

            stamp = time.strftime("%Y%m%d-%H%M%S")
            target = out or runs_dir / f"experiment-{spec.name}-{spec.size}-{stamp}"
            if out is not None and not out.parent.is_dir():
                fail(f"--out: folder {out.parent} does not exist")
            if out is None:
                runs_dir.mkdir(exist_ok=True)
            console.print(f"experiment directory: {target}")
    except ExperimentError as exc:
        fail(str(exc))
    if quiet:
        report = None
        bar = None
    else:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("lifetimes"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
        )
        task = bar.add_task("lifetimes", total=None, failed=0)
        from infancy.compiling import RUN_KERNELS, CompilingNotice

        # the workers compile into the same cache, which the notice counts
        notice = CompilingNotice(RUN_KERNELS, console=err_console)

        started: list[int] = []

        def report(done: int, total: int, failed: int) -> None:
            # The first call says where a resumed experiment starts; the compile notice
            # stays up until a lifetime is done in this process.
            if not started:
                started.append(done)
            if done > started[0] or done == total or not notice.cold:
                notice.stop()
                bar.start()
            bar.update(task, completed=done, total=total, failed=failed)

    try:
        if bar is not None:
            if notice.cold:
                notice.start()  # the bar starts when the first lifetime is done
            else:
                bar.start()
        folder = run_experiment(
            spec,
            target,
            resume=resume_dir,
            executor=executor,
            workers=workers,
            progress=report,
        )
    except (ExperimentError, RunError, ValueError) as exc:
        fail(str(exc))
    finally:
        if bar is not None:
            notice.stop(say=False)
            bar.stop()
    _print_summary(folder)


def _print_summary(folder: Path) -> None:
    import json

    import pandas as pd

    status = json.loads((folder / "experiment.json").read_text())
    if status.get("status") != "finished":
        err_console.print(
            f"{folder}: {status.get('failed', 0)} of {status.get('lifetimes')} lifetimes failed "
            f"(see failures.json); once the cause is mended (the code or the machine: the "
            f"experiment's own files are not edited), finish with: infancy experiment run "
            f"--resume {folder}"
        )
        raise typer.Exit(1)
    summary = pd.read_parquet(folder / "summary.parquet")
    for verdict in summary["verdict"]:
        console.print(verdict, soft_wrap=True)
    console.print(f"summary: {folder / 'summary.parquet'}")


@app.command("report")
def report_command(
    run: Annotated[Path, typer.Argument(help="A run directory, or an experiment directory.")],
    out: Annotated[
        Path | None, typer.Option(help="Folder for the report (default: RUN/report).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an earlier report in that folder.")] = False,
    boot: Annotated[int, typer.Option(help="Bootstrap resamples of the intervals.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
) -> None:
    """Write a self-contained HTML report of a run (its config, the milestone table
    against children, every figure also as PDF, SVG, PNG and CSV, the comparison
    statistics and System M's audit summary) or of an experiment (its question, the
    effects with their CIs, a verdict per contrast, the figures)."""
    if boot < 10:
        fail(f"--boot: expected at least 10 resamples, got {boot}")
    if (run / "experiment.json").exists():  # an experiment: its question, effects, figures
        from infancy.analysis.experiment_report import write_experiment_report

        target = run / "report" if out is None else out
        if target.exists() and any(target.iterdir()) and not force:
            fail(f"{target}: a report is already there (use --force to replace it)")
        try:
            index = write_experiment_report(run, out)
        except ValueError as exc:
            fail(str(exc))
        console.print(f"report: {index}")
        return
    from infancy.analysis.report import write_report
    from infancy.store import RunError

    try:
        index = write_report(run, out, force=force, n_boot=boot, seed=seed)
    except RunError as exc:
        fail(str(exc))
    console.print(f"report: {index}")


# ---------------------------------------------------------------------- classroom
@app.command("demo")
def demo_command(
    world: Annotated[str, typer.Option(help="The world, e.g. playroom-v0.")] = "playroom-v0",
    age: Annotated[
        float | None,
        typer.Option(help="Grow the infant up to this age (months) first, tiny curriculum."),
    ] = None,
    checkpoint: Annotated[
        Path | None, typer.Option(help="Start from a saved cohort (Cohort.save folder).")
    ] = None,
    run: Annotated[
        Path | None,
        typer.Option(help="Start from a run directory's latest checkpoint (with --infant)."),
    ] = None,
    infant: Annotated[
        int | None,
        typer.Option(help="Which infant of --run or --checkpoint to show (0 = the first)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the world and the infant.")] = 0,
    events: Annotated[
        Path | None,
        typer.Option(help="Replay a YAML/JSON file of teacher inputs (docs/classroom.md)."),
    ] = None,
    seconds: Annotated[float | None, typer.Option(help="Quit after this many seconds.")] = None,
    screenshot: Annotated[
        Path | None, typer.Option(help="Write the last frame to this PNG file.")
    ] = None,
    story: Annotated[bool, typer.Option(help="The story mode: scenes for a lesson.")] = False,
    lesson: Annotated[
        Path | None,
        typer.Option(help="Write the lesson record (events, lexicon, infant) here at the end."),
    ] = None,
    size: Annotated[str, typer.Option(help="Window size WIDTHxHEIGHT.")] = "1280x720",
    scripted: Annotated[
        bool, typer.Option(help="The scripted caregiver plays while the teacher is idle.")
    ] = True,
    speed: Annotated[str, typer.Option(help="Start speed: 1, 10, 100 or max.")] = "1",
    timing: Annotated[
        bool, typer.Option(help="Print the first-frame time and frames/s at the end.")
    ] = False,
) -> None:
    """The classroom: a window in which an infant learns live while you play its
    caregiver (click a toy: look; right-click: point; 1-7: say a word; E: eye contact;
    P: pause; Tab: speed; G: grow up; space: next story scene; L: save the lesson)."""
    import time

    started = time.perf_counter()
    from infancy.demo.app import DemoError, DemoOptions, process_age, run_demo

    started -= process_age()  # times count from the command, not from here

    w, _, h = size.lower().partition("x")
    if not (w.isdigit() and h.isdigit()):
        fail(f"--size: expected WIDTHxHEIGHT such as 1280x720, got {size!r}")
    pace = speed.lower() if speed.lower() == "max" else speed.lower().removesuffix("x")
    if pace not in ("1", "10", "100", "max"):
        fail(f"--speed: expected 1, 10, 100 or max, got {speed!r}")
    opts = DemoOptions(
        world=world,
        age=age,
        checkpoint=checkpoint,
        run=run,
        infant=infant,
        seed=seed,
        events=events,
        seconds=seconds,
        screenshot=screenshot,
        story=story,
        lesson=lesson,
        size=(int(w), int(h)),
        scripted=scripted,
        speed=pace,
        started=started,
    )
    try:
        stats = run_demo(opts)
    except DemoError as err:
        fail(str(err))
    if screenshot is not None:
        console.print(f"screenshot: {screenshot}")
    if stats.get("lesson"):
        console.print(f"lesson: {stats['lesson']}")
    if timing:
        fps_1x = stats["fps_1x"]
        console.print(
            f"first frame {stats['first_frame_s']:.2f} s, world frame "
            f"{stats['world_frame_s']:.2f} s, infant ready {stats['ready_s']:.2f} s, "
            f"{stats['fps']:.1f} frames/s"
            + (f" ({fps_1x:.1f} at 1x)" if fps_1x else "")
            + f", {stats['ms_per_frame']:.1f} ms of work per frame (worst "
            f"{stats['worst_frame_ms']:.0f} ms), {stats['steps']} steps, "
            f"age {stats['age_months']:.2f} months"
        )


def main() -> None:
    """Entry point of the ``infancy`` command."""
    app()


if __name__ == "__main__":
    main()
