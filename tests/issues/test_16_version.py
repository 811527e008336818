"""#16, version history: `dllm-kg build` records in void.ttl which list file it read (its
SHA-256, computed here with hashlib) and the list's date when the caller gives one, never the
clock, so that two builds of the same inputs are the same bytes."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import date
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from dllm_kg.constants import DATA_DIR, DEFAULT_SOURCE
from dllm_kg.graph import DATASET_IRI
from dllm_kg.listversion import SOURCE_DATE_EPOCH, ListDateError, parse_list_date, source_date
from dllm_kg.namespaces import SPDX
from dllm_kg.pipeline import build
from tests.serving import DLLM_KG, served

NEWER = DATA_DIR / "awesome-distributed-LLM-2025-05.md"
LIST_FILE = URIRef(f"{DATASET_IRI}.list")


@pytest.fixture(autouse=True)
def no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds here see SOURCE_DATE_EPOCH only where a test sets it."""
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)


def void_of(folder: Path) -> Graph:
    return Graph().parse(folder / "void.ttl", format="turtle")


def checksum_of(void: Graph) -> tuple[str, URIRef]:
    """The list file's checksum value and algorithm, as void.ttl gives them."""
    assert (URIRef(str(DATASET_IRI)), PROV.wasDerivedFrom, LIST_FILE) in void
    checksum = void.value(LIST_FILE, SPDX.checksum)
    assert (checksum, RDF.type, SPDX.Checksum) in void
    value = void.value(checksum, SPDX.checksumValue)
    assert value.datatype == XSD.hexBinary
    return str(value), void.value(checksum, SPDX.algorithm)


@pytest.mark.parametrize("source", [DEFAULT_SOURCE, NEWER], ids=["bundled", "2025-05"])
def test_the_digest_is_the_files_sha256(tmp_path: Path, source: Path) -> None:
    build(source, tmp_path / "out")
    void = void_of(tmp_path / "out")
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    assert checksum_of(void) == (expected, SPDX.checksumAlgorithm_sha256)
    assert (LIST_FILE, RDF.type, DCAT.Distribution) in void
    assert void.value(LIST_FILE, DCTERMS.title) == Literal(source.name)


def test_the_two_versions_have_different_digests(tmp_path: Path) -> None:
    build(DEFAULT_SOURCE, tmp_path / "old")
    build(NEWER, tmp_path / "new")
    assert checksum_of(void_of(tmp_path / "old"))[0] != checksum_of(void_of(tmp_path / "new"))[0]


def test_no_date_unless_given(tmp_path: Path) -> None:
    build(None, tmp_path / "out")
    void = void_of(tmp_path / "out")
    assert not list(void.triples((None, DCTERMS.issued, None)))
    assert not list(void.triples((None, DCTERMS.modified, None)))
    assert "dcterms:issued" not in (tmp_path / "out" / "void.ttl").read_text()


def test_the_list_date_is_recorded(tmp_path: Path) -> None:
    build(None, tmp_path / "out", list_date=date(2025, 5, 31))
    issued = void_of(tmp_path / "out").value(LIST_FILE, DCTERMS.issued)
    assert issued == Literal("2025-05-31", datatype=XSD.date)


def test_source_date_epoch_gives_the_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1748736000")  # 2025-06-01 00:00:00 UTC
    build(None, tmp_path / "epoch")
    build(None, tmp_path / "given", list_date=date(2025, 5, 31))
    assert void_of(tmp_path / "epoch").value(LIST_FILE, DCTERMS.issued) == Literal(
        "2025-06-01", datatype=XSD.date
    )
    assert void_of(tmp_path / "given").value(LIST_FILE, DCTERMS.issued) == Literal(
        "2025-05-31", datatype=XSD.date
    )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(None, tmp_path / "a", list_date=date(2025, 5, 31)).files
    second = build(None, tmp_path / "b", list_date=date(2025, 5, 31)).files
    assert [path.name for path in first] == [path.name for path in second]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name


def test_dates_are_read_strictly() -> None:
    assert parse_list_date("2024-02-29") == date(2024, 2, 29)
    for text in ("2025-02-30", "2025-5-31", "20250531", "31/05/2025", "2025-05-31T00:00"):
        with pytest.raises(ListDateError, match=r"^--list-date takes a date as YYYY-MM-DD"):
            parse_list_date(text)
    assert source_date({}) is None
    assert source_date({SOURCE_DATE_EPOCH: "0"}) == date(1970, 1, 1)
    with pytest.raises(ListDateError, match=r"^SOURCE_DATE_EPOCH='soon' is not a time"):
        source_date({SOURCE_DATE_EPOCH: "soon"})


def run_build(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != SOURCE_DATE_EPOCH}
    return subprocess.run(
        [str(DLLM_KG), "build", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
    )


def test_the_command_records_the_date(tmp_path: Path) -> None:
    done = run_build("-o", str(tmp_path / "out"), "--list-date", "2025-05-31")
    assert done.returncode == 0, done.stderr
    issued = void_of(tmp_path / "out").value(LIST_FILE, DCTERMS.issued)
    assert issued == Literal("2025-05-31", datatype=XSD.date)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--list-date", "May 2025"], {}, "--list-date takes a date as YYYY-MM-DD, not 'May 2025'"),
        ([], {SOURCE_DATE_EPOCH: "yesterday"}, "SOURCE_DATE_EPOCH='yesterday' is not a time"),
    ],
    ids=["option", "environment"],
)
def test_a_bad_date_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    done = run_build("-o", str(tmp_path / "out"), *args, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith(f"dllm-kg: error: {message}")
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_the_served_description_is_the_dated_builds(tmp_path: Path) -> None:
    """`dllm-kg serve --list-date` offers the void.ttl that `build --list-date` writes."""
    done = run_build("-o", str(tmp_path / "out"), "--list-date", "2025-05-31")
    assert done.returncode == 0, done.stderr
    with served("--list-date", "2025-05-31") as server:
        response = httpx.get(f"{server.url}/.well-known/void")
    assert response.content == (tmp_path / "out" / "void.ttl").read_bytes()
    assert b'"2025-05-31"^^xsd:date' in response.content
