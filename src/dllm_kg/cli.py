"""The ``dllm-kg`` command line: argument parsing and printing only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dllm_kg.constants import EXPORTS_DIR
from dllm_kg.curate import CurationError, evaluate_tagger, load_tagger
from dllm_kg.export import ExportError
from dllm_kg.parse import ListError
from dllm_kg.pipeline import BuildResult, build
from dllm_kg.records import Severity
from dllm_kg.tagger import Evaluation, Proposal, Scores

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
    table.add_row("papers", str(result.count("Paper")))
    table.add_row("models", f"{result.count('Model')} ({len(result.parsed.models)} listed)")
    table.add_row("repositories", str(result.count("Repository")))
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


@app.command("tag")
def tag_command(
    title: Annotated[str | None, typer.Argument(help="A paper title to tag.")] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate", help="Score the tagger on held-out curated papers.")
    ] = False,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
) -> None:
    """Propose techniques, models and tasks for a title, or measure the tagger."""
    try:
        if evaluate:
            print_evaluation(evaluate_tagger(folds))
        elif title:
            print_proposal(load_tagger().propose(title))
        else:
            fail("give a TITLE to tag, or --evaluate")
    except CurationError as error:
        fail(str(error))


def print_proposal(proposal: Proposal) -> None:
    """What the tagger proposes, each with the words that made it."""
    for kind in ("technique", "model", "task"):
        found = getattr(proposal, f"{kind}s")
        console.print(f"[bold]{kind}s[/bold]: {', '.join(sorted(found)) or '-'}")
        for target, why in sorted(found.items()):
            console.print(f"  {target}  <- {'; '.join(why)}", markup=False)


def print_evaluation(evaluation: Evaluation) -> None:
    """Per-technique and micro-averaged precision, recall and F1 on held-out papers."""
    table = Table(title=f"{evaluation.folds}-fold cross-validation, {evaluation.papers} papers")
    for column in ("technique", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "technique" else "right")
    rows = sorted(evaluation.per_technique.items(), key=lambda item: (item[1].f1, item[0]))
    for technique, scores in rows:
        table.add_row(technique, *_scores(scores))
    table.add_section()
    table.add_row("micro-average", *_scores(evaluation.micro), style="bold")
    console.print(table)


def _scores(scores: Scores) -> tuple[str, str, str, str]:
    return (
        f"{scores.precision:.3f}",
        f"{scores.recall:.3f}",
        f"{scores.f1:.3f}",
        str(scores.tp + scores.fn),
    )


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    errors.print(f"dllm-kg: error: {message}", markup=False)
    raise typer.Exit(code)


def main() -> None:
    """Entry point of the console script."""
    app()
