"""Turn parsed records into RDF triples with stable IRIs, loaded into a pyoxigraph store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from dllm_kg.constants import (
    AREAS_PATH,
    ONTOLOGY_PATH,
    TASKS_PATH,
    TECHNIQUES_PATH,
    UPSTREAM_ATTRIBUTION,
    UPSTREAM_LICENSE_URL,
    UPSTREAM_URL,
)
from dllm_kg.identifiers import Identifier, Scheme, normalise, slug
from dllm_kg.namespaces import CC, DATASET, DCAT, DLLM, MODEL, PAPER, REPOSITORY, SOURCE
from dllm_kg.records import ModelRow, PaperRow, ParsedList, SourceRow
from dllm_kg.terms import nt_iri, nt_literal

#: A triple of N-Triples terms (:func:`dllm_kg.terms.nt_iri`, :func:`~dllm_kg.terms.nt_literal`).
Triple = tuple[str, str, str]

#: The dataset node that every export describes.
DATASET_IRI = DATASET["awesome-distributed-llm"]
#: Hand-written RDF files copied into every graph.
VOCABULARY_PATHS: tuple[Path, ...] = (ONTOLOGY_PATH, AREAS_PATH, TECHNIQUES_PATH, TASKS_PATH)
#: Which paper property holds which kind of identifier.
IDENTIFIER_PROPERTIES = {
    Scheme.ARXIV: nt_iri(DLLM.arxivId),
    Scheme.DOI: nt_iri(DLLM.doi),
    Scheme.IEEE: nt_iri(DLLM.ieeeDocument),
    Scheme.OPENREVIEW: nt_iri(DLLM.openReviewId),
}
# The properties and classes the build writes, as N-Triples terms.
_TYPE, _LABEL, _TITLE, _PART_OF = map(
    nt_iri, (RDF.type, RDFS.label, DCTERMS.title, DCTERMS.isPartOf)
)
_DERIVED_FROM, _ENTITY = nt_iri(PROV.wasDerivedFrom), nt_iri(PROV.Entity)
_PAPER, _MODEL, _REPOSITORY = nt_iri(DLLM.Paper), nt_iri(DLLM.Model), nt_iri(DLLM.Repository)
_DATASET = nt_iri(DATASET_IRI)
_IS_SURVEY, _LINK, _HAS_CODE = nt_iri(DLLM.isSurvey), nt_iri(DLLM.link), nt_iri(DLLM.hasCode)
_GITHUB_ID, _HUGGING_FACE_ID = nt_iri(DLLM.githubId), nt_iri(DLLM.huggingFaceId)
_LISTED_LINK, _STRIPPED_PARAMETER = nt_iri(DLLM.listedLink), nt_iri(DLLM.strippedParameter)
_PARAMETER_COUNT, _MAX_PARAMETER_COUNT = nt_iri(DLLM.parameterCount), nt_iri(DLLM.maxParameterCount)
_SOURCE_FILE, _SECTION = nt_iri(DLLM.sourceFile), nt_iri(DLLM.section)
_ROW_NUMBER, _SOURCE_LINE, _SOURCE_TEXT = map(
    nt_iri, (DLLM.rowNumber, DLLM.sourceLine, DLLM.sourceText)
)


def paper_key(title: str) -> str:
    """The stable key of a paper: its normalised title.

    >>> paper_key("FLoRA: Enhancing Vision-Language Models")
    'flora-enhancing-vision-language-models'
    """
    return slug(title)


def paper_iri(key: str) -> URIRef:
    """The IRI of the paper with this key."""
    return PAPER[key]


def model_iri(name: str) -> URIRef:
    """The IRI of a model, from its name.

    >>> model_iri("GPT-2 Small")
    rdflib.term.URIRef('https://w3id.org/dllm-kg/model/gpt-2-small')
    """
    return MODEL[slug(name)]


def repository_iri(identifier: Identifier) -> URIRef:
    """The IRI of a code repository: GitHub ``owner/name`` or the cleaned link."""
    if identifier.scheme in (Scheme.GITHUB, Scheme.GITHUB_ACCOUNT):
        return REPOSITORY["github/" + identifier.value]
    return REPOSITORY["web/" + slug(identifier.url.split("://", 1)[-1])]


def build_store(parsed: ParsedList, vocabularies: Iterable[Path] = VOCABULARY_PATHS) -> ox.Store:
    """The graph of one list in a new in-memory store: records, licence and vocabularies."""
    triples = chain(vocabulary_triples(tuple(vocabularies)), list_triples(parsed))
    return load_store(sorted_document(triples))


def load_store(ntriples: bytes | Path, path: Path | None = None) -> ox.Store:
    """A store holding an N-Triples document (its bytes or its file): in memory, or on disk in
    a new folder ``path``."""
    store = ox.Store(str(path)) if path is not None else ox.Store()
    if isinstance(ntriples, Path):
        store.bulk_load(path=ntriples, format=ox.RdfFormat.N_TRIPLES)
    else:
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


def sorted_document(triples: Iterable[Triple]) -> bytes:
    """Triples as an N-Triples document, each once, lines sorted: the same triples always
    give the same bytes (those of a pyoxigraph dump of them, sorted)."""
    return encoded(sorted_lines(triples))


def sorted_lines(triples: Iterable[Triple]) -> list[str]:
    """Triples as N-Triples lines, each once, sorted."""
    return sorted({f"{s} {p} {o} .\n" for s, p, o in triples})


def merged_lines(lines: list[str], more: list[str]) -> list[str]:
    """Two lists of sorted lines as one, sorted, each line once."""
    return list(dict.fromkeys(sorted(lines + more)))  # two sorted runs: sorting is a merge


def encoded(lines: list[str], chunk: int = 65536) -> bytes:
    """Lines joined as UTF-8, a chunk at a time. The lines are let go as they are encoded
    (the list is emptied), so that a large graph is never in memory three times."""
    parts = []
    while lines:
        parts.append("".join(lines[-chunk:]).encode("utf-8"))
        del lines[-chunk:]
    parts.reverse()
    return b"".join(parts)


@cache
def vocabulary_triples(paths: tuple[Path, ...] = VOCABULARY_PATHS) -> tuple[Triple, ...]:
    """The triples of hand-written RDF files (ontology, vocabularies), read once."""
    return tuple(
        (str(quad.subject), str(quad.predicate), str(quad.object))
        for path in paths
        for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
    )


def list_triples(parsed: ParsedList) -> Iterator[Triple]:
    """All triples read from the list: papers, models, repositories, source rows, licence."""
    yield from dataset_triples()
    for key, rows in group_papers(parsed.papers).items():
        yield from paper_triples(key, rows)
    for key, model_rows in group_models(parsed.models).items():
        yield from model_triples(key, model_rows)


def group_papers(rows: Iterable[PaperRow]) -> dict[str, list[PaperRow]]:
    """Listings grouped by paper key, in list order; a paper listed twice is one group."""
    groups: dict[str, list[PaperRow]] = defaultdict(list)
    for row in rows:
        groups[paper_key(row.title) or _untitled_key(row.row)].append(row)
    return dict(groups)


def group_models(rows: Iterable[ModelRow]) -> dict[str, list[ModelRow]]:
    """Model rows grouped by model key (the slug of the name)."""
    groups: dict[str, list[ModelRow]] = defaultdict(list)
    for row in rows:
        groups[slug(row.name) or _untitled_key(row.row)].append(row)
    return dict(groups)


def dataset_triples() -> Iterator[Triple]:
    """The dataset node with its CC BY 4.0 licence, source and attribution."""
    yield _DATASET, _TYPE, nt_iri(DCAT.Dataset)
    yield _DATASET, _TITLE, nt_literal("awesome-distributed-LLM knowledge graph", "en")
    yield _DATASET, nt_iri(DCTERMS.license), nt_iri(UPSTREAM_LICENSE_URL)
    yield _DATASET, nt_iri(DCTERMS.source), nt_iri(UPSTREAM_URL)
    yield _DATASET, nt_iri(DCTERMS.rights), nt_literal(UPSTREAM_ATTRIBUTION, "en")
    yield (
        _DATASET,
        nt_iri(CC.attributionName),
        nt_literal("solidlabnetwork/awesome-distributed-LLM"),
    )
    yield _DATASET, nt_iri(CC.attributionURL), nt_iri(UPSTREAM_URL)


def paper_triples(key: str, rows: list[PaperRow]) -> Iterator[Triple]:
    """A paper and every listing of it."""
    paper = nt_iri(paper_iri(key))
    yield paper, _TYPE, _PAPER
    if rows[0].title:
        yield paper, _TITLE, nt_literal(rows[0].title)
    yield paper, _IS_SURVEY, nt_literal(any(row.survey for row in rows))
    yield paper, _PART_OF, _DATASET
    for row, source in zip(rows, source_iris(key, [row.row for row in rows]), strict=True):
        yield paper, _DERIVED_FROM, nt_iri(source)
        yield from source_triples(source, row.row)
        if row.link:
            yield from link_triples(paper, source, row.link)
        if row.code:
            yield from code_triples(paper, source, row.code)


def link_triples(paper: str, source: str, link: str) -> Iterator[Triple]:
    """The paper's normalised link and the identifier it carries."""
    identifier = normalise(link)
    yield paper, _LINK, nt_iri(identifier.url)
    prop = IDENTIFIER_PROPERTIES.get(identifier.scheme)
    if prop is not None:
        yield paper, prop, nt_literal(identifier.value)
    yield from listed_link_triples(source, link, identifier)


def code_triples(paper: str, source: str, link: str) -> Iterator[Triple]:
    """The repository that holds the paper's code."""
    identifier = normalise(link)
    repository = nt_iri(repository_iri(identifier))
    yield paper, _HAS_CODE, repository
    yield repository, _TYPE, _REPOSITORY
    yield repository, _LINK, nt_iri(identifier.url)
    label = identifier.value if identifier.scheme != Scheme.WEB else identifier.url
    yield repository, _LABEL, nt_literal(label)
    if identifier.scheme == Scheme.GITHUB:
        yield repository, _GITHUB_ID, nt_literal(identifier.value)
    yield from listed_link_triples(source, link, identifier)


def listed_link_triples(source: str, link: str, identifier: Identifier) -> Iterator[Triple]:
    """The link as listed, where normalisation changed it, and the tracking parameters removed."""
    if identifier.url != link:
        yield nt_iri(source), _LISTED_LINK, nt_literal(link)
    for name in identifier.stripped:
        yield nt_iri(source), _STRIPPED_PARAMETER, nt_literal(name)


def model_triples(key: str, rows: list[ModelRow]) -> Iterator[Triple]:
    """A model of the small-model table, with its size and Hugging Face id."""
    model = nt_iri(f"{MODEL}{key}")
    yield model, _TYPE, _MODEL
    yield model, _PART_OF, _DATASET
    if rows[0].name:
        yield model, _LABEL, nt_literal(rows[0].name)
    for row, source in zip(rows, source_iris(key, [row.row for row in rows]), strict=True):
        yield model, _DERIVED_FROM, nt_iri(source)
        yield from source_triples(source, row.row)
        if row.size is not None:
            prop = _PARAMETER_COUNT if row.size.exact else _MAX_PARAMETER_COUNT
            yield model, prop, nt_literal(row.size.value)
        if row.link:
            identifier = normalise(row.link)
            yield model, _LINK, nt_iri(identifier.url)
            if identifier.scheme == Scheme.HUGGING_FACE:
                yield model, _HUGGING_FACE_ID, nt_literal(identifier.value)
            yield from listed_link_triples(source, row.link, identifier)


def source_iris(key: str, rows: list[SourceRow]) -> list[str]:
    """Stable IRIs for an entity's listings: ``table.entity``, then ``.2`` for a second listing.

    >>> from dllm_kg.records import SourceRow
    >>> rows = [SourceRow("l.md", line, "II. VLMs", "vlms", 3, "|...|") for line in (9, 12)]
    >>> source_iris("clip", rows)
    ['https://w3id.org/dllm-kg/source/vlms.clip', 'https://w3id.org/dllm-kg/source/vlms.clip.2']
    """
    seen: dict[str, int] = defaultdict(int)
    iris = []
    for row in rows:
        seen[row.section_key] += 1
        suffix = f".{seen[row.section_key]}" if seen[row.section_key] > 1 else ""
        iris.append(f"{SOURCE}{row.section_key}.{key}{suffix}")
    return iris


def source_triples(source: str, row: SourceRow) -> Iterator[Triple]:
    """Where a listing stands in the list: file, table, row number, line and raw text."""
    node = nt_iri(source)
    yield node, _TYPE, _ENTITY
    yield node, _SOURCE_FILE, nt_literal(row.file)
    yield node, _SECTION, nt_literal(row.section)
    yield node, _ROW_NUMBER, nt_literal(row.number)
    yield node, _SOURCE_LINE, nt_literal(row.line)
    yield node, _SOURCE_TEXT, nt_literal(row.raw)


def _untitled_key(row: SourceRow) -> str:
    return f"untitled-{row.section_key}-{row.number}"
