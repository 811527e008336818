"""#17, release artefacts: `dllm-kg build --archive` packs the build as a versioned zip whose
files equal the build's byte for byte, with SHA256SUMS that hashlib verifies, the same bytes
from two builds, and CITATION.cff files (the dataset's and the software's) that hold the
keys Citation File Format 1.2.0 requires. (cffconvert, the CFF validator on PyPI, pins
jsonschema<4, which the notebook tools here cannot run with; so the keys are checked here.)"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from dllm_kg import __version__
from dllm_kg.constants import DEFAULT_SOURCE, PROJECT_DIR
from dllm_kg.pipeline import build

#: Every build file, which the archive holds besides CITATION.cff and SHA256SUMS.
BUILD_FILES = {
    "dllm-kg.ttl", "dllm-kg.nt", "dllm-kg.jsonld", "context.jsonld", "void.ttl",
    "graph.html", "figure.svg",
}  # fmt: skip
DIGEST = hashlib.sha256(DEFAULT_SOURCE.read_bytes()).hexdigest()[:12]
ARCHIVE = f"dllm-kg-{__version__}-{DIGEST}.zip"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "dllm_kg", "build", "-o", str(out), "--archive",
         "--list-date", "2025-05-31"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def sums(text: str) -> dict[str, str]:
    """``sha256sum`` lines as {name: digest}."""
    return {line[66:]: line[:64] for line in text.splitlines()}


def test_the_archive_holds_the_build_byte_for_byte(release: Path) -> None:
    with zipfile.ZipFile(release / ARCHIVE) as packed:
        folder = ARCHIVE.removesuffix(".zip")
        names = {info.filename.removeprefix(folder + "/") for info in packed.infolist()}
        assert names == BUILD_FILES | {"CITATION.cff", "SHA256SUMS"}
        for name in BUILD_FILES | {"CITATION.cff"}:
            assert packed.read(f"{folder}/{name}") == (release / name).read_bytes(), name
        inner = sums(packed.read(f"{folder}/SHA256SUMS").decode())
        assert inner == {
            name: hashlib.sha256(packed.read(f"{folder}/{name}")).hexdigest()
            for name in BUILD_FILES | {"CITATION.cff"}
        }
        infos = packed.infolist()
        assert [info.filename for info in infos] == sorted(info.filename for info in infos)
        assert {info.date_time for info in infos} == {(2025, 5, 31, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_sha256sums_beside_the_archive_verifies(release: Path) -> None:
    listed = sums((release / "SHA256SUMS").read_text(encoding="utf-8"))
    assert set(listed) == BUILD_FILES | {"CITATION.cff", ARCHIVE}
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def test_two_archives_are_byte_identical(release: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(None, again, archive=True, list_date=date(2025, 5, 31))
    assert (again / ARCHIVE).read_bytes() == (release / ARCHIVE).read_bytes()


def test_without_a_date_entries_are_dated_1980(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(None, tmp_path / "out", archive=True)
    with zipfile.ZipFile(tmp_path / "out" / ARCHIVE) as packed:
        assert {info.date_time for info in packed.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    citation = yaml.safe_load((tmp_path / "out" / "CITATION.cff").read_text(encoding="utf-8"))
    assert "date-released" not in citation


def check_cff(data: dict) -> None:
    """The keys CFF 1.2.0 requires, with the types its schema gives them."""
    assert data["cff-version"] == "1.2.0"
    assert isinstance(data["message"], str) and data["message"]
    assert isinstance(data["title"], str) and data["title"]
    assert data["authors"] and all("name" in a or "family-names" in a for a in data["authors"])
    for reference in data.get("references", []):
        assert {"type", "title", "authors"} <= reference.keys()


def test_the_datasets_citation_names_the_list_and_the_survey(release: Path) -> None:
    data = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    check_cff(data)
    assert data["type"] == "dataset"
    assert data["license"] == "CC-BY-4.0"
    assert data["version"] == f"{__version__}+{DIGEST}"
    assert data["date-released"] == "2025-05-31"
    listed, survey = data["references"]
    assert listed["url"] == "https://github.com/solidlabnetwork/awesome-distributed-LLM"
    assert listed["license"] == "CC-BY-4.0"
    assert survey["identifiers"][0] == {"type": "doi", "value": "10.48550/arXiv.2503.16585"}
    assert survey["authors"][0] == {"given-names": "Hadi", "family-names": "Amini"}
    assert len(survey["authors"]) == 9


def test_the_softwares_citation(release: Path) -> None:
    data = yaml.safe_load((PROJECT_DIR / "CITATION.cff").read_text(encoding="utf-8"))
    check_cff(data)
    assert data["type"] == "software"
    assert data["version"] == __version__
    assert data["license"] == "MIT"
    assert {reference["title"] for reference in data["references"]} >= {"awesome-distributed-LLM"}
