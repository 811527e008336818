"""The ``dllm-kg`` command line: argument parsing and printing only."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from dllm_kg.constants import EXPORTS_DIR, GRAPH_IRI, PAGE_FILE, SITE_DIR
from dllm_kg.errors import INTERRUPTED, DllmKgError
from dllm_kg.options import QUERY_TIMEOUT, DiffFormat, Engine, Format, ReportFormat, Settings

# Each command imports the stages it runs when it runs, so that `dllm-kg --help` and
# `dllm-kg query` start fast (pyshacl, networkx, pyvis and markdown-it load only when needed).
if TYPE_CHECKING:
    from typer._click.core import Parameter

    from dllm_kg.catalogue import CannedQuery
    from dllm_kg.curate import TaggerEvaluation
    from dllm_kg.pipeline import BuildResult
    from dllm_kg.results import QueryResult
    from dllm_kg.stats import Stats
    from dllm_kg.tagger import Proposal, Scores


class _Command(TyperCommand):
    """A command whose help shows no type for a flag (Typer writes ``<bool>``)."""

    def get_params(self, ctx: typer.Context) -> list[Parameter]:
        return _untyped_flags(super().get_params(ctx))


class _Group(TyperGroup):
    """The command group, whose help shows no type for a flag either."""

    command_class = _Command

    def get_params(self, ctx: typer.Context) -> list[Parameter]:
        return _untyped_flags(super().get_params(ctx))


def _untyped_flags(params: list[Parameter]) -> list[Parameter]:
    """The parameters, each flag (``--strict``, ``--help``) with an empty type in the help."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


app = typer.Typer(
    cls=_Group,
    help="The awesome-distributed-LLM list as a knowledge graph.",
    epilog=(
        "Examples:\n"
        "  dllm-kg build                   build dist/ from the bundled list\n"
        "  dllm-kg check my-list.md        name each defect of a list by file and line\n"
        "  dllm-kg query --list            the canned queries and their parameters\n"
        "  dllm-kg query small-models -p budget=3B\n"
        "  dllm-kg diff old.md new.md      what changed between two versions of a list\n"
        "  dllm-kg markdown README.md      the list written again from its graph\n"
        "  dllm-kg serve                   a SPARQL endpoint and a query page\n\n"
        "`dllm-kg COMMAND -h` tells more about each command."
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def _print_version(wanted: bool) -> None:
    """``--version``: the installed package's version, then exit."""
    if wanted:
        from importlib.metadata import version  # 40 ms: only for --version

        typer.echo(f"dllm-kg {version('dllm-kg')}")
        raise typer.Exit()


@app.callback()
def _group(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Turn the list into linked data, check it, query it and draw it."""


#: The defaults of `dllm-kg serve`.
SERVE_DEFAULTS = Settings()

SourceArgument = Annotated[
    Path | None,
    typer.Argument(help="The list file (default: the bundled awesome-distributed-LLM list)."),
]


ListDateOption = Annotated[
    str | None,
    typer.Option(
        "--list-date",
        metavar="YYYY-MM-DD",
        help="The date of this version of the list, recorded in void.ttl "
        "(default: the day of SOURCE_DATE_EPOCH if set, else no date).",
    ),
]


#: The examples at the end of `dllm-kg build --help`.
BUILD_EXAMPLES = """Examples:
  dllm-kg build                        the bundled list into dist/
  dllm-kg build my-list.md -o site     another list, another folder
  dllm-kg build --strict               exit 1 and write nothing on a violation
  dllm-kg build --list-date 2025-05-31 record the list's date in void.ttl
  dllm-kg build --archive              also a versioned zip, SHA256SUMS, CITATION.cff

A build replaces only the files it wrote; anything else in the folder stays.
void.ttl records the list file's SHA-256, and its date: --list-date, else the
day of SOURCE_DATE_EPOCH, else none (never the clock)."""


@app.command("build", cls=_Command, epilog=BUILD_EXAMPLES)
def build_command(
    source: SourceArgument = None,
    out: Annotated[
        Path, typer.Option("-o", "--out", metavar="DIR", help="Output folder.")
    ] = EXPORTS_DIR,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="When the check finds a violation, write nothing and exit 1 "
            "(default: write anyway and exit 0).",
        ),
    ] = False,
    list_date: ListDateOption = None,
    archive: Annotated[
        bool,
        typer.Option(
            "--archive",
            help="Also write a release: CITATION.cff, dllm-kg-VERSION.zip of every file, "
            "and SHA256SUMS.",
        ),
    ] = False,
) -> None:
    """Build the graph and write Turtle, N-Triples, JSON-LD and a VoID description.

    The build runs the checks of `dllm-kg check` and prints their summary.
    """
    from dllm_kg.listfile import shown_list_path
    from dllm_kg.listversion import parse_list_date
    from dllm_kg.pipeline import build
    from dllm_kg.records import Severity

    try:
        issued = parse_list_date(list_date) if list_date is not None else None
        with build_progress() as on_stage:
            label = str(source) if source else None
            result = build(
                source,
                out,
                label=label,
                strict=strict,
                on_stage=on_stage,
                list_date=issued,
                archive=archive,
            )
    except DllmKgError as error:
        fail(str(error))
    print_summary(result, out, shown_list_path(source))
    if strict and not result.conforms:
        violations = len(result.findings_of(Severity.VIOLATION))
        fail(f"{violations} violations; nothing written (--strict)", code=1)


@contextmanager
def build_progress() -> Iterator[Callable[[str], None]]:
    """On a terminal, a spinner on stderr that names the build's stage; elsewhere, nothing."""
    if not errors.is_terminal:
        yield lambda stage: None
        return
    with errors.status("reading the list") as status:
        yield lambda stage: status.update(f"{STAGE_NAMES.get(stage, stage)}")


#: What the spinner says during each stage of a build (dllm_kg.pipeline.STAGES).
STAGE_NAMES = {
    "parse": "reading the list",
    "graph": "making the graph (annotations, derived areas)",
    "store": "storing the graph",
    "check": "checking it against the shapes",
    "exports": "writing Turtle, N-Triples and JSON-LD",
    "figure": "drawing the figure",
    "write": "writing the files",
}


def print_summary(result: BuildResult, out: Path, path: str) -> None:
    """One screen: what was read and made, the findings, and where the files are.

    :param path: the list's path as the user opens it.
    """
    from dllm_kg.bibtex import summary as bibtex_summary
    from dllm_kg.validate import TAGGED_CODE, summary

    rows = {
        "rows read": str(result.parsed.rows),
        "papers": str(result.count("Paper")),
        "models": f"{result.count('Model')} ({len(result.parsed.models)} listed)",
        "repositories": str(result.count("Repository")),
        "triples": str(len(result.store)),
        "findings": summary(result.findings),
    }
    citations = bibtex_summary(result.parsed)
    if citations:
        rows["bibtex"] = citations
    tagged = sum(finding.code == TAGGED_CODE for finding in result.findings)
    if tagged:
        papers = f"{tagged} paper{'' if tagged == 1 else 's'}"
        rows["tagged"] = f"{papers} by the title tagger, not by a curator: confirm them"
    width = max(map(len, rows))
    console.print(Text.assemble(("dllm-kg build", "bold"), " ", printable(path)), soft_wrap=True)
    for name, value in rows.items():
        console.print(f"  {name:<{width}}  {value}", markup=False, soft_wrap=True)
    if result.findings:
        console.print("  `dllm-kg check` on the same list names each one", markup=False)
    if result.files:
        wrote = printable(f"wrote {len(result.files)} files to {out}/")
        console.print(wrote, markup=False, soft_wrap=True)


#: The examples at the end of `dllm-kg site --help`.
SITE_EXAMPLES = """Examples:
  dllm-kg site                         the bundled list's site into site/
  dllm-kg site my-list.md -o public    another list, another folder

Each page stands at its IRI's path under https://w3id.org/dllm-kg/
(paper/<slug>.html), its data beside it (.ttl, .jsonld). Like a build, the
site replaces only the files it wrote; anything else in the folder stays."""


@app.command("site", cls=_Command, epilog=SITE_EXAMPLES)
def site_command(
    source: SourceArgument = None,
    out: Annotated[
        Path, typer.Option("-o", "--out", metavar="DIR", help="Output folder.")
    ] = SITE_DIR,
    list_date: ListDateOption = None,
) -> None:
    """Write a static site: an index, one page per entity with its data, and the downloads."""
    from dllm_kg.listversion import parse_list_date
    from dllm_kg.site import write_site

    try:
        issued = parse_list_date(list_date) if list_date is not None else None
        files = write_site(source, out, str(source) if source else None, issued)
    except DllmKgError as error:
        fail(str(error))
    console.print(printable(f"wrote {len(files)} files to {out}/"), markup=False, soft_wrap=True)


#: The examples at the end of `dllm-kg check --help`.
CHECK_EXAMPLES = """Examples:
  dllm-kg check                        the bundled list
  dllm-kg check README.md              your copy of the list
  dllm-kg check -f json > report.json  the findings, for a script

`dllm-kg build` runs the same checks and prints their summary."""


@app.command("check", cls=_Command, epilog=CHECK_EXAMPLES)
def check_command(
    source: SourceArgument = None,
    report_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: grouped, one line per finding; turtle: the SHACL validation report; "
            "json: for scripts.",
        ),
    ] = ReportFormat.TEXT,
) -> None:
    """Check the list and name every defect by file and line, like a linter.

    Exit status: 0 no violation (warnings and infos may remain), 1 violations, 2 unreadable list.
    """
    from dllm_kg.listfile import shown_list_path
    from dllm_kg.pipeline import check
    from dllm_kg.validate import render_report

    try:
        result = check(source, label=str(source) if source else None)
    except DllmKgError as error:
        fail(str(error))
    findings, name = result.findings, result.parsed.source
    path = shown_list_path(source)
    text = render_report(report_format, result.conforms, result.report, findings, name, path)
    write_exactly(printable(text) if report_format is ReportFormat.TEXT else text)
    raise typer.Exit(0 if result.conforms else 1)


#: The examples at the end of `dllm-kg markdown --help`.
MARKDOWN_EXAMPLES = """Examples:
  dllm-kg markdown README.md -o README.md   rewrite the list as the graph writes it
  dllm-kg markdown README.md --check        exit 1 (and show the diff) if it would change
  dllm-kg markdown > list.md                the bundled list, regenerated

Headings, introduction, licence and the text between the tables are kept as the list has
them; each table row is written from the graph."""


@app.command("markdown", cls=_Command, epilog=MARKDOWN_EXAMPLES)
def markdown_command(
    source: SourceArgument = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            metavar="FILE",
            help="Write the regenerated list here, whole or not at all (default: stdout).",
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 and print a diff if the list would change, else 0.",
        ),
    ] = False,
) -> None:
    """Write the list's Markdown again from its graph: table rows normalised, the rest kept.

    Links lose their tracking parameters and nested links their outer part; rows get one
    space around each cell. A list without defects comes out byte for byte as it went in.
    Exit status: 0 done (or unchanged with --check), 1 would change (--check), 2 error.
    """
    from dllm_kg.regenerate import regenerate, write_atomically

    if check_only and out is not None:
        fail("--check writes nothing: leave out -o")
    try:
        result = regenerate(source, label=str(source) if source else None)
        if check_only:
            if result.changed:
                write_exactly(printable(result.diff()))
            console.print(printable(result.summary()), markup=False, soft_wrap=True)
            raise typer.Exit(1 if result.changed else 0)
        if out is None:
            write_exactly(result.regenerated)
        else:
            write_atomically(out, result.regenerated)
    except DllmKgError as error:
        fail(str(error))


#: The examples at the end of `dllm-kg diff --help`.
DIFF_EXAMPLES = """Examples:
  dllm-kg diff old.md README.md                what changed, as Markdown
  dllm-kg diff old.md README.md -f json        the same, for a script

The text is Markdown: it can go into a pull-request comment as it is."""


@app.command("diff", cls=_Command, epilog=DIFF_EXAMPLES)
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The older version of the list.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The newer version of the list.")],
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format", "-f", help="text: Markdown that reads as text; json: for scripts."
        ),
    ] = DiffFormat.TEXT,
) -> None:
    """Compare two versions of the list: papers, models and repositories added, removed and
    changed, by IRI, and each changed field.

    Exit status: 0 no changes, 1 changes, 2 a list that cannot be read.
    """
    from dllm_kg.diff import diff_lists, render

    try:
        diff = diff_lists(old, new)
    except DllmKgError as error:
        fail(str(error))
    text = render(diff, output_format)
    write_exactly(printable(text) if output_format is DiffFormat.TEXT else text)
    raise typer.Exit(0 if diff.unchanged else 1)


@app.command("tag", cls=_Command)
def tag_command(
    title: Annotated[str | None, typer.Argument(help="A paper title to tag.")] = None,
    evaluate: Annotated[
        bool, typer.Option("--evaluate", help="Score the tagger on held-out curated papers.")
    ] = False,
    folds: Annotated[int, typer.Option(min=2, metavar="N", help="Cross-validation folds.")] = 5,
    draft: Annotated[
        Path | None,
        typer.Option(
            "--draft",
            metavar="LIST",
            help="Print draft entries of data/annotations.yaml for the papers of LIST that "
            "have no curated annotation, to check and send to dllm-kg.",
        ),
    ] = None,
) -> None:
    """Propose techniques, models and tasks for a title, or measure the tagger."""
    from dllm_kg.curate import draft_annotations, evaluate_tagger, load_tagger
    from dllm_kg.parse import parse_file

    try:
        if evaluate:
            print_evaluation(evaluate_tagger(folds))
        elif draft:
            write_exactly(draft_annotations(parse_file(draft, str(draft))))
        elif title:
            print_proposal(load_tagger().propose(title))
        else:
            fail("give a TITLE to tag, or --draft LIST, or --evaluate")
    except DllmKgError as error:
        fail(str(error))


def print_proposal(proposal: Proposal) -> None:
    """What the tagger proposes, each with the words that made it."""
    for kind in ("technique", "model", "task"):
        found = getattr(proposal, f"{kind}s")
        names = printable(", ".join(sorted(found)) or "-")
        console.print(Text.assemble((f"{kind}s", "bold"), f": {names}"))
        for target, why in sorted(found.items()):
            line = printable(f"  {target}  <- {'; '.join(why)}")
            console.print(line, markup=False, soft_wrap=True)


def print_evaluation(evaluation: TaggerEvaluation) -> None:
    """Per-technique and micro-averaged precision, recall and F1 on titles it did not learn from."""
    shown = evaluation.title_shows
    outside = evaluation.outside.papers
    table = Table(
        title=f"{evaluation.folds}-fold cross-validation, {shown.papers} papers: "
        "the techniques their titles show",
        caption="micro, all curated: the same proposals against every curated technique "
        f"(titles and knowledge of the papers). micro, {outside} new titles: real papers "
        "outside the list (data/held-out-titles.yaml), tagged by the tagger fitted on every "
        "curated paper.",
    )
    for column in ("technique", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "technique" else "right")
    rows = sorted(shown.per_technique.items(), key=lambda item: (item[1].f1, item[0]))
    for technique, scores in rows:
        table.add_row(technique, *_scores(scores))
    table.add_section()
    table.add_row("micro-average", *_scores(shown.micro), style="bold")
    table.add_row("micro, all curated", *_scores(evaluation.all_curated.micro))
    table.add_row(f"micro, {outside} new titles", *_scores(evaluation.outside.micro))
    console.print(table)


def _scores(scores: Scores) -> tuple[str, str, str, str]:
    return (
        f"{scores.precision:.3f}",
        f"{scores.recall:.3f}",
        f"{scores.f1:.3f}",
        str(scores.tp + scores.fn),
    )


#: The examples at the end of `dllm-kg query --help` (a test runs each).
QUERY_EXAMPLES = """Examples:
  dllm-kg query --list
  dllm-kg query papers-by-technique -p technique=LoRA
  dllm-kg query small-models -p budget=3B -f csv
  dllm-kg query describe-paper -p paper="Visual Instruction Tuning"
  dllm-kg query -e 'SELECT ?t { ?p dllm:isSurvey true ; dcterms:title ?t }'

docs/queries.md shows each canned query with an example answer."""


@app.command("query", cls=_Command, epilog=QUERY_EXAMPLES)
def query_command(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME|FILE.rq", help="A canned query's name (see --list), or a .rq file."
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="KEY=VALUE", help="A parameter; repeat for more."),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="How to print rows; graphs print as Turtle.")
    ] = Format.TABLE,
    expression: Annotated[
        str | None,
        typer.Option("-e", "--expression", metavar="SPARQL", help="SPARQL text to run instead."),
    ] = None,
    show_list: Annotated[bool, typer.Option("--list", help="List the canned queries.")] = False,
    source: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A list (.md) or exported graph (.ttl, .nt, .jsonld) to ask instead.",
        ),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="The SPARQL engine.")] = Engine.OXIGRAPH,
    timeout: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="Seconds the query may run before it is stopped; 0: no limit.",
        ),
    ] = QUERY_TIMEOUT,
    endpoint: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Ask this SPARQL endpoint instead (e.g. http://localhost:7878/query).",
        ),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(
            metavar="IRI",
            help=f"With --endpoint: the named graph to ask (default: {GRAPH_IRI}, where "
            "`dllm-kg push` writes); --graph '' asks the endpoint's own default graph.",
        ),
    ] = None,
) -> None:
    """Ask the graph: a canned query by name, a .rq file, or SPARQL text (-e).

    A list is read from its stored graph, built and stored first when the list changed.
    With --endpoint, the query goes to a SPARQL endpoint, a store you pushed the graph into.
    """
    from dllm_kg.query import (
        KnowledgeGraph,
        QueryTimeout,
        find_query,
        list_queries,
        load_graph,
        parse_assignments,
        run_query,
        run_sparql,
    )

    limit = timeout or None  # 0: no limit

    if show_list:
        if query is not None or expression is not None:
            fail("--list takes no query NAME or -e SPARQL")
        print_queries(list_queries())
        return
    if query is not None and expression is not None:
        fail("give a query NAME or FILE.rq, or -e SPARQL, not both")
    if query is None and expression is None:
        fail("give a query NAME or FILE.rq, or -e SPARQL, or --list")
    check_endpoint_options(endpoint, graph, source, engine)

    def graph_to_ask() -> KnowledgeGraph:
        if endpoint is None:
            return load_graph(source)
        return KnowledgeGraph(
            endpoint=endpoint, graph_iri=GRAPH_IRI if graph is None else graph or None
        )

    parameters: list[str] = []
    try:
        params = parse_assignments(param or [])
        if expression is not None:
            if params:
                fail("-e takes no --param; write the values into the query")
            kg = graph_to_ask()
            result = run_sparql(kg, expression, engine=engine, name="query -e", timeout=limit)
        else:
            canned = find_query(query)
            for name in params:
                canned.parameter(name)  # an unknown name fails before the graph is built
            parameters = [parameter.name for parameter in canned.parameters]
            kg = graph_to_ask()
            result = run_query(kg, canned, params, engine, limit)
    except QueryTimeout as error:
        fail(f"{error} (--timeout)", code=1)
    except DllmKgError as error:
        fail(str(error))
    errors.print(printable(f"graph: {kg.origin}"), markup=False, style="dim", soft_wrap=True)
    print_result(result, output_format, parameters)


def print_queries(queries: Sequence[CannedQuery]) -> None:
    """``query --list``: each query's name and title, and under it a line per parameter, as
    ``-p`` takes it (its kind as the placeholder), with its default."""
    width = max(len(q.name) for q in queries)
    for canned in queries:
        typer.echo(f"{canned.name:<{width}}  {canned.title}")
        for parameter in canned.parameters:
            placeholder = PLACEHOLDERS.get(parameter.kind, parameter.kind.upper())
            typer.echo(
                f"{'':<{width}}    -p {parameter.name}={placeholder}  "
                f"(default: {parameter.default})"
            )


#: How ``query --list`` writes a parameter's kind, where not in upper case (``TECHNIQUE``).
PLACEHOLDERS = {"literal": "TEXT", "boolean": "true|false"}


def check_endpoint_options(
    endpoint: str | None, graph: str | None, source: Path | None, engine: Engine
) -> None:
    """Fail (usage error) for options that do not go with --endpoint, or need it."""
    if endpoint is None and graph is not None:
        fail("--graph needs --endpoint")
    if endpoint is not None and source is not None:
        fail("--endpoint and --source do not go together: the endpoint holds the graph")
    if endpoint is not None and engine is not Engine.OXIGRAPH:
        fail(f"--endpoint and --engine {engine.value} do not go together: it runs its own engine")


def print_result(
    result: QueryResult, output_format: Format, parameters: Sequence[str] = ()
) -> None:
    """Rows as a table, CSV, TSV or SPARQL JSON; triples as Turtle; ASK as true or false.

    :param parameters: the query's parameters, whose columns the table says once.
    """
    if result.triples is not None or output_format is not Format.TABLE:
        write_exactly(result.serialize(output_format))
    elif result.boolean is not None:
        typer.echo("true" if result.boolean else "false")
    else:
        print_table(result, parameters)


def print_table(result: QueryResult, parameters: Sequence[str] = ()) -> None:
    """Rows as a table that fits the terminal: IRIs short (prefixed names, GitHub URLs), long
    words folded rather than cut, numbers to the right; a parameter's column, the same in
    every row, is said once, under the table."""
    from dllm_kg.results import is_number, readable

    rows = result.rows or []
    cells = [[printable(readable(term)) for term in row] for row in rows]
    said_once = [
        column
        for column, name in enumerate(result.variables)
        if name in parameters and cells and len({row[column] for row in cells}) == 1
    ]
    caption = "; ".join(
        [
            f"{len(result)} {'row' if len(result) == 1 else 'rows'}",
            *(f"{result.variables[c]} = {cells[0][c]}" for c in said_once),
        ]
    )
    table = Table(caption=caption, caption_justify="left")
    shown = [column for column in range(len(result.variables)) if column not in said_once]
    for column in shown:
        numbers = rows and all(is_number(row[column]) for row in rows if row[column] is not None)
        justify = "right" if numbers else "left"
        table.add_column(result.variables[column], justify=justify, overflow="fold")
    for row in cells:
        table.add_row(*(Text(row[column]) for column in shown))
    console.print(table)


@app.command("push", cls=_Command)
def push_command(
    store_url: Annotated[
        str,
        typer.Option(
            metavar="URL",
            help="The store's SPARQL 1.1 Graph Store Protocol URL "
            "(Oxigraph server: http://localhost:7878/store).",
        ),
    ],
    source: Annotated[
        Path | None,
        typer.Option(
            metavar="LIST|BUILD_DIR",
            help="A list (.md), or a build folder to push its dllm-kg.nt "
            "(default: the bundled list).",
        ),
    ] = None,
    graph: Annotated[
        str,
        typer.Option(
            metavar="IRI",
            help="The named graph to replace; --graph '' replaces the store's default graph.",
        ),
    ] = GRAPH_IRI,
) -> None:
    """Load the graph into a triple store, replacing one named graph.

    Pushing twice leaves one copy. Ask it then with `dllm-kg query --endpoint`.
    """
    from dllm_kg.remote import graph_to_push, push_graph

    try:
        pushable = graph_to_push(source)
        push_graph(store_url, pushable.ntriples, graph or None)
    except DllmKgError as error:
        fail(str(error))
    where = f"graph <{graph}>" if graph else "the default graph"
    console.print(
        f"pushed {pushable.triples:,} triples of {pushable.source} into {where} at {store_url}",
        markup=False,
        soft_wrap=True,
    )


@app.command("render", cls=_Command)
def render_command(
    source: SourceArgument = None,
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            metavar="FILE",
            help="The file: .html for the page, .svg for the picture.",
        ),
    ] = Path(PAGE_FILE),
) -> None:
    """Draw the connection figure as one offline HTML page (or an SVG picture)."""
    from dllm_kg.pipeline import stored_graph
    from dllm_kg.render import write_figure

    try:
        stored = stored_graph(source, label=str(source) if source else None)
        size = write_figure(stored.store, out)
    except DllmKgError as error:
        fail(str(error))
    console.print(printable(f"wrote {out} ({size:,} bytes)"), markup=False)


#: The examples at the end of `dllm-kg bibtex --help`.
BIBTEX_EXAMPLES = """Examples:
  dllm-kg bibtex                       the bundled list's papers, on stdout
  dllm-kg bibtex my-list.md -o papers.bib

Keys come from each paper's IRI, so they stay the same in every version of the list."""


@app.command("bibtex", cls=_Command, epilog=BIBTEX_EXAMPLES)
def bibtex_command(
    source: SourceArgument = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="The .bib file (default: stdout).")
    ] = None,
) -> None:
    """Write a BibTeX entry for every listed paper: authors, venue and year where the list's
    BibTeX block gives them, else title, year and link."""
    from dllm_kg.bibtex import render_bibtex
    from dllm_kg.pipeline import stored_graph

    try:
        text = render_bibtex(stored_graph(source, label=str(source) if source else None).store)
    except DllmKgError as error:
        fail(str(error))
    if out is None:
        write_exactly(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"{out}: cannot be written ({error.strerror})")
    entries = len(re.findall(r"^@", text, re.MULTILINE))
    console.print(printable(f"wrote {out} ({entries} entries)"), markup=False, soft_wrap=True)


#: The examples at the end of `dllm-kg ontology --help`.
ONTOLOGY_EXAMPLES = """Examples:
  dllm-kg ontology                     the bundled list's page, on stdout
  dllm-kg ontology -o ontology.html    the page in a file

Anchors: a term's local name (ontology.html#Paper), a concept's IRI
after https://w3id.org/dllm-kg/ (ontology.html#technique/lora)."""


@app.command("ontology", cls=_Command, epilog=ONTOLOGY_EXAMPLES)
def ontology_command(
    source: SourceArgument = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", metavar="FILE", help="The .html file (default: stdout)."),
    ] = None,
) -> None:
    """Write the ontology's documentation: every class, property and concept of the ontology
    and vocabularies, with alignments and examples from the list's graph, as one HTML page."""
    from dllm_kg.ontodoc import ontology_page
    from dllm_kg.pipeline import stored_graph

    try:
        page = ontology_page(stored_graph(source, label=str(source) if source else None).store)
    except DllmKgError as error:
        fail(str(error))
    if out is None:
        write_exactly(page.decode("utf-8"))
        return
    try:
        out.write_bytes(page)
    except OSError as error:
        fail(f"{out}: cannot be written ({error.strerror})")
    console.print(printable(f"wrote {out} ({len(page):,} bytes)"), markup=False, soft_wrap=True)


@app.command("stats", cls=_Command)
def stats_command(
    source: SourceArgument = None,
    top: Annotated[
        int, typer.Option(min=1, metavar="N", help="How many of each ranking to print.")
    ] = 10,
) -> None:
    """Print what networkx tells about the figure: areas, bridges, central techniques."""
    from dllm_kg.pipeline import stored_graph
    from dllm_kg.render import panel_stats

    try:
        stored = stored_graph(source, label=str(source) if source else None)
    except DllmKgError as error:
        fail(str(error))
    print_stats(panel_stats(stored.store, top))


@app.command("serve", cls=_Command)
def serve_command(
    source: SourceArgument = None,
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS", help="The address to listen on; 0.0.0.0 for every network."
        ),
    ] = SERVE_DEFAULTS.host,
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help="The port; 0 for any free one.")
    ] = SERVE_DEFAULTS.port,
    timeout: Annotated[
        float,
        typer.Option(
            min=0.1, metavar="SECONDS", help="Seconds a query may run before it is stopped."
        ),
    ] = SERVE_DEFAULTS.timeout,
    max_results: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Rows or triples a result holds at most; more are cut."
        ),
    ] = SERVE_DEFAULTS.max_results,
    workers: Annotated[
        int, typer.Option(min=1, metavar="N", help="Queries answered at once (one process each).")
    ] = SERVE_DEFAULTS.workers,
    queue: Annotated[
        int,
        typer.Option(
            min=0, metavar="N", help="Queries that may wait for a worker; more get a 503."
        ),
    ] = SERVE_DEFAULTS.max_waiting,
    list_date: ListDateOption = None,
) -> None:
    """Serve the graph: a read-only SPARQL endpoint, a query page and the downloads.

    Ctrl-C stops it.
    """
    from dllm_kg.listversion import parse_list_date
    from dllm_kg.pipeline import list_version_of, stored_graph
    from dllm_kg.serve import Settings, listening_socket, run

    settings = Settings(host, port, timeout, max_results, workers, max_waiting=queue)
    try:
        label = str(source) if source else None
        issued = parse_list_date(list_date) if list_date is not None else None
        version = list_version_of(source, label, issued)
        stored = stored_graph(source, label=label)
        sock = listening_socket(host, port)
    except DllmKgError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot listen on {host}:{port} ({error.strerror or error})")
    address = sock.getsockname()
    base = f"http://{address[0] if ':' not in address[0] else f'[{address[0]}]'}:{address[1]}"

    def ready() -> None:
        console.print(printable(f"serving {stored.describe()}"), markup=False, soft_wrap=True)
        for name, url in (
            ("query page", f"{base}/"),
            ("SPARQL", f"{base}/sparql"),
            ("figure", f"{base}/{PAGE_FILE}"),
            ("downloads", f"{base}/dllm-kg.ttl (.nt, .jsonld), {base}/.well-known/void"),
            ("site", f"{base}/site/ (IRIs resolve: {base}/paper/SLUG)"),
        ):
            console.print(f"  {name:<11} {url}", markup=False, soft_wrap=True)
        console.print("Ctrl-C stops it.", markup=False)

    with suppress(KeyboardInterrupt):  # uvicorn stops on Ctrl-C, and may raise it again after
        run(stored, settings, sock, ready, version)
    console.print("stopped", markup=False)


def print_stats(stats: Stats) -> None:
    """The figure's numbers as four small tables."""
    console.print(
        f"[bold]{stats.nodes}[/bold] nodes, [bold]{stats.edges}[/bold] edges, "
        f"[bold]{stats.papers}[/bold] papers, {stats.component_count} connected components"
    )
    areas = Table(title="Papers per area", title_justify="left")
    areas.add_column("area")
    areas.add_column("papers", justify="right")
    for area in stats.papers_per_area:
        areas.add_row(Text(printable(area.name)), str(int(area.score)))
    if stats.papers_without_area:
        areas.add_row(Text("(no area)", style="dim"), str(stats.papers_without_area))
    bridges = Table(title="Papers that bridge most areas", title_justify="left")
    for column in ("areas", "paper", "which"):
        bridges.add_column(column, justify="right" if column == "areas" else "left")
    for paper in stats.bridges:
        detail = printable(", ".join(paper.detail))
        bridges.add_row(str(int(paper.score)), Text(printable(paper.name)), Text(detail))
    how = f"estimated from {stats.sample} sources" if stats.sample else "exact"
    central = Table(title=f"Most central techniques (betweenness, {how})", title_justify="left")
    for column in ("betweenness", "technique", "papers"):
        central.add_column(column, justify="right" if column == "betweenness" else "left")
    for technique in stats.central_techniques:
        name = Text(printable(technique.name))
        central.add_row(f"{technique.score:.4f}", name, *map(printable, technique.detail))
    components = Table(title="Largest connected components", title_justify="left")
    for column in ("nodes", "kinds", "best connected"):
        components.add_column(column, justify="right" if column == "nodes" else "left")
    for component in stats.components:
        kinds = ", ".join(f"{count} {kind}" for kind, count in component.kinds.items())
        components.add_row(str(component.size), kinds, Text(printable(component.hub_name)))
    for table in (areas, bridges, central, components):
        console.print(table)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    print_error(message)
    raise typer.Exit(code)


def print_error(message: str) -> None:
    """Print ``dllm-kg: error: MESSAGE`` on stderr, as one line."""
    line = printable(" ".join(part.strip() for part in message.splitlines()))
    errors.print(f"dllm-kg: error: {line}", markup=False, soft_wrap=True)


#: Characters that a terminal takes as commands, not text: C0 and C1 controls (ESC starts the
#: sequences that recolour it or set its title), DEL, and the bidirectional controls that
#: reorder what it shows. Tab and newline stay.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def write_exactly(text: str) -> None:
    """Write data to stdout as it is (``typer.echo`` would drop the escape sequences in it when
    stdout is not a terminal)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def printable(text: str) -> str:
    """Text for the terminal: each control character written as its escape (``\\x1b``), so
    that data from a list can neither recolour nor retitle the terminal. CSV, TSV and JSON
    output keep the data as it is.

    >>> printable("a\\x1b[31mb\\u202ec")
    'a\\\\x1b[31mb\\\\u202ec'
    """
    return _TERMINAL_CONTROLS.sub(lambda found: found[0].encode("unicode_escape").decode(), text)


def usage_message(error: typer.TyperException) -> str:
    """A usage error's message and where to find help, instead of Typer's boxed usage text."""
    context = getattr(error, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    return (bad_value(error) or error.format_message()).rstrip(".") + hint


def bad_value(error: typer.TyperException) -> str | None:
    """What an option's value should have been, in words (``--top takes a whole number, not
    'x'``), for a value that Typer's checks (pydantic's) refused; else None."""
    param = getattr(error, "param", None)
    reasons = getattr(error.__cause__, "errors", None)
    if param is None or not callable(reasons) or not reasons():
        return None
    reason = reasons()[0]
    name = next((o for o in param.opts if o.startswith("--")), param.get_error_hint())
    given, limits = reason.get("input"), reason.get("ctx") or {}
    choices = getattr(param.type_descriptor, "choices", None) or ()
    if choices:
        *first, last = [str(getattr(choice, "value", choice)) for choice in choices]
        return f"{name} takes {', '.join(first)} or {last}, not {given!r}"
    wanted = {
        "int_parsing": "a whole number",
        "float_parsing": "a number",
        "greater_than_equal": f"{limits.get('ge', 0):g} or more",
        "greater_than": f"more than {limits.get('gt', 0):g}",
        "less_than_equal": f"{limits.get('le', 0):g} or less",
        "less_than": f"less than {limits.get('lt', 0):g}",
    }.get(reason["type"])
    if wanted is None:
        return f"{name}: {str(reason['msg']).removeprefix('Value error, ')}"
    return f"{name} takes {wanted}, not {given!r}"


def main(args: Sequence[str] | None = None) -> None:
    """Entry point of the console script: usage errors, too, are one line and exit 2.

    With no arguments at all, it prints the help.
    """
    args = list(sys.argv[1:] if args is None else args) or ["--help"]
    try:
        code = app(args=args, prog_name="dllm-kg", standalone_mode=False)
    except typer.TyperException as error:
        print_error(usage_message(error))
        code = error.exit_code
    except KeyboardInterrupt:  # Ctrl-C before Typer's own handler (which answers exit 130)
        code = INTERRUPTED
    if code == INTERRUPTED:  # Typer answers Ctrl-C with this exit status, and says nothing
        errors.print("dllm-kg: interrupted", markup=False)
    sys.exit(code if isinstance(code, int) else 0)
