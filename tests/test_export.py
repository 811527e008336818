"""Exports: three serialisations of one graph, read back by independent parsers."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph

from dllm_kg import buildfolder, export, pipeline
from dllm_kg.buildfolder import ExportError, write_build
from dllm_kg.constants import DEFAULT_SOURCE, PROJECT_DIR
from dllm_kg.export import render_exports, sorted_ntriples
from dllm_kg.pipeline import build

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build") / "dist"
    build(None, folder)
    return folder


def oxigraph_triples(path: Path, format: ox.RdfFormat) -> set[ox.Triple]:
    return set(ox.parse(path=str(path), format=format))


def pyld_triples(path: Path) -> set[ox.Triple]:
    """Read the JSON-LD with bare pyld: no document loader, no base (its context is inline)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return set(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def test_build_writes_every_file(out: Path) -> None:
    names = {path.name for path in out.iterdir()}
    assert names == {
        "dllm-kg.ttl",
        "dllm-kg.nt",
        "dllm-kg.jsonld",
        "context.jsonld",
        "void.ttl",
        "graph.html",
        "figure.svg",
        ".dllm-kg-build",
    }


def test_three_serialisations_hold_the_same_triples(out: Path, bundled_graph: Graph) -> None:
    turtle = oxigraph_triples(out / "dllm-kg.ttl", ox.RdfFormat.TURTLE)
    ntriples = oxigraph_triples(out / "dllm-kg.nt", ox.RdfFormat.N_TRIPLES)
    json_ld = pyld_triples(out / "dllm-kg.jsonld")
    assert turtle == ntriples
    assert json_ld == ntriples
    assert len(ntriples) == len(bundled_graph)


def test_json_ld_holds_the_context_that_the_context_file_holds(out: Path) -> None:
    document = json.loads((out / "dllm-kg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == context
    assert context["dllm"] == "https://w3id.org/dllm-kg/ontology#"
    paper = next(node for node in document["@graph"] if node["@id"].startswith("paper:fwdllm"))
    # Its own type, and the schema.org and BIBO types the ontology aligns it with.
    assert paper["@type"] == ["bibo:AcademicArticle", "schema:ScholarlyArticle", "dllm:Paper"]
    assert paper["dllm:isSurvey"] is False


def test_every_export_carries_the_licence(out: Path) -> None:
    for name in ("dllm-kg.ttl", "dllm-kg.nt", "dllm-kg.jsonld", "void.ttl"):
        text = (out / name).read_text(encoding="utf-8")
        assert LICENCE in text, name
        assert "solidlabnetwork" in text, name


def test_void_describes_the_dataset(out: Path) -> None:
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX void: <http://rdfs.org/ns/void#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX dllm: <https://w3id.org/dllm-kg/ontology#>
        SELECT ?triples ?papers ?licence WHERE {
          ?d a void:Dataset ; void:triples ?triples ; dcterms:license ?licence ;
             void:classPartition [ void:class dllm:Paper ; void:entities ?papers ] .
        }"""
    [row] = list(store.query(query))
    ntriples = (out / "dllm-kg.nt").read_text(encoding="utf-8").splitlines()
    assert int(row["triples"].value) == sum(1 for line in ntriples if line.startswith("<"))
    assert int(row["papers"].value) == 109
    assert row["licence"].value == LICENCE


def test_void_partitions_are_named_by_their_plurals(out: Path) -> None:
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?partition WHERE { ?d void:classPartition ?partition }"""
    names = sorted(row["partition"].value.rsplit(".", 1)[1] for row in store.query(query))
    assert names == ["areas", "models", "papers", "repositories", "techniques"]


def test_void_lists_each_download_needing_nothing_else(out: Path) -> None:
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?url ?type WHERE { ?d dcat:downloadURL ?url ; dcat:mediaType ?type }"""
    downloads = {row["url"].value: row["type"].value for row in store.query(query)}
    assert downloads == {
        export.DOWNLOAD_BASE + "dllm-kg.ttl": "text/turtle",
        export.DOWNLOAD_BASE + "dllm-kg.nt": "application/n-triples",
        export.DOWNLOAD_BASE + "dllm-kg.jsonld": "application/ld+json",
        export.DOWNLOAD_BASE + "graph.html": "text/html",
        export.DOWNLOAD_BASE + "figure.svg": "image/svg+xml",
    }
    assert all((out / url.rsplit("/", 1)[1]).is_file() for url in downloads)
    requires = "PREFIX dcterms: <http://purl.org/dc/terms/> ASK { ?d dcterms:requires ?x }"
    assert not store.query(requires)  # the JSON-LD download carries its context


def test_ntriples_are_sorted_and_unique(out: Path) -> None:
    lines = [
        line
        for line in (out / "dllm-kg.nt").read_text(encoding="utf-8").splitlines()
        if line.startswith("<")
    ]
    assert lines == sorted(set(lines))


def run_build(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "dllm_kg", "build", str(DEFAULT_SOURCE), "-o", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True)


def test_output_is_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    run_build(tmp_path / "a", "1")
    run_build(tmp_path / "b", "4242")
    names = ("dllm-kg.ttl", "dllm-kg.nt", "dllm-kg.jsonld", "context.jsonld", "void.ttl")
    for name in (*names, "graph.html", "figure.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_failed_write_leaves_the_earlier_build(
    tmp_path: Path, bundled_store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    files = render_exports(bundled_store)
    write_build(files, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    written: list[str] = []
    real_write = Path.write_bytes

    def failing_write(path: Path, data: bytes) -> int:
        written.append(path.name)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(ExportError, match="No space left"):
        write_build({name: b"changed" for name in files}, out)
    monkeypatch.undo()
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert [path.name for path in tmp_path.iterdir()] == ["dist"]


def test_a_folder_that_is_not_a_build_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not a dllm-kg build"):
        write_build({"x.ttl": b""}, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def no_work(*args: object) -> None:
    """Stands in for the build's work in tests that must fail before it."""
    raise AssertionError("the build read the list before checking its output folder")


@pytest.mark.parametrize(
    ("out", "message"),
    [("afile", "afile is a file, not a folder"), ("afile/sub", "afile is a file, not a folder")],
)
def test_a_build_checks_its_output_folder_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    (tmp_path / "afile").write_text("mine")
    monkeypatch.setattr(pipeline, "load", no_work)
    for strict in (False, True):
        with pytest.raises(ExportError, match=message):
            build(None, tmp_path / out, strict=strict)
    assert (tmp_path / "afile").read_text() == "mine"


def test_a_folder_of_other_files_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.setattr(pipeline, "load", no_work)
    with pytest.raises(ExportError, match="not a dllm-kg build"):
        build(None, tmp_path, strict=True)


def test_a_new_folder_and_an_earlier_build_are_usable(tmp_path: Path) -> None:
    buildfolder.check_output_folder(tmp_path / "new" / "dist")
    write_build({"x.ttl": b""}, tmp_path / "dist")
    buildfolder.check_output_folder(tmp_path / "dist")


def test_sorted_ntriples_escape_what_ntriples_needs() -> None:
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("http://a/s"),
            ox.NamedNode("http://a/p"),
            ox.Literal('line\nbreak "quoted" tab\t é'),
        )
    )
    data = sorted_ntriples(store)
    [triple] = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert triple.object.value == 'line\nbreak "quoted" tab\t é'


def test_compact_keeps_iris_without_a_prefix() -> None:
    assert export.compact("https://github.com/openai/clip") == "https://github.com/openai/clip"
    assert export.compact("https://w3id.org/dllm-kg/paper/x") == "paper:x"
    assert export.compact("https://w3id.org/dllm-kg/area/") == "https://w3id.org/dllm-kg/area/"


def test_the_readme_shows_the_bundled_graphs_size(bundled_graph: Graph) -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    [shown] = re.findall(r"^  triples +(\d+)$", readme, re.MULTILINE)
    assert int(shown) == len(bundled_graph)


def test_json_ld_keeps_every_kind_of_literal() -> None:
    """Escapes, DEL, languages, datatypes and integers that JSON cannot write as numbers."""
    values = [
        ox.Literal("a\x1bb\x7f"),
        ox.Literal('q"\\\n\t\b\f\r é 連'),
        ox.Literal("x", language="en-gb"),
        *(ox.Literal(text, datatype=ox.NamedNode(XSD_INTEGER)) for text in ("5", "-3", "05")),
        ox.Literal("2024-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        ox.NamedNode("https://w3id.org/dllm-kg/technique/lora"),
    ]
    store = ox.Store()
    subject = ox.NamedNode("https://w3id.org/dllm-kg/paper/p")
    for number, value in enumerate(values):
        predicate = ox.NamedNode(f"https://w3id.org/dllm-kg/ontology#v{number}")
        store.add(ox.Quad(subject, predicate, value))
    data = export.json_ld(sorted_ntriples(store))
    assert json.loads(data)["@graph"][0]["dllm:v4"] == -3  # a JSON number, as JSON-LD reads it
    read_back = set(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert {quad.triple for quad in read_back} == {quad.triple for quad in store}


def test_a_build_with_helper_processes_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large list is stored and serialised in other processes; the files must not change."""
    build(None, tmp_path / "alone")
    monkeypatch.setattr(pipeline, "PARALLEL_ABOVE", 0)
    build(None, tmp_path / "helped")
    alone, helped = (sorted((tmp_path / n).iterdir()) for n in ("alone", "helped"))
    assert [path.name for path in alone] == [path.name for path in helped]
    for a, b in zip(alone, helped, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
