"""The query API: finding queries, binding parameters safely, loading sources, result formats."""

import csv
import io
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from dllm_kg.buildfolder import write_build
from dllm_kg.constants import QUERY_CATALOGUE_PATH
from dllm_kg.export import render_exports
from dllm_kg.namespaces import AREA, MODEL, PAPER, TECHNIQUE
from dllm_kg.query import (
    KINDS,
    KnowledgeGraph,
    Parameter,
    QueryError,
    bind_value,
    get_query,
    list_queries,
    load_graph,
    parse_query,
    run_query,
    run_sparql,
)
from dllm_kg.querydocs import catalogue

from .conftest import DATA

ENGINES = ("rdflib", "oxigraph")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


# Finding queries -------------------------------------------------------------------------------


def test_list_queries_reads_every_header() -> None:
    queries = {query.name: query for query in list_queries()}
    assert "construct-paper-areas" not in queries  # rules are not canned queries
    small = queries["small-models"]
    assert small.title == "Small models under a parameter budget"
    assert (
        small.question == "Which models have at most a given number of parameters, smallest first?"
    )
    assert small.parameters == (
        Parameter("budget", "1B", "size", "the largest parameter count to list (3B, 1.5B, 500M)"),
    )
    assert small.output == "?budget ?model ?label ?parameters ?exact ?huggingFaceId"
    assert small.notes[0].startswith("?exact is false where the list gives only an upper bound")
    assert queries["area-subgraph"].form == "CONSTRUCT"
    assert queries["describe-paper"].form == "DESCRIBE"


def test_unknown_query_name_suggests_close_ones() -> None:
    with pytest.raises(
        QueryError, match=r"no canned query 'papers-by-modle'; did you mean papers-by-model"
    ):
        get_query("papers-by-modle")
    with pytest.raises(QueryError, match=r"no canned query '\.\./secrets'"):
        get_query("../secrets")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("# param: n 3 (kind: integer)", "malformed parameter line"),
        ("# param: n = 3 (kind: number) - x", "unknown kind 'number'; kinds: literal, integer"),
    ],
)
def test_malformed_headers_are_refused(line: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(f"# title: t\n{line}\nSELECT ?n WHERE {{}}", "broken")


# Binding parameters ----------------------------------------------------------------------------


def test_parameters_take_labels_ids_and_iris(bundled_kg: KnowledgeGraph, engine: str) -> None:
    technique = Parameter("technique", "LoRA", "technique")
    for value in ("LoRA", "lora", "Low-Rank Adaptation", "qlora", str(TECHNIQUE.lora)):
        assert bind_value(bundled_kg, technique, value, engine) == TECHNIQUE.lora, value
    area = Parameter("area", "", "area")
    assert bind_value(bundled_kg, area, "data layer", engine) == AREA["data-layer"]
    model = Parameter("model", "", "model")
    assert bind_value(bundled_kg, model, "blip2", engine) == MODEL["blip-2"]  # alternate name
    paper = Parameter("paper", "", "paper")
    assert (
        bind_value(bundled_kg, paper, "visual instruction tuning", engine)
        == PAPER["visual-instruction-tuning"]
    )
    assert bind_value(bundled_kg, Parameter("on", "", "boolean"), "yes") == Literal(True)
    assert bind_value(bundled_kg, Parameter("n", "", "integer"), 7) == Literal(
        7, datatype=XSD.integer
    )


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("technique", "lorra", r"no technique 'lorra' in the graph; did you mean 'LoRA'"),
        ("technique", str(AREA["data-layer"]), "no technique"),  # an IRI of the wrong kind
        ("area", "lora", "no area 'lora'"),
        ("model", "", "takes a model: its name, id .* not an empty value"),
        ("integer", "three", "takes a whole number, not 'three'"),
        ("integer", "3.5", "takes a whole number"),
        ("boolean", "maybe", "takes true or false"),
        ("iri", "not an iri", "takes an absolute IRI"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(
    bundled_kg: KnowledgeGraph, engine: str, kind: str, value: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        bind_value(bundled_kg, Parameter("x", "", kind), value, engine, "q")


def test_unknown_parameter_names_the_known_ones(bundled_kg: KnowledgeGraph) -> None:
    with pytest.raises(
        QueryError, match="small-models has no parameter 'size'; its parameters: budget"
    ):
        bundled_kg.run("small-models", size=3)


#: Attempts to break out of a value into the query text.
INJECTIONS = [
    '" } ; DROP ALL ; #',
    "}} ; DROP",
    'edge") || true || ("',
    "x' } UNION { ?paper ?p ?title } #",
    "<http://example.org/a> } UNION { ?s ?p ?o",
    "\\u0022 ) } DROP GRAPH <urn:x>",
]


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_injection_through_a_text_parameter_is_a_plain_value(
    bundled_kg: KnowledgeGraph, engine: str, attempt: str
) -> None:
    size = len(bundled_kg.graph)
    result = bundled_kg.run("title-search", engine=engine, keyword=attempt)
    # No title contains the attempt, so nothing matches; the attempt comes back as the value
    # of ?keyword in each row it would have had, and the graph is unchanged.
    assert len(result) == 0
    assert len(bundled_kg.graph) == size == len(bundled_kg.store)


def test_injection_binds_the_exact_text(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # A title that does contain quote-like text is still found through a bound value.
    result = bundled_kg.run("title-search", engine=engine, keyword="LoRA's")
    assert result.rows[0][0] == Literal("LoRA's")
    assert len(result) == 1


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_injection_through_a_named_parameter_is_refused(
    bundled_kg: KnowledgeGraph, engine: str, attempt: str
) -> None:
    with pytest.raises(QueryError, match=r"no technique|is not a valid IRI"):
        bundled_kg.run("papers-by-technique", engine=engine, technique=attempt)


@pytest.mark.parametrize(
    "attempt",
    [
        "3; DROP ALL",
        "3 } UNION { ?s ?p ?o }",
        "1e9",
        "",
    ],
)
def test_injection_through_an_integer_parameter_is_refused(
    bundled_kg: KnowledgeGraph, attempt: str
) -> None:
    with pytest.raises(QueryError, match="takes a whole number"):
        bundled_kg.run("technique-co-occurrence", min_papers=attempt)


@pytest.mark.parametrize(
    "attempt",
    [
        "https://w3id.org/dllm-kg/paper/x y",
        "https://w3id.org/dllm-kg/paper/x> } DROP ALL { <x",
        'https://example.org/"quoted"',
        "https://example.org/{braces}",
        "https://example.org/a|b",
    ],
)
def test_iris_with_forbidden_characters_are_refused(
    bundled_kg: KnowledgeGraph, engine: str, attempt: str, tmp_path: Path
) -> None:
    with pytest.raises(QueryError, match="not a valid IRI"):
        bundled_kg.run("describe-paper", engine=engine, paper=attempt)
    query = tmp_path / "links-to.rq"
    query.write_text(
        "# title: Papers with a link\n# question: Which papers link here?\n"
        "# param: target = https://arxiv.org/abs/2304.08485 (kind: iri) - the link\n"
        "# output: ?target ?paper\n"
        "PREFIX dllm: <https://w3id.org/dllm-kg/ontology#>\n"
        "SELECT ?target ?paper WHERE { ?paper dllm:link ?target }\n"
    )
    assert len(bundled_kg.run(query, engine=engine)) == 1  # Visual Instruction Tuning
    with pytest.raises(QueryError, match="takes an absolute IRI without spaces"):
        bundled_kg.run(query, engine=engine, target=attempt)


def test_updates_cannot_be_run(bundled_kg: KnowledgeGraph, engine: str) -> None:
    size = len(bundled_kg.graph)
    for update in ("DROP ALL", "DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <a:b> <a:c> <a:d> }"):
        with pytest.raises(QueryError, match="updates are refused: queries are read-only"):
            bundled_kg.sparql(update, engine=engine)
    assert len(bundled_kg.graph) == size == len(bundled_kg.store)


def test_bindings_must_be_rdf_terms(bundled_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"binding of \?t must be an RDF term"):
        bundled_kg.sparql("SELECT ?t WHERE { ?t a dllm:Technique }", bindings={"t": "lora"})


# SERVICE ---------------------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A SPARQL endpoint's address on 127.0.0.1 and what it received: it must receive nothing."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(1024) or b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", received
    stop.set()
    thread.join()
    server.close()


#: Queries that call the listener (``{url}``), each in a way the text alone may hide.
SERVICE_CALLS = {
    "escaped": r"SELECT * WHERE { \u0053ERVICE <{url}> { ?s ?p ?o } }",
    "lower-case": "SELECT * WHERE { service <{url}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { ?s ?p ?o SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }",
    "union": "SELECT * WHERE { { ?s a dllm:Paper } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?s a dllm:Paper MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "exists": "SELECT * WHERE { ?s a dllm:Paper FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "not-exists": "ASK { ?s a dllm:Paper FILTER (!EXISTS { SERVICE <{url}> { ?s ?p ?o } }) }",
    "sub-query": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "variable": "SELECT * WHERE { ?s a dllm:Paper SERVICE ?e { ?s ?p ?o } VALUES ?e { <{url}> } }",
    "graph": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }",
    # SPARQL 1.2 triple terms: pyoxigraph reads them, rdflib does not.
    "triple-term": "SELECT * WHERE { ?s ?p ?o SERVICE <{url}> { ?s ?p <<( ?a ?b ?c )>> } }",
    # rdflib reads \u0022 as a quote everywhere, pyoxigraph only inside the strings: rdflib
    # sees SERVICE inside a string, pyoxigraph sees the keyword.
    "escaped-quote": r'SELECT * WHERE { ?s ?p ?o FILTER(?o NOT IN ("\u0022, ")) '
    r'SERVICE <{url}> { ?s ?p ?o } FILTER(?o NOT IN (", \u0022")) }',
}


@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_service_calls_are_refused_and_never_sent(
    bundled_kg: KnowledgeGraph,
    engine: str,
    listener: tuple[str, list[bytes]],
    name: str,
) -> None:
    url, received = listener
    text = SERVICE_CALLS[name].replace("{url}", url)
    with pytest.raises(QueryError, match=r"^q: SERVICE is refused: queries run on the local"):
        run_sparql(bundled_kg, text, engine=engine, name="q")
    assert received == []


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service a dllm:Repository }",
        "SELECT $service WHERE { $service a dllm:Repository }",
        'SELECT ?r WHERE { ?r a dllm:Repository FILTER(?r != "SERVICE <http://x.org/> {}") }',
        "SELECT ?r WHERE {\n  # SERVICE <http://x.org/sparql> { }\n  ?r a dllm:Repository\n}",
        # With a \\u escape the text is also searched for the word: names are still no call.
        r"SELECT ?r WHERE { ?r a dllm:Repository FILTER(?r != <http://x.org/web-services>)"
        r' FILTER(!BOUND(?x)) OPTIONAL { ?r dllm:service ?x } FILTER(?r != "\u00e9") }',
    ],
)
def test_the_word_service_elsewhere_is_no_call(
    bundled_kg: KnowledgeGraph, engine: str, text: str
) -> None:
    assert len(bundled_kg.sparql(text, engine=engine)) == 35


def test_a_text_that_does_not_parse_gets_the_engines_error(
    bundled_kg: KnowledgeGraph, engine: str
) -> None:
    with pytest.raises(QueryError, match=r"^q: syntax error at line 1, column \d+"):
        run_sparql(bundled_kg, "SELECT ?service WHERE { ?service FILTR }", engine=engine, name="q")


# Running SPARQL --------------------------------------------------------------------------------


def test_hand_written_sparql_with_the_project_prefixes(
    bundled_kg: KnowledgeGraph, engine: str
) -> None:
    result = bundled_kg.sparql(
        "SELECT ?title WHERE { ?p dllm:usesModel model:flamingo ; dcterms:title ?title }",
        engine=engine,
    )
    assert [r["title"] for r in result.records()] == [
        "Flamingo: a Visual Language Model for Few-Shot Learning"
    ]
    bound = bundled_kg.sparql(
        "SELECT ?m (COUNT(?p) AS ?n) WHERE { ?p dllm:usesModel ?m } GROUP BY ?m",
        engine=engine,
        bindings={"m": MODEL.llama},
    )
    assert bound.records() == [{"m": str(MODEL.llama), "n": 9}]
    ask = bundled_kg.sparql(
        "ASK { paper:visual-instruction-tuning dllm:usesModel model:clip }", engine=engine
    )
    assert ask.boolean is True and ask.form == "ASK"


def test_syntax_errors_name_the_query_and_the_line(
    bundled_kg: KnowledgeGraph, engine: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text("# title: Broken\nSELECT ?x\nWHERE {\n  ?x a dllm:Paper .\n  FILTR (?x)\n}\n")
    with pytest.raises(QueryError, match=r"^broken: syntax error at line 5, column \d+: "):
        bundled_kg.run(broken, engine=engine)
    undeclared = "SELECT ?x WHERE {\n  ?x a dllm:Paper ;\n    nope:title ?t .\n}"
    with pytest.raises(
        QueryError, match=r"^q: syntax error at line 3, column \d+: undeclared prefix"
    ):
        run_sparql(bundled_kg, undeclared, engine=engine, name="q")


def test_unknown_engine(bundled_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="no engine 'jena'; engines: rdflib, oxigraph"):
        bundled_kg.run("papers-per-area", engine="jena")


# Sources ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled list's exports, in a folder."""
    out = tmp_path_factory.mktemp("exports") / "dist"
    write_build(render_exports(load_graph().store), out)
    return out


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", ["dllm-kg.nt", "dllm-kg.ttl", "dllm-kg.jsonld"])
def test_an_exported_graph_answers_like_the_list(
    bundled_kg: KnowledgeGraph, exported: Path, name: str, engine: str
) -> None:
    kg = load_graph(exported / name)
    expected = run_query(bundled_kg, "papers-per-year-and-area").rows
    assert run_query(kg, "papers-per-year-and-area", engine=engine).rows == expected
    assert len(kg) == len(bundled_kg.graph)


def test_another_list_as_source(engine: str) -> None:
    kg = load_graph(DATA / "custom-list.md")
    result = kg.run("small-models", engine=engine, budget=3_000_000_000)
    assert [(r["label"], r["parameters"], r["exact"]) for r in result.records()] == [
        ("WatchLM 3M", 3_000_000, True),
        ("Bounded-1", 2_500_000_000, False),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nowhere.ttl", "nowhere.ttl: no such file"),
        ("list.csv", "cannot tell its format from .csv"),
    ],
)
def test_sources_that_cannot_be_read(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "list.csv").write_text("a,b\n")
    with pytest.raises(QueryError, match=message):
        load_graph(tmp_path / name)


def test_a_broken_export_is_a_clear_error(tmp_path: Path, engine: str) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    with pytest.raises(QueryError, match=r"broken\.ttl: not valid RDF"):
        load_graph(broken).run("papers-per-area", engine=engine)


# Results ---------------------------------------------------------------------------------------


def test_sparql_json_results(bundled_kg: KnowledgeGraph) -> None:
    document = json.loads(bundled_kg.run("small-models", budget=12_000_000).to_json())
    assert document["head"] == {
        "vars": ["budget", "model", "label", "parameters", "exact", "huggingFaceId"]
    }
    assert document["results"]["bindings"] == [
        {
            "budget": {"type": "literal", "value": "12000000", "datatype": str(XSD.integer)},
            "model": {"type": "uri", "value": str(MODEL["albert-base"])},
            "label": {"type": "literal", "value": "ALBERT-Base"},
            "parameters": {"type": "literal", "value": "11000000", "datatype": str(XSD.integer)},
            "exact": {"type": "literal", "value": "true", "datatype": str(XSD.boolean)},
            "huggingFaceId": {"type": "literal", "value": "albert/albert-base-v2"},
        }
    ]
    ask = json.loads(bundled_kg.sparql("ASK { ?s a dllm:Paper }").to_json())
    assert ask == {"head": {}, "boolean": True}


def test_json_is_the_same_on_both_engines(bundled_kg: KnowledgeGraph) -> None:
    for query in list_queries():
        on_rdflib = run_query(bundled_kg, query, engine="rdflib").serialize("json")
        on_oxigraph = run_query(bundled_kg, query, engine="oxigraph").serialize("json")
        assert on_rdflib == on_oxigraph, query.name


def test_csv_and_tsv(bundled_kg: KnowledgeGraph) -> None:
    result = bundled_kg.run("small-models", budget=26_000_000)
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows[0] == ["budget", "model", "label", "parameters", "exact", "huggingFaceId"]
    assert rows[3] == ["26000000", str(MODEL.mobilebert), "MobileBert", "25300000", "true", ""]
    tsv = result.to_tsv().splitlines()
    assert tsv[0] == "?budget\t?model\t?label\t?parameters\t?exact\t?huggingFaceId"
    assert tsv[3].split("\t")[1:3] == [f"<{MODEL.mobilebert}>", '"MobileBert"']
    assert tsv[3].endswith("\t")  # unbound is empty


def test_graph_results_are_turtle(bundled_kg: KnowledgeGraph) -> None:
    result = bundled_kg.run("describe-paper", paper="visual-instruction-tuning")
    text = result.serialize("json")  # a graph prints as Turtle whatever the format
    assert text.startswith("@prefix")
    parsed = Graph().parse(data=text, format="turtle")
    assert set(parsed) == set(result.triples)


def test_a_dataframe_and_a_notebook_table(bundled_kg: KnowledgeGraph) -> None:
    pandas = pytest.importorskip("pandas")
    result = bundled_kg.run("papers-per-area")
    frame = result.to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["area", "label", "papers", "surveys"]
    assert frame.loc[0, "area"] == "area:algorithmic-framework"
    assert frame["papers"].sum() == 268
    assert "<td>area:data-layer</td>" in result._repr_html_()
    triples = bundled_kg.run("describe-paper").to_dataframe()  # 6 restate in schema.org, BIBO
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) == 29 + 6


# The catalogue ---------------------------------------------------------------------------------


def test_the_query_catalogue_is_current(bundled_kg: KnowledgeGraph) -> None:
    expected = catalogue(bundled_kg)
    current = QUERY_CATALOGUE_PATH.read_text("utf-8") if QUERY_CATALOGUE_PATH.exists() else ""
    assert current == expected, "docs/queries.md is stale; run: python -m dllm_kg.querydocs"


def test_the_catalogue_covers_every_query_and_kind(bundled_kg: KnowledgeGraph) -> None:
    text = QUERY_CATALOGUE_PATH.read_text("utf-8")
    for query in list_queries():
        assert f"## {query.name}\n" in text
        assert query.question in text
    for kind in KINDS:
        assert f"| `{kind}` |" in text


def test_rows_are_rdf_terms(bundled_kg: KnowledgeGraph) -> None:
    row = bundled_kg.run("shared-repositories").rows[0]
    assert isinstance(row[0], URIRef) and row[2] == Literal(2)
    assert Counter(type(term).__name__ for term in row) == {"URIRef": 1, "Literal": 2}
