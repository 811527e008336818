"""``dllm-kg serve``: a stored graph as a read-only SPARQL endpoint, with a query page and the
downloads.

Routes: ``/`` the query page, ``/sparql`` the SPARQL 1.1 Protocol endpoint (its service
description when asked without a query), ``/queries`` the canned queries as JSON,
``/.well-known/void`` the VoID description, every file a build writes by its name, the static
site under ``/site/``, and each entity's IRI path (``/paper/SLUG``), which redirects to its page
or data file by the Accept header, as w3id.org does for the published IRIs.
Starlette routes the requests and uvicorn serves them on one event loop, so a slow client
holds only its own connection; queries run in :mod:`dllm_kg.workers` under the time and
result limits.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dllm_kg.catalogue import CannedQuery, list_queries
from dllm_kg.constants import PACKAGE_DIR
from dllm_kg.export import VOID_FILE
from dllm_kg.listversion import ListVersion
from dllm_kg.options import Settings
from dllm_kg.protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    ProtocolError,
    content_type,
    negotiate,
    operation_of,
    rdf_document,
    service_description,
)
from dllm_kg.publish import DOCUMENTS, PAGE_KINDS, document_of
from dllm_kg.query import KnowledgeGraph, standalone_text
from dllm_kg.store import STORE_DIR, StoredGraph
from dllm_kg.workers import Job, QueryPool, ServerBusy

#: The query page's scripts and styles (Yasgui, shipped with the package).
STATIC_DIR = PACKAGE_DIR / "static"
#: The header that says a result was cut at the result limit (as Virtuoso names it).
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
#: The query page's Content-Security-Policy: scripts, styles and requests of this server
#: only (Yasgui sets style attributes, and the favicon is a data: URL).
QUERY_PAGE_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'"
)
#: Answers that depend on the Accept header say so, for caches.
_VARY = {"Vary": "Accept"}
#: Media types of the files a build and the site write, by extension.
FILE_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".css": "text/css",
}


class _Graph:
    """What the routes share: the stored graph, its worker pool and, made on first use, its
    downloads."""

    def __init__(
        self, stored: StoredGraph, settings: Settings, version: ListVersion | None = None
    ) -> None:
        self.stored, self.settings, self.version = stored, settings, version
        self.pool = QueryPool(
            str(stored.path / STORE_DIR),
            settings.workers,
            settings.timeout,
            settings.max_results,
            settings.max_waiting,
        )
        self._made: dict[str, Any] = {}
        self._rendering = asyncio.Lock()

    async def files(self) -> dict[str, bytes]:
        """Every file a build writes (:func:`dllm_kg.pipeline.outputs`)."""
        from dllm_kg.pipeline import outputs

        return await self._once("files", outputs, self.stored.store, self.version)

    async def queries(self) -> bytes:
        """The canned queries as JSON (:func:`_queries_json`)."""
        return await self._once("queries", _queries_json, self.stored.store)

    async def site(self) -> dict[str, bytes]:
        """The static site's files by path (:func:`dllm_kg.site.render_site`)."""
        from dllm_kg.site import render_site

        return await self._once("site", render_site, self.stored.store, self.version)

    async def _once(self, name: str, make: Callable[..., Any], *args: object) -> Any:
        """What ``make(*args)`` returns, made in a thread when first asked for, then kept."""
        async with self._rendering:
            if name not in self._made:
                self._made[name] = await asyncio.to_thread(make, *args)
        return self._made[name]


def create_app(
    stored: StoredGraph, settings: Settings, version: ListVersion | None = None
) -> Starlette:
    """The web application over one stored graph; ``version`` is the list file it was built
    from, which the VoID description records as a build does."""
    graph = _Graph(stored, settings, version)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await graph.pool.start()
        try:
            yield
        finally:
            graph.pool.close()

    async def sparql(request: Request) -> Response:
        return await _sparql(graph, request)

    async def void(request: Request) -> Response:
        return await _void(graph, request)

    async def queries(_: Request) -> Response:
        return Response(await graph.queries(), media_type="application/json")

    async def build_file(request: Request) -> Response:
        return await _build_file(graph, request.path_params["name"])

    async def entity(request: Request) -> Response:
        return await _entity(graph, request)

    async def site_file(request: Request) -> Response:
        return await _site_file(graph, request.path_params["path"])

    return Starlette(
        routes=[
            Route("/", _query_page),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/queries", queries),
            Route("/.well-known/void", void),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            Route("/site/{path:path}", site_file),
            Route("/{kind}/{slug}", entity),
            Route("/{name}", build_file),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[MAX_ROWS_HEADER],
            )
        ],
        exception_handlers={ProtocolError: _protocol_error},
        lifespan=lifespan,
    )


async def _sparql(graph: _Graph, request: Request) -> Response:
    body = await _body(request, graph.settings.max_body)
    content = request.headers.get("content-type")
    operation = operation_of(request.method, request.url.query, content, body)
    accept = request.headers.get("accept")
    if operation.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "no query: send query=... or an application/sparql-query body")
        triples = service_description(
            _url(request, "/sparql"), len(graph.stored.store), _url(request, "/.well-known/void")
        )
        return _rdf_response(triples, accept)
    job = Job(
        operation.query,
        negotiate(accept, list(RESULT_TYPES)),
        negotiate(accept, list(GRAPH_TYPES)),
        operation.default_graphs,
        operation.named_graphs,
    )
    if job.results_type is None and job.graph_type is None:
        raise ProtocolError(
            406, f"results are offered as {', '.join([*RESULT_TYPES, *GRAPH_TYPES])}"
        )
    answer = await graph.pool.answer(job)
    headers = {MAX_ROWS_HEADER: str(graph.settings.max_results)} if answer.truncated else {}
    headers.update(_VARY)
    return Response(answer.body, headers=headers, media_type=content_type(answer.media_type))


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) once it grows past ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is larger than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _url(request: Request, path: str) -> str:
    """An absolute URL on this server, as the client reached it."""
    return str(request.base_url.replace(path=path, query="", fragment=""))


def _rdf_response(triples: list[ox.Triple], accept: str | None) -> Response:
    media_type = negotiate(accept, list(GRAPH_TYPES))
    if media_type is None:
        raise ProtocolError(406, f"this is offered as {', '.join(GRAPH_TYPES)}")
    body = rdf_document(triples, media_type)
    return Response(body, headers=_VARY, media_type=content_type(media_type))


async def _void(graph: _Graph, request: Request) -> Response:
    """The VoID description of the downloads: ``void.ttl`` as it is, or in the format asked
    for."""
    void = (await graph.files())[VOID_FILE]
    if negotiate(request.headers.get("accept"), list(GRAPH_TYPES)) == "text/turtle":
        return Response(void, headers=_VARY, media_type=content_type("text/turtle"))
    triples = [quad.triple for quad in ox.parse(void, format=ox.RdfFormat.TURTLE)]
    return _rdf_response(triples, request.headers.get("accept"))


async def _build_file(graph: _Graph, name: str) -> Response:
    files = await graph.files()
    if name not in files:
        raise ProtocolError(404, f"no {name} here; the files: {', '.join(sorted(files))}")
    media_type = FILE_TYPES[Path(name).suffix]
    return Response(files[name], media_type=content_type(media_type))


async def _entity(graph: _Graph, request: Request) -> Response:
    """An entity's IRI, as w3id.org resolves it: 303 to its page or data file on the site."""
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    if kind not in PAGE_KINDS:
        raise ProtocolError(404, f"no /{kind}/ here; entities are {', '.join(PAGE_KINDS)}")
    document = document_of(kind, slug, request.headers.get("accept"))
    if document is None:
        raise ProtocolError(406, f"/{kind}/{slug} is offered as {', '.join(DOCUMENTS)}")
    if document not in await graph.site():
        raise ProtocolError(404, f"no {kind} {slug} in this graph")
    return RedirectResponse(f"/site/{document}", status_code=303, headers=_VARY)


async def _site_file(graph: _Graph, path: str) -> Response:
    """A file of the static site; a folder's ``index.html`` for the folder."""
    if path == "" or path.endswith("/"):
        path += "index.html"
    files = await graph.site()
    if path not in files:
        raise ProtocolError(404, f"no /site/{path} here")
    media_type = FILE_TYPES.get(Path(path).suffix, "application/octet-stream")
    return Response(files[path], media_type=content_type(media_type))


def _queries_json(store: ox.Store) -> bytes:
    """The canned queries as JSON: name, title, question, parameters, and the text with the
    parameters' defaults written in, ready to run here or on any endpoint."""
    kg = KnowledgeGraph(store)
    queries = [
        {**_query_json(query), "query": standalone_text(kg, query)} for query in list_queries()
    ]
    return json.dumps(queries, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _query_json(query: CannedQuery) -> dict[str, object]:
    return {
        "name": query.name,
        "title": query.title,
        "question": query.question,
        "parameters": [
            {"name": p.name, "default": p.default, "kind": p.kind, "description": p.description}
            for p in query.parameters
        ],
    }


async def _query_page(_: Request) -> Response:
    """The query page; its policy lets it load and ask nothing but this server."""
    page = (STATIC_DIR / "query.html").read_bytes()
    headers = {"Content-Security-Policy": QUERY_PAGE_POLICY}
    return Response(page, headers=headers, media_type="text/html; charset=utf-8")


async def _protocol_error(_: Request, error: Exception) -> Response:
    status = getattr(error, "status", 500)
    headers = {"Retry-After": "1"} if isinstance(error, ServerBusy) else {}
    return PlainTextResponse(f"{error}\n", status_code=status, headers=headers)


# Running the server ----------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn's server, calling back once it listens."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_ready()


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: any free port).

    :raises OSError: when the address is taken or not this machine's.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def run(
    stored: StoredGraph,
    settings: Settings,
    sock: socket.socket,
    on_ready: Callable[[], None],
    version: ListVersion | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C raises KeyboardInterrupt once the server has stopped)."""
    config = uvicorn.Config(
        create_app(stored, settings, version),
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=2,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    _Server(config, on_ready).run(sockets=[sock])
