"""Turn parsed records into an RDF graph with stable IRIs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
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
from dllm_kg.namespaces import CC, DATASET, DCAT, DLLM, MODEL, PAPER, PREFIXES, REPOSITORY, SOURCE
from dllm_kg.records import ModelRow, PaperRow, ParsedList, SourceRow

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: The dataset node that every export describes.
DATASET_IRI = DATASET["awesome-distributed-llm"]
#: Hand-written RDF files copied into every graph.
VOCABULARY_PATHS: tuple[Path, ...] = (ONTOLOGY_PATH, AREAS_PATH, TECHNIQUES_PATH, TASKS_PATH)
#: Which paper property holds which kind of identifier.
IDENTIFIER_PROPERTIES = {
    Scheme.ARXIV: DLLM.arxivId,
    Scheme.DOI: DLLM.doi,
    Scheme.IEEE: DLLM.ieeeDocument,
    Scheme.OPENREVIEW: DLLM.openReviewId,
}


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


def build_graph(parsed: ParsedList, vocabularies: Iterable[Path] = VOCABULARY_PATHS) -> Graph:
    """The whole graph of one list: its records, the dataset's licence, and the vocabularies."""
    graph = new_graph()
    for path in vocabularies:
        graph.parse(path, format="turtle")
    for triple in list_triples(parsed):
        graph.add(triple)
    return graph


def new_graph() -> Graph:
    """An empty graph that knows the project's prefixes."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


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
    yield DATASET_IRI, RDF.type, DCAT.Dataset
    yield DATASET_IRI, DCTERMS.title, Literal("awesome-distributed-LLM knowledge graph", lang="en")
    yield DATASET_IRI, DCTERMS.license, URIRef(UPSTREAM_LICENSE_URL)
    yield DATASET_IRI, DCTERMS.source, URIRef(UPSTREAM_URL)
    yield DATASET_IRI, DCTERMS.rights, Literal(UPSTREAM_ATTRIBUTION, lang="en")
    yield DATASET_IRI, CC.attributionName, Literal("solidlabnetwork/awesome-distributed-LLM")
    yield DATASET_IRI, CC.attributionURL, URIRef(UPSTREAM_URL)


def paper_triples(key: str, rows: list[PaperRow]) -> Iterator[Triple]:
    """A paper and every listing of it."""
    paper = paper_iri(key)
    yield paper, RDF.type, DLLM.Paper
    if rows[0].title:
        yield paper, DCTERMS.title, Literal(rows[0].title)
    yield paper, DLLM.isSurvey, Literal(any(row.survey for row in rows))
    yield paper, DCTERMS.isPartOf, DATASET_IRI
    for row, source in zip(rows, source_iris(key, [row.row for row in rows]), strict=True):
        yield paper, PROV.wasDerivedFrom, source
        yield from source_triples(source, row.row)
        if row.link:
            yield from link_triples(paper, source, row.link)
        if row.code:
            yield from code_triples(paper, source, row.code)


def link_triples(paper: URIRef, source: URIRef, link: str) -> Iterator[Triple]:
    """The paper's normalised link and the identifier it carries."""
    identifier = normalise(link)
    yield paper, DLLM.link, URIRef(identifier.url)
    prop = IDENTIFIER_PROPERTIES.get(identifier.scheme)
    if prop is not None:
        yield paper, prop, Literal(identifier.value)
    yield from listed_link_triples(source, link, identifier)


def code_triples(paper: URIRef, source: URIRef, link: str) -> Iterator[Triple]:
    """The repository that holds the paper's code."""
    identifier = normalise(link)
    repository = repository_iri(identifier)
    yield paper, DLLM.hasCode, repository
    yield repository, RDF.type, DLLM.Repository
    yield repository, DLLM.link, URIRef(identifier.url)
    label = identifier.value if identifier.scheme != Scheme.WEB else identifier.url
    yield repository, RDFS.label, Literal(label)
    if identifier.scheme == Scheme.GITHUB:
        yield repository, DLLM.githubId, Literal(identifier.value)
    yield from listed_link_triples(source, link, identifier)


def listed_link_triples(source: URIRef, link: str, identifier: Identifier) -> Iterator[Triple]:
    """The link as listed, where normalisation changed it, and the tracking parameters removed."""
    if identifier.url != link:
        yield source, DLLM.listedLink, Literal(link)
    for name in identifier.stripped:
        yield source, DLLM.strippedParameter, Literal(name)


def model_triples(key: str, rows: list[ModelRow]) -> Iterator[Triple]:
    """A model of the small-model table, with its size and Hugging Face id."""
    model = MODEL[key]
    yield model, RDF.type, DLLM.Model
    yield model, DCTERMS.isPartOf, DATASET_IRI
    if rows[0].name:
        yield model, RDFS.label, Literal(rows[0].name)
    for row, source in zip(rows, source_iris(key, [row.row for row in rows]), strict=True):
        yield model, PROV.wasDerivedFrom, source
        yield from source_triples(source, row.row)
        if row.size is not None:
            prop = DLLM.parameterCount if row.size.exact else DLLM.maxParameterCount
            yield model, prop, Literal(row.size.value)
        if row.link:
            identifier = normalise(row.link)
            yield model, DLLM.link, URIRef(identifier.url)
            if identifier.scheme == Scheme.HUGGING_FACE:
                yield model, DLLM.huggingFaceId, Literal(identifier.value)
            yield from listed_link_triples(source, row.link, identifier)


def source_iris(key: str, rows: list[SourceRow]) -> list[URIRef]:
    """Stable IRIs for an entity's listings: ``table.entity``, then ``.2`` for a second listing.

    >>> from dllm_kg.records import SourceRow
    >>> rows = [SourceRow("l.md", line, "II. VLMs", "vlms", 3, "|...|") for line in (9, 12)]
    >>> [str(iri) for iri in source_iris("clip", rows)]
    ['https://w3id.org/dllm-kg/source/vlms.clip', 'https://w3id.org/dllm-kg/source/vlms.clip.2']
    """
    seen: dict[str, int] = defaultdict(int)
    iris = []
    for row in rows:
        seen[row.section_key] += 1
        suffix = f".{seen[row.section_key]}" if seen[row.section_key] > 1 else ""
        iris.append(SOURCE[f"{row.section_key}.{key}{suffix}"])
    return iris


def source_triples(source: URIRef, row: SourceRow) -> Iterator[Triple]:
    """Where a listing stands in the list: file, table, row number, line and raw text."""
    yield source, RDF.type, PROV.Entity
    yield source, DLLM.sourceFile, Literal(row.file)
    yield source, DLLM.section, Literal(row.section)
    yield source, DLLM.rowNumber, Literal(row.number)
    yield source, DLLM.sourceLine, Literal(row.line)
    yield source, DLLM.sourceText, Literal(row.raw)


def _untitled_key(row: SourceRow) -> str:
    return f"untitled-{row.section_key}-{row.number}"
