"""The ``dllm-kg`` command line: argument parsing and printing only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dllm_kg.constants import EXPORTS_DIR
from dllm_kg.export import ExportError
from dllm_kg.parse import ListError
from dllm_kg.pipeline import BuildResult, build
from dllm_kg.records import Severity

app = typer.Typer(
    help="The awesome-distributed-LLM list as a knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


@app.callback()
def _group() -> None:
    """Turn the list into linked data, check it, query it and draw it."""


SourceArgument = Annotated[
    Path | None,
    typer.Argument(help="The list file (default: the bundled awesome-distributed-LLM list)."),
]


@app.command("build")
def build_command(
    source: SourceArgument = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = EXPORTS_DIR,
) -> None:
    """Build the graph and write Turtle, N-Triples, JSON-LD and a VoID description."""
    try:
        result = build(source, out, label=str(source) if source else None)
    except (ListError, ExportError) as error:
        fail(str(error))
    print_summary(result, out)


def print_summary(result: BuildResult, out: Path) -> None:
    """One screen: what was read and made, the findings, and where the files are."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("rows read", str(result.parsed.rows))
    for klass, label in (("Paper", "papers"), ("Model", "models"), ("Repository", "repositories")):
        table.add_row(label, str(result.count(klass)))
    table.add_row("triples", str(len(result.graph)))
    counts = ", ".join(
        f"{len(result.findings_of(severity))} {severity.value.lower()}s" for severity in Severity
    )
    table.add_row("findings", counts)
    console.print(f"[bold]dllm-kg build[/bold] {result.parsed.source}")
    console.print(table)
    for finding in result.findings:
        console.print(f"  {finding}", markup=False, soft_wrap=True)
    console.print(f"wrote {len(result.files)} files to {out}/")


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    errors.print(f"dllm-kg: error: {message}", markup=False)
    raise typer.Exit(code)


def main() -> None:
    """Entry point of the console script."""
    app()
