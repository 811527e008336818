"""The SPARQL 1.1 Protocol, apart from any web server: requests, result formats, the service
description.

https://www.w3.org/TR/sparql11-protocol/ and https://www.w3.org/TR/sparql11-service-description/.
:mod:`dllm_kg.serve` turns HTTP requests into the :class:`Operation` read here, and
:mod:`dllm_kg.workers` answers them in the format :func:`negotiate` picked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from dllm_kg.errors import DllmKgError
from dllm_kg.namespaces import PREFIXES

#: Media types of SELECT and ASK results, the default first.
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
#: Media types of CONSTRUCT and DESCRIBE results (and of RDF documents), the default first.
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: The request bodies that carry a query.
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_STRING = ox.NamedNode(_XSD + "string")
#: The W3C format IRIs of the result formats, for the service description.
_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
)
#: The updates this endpoint refuses, named in its error.
READ_ONLY = "updates are refused: this endpoint is read-only"


class ProtocolError(DllmKgError):
    """A request the endpoint cannot answer; ``status`` is its HTTP status code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Operation:
    """A query operation: the query and its RDF dataset (``default-graph-uri``,
    ``named-graph-uri``). No query means a request for the service description."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def operation_of(method: str, url_query: str, content_type: str | None, body: bytes) -> Operation:
    """The operation an HTTP request asks for, as the protocol's three forms send it: GET with
    the query in the URL, POST of a form, POST of the query itself.

    >>> operation_of("GET", "query=ASK%7B%7D&default-graph-uri=urn%3Ag", None, b"")
    Operation(query='ASK{}', default_graphs=('urn:g',), named_graphs=())

    :raises ProtocolError: for an update (403), a second query, a body of another type (415)
        or one that is not UTF-8 (400).
    """
    params = parse_qsl(url_query, keep_blank_values=True)
    media_type = (content_type or "").split(";")[0].strip().lower()
    if method == "POST":
        if media_type == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if media_type == QUERY_TYPE:
            params.append(("query", _text(body)))
        elif media_type == FORM_TYPE:
            params.extend(parse_qsl(_text(body), keep_blank_values=True))
        elif body:
            raise ProtocolError(
                415, f"a query is sent as {FORM_TYPE} or {QUERY_TYPE}, not {media_type or 'this'}"
            )
    return _operation(params)


def _operation(params: Sequence[tuple[str, str]]) -> Operation:
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in params):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for key, value in params if key == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "give one query, not several")
    return Operation(
        queries[0] if queries else None,
        tuple(value for key, value in params if key == "default-graph-uri"),
        tuple(value for key, value in params if key == "named-graph-uri"),
    )


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request is not UTF-8 (byte {error.start})") from None


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client likes best (the first when it states none), or None.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", list(RESULT_TYPES))
    'application/sparql-results+xml'
    >>> negotiate("*/*", list(GRAPH_TYPES)), negotiate("image/png", list(GRAPH_TYPES))
    ('text/turtle', None)
    """
    if not accept or not accept.strip():
        return offers[0]
    return parse_accept_header(accept, MIMEAccept).best_match(offers)


def content_type(media_type: str) -> str:
    """The Content-Type header of a media type: text formats say their charset.

    >>> content_type("text/turtle"), content_type("application/ld+json")
    ('text/turtle; charset=utf-8', 'application/ld+json')
    """
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def service_description(endpoint: str, triples: int, void_url: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint: what it speaks and what it holds."""
    return list(_service_triples(endpoint, triples, void_url))


def _service_triples(endpoint: str, triples: int, void_url: str) -> Iterator[ox.Triple]:
    service, dataset, graph = (ox.BlankNode(name) for name in ("service", "dataset", "graph"))

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + name)

    yield ox.Triple(service, _RDF_TYPE, sd("Service"))
    yield ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint))
    yield ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query"))
    for name in _FORMAT_IRIS:
        yield ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name))
    yield ox.Triple(service, sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, _RDF_TYPE, sd("Dataset"))
    yield ox.Triple(dataset, _SEE_ALSO, ox.NamedNode(void_url))
    yield ox.Triple(dataset, sd("defaultGraph"), graph)
    yield ox.Triple(graph, _RDF_TYPE, sd("Graph"))
    yield ox.Triple(graph, _VOID_TRIPLES, ox.Literal(str(triples), datatype=_XSD_INTEGER))


def rdf_document(triples: Sequence[ox.Triple], media_type: str) -> bytes:
    """Triples in one of :data:`GRAPH_TYPES`; Turtle and RDF/XML declare the prefixes they use
    (the project's, and those of the service description)."""
    rdf_format = GRAPH_TYPES[media_type]
    if rdf_format not in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=rdf_format)
    known = {**PREFIXES, "sd": _SD, "formats": _FORMATS}
    return ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples, known))


def used_prefixes(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes whose namespace begins an IRI of the triples (datatypes included).

    >>> s, p = ox.NamedNode("http://a.org/s"), ox.NamedNode("http://b.org/p")
    >>> used_prefixes([ox.Triple(s, p, ox.Literal("x"))], {"a": "http://a.org/", "xsd": _XSD})
    {'a': 'http://a.org/'}
    """
    iris = {term.value for triple in triples for term in _iris(triple)}
    return {
        name: namespace
        for name, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }


def _iris(triple: ox.Triple) -> Iterator[ox.NamedNode]:
    for term in (triple.subject, triple.predicate, triple.object):
        if isinstance(term, ox.NamedNode):
            yield term
        elif isinstance(term, ox.Literal) and not (term.language or term.datatype == _STRING):
            yield term.datatype  # Turtle writes plain and language strings without it
        elif isinstance(term, ox.Triple):
            yield from _iris(term)
