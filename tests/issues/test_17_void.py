"""#17, the VoID/DCAT description a data catalogue expects: each download's byte size and
SHA-256 (worked out here with os.stat and hashlib from the files written), dates from the
list's date only (never the clock), version, publisher, example resource, and the figure's
page and picture as distributions; two builds are byte-identical."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from dllm_kg import __version__
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.listversion import SOURCE_DATE_EPOCH
from dllm_kg.pipeline import build

DCAT = "http://www.w3.org/ns/dcat#"
PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("void") / "dated"
    build(None, out, list_date=date(2025, 5, 31))
    return out


def description(out: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + query)
    names = [variable.value for variable in result.variables]
    return [tuple(row[name].value for name in names) for row in result]


def test_each_download_has_its_size_and_sha256(dated: Path) -> None:
    found = rows(
        description(dated),
        """SELECT ?title ?size ?sha WHERE { ?d a dcat:Distribution ; dcterms:title ?title ;
            dcat:byteSize ?size ; spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ;
            spdx:checksumValue ?sha ] }""",
    )
    expected = {
        (
            name,
            str((dated / name).stat().st_size),
            hashlib.sha256((dated / name).read_bytes()).hexdigest(),
        )
        for name in ("dllm-kg.ttl", "dllm-kg.nt", "dllm-kg.jsonld", "graph.html", "figure.svg")
    }
    assert set(found) == expected


def test_the_page_and_the_figure_are_distributions(dated: Path) -> None:
    found = rows(
        description(dated),
        "SELECT ?title ?type { ?d a dcat:Distribution ; "
        "dcterms:title ?title ; dcat:mediaType ?type ; dcat:downloadURL ?url }",
    )
    assert ("graph.html", "text/html") in found and ("figure.svg", "image/svg+xml") in found
    dumps = rows(description(dated), "SELECT ?url { ?d void:dataDump ?url }")
    assert len(dumps) == 3  # only the downloads that hold the graph are data dumps


def test_dates_version_publisher_and_example(dated: Path) -> None:
    [(created, modified, version, info, name, example)] = rows(
        description(dated),
        """SELECT ?created ?modified ?version ?info ?name ?example WHERE {
            ?d a void:Dataset ; dcterms:created ?created ; dcterms:modified ?modified ;
               dcat:version ?version ; owl:versionInfo ?info ; void:exampleResource ?example ;
               dcterms:publisher [ foaf:name ?name ; foaf:homepage ?home ] }""",
    )
    assert created == modified == "2025-05-31"
    digest = hashlib.sha256(DEFAULT_SOURCE.read_bytes()).hexdigest()
    assert version == info == f"{__version__}+{digest[:12]}"
    assert name == "dllm-kg project"
    graph = ox.Store()
    graph.load(path=str(dated / "dllm-kg.ttl"), format=ox.RdfFormat.TURTLE)
    assert graph.query(
        f"ASK {{ <{example}> a <https://w3id.org/dllm-kg/ontology#Paper> ; "
        "<https://w3id.org/dllm-kg/ontology#hasCode> ?code }"
    )


def test_no_dates_without_a_list_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    build(None, tmp_path / "out")
    store = description(tmp_path / "out")
    assert not rows(store, "SELECT ?x { ?d dcterms:created|dcterms:modified|dcterms:issued ?x }")
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1748736000")
    build(None, tmp_path / "epoch")
    found = rows(description(tmp_path / "epoch"), "SELECT ?x { ?d dcterms:modified ?x }")
    assert found == [("2025-06-01",)]


def test_two_builds_are_byte_identical(dated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(None, again, list_date=date(2025, 5, 31))
    names = sorted(path.name for path in dated.iterdir())
    assert names == sorted(path.name for path in again.iterdir())
    for name in names:
        assert (dated / name).read_bytes() == (again / name).read_bytes(), name
