"""``dllm-kg push`` and ``query --endpoint`` against a real Oxigraph server on 127.0.0.1, and
``inline_bindings``, which writes a query's parameters into its text for any endpoint."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from dllm_kg.buildfolder import write_build
from dllm_kg.catalogue import inline_bindings
from dllm_kg.cli import app, main
from dllm_kg.constants import GRAPH_IRI
from dllm_kg.export import render_exports
from dllm_kg.pipeline import stored_graph
from dllm_kg.query import KnowledgeGraph, QueryError, list_queries, run_query, run_sparql
from dllm_kg.remote import RemoteError, push_graph, query_endpoint
from dllm_kg.results import QueryResult

runner = CliRunner()
#: Seconds to give the server to start before the tests give up (a limit, never a wait).
START_LIMIT = 300.0


@dataclass(frozen=True)
class Server:
    """A running Oxigraph server: its Graph Store Protocol and query URLs."""

    store_url: str
    query_url: str


def oxigraph_binary() -> str:
    """The ``oxigraph`` program of the ``oxigraph`` package, next to this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("no oxigraph program: pip install 'dllm-kg[test]' (the oxigraph package)")
    return found


def free_port() -> int:
    """A port nothing listens on now (the system's choice for a socket bound to port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(location: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``oxigraph serve`` and read its ready line; on a port taken meanwhile, try again."""
    for _ in range(3):
        port = free_port()
        command = ["serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [oxigraph_binary(), *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        assert process.stderr is not None
        ready = process.stderr.readline()  # "Listening for requests at http://..."; b"" if it died
        if b"Listening" in ready:
            drain = threading.Thread(target=process.stderr.read, daemon=True)
            drain.start()  # the server's log must not fill the pipe and stop it
            return process, port
        process.wait()
    pytest.fail(f"oxigraph serve did not start: {ready.decode(errors='replace')}")


def wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll the server with a real query until it answers."""
    deadline = time.monotonic() + START_LIMIT
    while True:
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=5) as answer:
                answer.read()
                return
        except OSError:  # refused, reset, or no answer yet (URLError is an OSError)
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve does not answer at {url}")
            time.sleep(0.02)  # poll again


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An Oxigraph server on 127.0.0.1 with an empty store on disk, for the whole session."""
    process, port = start_server(tmp_path_factory.mktemp("oxigraph") / "db")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/query", process)
        yield Server(f"{base}/store", f"{base}/query")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def local() -> KnowledgeGraph:
    """The bundled list's stored graph, asked locally."""
    stored = stored_graph()
    return KnowledgeGraph(stored.store, origin=stored.describe())


@pytest.fixture(scope="session")
def pushed(server: Server) -> KnowledgeGraph:
    """The bundled list pushed (by the command line) into the server: its endpoint graph."""
    result = runner.invoke(app, ["push", "--store-url", server.store_url])
    assert result.exit_code == 0, result.output
    return KnowledgeGraph(endpoint=server.query_url)


@pytest.fixture(scope="session")
def build_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder of the bundled list, written as a build writes it."""
    folder = tmp_path_factory.mktemp("build") / "dist"
    write_build(render_exports(stored_graph().store), folder)
    return folder


def triple_lines(path: Path) -> int:
    """The lines of an N-Triples file that are triples (not its comment header)."""
    text = path.read_text(encoding="utf-8")
    return len([line for line in text.splitlines() if line and not line.startswith("#")])


def count(server: Server, graph: str | None) -> int:
    """How many triples the server's graph holds, asked with SPARQL's GRAPH (or the default)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = query_endpoint(server.query_url, f"SELECT (COUNT(*) AS ?n) {{ {pattern} }}", None).rows
    assert rows is not None
    return int(rows[0][0])


def same(left: QueryResult, right: QueryResult) -> bool:
    """Whether two results hold the same answer, rows in the same order."""
    fields = ("form", "variables", "rows", "boolean", "triples")
    return all(getattr(left, field) == getattr(right, field) for field in fields)


# Pushing ---------------------------------------------------------------------------------------


def test_pushing_twice_leaves_one_copy(server: Server, build_folder: Path) -> None:
    stale = b"<https://example.org/stale> <https://example.org/p> _:left-over .\n"
    push_graph(server.store_url, stale, GRAPH_IRI)  # what an older push may have left
    for _ in range(2):
        result = runner.invoke(app, ["push", "--store-url", server.store_url])
        assert result.exit_code == 0, result.output
    expected = len(stored_graph().store)
    assert expected == triple_lines(build_folder / "dllm-kg.nt")
    assert count(server, GRAPH_IRI) == expected  # the stale triple is gone, nothing is twice
    line = result.stdout.strip()
    assert line == (
        f"pushed {expected:,} triples of awesome-distributed-LLM.md into graph <{GRAPH_IRI}> "
        f"at {server.store_url}"
    )


def test_the_pushed_graph_holds_exactly_the_stored_triples(
    pushed: KnowledgeGraph, local: KnowledgeGraph
) -> None:
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    remote, embedded = run_sparql(pushed, everything), run_sparql(local, everything)
    assert remote.triples == embedded.triples
    assert len(pushed) == len(local.store)


def test_a_build_folder_pushes_its_ntriples(server: Server, build_folder: Path) -> None:
    graph = "https://example.org/graphs/build"
    args = ["push", "--store-url", server.store_url, "--source", str(build_folder)]
    for _ in range(2):
        result = runner.invoke(app, [*args, "--graph", graph])
        assert result.exit_code == 0, result.output
    assert count(server, graph) == triple_lines(build_folder / "dllm-kg.nt")
    assert f"into graph <{graph}>" in result.stdout


def test_push_replaces_the_graph_it_names_and_no_other(server: Server) -> None:
    graph = "https://example.org/graphs/replaced"
    push_graph(server.store_url, b"<x:a> <x:b> <x:c> .\n<x:a> <x:b> <x:d> .\n", graph)
    push_graph(server.store_url, b"<x:a> <x:b> <x:e> .\n", graph)
    rows = query_endpoint(server.query_url, "SELECT ?o { <x:a> <x:b> ?o }", graph).rows
    assert [str(row[0]) for row in rows or []] == ["x:e"]
    assert count(server, None) == 0  # nothing went into the default graph


def test_a_list_file_pushes_its_stored_graph(server: Server) -> None:
    from .conftest import DATA

    source = sorted(DATA.glob("*.md"))[0]
    graph = "https://example.org/graphs/list"
    args = ["push", "--store-url", server.store_url, "--source", str(source), "--graph", graph]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert count(server, graph) == len(stored_graph(source, str(source)).store)


# Querying an endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize("canned", list_queries(), ids=lambda canned: canned.name)
def test_each_canned_query_answers_as_embedded(
    canned: object, pushed: KnowledgeGraph, local: KnowledgeGraph
) -> None:
    embedded = run_query(local, canned)
    remote = run_query(pushed, canned)
    # papers-by-author reads authors from a BibTeX block, which the bundled list lacks.
    assert len(embedded) > 0 or canned.name == "papers-by-author"
    assert same(remote, embedded)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("papers-by-model", {"model": "Flamingo"}),
        ("papers-by-model", {"model": "llama"}),
        ("papers-by-technique", {"technique": "lora"}),
        ("papers-in-area", {"area": "https://w3id.org/dllm-kg/area/data-layer"}),
        ("title-search", {"keyword": 'federated "quoted" \\ text'}),
        ("small-models", {"budget": "1000000000"}),
        ("describe-paper", {"paper": "Flamingo: a Visual Language Model for Few-Shot Learning"}),
    ],
)
def test_other_parameter_values_answer_as_embedded(
    name: str, params: dict[str, str], pushed: KnowledgeGraph, local: KnowledgeGraph
) -> None:
    assert same(run_query(pushed, name, params), run_query(local, name, params))


def test_a_misspelt_name_gets_the_same_suggestion(
    pushed: KnowledgeGraph, local: KnowledgeGraph
) -> None:
    messages = []
    for kg in (pushed, local):
        with pytest.raises(QueryError) as error:
            run_query(kg, "papers-by-model", {"model": "Flamingoo"})
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "did you mean 'Flamingo'" in messages[0]


def test_sparql_text_gets_the_project_prefixes(
    pushed: KnowledgeGraph, local: KnowledgeGraph
) -> None:
    text = "SELECT (COUNT(?paper) AS ?n) WHERE { ?paper a dllm:Paper ; dcterms:title ?t }"
    remote = run_sparql(pushed, text)
    assert same(remote, run_sparql(local, text))
    assert int(remote.rows[0][0]) > 100


@pytest.mark.parametrize(
    "args",
    [
        ["papers-by-technique"],
        ["papers-per-area", "-f", "csv"],
        ["describe-paper"],
        ["-e", "ASK { ?p a dllm:Paper }"],
    ],
)
def test_the_command_line_prints_the_same(server: Server, pushed: KnowledgeGraph, args) -> None:
    embedded = runner.invoke(app, ["query", *args])
    remote = runner.invoke(app, ["query", *args, "--endpoint", server.query_url])
    assert embedded.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == embedded.stdout
    assert f"graph: endpoint: {server.query_url} (graph <{GRAPH_IRI}>)" in remote.stderr


def test_an_empty_graph_option_asks_the_endpoints_default_graph(
    server: Server, pushed: KnowledgeGraph
) -> None:
    args = ["query", "-e", "ASK { ?s ?p ?o }", "--endpoint", server.query_url]
    assert runner.invoke(app, args).stdout == "true\n"
    default = runner.invoke(app, [*args, "--graph", ""])
    assert default.stdout == "false\n"  # push wrote a named graph; the default one is empty
    assert "(its default graph)" in default.stderr


def test_service_stays_refused_on_an_endpoint(pushed: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="SERVICE is refused"):
        run_sparql(pushed, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


# Errors: one line, exit 2 ----------------------------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the console script's ``main``: exit code and stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return exit_info.value.code, capsys.readouterr().err


def assert_one_line(err: str, *parts: str) -> None:
    assert err.startswith("dllm-kg: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, err


def test_an_unreachable_store_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    code, err = run(["push", "--store-url", url], capsys)
    assert code == 2
    assert_one_line(err, url, "cannot connect (connection refused)")


def test_an_unreachable_endpoint_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, err = run(["query", "surveys", "--endpoint", url], capsys)
    assert code == 2
    assert_one_line(err, url, "cannot connect (connection refused)")


def test_a_refusing_store_is_one_line_with_its_status(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.store_url.replace("/store", "/no-such-path")
    code, err = run(["push", "--store-url", url], capsys)
    assert code == 2
    assert_one_line(err, url, "the server answered 404 Not Found")


def test_a_bad_query_is_the_endpoints_message(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["query", "-e", "SELECT ?x WHERE { ?x", "--endpoint", server.query_url]
    code, err = run(args, capsys)
    assert code == 2
    assert_one_line(err, f"query -e: {server.query_url} refused the query: error at 1:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["push", "--store-url", "ftp://example.org/store"], "not an http:// or https:// URL"),
        (["push", "--store-url", "localhost:7878/store"], "not an http:// or https:// URL"),
        (["push", "--store-url", "http://x/store", "--source", "no-such"], "no such file"),
        (["push", "--store-url", "http://x/store", "--source", "tests"], "not a build folder"),
        (["query", "surveys", "--endpoint", "http://x/q", "--source", "a.md"], "--source"),
        (["query", "surveys", "--endpoint", "http://x/q", "--engine", "rdflib"], "--engine"),
        (["query", "surveys", "--graph", "https://example.org/g"], "--graph needs --endpoint"),
        (["push"], "Missing option '--store-url'"),
    ],
)
def test_usage_errors_are_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(args, capsys)
    assert code == 2
    assert_one_line(err, message)


def test_an_unknown_host_is_a_remote_error() -> None:
    with pytest.raises(RemoteError, match=r"no-such-host\.invalid/store: cannot connect"):
        push_graph("http://no-such-host.invalid/store", b"")


# inline_bindings -------------------------------------------------------------------------------

#: A small graph to run the inlined queries on, against pyoxigraph's own binding.
DATA_NT = b"""<x:a> <x:p> <x:b> .
<x:a> <x:q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<x:c> <x:p> <x:d> .
<x:c> <x:q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


def answer(text: str) -> object:
    """A query's answer on the small graph (pyoxigraph), as the text of its terms."""
    store = ox.Store()
    store.bulk_load(DATA_NT, format=ox.RdfFormat.N_TRIPLES)
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [variable.value for variable in result.variables]
        return sorted(tuple(solution[name].value for name in names) for solution in result)
    return sorted((t.subject.value, t.predicate.value, t.object.value) for t in result)


#: The answers to the queries of INLINED with ?s bound to <x:a>, worked out by hand on the
#: small graph, in the same order.
ANSWERS = [
    [("x:b",)],
    sorted(("x:a", "x:r", text) for text in ("} WHERE {", "#}", "}\nWHERE {", '"}')),
    [("x:a", "http://e.org/ns#r", "x:b"), ("x:a", "x:a#b", "x:b")],
    [("x:a", "x:r", "x:b")],
    [("x:a", "x:p", "x:b")],
    [("x:a",)],
    [("x:b",)],
    True,
    [("x:a", "x:p", "x:b"), ("x:a", "x:q", "1")],
]


#: Queries, and each with ?s bound to <x:a> by inline_bindings.
INLINED = [
    # A comment that holds a brace and WHERE, before the query.
    (
        "# { WHERE {\nSELECT ?o WHERE { ?s <x:p> ?o }",
        "# { WHERE {\nSELECT ?o WHERE { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }",
    ),
    # Strings of the four quote forms, holding braces, WHERE and #, in a CONSTRUCT template.
    (
        'CONSTRUCT { ?s <x:r> "} WHERE {", \'#}\', \'\'\'}\nWHERE {\'\'\', """"}""" }\n'
        "WHERE { ?s <x:p> ?o }",
        'CONSTRUCT { ?s <x:r> "} WHERE {", \'#}\', \'\'\'}\nWHERE {\'\'\', """"}""" }\n'
        "WHERE { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }",
    ),
    # An IRI with # (not a comment) in the template; a local name with an escaped #.
    (
        "PREFIX e: <x:>\nCONSTRUCT { ?s <http://e.org/ns#r> ?o ; e:a\\#b ?o }\n"
        "WHERE { ?s <x:p> ?o }",
        "PREFIX e: <x:>\nCONSTRUCT { ?s <http://e.org/ns#r> ?o ; e:a\\#b ?o }\n"
        "WHERE { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }",
    ),
    # A CONSTRUCT without WHERE: its second group is the pattern.
    (
        "CONSTRUCT { ?s <x:r> ?o } { ?s <x:p> ?o }",
        "CONSTRUCT { ?s <x:r> ?o } { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }",
    ),
    # The short form CONSTRUCT WHERE is written out first.
    (
        "construct where { ?s <x:p> ?o }",
        "construct { ?s <x:p> ?o } where { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }",
    ),
    # SELECT * {} and lower-case keywords; a sub-query is not the outermost group.
    ("select * {}", "select * { VALUES (?s) { (<x:a>) }}"),
    (
        "select ?o where { { select ?s ?o where { ?s <x:p> ?o } } }",
        "select ?o where { VALUES (?s) { (<x:a>) } { select ?s ?o where { ?s <x:p> ?o } } }",
    ),
    # ASK and DESCRIBE without WHERE; operators < and <= are not IRIs.
    (
        "ASK { ?s <x:q> ?n FILTER(?n <= 1 && ?n<2 && ?n < 3) }",
        "ASK { VALUES (?s) { (<x:a>) } ?s <x:q> ?n FILTER(?n <= 1 && ?n<2 && ?n < 3) }",
    ),
    ("DESCRIBE ?s { ?s <x:p> ?o }", "DESCRIBE ?s { VALUES (?s) { (<x:a>) } ?s <x:p> ?o }"),
]


@pytest.mark.parametrize(
    ("text", "expected", "answered"),
    [(*pair, answered) for pair, answered in zip(INLINED, ANSWERS, strict=True)],
)
def test_inline_bindings_finds_the_outermost_group(
    text: str, expected: str, answered: object
) -> None:
    inlined = inline_bindings(text, {"s": "<x:a>"})
    assert inlined == expected
    assert answer(inlined) == answered


def test_inline_bindings_of_several_variables_and_a_typed_literal() -> None:
    text = "SELECT ?s ?n WHERE { ?s <x:q> ?n }"
    integer = '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'
    inlined = inline_bindings(text, {"s": "<x:c>", "n": integer})
    assert inlined == f"SELECT ?s ?n WHERE {{ VALUES (?s ?n) {{ (<x:c> {integer}) }} ?s <x:q> ?n }}"
    assert answer(inlined) == [("x:c", "2")]


def test_inline_bindings_keeps_a_query_without_bindings_and_refuses_what_it_cannot_bind() -> None:
    assert inline_bindings("DESCRIBE <x:a>", {}) == "DESCRIBE <x:a>"
    with pytest.raises(ValueError, match=r"no \{ ... \} group"):
        inline_bindings("DESCRIBE <x:a>", {"s": "<x:a>"})
    with pytest.raises(ValueError, match="not a SPARQL variable name"):
        inline_bindings("SELECT * {}", {"s) } DROP ALL #": "<x:a>"})
