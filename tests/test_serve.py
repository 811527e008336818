"""`dllm-kg serve`: a real server on 127.0.0.1, asked by a real HTTP client (httpx).

Answers are compared with what pyoxigraph itself answers on the same stored graph (byte for
byte where the format is pyoxigraph's own), JSON-LD is read by pyld, and the downloads are
compared with the files `dllm-kg build` writes.
"""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld

from dllm_kg.catalogue import list_queries
from dllm_kg.constants import GRAPH_IRI
from dllm_kg.namespaces import PREFIXES
from dllm_kg.pipeline import stored_graph
from dllm_kg.query import KnowledgeGraph, load_graph, run_query, run_sparql
from tests.serving import DLLM_KG, Server, query_workers, served, wait_gone

#: A query with no end: a four-way cross product of the graph, filtered row by row.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER (CONCAT(STR(?c), STR(?f), STR(?i), STR(?l)) = "never") }'
)
TITLES = (
    "SELECT ?paper ?title WHERE { ?paper a dllm:Paper ; dcterms:title ?title } "
    "ORDER BY ?title ?paper"
)
#: Every paper's title and link: a CONSTRUCT of known size.
TITLE_GRAPH = (
    "CONSTRUCT { ?paper dcterms:title ?title } WHERE { ?paper a dllm:Paper ; dcterms:title ?title }"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The bundled list served with the default limits."""
    with served() as running:
        yield running


@pytest.fixture(scope="module")
def store(server: Server) -> ox.Store:
    """The stored graph the server answers from, opened by the test itself."""
    return stored_graph().store


def ask(server: Server, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    """GET /sparql?query=... with an Accept header."""
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.endpoint, params={"query": query, **params}, headers=headers)


def local(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """The same query answered by pyoxigraph in this process."""
    return store.query(query, prefixes=PREFIXES)


# Content negotiation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "results_format"),
    [
        (None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/csv", "text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
        (
            "text/tab-separated-values",
            "text/tab-separated-values; charset=utf-8",
            ox.QueryResultsFormat.TSV,
        ),
        (
            "text/csv;q=0.1, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/html,*/*;q=0.8", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_answers_in_the_negotiated_format_as_pyoxigraph_writes_it(
    server: Server, store: ox.Store, accept: str | None, media_type: str, results_format
) -> None:
    response = ask(server, TITLES, accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content == local(store, TITLES).serialize(format=results_format)
    assert "X-SPARQL-MaxRows" not in response.headers


def test_a_select_over_post_in_each_form_gives_the_same_rows(
    server: Server, store: ox.Store
) -> None:
    expected = local(store, TITLES).serialize(format=ox.QueryResultsFormat.CSV)
    form = httpx.post(server.endpoint, data={"query": TITLES}, headers={"Accept": "text/csv"})
    direct = httpx.post(
        server.endpoint,
        content=TITLES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert form.content == direct.content == expected
    rows = list(csv.reader(io.StringIO(form.text)))
    assert rows[0] == ["paper", "title"] and len(rows) == 1 + 109


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_answers_true_and_false(server: Server, store: ox.Store, accept: str) -> None:
    for query, truth in (("ASK { ?p a dllm:Paper }", True), ("ASK { ?p a dllm:Nothing }", False)):
        response = ask(server, query, accept)
        assert response.status_code == 200
        results_format = ox.QueryResultsFormat.from_media_type(accept)
        assert bool(ox.parse_query_results(response.content, format=results_format)) is truth
        assert response.content == local(store, query).serialize(format=results_format)


def _triples(store: ox.Store, query: str) -> set[ox.Triple]:
    return set(local(store, query))


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        (None, ox.RdfFormat.TURTLE),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_answers_the_same_triples_in_each_rdf_format(
    server: Server, store: ox.Store, accept: str | None, rdf_format: ox.RdfFormat
) -> None:
    response = ask(server, TITLE_GRAPH, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == rdf_format.media_type
    got = {quad.triple for quad in ox.parse(response.content, format=rdf_format)}
    assert got == _triples(store, TITLE_GRAPH) and len(got) == 109


def test_construct_as_json_ld_reads_in_pyld_as_the_same_triples(
    server: Server, store: ox.Store
) -> None:
    response = ask(server, TITLE_GRAPH, "application/ld+json")
    assert response.headers["content-type"] == "application/ld+json"
    nquads = jsonld.to_rdf(response.json(), {"format": "application/n-quads"})
    got = {quad.triple for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    assert got == _triples(store, TITLE_GRAPH)


def test_describe_answers_a_paper_s_triples(server: Server, store: ox.Store) -> None:
    paper = next(iter(local(store, "SELECT ?p { ?p a dllm:Paper } ORDER BY ?p LIMIT 1")))["p"]
    query = f"DESCRIBE <{paper.value}>"
    got = {q.triple for q in ox.parse(ask(server, query).content, format=ox.RdfFormat.TURTLE)}
    assert got == _triples(store, query)
    assert (
        ox.Triple(
            paper, ox.NamedNode(f"{PREFIXES['rdf']}type"), ox.NamedNode(f"{PREFIXES['dllm']}Paper")
        )
        in got
    )


def test_a_format_the_server_does_not_offer_gets_406(server: Server) -> None:
    response = ask(server, TITLES, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert ask(server, TITLE_GRAPH, "text/csv").status_code == 406  # a graph is not rows


# The dataset: default-graph-uri --------------------------------------------------------------


def test_the_push_graph_iri_names_the_served_graph_and_another_iri_an_empty_one(
    server: Server, store: ox.Store
) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"

    def triples(**params: str) -> int:
        body = ask(server, count, "application/sparql-results+json", **params).json()
        return int(body["results"]["bindings"][0]["n"]["value"])

    assert triples() == triples(**{"default-graph-uri": GRAPH_IRI}) == len(store)
    assert triples(**{"default-graph-uri": "https://example.org/other"}) == 0


# Refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }",
        "PREFIX ex: <https://example.org/>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <https://example.org/data.ttl>",
        "# comment\ndrop all",
    ],
)
def test_updates_are_refused_as_updates_in_every_form(
    server: Server, store: ox.Store, update: str
) -> None:
    as_query = httpx.post(server.endpoint, data={"query": update})
    assert as_query.status_code == 400
    assert as_query.text == "updates are refused: this endpoint is read-only\n"
    as_update = httpx.post(server.endpoint, data={"update": update})
    sent = httpx.post(
        server.endpoint, content=update, headers={"Content-Type": "application/sparql-update"}
    )
    assert as_update.status_code == sent.status_code == 403
    assert "read-only" in as_update.text and "read-only" in sent.text
    assert _count(server) == len(store)  # nothing changed


def _count(server: Server) -> int:
    body = ask(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").json()
    return int(body["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "query",
    ["SELEC ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { ?x ?p }", "SELECT * { ?s nope:p ?o }"],
)
def test_a_malformed_query_gets_400_with_the_parser_s_message(
    server: Server, store: ox.Store, query: str
) -> None:
    with pytest.raises(SyntaxError) as parser:
        local(store, query)
    response = ask(server, query)
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == f"{parser.value}\n"


def test_service_is_refused(server: Server) -> None:
    query = "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = ask(server, query)
    assert response.status_code == 400
    assert "SERVICE is refused" in response.text


def test_a_body_of_another_type_or_too_large_is_refused(server: Server) -> None:
    plain = httpx.post(
        server.endpoint, content=b"SELECT * {}", headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 415
    huge = httpx.post(server.endpoint, data={"query": "#" * (2 << 20)})
    assert huge.status_code == 413
    assert ask(server, "ASK {}").status_code == 200  # and the server goes on


# The conventions of public endpoints ----------------------------------------------------------


def test_cors_lets_a_page_of_another_origin_query(server: Server) -> None:
    origin = {"Origin": "https://yasgui.example.org"}
    preflight = httpx.options(
        server.endpoint,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    answer = httpx.post(server.endpoint, data={"query": "ASK {}"}, headers=origin)
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "x-sparql-maxrows" in answer.headers["access-control-expose-headers"].lower()


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_sparql_without_a_query_describes_the_service(server: Server, store: ox.Store) -> None:
    response = httpx.get(server.endpoint)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    description = ox.Store()
    description.load(response.content, format=ox.RdfFormat.TURTLE)
    row = next(
        iter(
            description.query(
                f"""PREFIX sd: <{SD}> PREFIX void: <http://rdfs.org/ns/void#>
                SELECT ?endpoint ?triples (COUNT(DISTINCT ?format) AS ?formats) WHERE {{
                  ?service a sd:Service ; sd:endpoint ?endpoint ;
                    sd:supportedLanguage sd:SPARQL11Query ; sd:resultFormat ?format ;
                    sd:defaultDataset/sd:defaultGraph/void:triples ?triples }}
                GROUP BY ?endpoint ?triples"""
            )
        )
    )
    assert row["endpoint"] == ox.NamedNode(server.endpoint)
    assert int(row["triples"].value) == len(store)
    assert int(row["formats"].value) == 8
    as_json_ld = httpx.get(server.endpoint, headers={"Accept": "application/ld+json"})
    nquads = jsonld.to_rdf(as_json_ld.json(), {"format": "application/n-quads"})
    assert len(list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))) == len(description)


def test_the_void_description_is_the_build_s_void_file(server: Server, built: Path) -> None:
    response = httpx.get(f"{server.url}/.well-known/void")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == (built / "void.ttl").read_bytes()
    as_triples = httpx.get(
        f"{server.url}/.well-known/void", headers={"Accept": "application/n-triples"}
    )
    expected = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    assert {
        q.triple for q in ox.parse(as_triples.content, format=ox.RdfFormat.N_TRIPLES)
    } == expected


def test_the_canned_queries_are_listed_as_json(server: Server) -> None:
    listed = httpx.get(f"{server.url}/queries").json()
    canned = list_queries()
    assert [entry["name"] for entry in listed] == [query.name for query in canned]
    by_name = {entry["name"]: entry for entry in listed}
    technique = by_name["papers-by-technique"]
    assert technique["title"] == "Papers that use a technique"
    assert technique["parameters"] == [
        {
            "name": "technique",
            "default": "LoRA",
            "kind": "technique",
            "description": "the technique, by label, id (lora) or IRI",
        }
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled list built by `dllm-kg build`."""
    out = tmp_path_factory.mktemp("built") / "dist"
    subprocess.run([str(DLLM_KG), "build", "-o", str(out)], check=True, capture_output=True)
    return out


def test_every_file_a_build_writes_is_served_as_the_build_writes_it(
    server: Server, built: Path
) -> None:
    names = sorted(path.name for path in built.iterdir() if not path.name.startswith("."))
    assert len(names) == 7
    for name in names:
        response = httpx.get(f"{server.url}/{name}")
        assert response.status_code == 200, name
        assert response.content == (built / name).read_bytes(), name
    assert (
        httpx.get(f"{server.url}/dllm-kg.ttl").headers["content-type"]
        == "text/turtle; charset=utf-8"
    )
    assert httpx.get(f"{server.url}/nothing.ttl").status_code == 404


# Limits ----------------------------------------------------------------------------------------


def test_the_result_limit_cuts_rows_and_triples_and_says_so() -> None:
    with served("--max-results", "10") as server:
        rows = ask(server, TITLES, "text/csv")
        assert rows.status_code == 200
        assert len(rows.text.splitlines()) == 1 + 10
        assert rows.headers["X-SPARQL-MaxRows"] == "10"
        triples = ask(server, TITLE_GRAPH, "application/n-triples")
        assert len(triples.text.splitlines()) == 10
        assert triples.headers["X-SPARQL-MaxRows"] == "10"
        few = ask(server, "SELECT ?a { ?a a dllm:Area }", "text/csv")
        assert len(few.text.splitlines()) == 1 + 4 and "X-SPARQL-MaxRows" not in few.headers


def test_a_query_over_the_time_limit_is_stopped_and_the_server_goes_on() -> None:
    with served("--timeout", "2", "--workers", "1") as server:
        stopped = ask(server, ENDLESS)
        assert stopped.status_code == 503
        assert stopped.text == "the query was stopped after 2 s (time limit)\n"
        assert ask(server, "ASK { ?p a dllm:Paper }").json()["boolean"] is True
        assert ask(server, ENDLESS).status_code == 503  # the new worker is limited too


def test_fifty_concurrent_requests_are_all_answered(server: Server, store: ox.Store) -> None:
    def titles_containing(index: int) -> tuple[int, int]:
        word = f"{index % 10}"
        query = f'SELECT (COUNT(*) AS ?n) {{ ?p dcterms:title ?t FILTER (CONTAINS(?t, "{word}")) }}'
        response = httpx.post(server.endpoint, data={"query": query}, timeout=None)
        expected = next(iter(local(store, query)))["n"].value
        return response.status_code, int(
            response.json()["results"]["bindings"][0]["n"]["value"]
        ) - int(expected)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(titles_containing, range(50)))
    assert answers == [(200, 0)] * 50


def test_a_full_server_answers_503_at_once() -> None:
    """One worker and room for one waiting request: of three endless queries sent at once,
    one runs, one waits and the third is turned away (a 503 that arrives while the others
    still run)."""
    with served("--workers", "1", "--queue", "1", "--timeout", "600") as server:
        first: list[httpx.Response] = []
        done = threading.Event()

        def endless() -> None:
            try:
                response = httpx.post(server.endpoint, data={"query": ENDLESS}, timeout=None)
            except httpx.TransportError:
                return  # the server was stopped with this request still running
            first.append(response)
            done.set()

        threads = [threading.Thread(target=endless) for _ in range(3)]
        for thread in threads:
            thread.start()
        done.wait()
        assert first[0].status_code == 503
        assert first[0].text == "the server is full; try again shortly\n"
        assert first[0].headers["Retry-After"] == "1"
        workers = query_workers(server.process.pid)
        server.process.kill()  # SIGKILL: no clean-up of its own; its workers end with it
        for thread in threads:
            thread.join()
        assert len(first) == 1
        for pid in workers:  # each was running an endless query
            assert wait_gone(pid)


def test_a_slow_client_holds_only_its_own_connection() -> None:
    with served("--workers", "1") as server:
        host, port = server.url.removeprefix("http://").split(":")
        stalled = socket.create_connection((host, int(port)))
        stalled.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nquery=")
        unread = socket.create_connection((host, int(port)))  # asks for much, reads nothing
        unread.sendall(
            b"GET /sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        try:
            for _ in range(5):
                assert ask(server, "ASK { ?p a dllm:Paper }").json()["boolean"] is True
        finally:
            stalled.close()
            unread.close()


# Starting and stopping -------------------------------------------------------------------------


def test_it_listens_on_127_0_0_1_unless_told_and_stops_cleanly_on_ctrl_c() -> None:
    with served() as server:
        assert server.url.startswith("http://127.0.0.1:")
        workers = query_workers(server.process.pid)
        assert len(workers) == 2
        code, out, err = server.interrupt()
        assert code == 0
        assert out.strip().splitlines()[-1] == "stopped"
        assert "Traceback" not in err and "Error" not in err
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(DLLM_KG), "serve", "--port", str(port)], capture_output=True, text=True
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"dllm-kg: error: cannot listen on 127.0.0.1:{port} (")
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_canned_query_gives_the_embedded_rows_through_the_endpoint_and_its_listed_text(
    server: Server,
) -> None:
    embedded = load_graph()
    remote = KnowledgeGraph(endpoint=server.endpoint)  # asks GRAPH_IRI, the graph served here
    listed = {entry["name"]: entry["query"] for entry in httpx.get(f"{server.url}/queries").json()}
    for query in list_queries():
        expected = run_query(embedded, query)
        assert run_query(remote, query) == expected, query.name
        assert run_sparql(remote, listed[query.name], name=query.name) == expected, query.name
