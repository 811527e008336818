"""#17, downloads that describe themselves: a consumer that knows only schema.org, with no
reasoner, finds every paper of the built Turtle, its name and its code repository; and the
schema.org triples the build states are exactly those an OWL-RL closure entails."""

from __future__ import annotations

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.parse import parse_file
from dllm_kg.pipeline import build, graph_of, stated_graph_of
from dllm_kg.terms import rdflib_graph

SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def turtle(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The bundled list's built Turtle, read by pyoxigraph as a consumer reads it."""
    out = tmp_path_factory.mktemp("schema") / "dist"
    build(None, out)
    store = ox.Store()
    store.load(path=str(out / "dllm-kg.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT query as tuples of term values ("" for an unbound one)."""
    result = store.query(query)
    names = [variable.value for variable in result.variables]
    return [tuple(row[name].value if row[name] else "" for name in names) for row in result]


def test_a_schema_org_consumer_finds_every_paper_its_name_and_code(turtle: ox.Store) -> None:
    papers = select(
        turtle,
        "SELECT ?p ?t { ?p a <https://w3id.org/dllm-kg/ontology#Paper> ; "
        "<http://purl.org/dc/terms/title> ?t }",
    )
    code = select(turtle, "SELECT ?p ?r { ?p <https://w3id.org/dllm-kg/ontology#hasCode> ?r }")
    assert len(papers) == 109 and len(code) == 37  # the README's counts
    schema_only = """PREFIX schema: <https://schema.org/>
        SELECT ?paper ?name ?code ?url WHERE {
            ?paper a schema:ScholarlyArticle ; schema:name ?name .
            OPTIONAL { ?paper schema:codeRepository ?code .
                       ?code a schema:SoftwareSourceCode ; schema:url ?url }
        }"""
    rows = select(turtle, schema_only)
    assert {(paper, name) for paper, name, _, _ in rows} == set(papers)
    assert {(paper, repo) for paper, _, repo, _ in rows if repo} == set(code)
    assert all(url.startswith("http") for *_, repo, url in rows if repo)


def test_the_stated_triples_are_what_owl_rl_entails() -> None:
    """Independent check: the OWL-RL closure (owlrl) of the graph before alignment, restricted
    to schema.org terms, equals the schema.org triples of the built graph."""
    parsed = parse_file(DEFAULT_SOURCE)
    _, stated = stated_graph_of(parsed)
    closure = rdflib_graph(stated)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    _, built = graph_of(parsed)
    entailed, written = schema_part(closure), schema_part(rdflib_graph(built))
    assert written == entailed
    types = {o for _, p, o in written if p == RDF.type}
    assert {URIRef(SCHEMA + name) for name in ("ScholarlyArticle", "SoftwareSourceCode")} <= types


def schema_part(graph: Graph) -> set[tuple]:
    """The triples with a schema.org property, or a schema.org type, of nodes of dllm-kg."""
    return {
        (s, p, o)
        for s, p, o in graph
        if str(s).startswith("https://w3id.org/dllm-kg/")
        and (str(p).startswith(SCHEMA) or (p == RDF.type and str(o).startswith(SCHEMA)))
    }
