"""A build's downloads as a release: a versioned zip archive with checksums and citation metadata.

``dllm-kg build --archive`` writes, beside the downloads, ``CITATION.cff`` (the dataset's
citation metadata, naming the list it comes from and the list's companion survey), the
archive ``dllm-kg-<version>.zip`` and ``SHA256SUMS``. The archive holds the downloads and
CITATION.cff in one folder named like it, with a ``SHA256SUMS`` of its own; the
``SHA256SUMS`` beside it covers every file the release writes. Both read with
``sha256sum -c SHA256SUMS``. The archive's bytes depend only on its files and the list's date:
entries sorted, every entry dated the list's day (``--list-date`` or ``SOURCE_DATE_EPOCH``)
or else 1980-01-01, permissions 0644, so the same build gives the same archive.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import yaml

from dllm_kg.constants import (
    SURVEY_ARXIV_ID,
    SURVEY_AUTHORS,
    SURVEY_TITLE,
    SURVEY_YEAR,
    UPSTREAM_URL,
)
from dllm_kg.export import dataset_version, size_and_sha256
from dllm_kg.listversion import ListVersion
from dllm_kg.namespaces import ARXIV_ABS, BASE, GITHUB, PUBLISHER_HOMEPAGE, PUBLISHER_NAME

#: The checksum file, in the archive and beside it (``sha256sum`` format).
SUMS_FILE = "SHA256SUMS"
#: The dataset's citation metadata (Citation File Format 1.2.0).
CITATION_FILE = "CITATION.cff"
#: The date of every entry when the list has none: the earliest a zip file can hold.
ZIP_EPOCH = date(1980, 1, 1)
#: Every entry is a plain file readable by all, writable by its owner.
_FILE_MODE = 0o100644


def archive_name(version: ListVersion | None) -> str:
    """The archive's file name: ``dllm-kg-`` and the dataset's version, ``+`` written ``-``
    (release hosts and shells treat ``+`` specially).

    >>> from dllm_kg.listversion import list_version
    >>> archive_name(list_version("list.md", b"")).endswith("-e3b0c44298fc.zip")
    True
    """
    return f"dllm-kg-{dataset_version(version).replace('+', '-')}.zip"


def release_files(
    downloads: Mapping[str, bytes | Path], version: ListVersion | None
) -> dict[str, bytes]:
    """The files a release adds to a build: CITATION.cff, the archive and SHA256SUMS.

    :param downloads: every file of the build, by name (bytes, or the path of the file).
    """
    members = {name: _bytes(data) for name, data in downloads.items()}
    members[CITATION_FILE] = citation(version)
    name = archive_name(version)
    added = {CITATION_FILE: members[CITATION_FILE], name: archive(members, version)}
    return {**added, SUMS_FILE: sha256sums({**members, **added})}


def archive(members: Mapping[str, bytes], version: ListVersion | None) -> bytes:
    """A zip archive of ``members`` and their SHA256SUMS, in a folder named like the archive."""
    folder = archive_name(version).removesuffix(".zip")
    stamp = entry_date(version)
    files = {**members, SUMS_FILE: sha256sums(members)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = _FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            packed.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def entry_date(version: ListVersion | None) -> tuple[int, int, int, int, int, int]:
    """The date of every archive entry: the list's day at midnight, else 1980-01-01.

    >>> entry_date(None)
    (1980, 1, 1, 0, 0, 0)
    """
    day = version.issued if version is not None and version.issued is not None else ZIP_EPOCH
    day = max(day, ZIP_EPOCH)
    return (day.year, day.month, day.day, 0, 0, 0)


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` lines for files, sorted by name.

    >>> sha256sums({"a": b""}).decode()[:12]
    'e3b0c44298fc'
    """
    lines = (f"{size_and_sha256(files[name])[1]}  {name}\n" for name in sorted(files))
    return "".join(lines).encode("utf-8")


def citation(version: ListVersion | None) -> bytes:
    """The dataset's CITATION.cff: its version and date, and the list and survey it comes from."""
    data: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it and the list it comes from "
        "(see references).",
        "type": "dataset",
        "title": "awesome-distributed-LLM knowledge graph",
        "version": dataset_version(version),
    }
    if version is not None and version.issued is not None:
        data["date-released"] = version.issued.isoformat()
    data |= {
        "abstract": "The awesome-distributed-LLM list of papers, models and repositories on "
        "distributed, federated and edge LLMs, as an RDF knowledge graph (Turtle, N-Triples, "
        "JSON-LD) with a VoID/DCAT description and an interactive figure.",
        "authors": [{"name": PUBLISHER_NAME, "website": PUBLISHER_HOMEPAGE}],
        "license": "CC-BY-4.0",
        "url": BASE,
        "keywords": ["knowledge graph", "linked data", "distributed LLM", "federated learning"],
        "references": list_references(),
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")


def list_references() -> list[dict[str, object]]:
    """CFF references: the awesome-distributed-LLM list and its companion survey."""
    survey_url = ARXIV_ABS + SURVEY_ARXIV_ID
    return [
        {
            "type": "data",
            "title": "awesome-distributed-LLM",
            "authors": [{"name": "solidlabnetwork", "website": GITHUB + "solidlabnetwork"}],
            "license": "CC-BY-4.0",
            "url": UPSTREAM_URL,
            "repository": UPSTREAM_URL,
        },
        {
            "type": "article",
            "title": SURVEY_TITLE,
            "authors": [
                {"given-names": given, "family-names": family} for given, family in SURVEY_AUTHORS
            ],
            "year": SURVEY_YEAR,
            "journal": f"arXiv preprint arXiv:{SURVEY_ARXIV_ID}",
            "url": survey_url,
            "identifiers": [
                {"type": "doi", "value": f"10.48550/arXiv.{SURVEY_ARXIV_ID}"},
                {"type": "url", "value": survey_url},
            ],
        },
    ]


def _bytes(data: bytes | Path) -> bytes:
    return data.read_bytes() if isinstance(data, Path) else data
