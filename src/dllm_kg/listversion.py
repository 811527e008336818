"""Which version of the list a build read: the file's SHA-256 digest, and a date if given.

The VoID/DCAT description (void.ttl) records it with standard terms: the file read is a
``dcat:Distribution`` of the upstream list that the dataset ``prov:wasDerivedFrom``, with an
``spdx:checksum`` (the checksum term DCAT 3 adopted) and, where the caller gives one, the
list's date as ``dcterms:issued``. The date never comes from the clock, so that the same
inputs always give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from dllm_kg.errors import DllmKgError
from dllm_kg.namespaces import SPDX
from dllm_kg.terms import nt_iri, nt_literal

#: The variable of reproducible builds that gives the source's date (seconds since 1970, UTC).
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TYPE = nt_iri(RDF.type)


class ListDateError(DllmKgError):
    """A list date that is not a date."""


@dataclass(frozen=True)
class ListVersion:
    """The list file a build read.

    :param name: the file's name (not its folder, so that a build does not depend on where).
    :param sha256: the file's SHA-256 digest, in lower-case hex.
    :param issued: the list's date, where the caller gives one.
    """

    name: str
    sha256: str
    issued: date | None = None


def list_version(name: str, data: bytes, issued: date | None = None) -> ListVersion:
    """The version of a list file, from its name, its bytes and the date given for it.

    >>> list_version("list.md", b"").sha256[:12]
    'e3b0c44298fc'
    """
    return ListVersion(name, hashlib.sha256(data).hexdigest(), issued)


def parse_list_date(text: str) -> date:
    """A date written ``YYYY-MM-DD``.

    >>> parse_list_date("2025-05-31")
    datetime.date(2025, 5, 31)

    :raises ListDateError: for anything else, or a day that does not exist.
    """
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ListDateError(f"--list-date takes a date as YYYY-MM-DD, not {text!r}")


def source_date(environ: Mapping[str, str] = os.environ) -> date | None:
    """The day (UTC) of ``SOURCE_DATE_EPOCH``, or None when it is not set or empty.

    >>> source_date({"SOURCE_DATE_EPOCH": "1748736000"})
    datetime.date(2025, 6, 1)

    :raises ListDateError: when it is set to something that is not a number of seconds.
    """
    value = environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ListDateError(
            f"{SOURCE_DATE_EPOCH}={value!r} is not a time in seconds since 1970-01-01 UTC"
        ) from None


def version_triples(dataset: str, version: ListVersion) -> Iterator[tuple[str, str, str]]:
    """The list file the dataset was built from: its name, digest and date.

    :param dataset: the dataset's IRI; the file and its checksum get IRIs of their own below it.
    """
    source = nt_iri(f"{dataset}.list")
    yield nt_iri(dataset), nt_iri(PROV.wasDerivedFrom), source
    yield source, _TYPE, nt_iri(DCAT.Distribution)
    yield source, nt_iri(DCTERMS.title), nt_literal(version.name)
    yield source, nt_iri(DCAT.mediaType), nt_literal("text/markdown")
    yield from checksum_triples(f"{dataset}.list", version.sha256)
    if version.issued is not None:
        yield source, nt_iri(DCTERMS.issued), date_literal(version.issued)


def checksum_triples(node: str, sha256: str) -> Iterator[tuple[str, str, str]]:
    """A file's SHA-256 as DCAT 3 writes it: ``spdx:checksum`` to a node ``<node>.sha256``.

    :param node: the IRI of the file (a ``dcat:Distribution``).
    """
    checksum = nt_iri(f"{node}.sha256")
    yield nt_iri(node), nt_iri(SPDX.checksum), checksum
    yield checksum, _TYPE, nt_iri(SPDX.Checksum)
    yield checksum, nt_iri(SPDX.algorithm), nt_iri(SPDX.checksumAlgorithm_sha256)
    yield checksum, nt_iri(SPDX.checksumValue), f'"{sha256}"^^{nt_iri(XSD.hexBinary)}'


def date_literal(day: date) -> str:
    """A day as an ``xsd:date`` N-Triples literal.

    >>> date_literal(date(2025, 5, 31))
    '"2025-05-31"^^<http://www.w3.org/2001/XMLSchema#date>'
    """
    return f'"{day.isoformat()}"^^{nt_iri(XSD.date)}'
