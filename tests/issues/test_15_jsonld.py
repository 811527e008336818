"""#15, the downloads: the built JSON-LD loads as it is, with no loader callback and no base,
in pyld, rdflib and pyoxigraph, to exactly the Turtle download's triples.

Before #15 the download named its context by the relative reference ``context.jsonld``, which
bare pyld ("invalid relative IRI ... for a missing baseIRI") and ``pyoxigraph.Store.load``
("No LoadDocumentCallback") refuse.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from dllm_kg.pipeline import build


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build") / "dist"
    build(None, folder)
    return folder


@pytest.fixture(scope="module")
def turtle(out: Path) -> set[ox.Triple]:
    """The Turtle download's triples, read by pyoxigraph."""
    return {quad.triple for quad in ox.parse(path=str(out / "dllm-kg.ttl"))}


def document(out: Path) -> object:
    return json.loads((out / "dllm-kg.jsonld").read_text(encoding="utf-8"))


def test_pyld_reads_it_with_no_loader_and_no_base(out: Path, turtle: set[ox.Triple]) -> None:
    nquads = jsonld.to_rdf(document(out), {"format": "application/n-quads"})
    read = {quad.triple for quad in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    assert read == turtle
    subjects = {triple.subject for triple in turtle}
    assert len(jsonld.expand(document(out))) == len(subjects)  # one node object per subject


def test_pyoxigraph_loads_it_with_no_loader_callback(out: Path, turtle: set[ox.Triple]) -> None:
    store = ox.Store()
    store.load(path=str(out / "dllm-kg.jsonld"), format=ox.RdfFormat.JSON_LD)
    assert {quad.triple for quad in store} == turtle
    assert all(quad.graph_name == ox.DefaultGraph() for quad in store)


def test_rdflib_reads_its_text_alone_to_the_turtle_graph(out: Path) -> None:
    """Read from text, with no file location that a relative context could be resolved by."""
    text = (out / "dllm-kg.jsonld").read_text(encoding="utf-8")
    from_json_ld = Graph().parse(data=text, format="json-ld")
    from_turtle = Graph().parse(out / "dllm-kg.ttl", format="turtle")
    assert len(from_json_ld) == len(from_turtle)
    assert isomorphic(from_json_ld, from_turtle)


def contexts(value: object) -> Iterator[object]:
    """Every ``@context`` value in a JSON document, at any depth."""
    if isinstance(value, list):
        for item in value:
            yield from contexts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                yield item
            yield from contexts(item)


def test_the_context_is_inline_and_the_same_as_the_context_file(out: Path) -> None:
    [inline] = list(contexts(document(out)))
    shipped = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert inline == shipped
    assert inline["paper"] == "https://w3id.org/dllm-kg/paper/"


def test_it_stays_compact_one_node_per_line(out: Path, turtle: set[ox.Triple]) -> None:
    lines = (out / "dllm-kg.jsonld").read_text(encoding="utf-8").splitlines()
    nodes = [json.loads(line.rstrip(",")) for line in lines if line.startswith('{"@id": ')]
    assert len(nodes) == len({triple.subject for triple in turtle})
    paper = next(node for node in nodes if node["@id"].startswith("paper:fwdllm"))
    # Its own type, and the schema.org and BIBO types the ontology aligns it with.
    assert paper["@type"] == ["bibo:AcademicArticle", "schema:ScholarlyArticle", "dllm:Paper"]
    assert paper["dllm:isSurvey"] is False
