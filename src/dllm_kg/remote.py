"""Other triple stores over HTTP: push the graph into one, and ask any SPARQL endpoint.

The graph goes to a store by the SPARQL 1.1 Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/): one ``PUT`` that replaces a named graph
(:data:`dllm_kg.constants.GRAPH_IRI` by default), so pushing twice leaves one copy. Queries go
to an endpoint by the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): a form
``POST`` whose answer pyoxigraph parses into the :class:`~dllm_kg.results.QueryResult` that
the embedded engines give. Only the standard library speaks HTTP here.
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dllm_kg.catalogue import QueryError, query_form
from dllm_kg.constants import GRAPH_IRI
from dllm_kg.errors import DllmKgError
from dllm_kg.protocol import GRAPH_TYPES, RESULT_TYPES
from dllm_kg.results import QueryResult, from_oxigraph_result

#: Seconds to wait for a connection, and for each answer from it (not for a whole transfer).
TIMEOUT = 60.0
#: What to ask an endpoint for, by query form; the answer is read by its Content-Type.
_ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}
#: The answers read back: the formats dllm-kg serve writes (protocol.py), but CSV, which
#: does not say what kind of term a value is.
_RESULTS_FORMATS = {
    media_type: results_format
    for media_type, results_format in RESULT_TYPES.items()
    if results_format is not ox.QueryResultsFormat.CSV
}
#: N-Triples' media type before RDF 1.1 is text/plain.
_GRAPH_FORMATS = {**GRAPH_TYPES, "text/plain": ox.RdfFormat.N_TRIPLES}
_TAG = re.compile(r"<[^>]*>")


class RemoteError(DllmKgError):
    """A store or endpoint that cannot be reached, or that refuses; the message names its URL."""


class StatusError(RemoteError):
    """An answer with an HTTP error status."""

    def __init__(self, message: str, status: int, detail: str) -> None:
        super().__init__(message)
        #: The HTTP status, and the first line of the answer's body.
        self.status = status
        self.detail = detail


# Pushing a graph -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushable:
    """A graph to push: its N-Triples (bytes, or a file), how many triples, and whose graph."""

    ntriples: bytes | Path
    triples: int
    source: str


def graph_to_push(source: Path | None = None) -> Pushable:
    """The graph of a list (the bundled one by default; its stored graph, as sorted N-Triples)
    or of a build folder (its ``dllm-kg.nt``).

    :raises RemoteError: for a source that is neither a list nor a build folder.
    :raises dllm_kg.parse.ListError: when a list cannot be read.
    """
    from dllm_kg.export import NTRIPLES_FILE, sorted_ntriples
    from dllm_kg.pipeline import stored_graph
    from dllm_kg.query import LIST_SUFFIXES

    if source is None or (source.is_file() and source.suffix.lower() in LIST_SUFFIXES):
        stored = stored_graph(source, str(source) if source else None)
        data = sorted_ntriples(stored.store)
        return Pushable(data, count_triples(data), stored.source)
    if source.is_dir():
        path = source / NTRIPLES_FILE
        if not path.is_file():
            raise RemoteError(f"{source}: not a build folder (it has no {NTRIPLES_FILE})")
        return Pushable(path, count_triples(path), str(path))
    what = "no such file or folder" if not source.exists() else "not a list (.md)"
    raise RemoteError(f"{source}: {what}; give a list (.md) or a build folder")


def count_triples(ntriples: bytes | Path) -> int:
    """The triples of N-Triples text, one per line (blank and comment lines do not count).

    >>> count_triples(b"# a comment\\n<x:s> <x:p> <x:o> .\\n\\n<x:s> <x:p> <x:q> .\\n")
    2
    """
    if isinstance(ntriples, bytes):
        lines = ntriples.splitlines()
        return sum(1 for line in lines if line.strip() and not line.lstrip().startswith(b"#"))
    with ntriples.open("rb") as lines:
        return sum(1 for line in lines if line.strip() and not line.lstrip().startswith(b"#"))


def push_graph(
    store_url: str,
    ntriples: bytes | Path,
    graph_iri: str | None = GRAPH_IRI,
    timeout: float = TIMEOUT,
) -> None:
    """Replace a graph of a store with the given N-Triples (Graph Store Protocol ``PUT``).

    :param store_url: the store's Graph Store Protocol URL (Oxigraph: ``http://host:7878/store``).
    :param ntriples: the triples, as bytes or an N-Triples file (streamed, not read whole).
    :param graph_iri: the named graph to replace; ``None`` for the store's default graph.
    :raises RemoteError: when the URL is not http(s), the store cannot be reached, or it
        answers with an error status.
    """
    _check_url(store_url)
    target = _with_query(store_url, {"graph": graph_iri} if graph_iri else {"default": ""})
    headers = {"Content-Type": "application/n-triples"}
    if isinstance(ntriples, bytes):
        _send(urllib.request.Request(target, ntriples, headers, method="PUT"), store_url, timeout)
        return
    with ntriples.open("rb") as body:
        headers["Content-Length"] = str(ntriples.stat().st_size)
        _send(urllib.request.Request(target, body, headers, method="PUT"), store_url, timeout)


def _with_query(url: str, fields: dict[str, str]) -> str:
    """The URL with more query fields (``?default`` without ``=``, as the protocol writes it).

    >>> _with_query("http://h/store", {"graph": "https://g/x#y"})
    'http://h/store?graph=https%3A%2F%2Fg%2Fx%23y'
    >>> _with_query("http://h/store?key=1", {"default": ""})
    'http://h/store?key=1&default'
    """
    query = "&".join(
        f"{name}={urllib.parse.quote(value, safe='')}" if value else name
        for name, value in fields.items()
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


# Asking an endpoint ----------------------------------------------------------------------------


def query_endpoint(
    endpoint_url: str,
    text: str,
    graph_iri: str | None = GRAPH_IRI,
    timeout: float = TIMEOUT,
    name: str = "query",
) -> QueryResult:
    """Run a query on a SPARQL endpoint (SPARQL 1.1 Protocol, ``POST`` of a form).

    :param graph_iri: the graph to ask as the default graph (``default-graph-uri``); ``None``
        for the endpoint's own default graph.
    :raises QueryError: when the endpoint refuses the query (400): its message, first line.
    :raises RemoteError: when the URL is not http(s), the endpoint cannot be reached, it
        answers with another error status, or its answer cannot be read.
    """
    _check_url(endpoint_url)
    form = query_form(text)
    fields = [("query", text)] + ([("default-graph-uri", graph_iri)] if graph_iri else [])
    accept = _ACCEPT.get(form) or ", ".join(dict.fromkeys(_ACCEPT.values()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    body = urllib.parse.urlencode(fields).encode("utf-8")
    request = urllib.request.Request(endpoint_url, body, headers, method="POST")
    try:
        data, media_type = _send(request, endpoint_url, timeout)
    except StatusError as error:
        if error.status == 400:
            raise QueryError(f"{name}: {endpoint_url} refused the query: {error.detail}") from None
        raise
    return _parse_answer(data, media_type, form, endpoint_url)


def _parse_answer(data: bytes, media_type: str, form: str, url: str) -> QueryResult:
    """An endpoint's answer, read by its media type, as a QueryResult."""
    try:
        if media_type in _RESULTS_FORMATS:
            answer = ox.parse_query_results(data, _RESULTS_FORMATS[media_type])
            return from_oxigraph_result(answer, form)
        if media_type in _GRAPH_FORMATS:
            return from_oxigraph_result(ox.parse(data, _GRAPH_FORMATS[media_type]), form)
    except (SyntaxError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "cannot parse"
        raise RemoteError(f"{url}: its answer is not valid {media_type} ({first})") from None
    raise RemoteError(f"{url}: answered {media_type or 'no media type'}, not SPARQL results")


# HTTP ------------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are reported, not followed: urllib would resend a POST as a GET, without the
    query, and a PUT not at all."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _check_url(url: str) -> None:
    """:raises RemoteError: unless the URL is http:// or https:// with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"{url}: not an http:// or https:// URL")


def _send(request: urllib.request.Request, url: str, timeout: float) -> tuple[bytes, str]:
    """The answer's body and media type, for a request to ``url`` (named in errors).

    :raises StatusError: for an answer with an error status (or a redirect).
    :raises RemoteError: when there is no answer.
    """
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise _status_error(error, url) from None
    except (OSError, http.client.HTTPException) as error:
        raise RemoteError(f"{url}: {_unreachable(error, timeout)}") from None


def _status_error(error: urllib.error.HTTPError, url: str) -> StatusError:
    """An error status as one line: the status, its reason, and the first line the body says
    (or where a redirect points)."""
    location = error.headers.get("Location") if error.headers else None
    try:
        body = error.read()
    except (OSError, http.client.HTTPException):
        body = b""
    detail = f"moved to {location}" if location else _first_line(body)
    message = f"{url}: the server answered {error.code} {error.reason}"
    return StatusError(f"{message}: {detail}" if detail else message, error.code, detail)


def _first_line(body: bytes) -> str:
    """The first line of text in an answer's body (markup removed), at most 200 characters.

    >>> _first_line(b"<html><body>\\n<h1>Not found</h1>\\n</body></html>")
    'Not found'
    """
    text = _TAG.sub(" ", body.decode("utf-8", errors="replace"))
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    line = " ".join(line.split())
    return line if len(line) <= 200 else line[:197] + "..."


def _unreachable(error: OSError | http.client.HTTPException, timeout: float) -> str:
    """Why there was no answer, in a few words.

    >>> _unreachable(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), 5)
    'cannot connect (connection refused)'
    """
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "cannot connect (connection refused)"
    if isinstance(reason, socket.gaierror):
        return f"cannot connect (unknown host: {reason.strerror})"
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        return f"the connection broke ({reason.__class__.__name__})"
    detail = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
    return f"cannot connect ({detail or reason.__class__.__name__})"
