"""Queries in worker processes, each with a time limit and a result limit.

A query cannot be interrupted inside pyoxigraph, so each one runs in a worker process that
has the stored graph open read-only; a query that outlives the time limit is stopped by
ending its worker, and a fresh one takes its place. :class:`QueryPool` hands requests to the
workers from the server's event loop; :func:`answer` is what a worker does with one.
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import signal
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TypeVar

import pyoxigraph as ox

from dllm_kg.catalogue import calls_service, is_update
from dllm_kg.constants import GRAPH_IRI
from dllm_kg.namespaces import PREFIXES
from dllm_kg.protocol import GRAPH_TYPES, READ_ONLY, RESULT_TYPES, ProtocolError, rdf_document
from dllm_kg.timelimit import end_with_parent

T = TypeVar("T")
#: How long a new worker may take to open the store before the request fails.
STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Job:
    """A query to answer, and the media types the client accepts for each kind of result
    (None: none of that kind)."""

    query: str
    results_type: str | None
    graph_type: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A query's answer: the document, its media type, and whether the result limit cut it."""

    body: bytes
    media_type: str
    truncated: bool = False


class QueryStopped(ProtocolError):
    """A query that ran past the time limit (503)."""


class ServerBusy(ProtocolError):
    """No worker came free in time, or too many requests wait already (503)."""


def answer(store: ox.Store, job: Job, limit: int) -> Answer:
    """Run one query on ``store``: at most ``limit`` rows or triples, in the negotiated format.

    :raises ProtocolError: for a query that does not parse, an update or SERVICE (400), and
        a result of a kind the client does not accept (406).
    """
    if calls_service(job.query):
        raise ProtocolError(400, "SERVICE is refused: queries run on this graph only")
    try:
        result = store.query(
            job.query,
            prefixes=PREFIXES,
            default_graph=_graphs(job.default_graphs) or None,
            named_graphs=[ox.NamedNode(iri) for iri in job.named_graphs] or None,
        )
    except SyntaxError as error:
        raise ProtocolError(400, READ_ONLY if is_update(job.query) else str(error)) from None
    except ValueError as error:  # an IRI in default-graph-uri that is not one
        raise ProtocolError(400, str(error)) from None
    if isinstance(result, ox.QueryTriples):
        return _graph_answer(result, job.graph_type, limit)
    if job.results_type is None:
        raise ProtocolError(406, f"results are offered as {', '.join(RESULT_TYPES)}")
    if isinstance(result, ox.QueryBoolean):
        return Answer(result.serialize(format=RESULT_TYPES[job.results_type]), job.results_type)
    return _solutions_answer(result, job.results_type, limit)


def _graphs(iris: Iterable[str]) -> list[ox.NamedNode | ox.DefaultGraph]:
    """The graphs named in ``default-graph-uri``: :data:`GRAPH_IRI` names the graph served."""
    return [ox.DefaultGraph() if iri == GRAPH_IRI else ox.NamedNode(iri) for iri in iris]


def _graph_answer(triples: ox.QueryTriples, media_type: str | None, limit: int) -> Answer:
    if media_type is None:
        raise ProtocolError(406, f"graphs are offered as {', '.join(GRAPH_TYPES)}")
    kept = _first(triples, limit + 1)
    return Answer(rdf_document(kept[:limit], media_type), media_type, len(kept) > limit)


def _solutions_answer(solutions: ox.QuerySolutions, media_type: str, limit: int) -> Answer:
    """SELECT results, cut at ``limit`` rows: written as SPARQL JSON, then read and written
    by pyoxigraph in the format asked for."""
    variables = [variable.value for variable in solutions.variables]
    kept = _first(solutions, limit + 1)
    document = results_json(variables, kept[:limit])
    results_format = RESULT_TYPES[media_type]
    if results_format is not ox.QueryResultsFormat.JSON:
        parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
        document = parsed.serialize(format=results_format)
    return Answer(document, media_type, len(kept) > limit)


def _first(items: Iterable[T], count: int) -> list[T]:
    """The first ``count`` items, reading no further."""
    kept: list[T] = []
    for item in items:
        if len(kept) == count:
            break
        kept.append(item)
    return kept


def results_json(variables: list[str], solutions: Iterable[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 Query Results JSON, written as pyoxigraph writes it (the same bytes)."""
    bindings = [
        {name: _json_term(solution[name]) for name in variables if solution[name] is not None}
        for solution in solutions
    ]
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {
            "type": "triple",
            "value": {part: _json_term(getattr(term, part)) for part in parts},
        }
    value: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
        if term.direction:
            value["its:dir"] = term.direction
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


# The worker processes --------------------------------------------------------------------------


def _serve_jobs(store_path: str, limit: int, connection: Connection, parent: int) -> None:
    """A worker's life: open the store, then answer jobs until the pipe closes (or the server
    ends)."""
    end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    store = ox.Store.read_only(store_path)
    calls_service("ASK {}")  # loads rdflib's parser now, not in the first query's time
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            outcome: Answer | tuple[int, str] = answer(store, job, limit)
        except ProtocolError as error:
            outcome = (error.status, str(error))
        except (OSError, RuntimeError, ValueError) as error:  # an evaluation error
            outcome = (500, f"the query failed: {error}")
        connection.send(outcome)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, store_path: str, limit: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve_jobs, args=(store_path, limit, child, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def run(self, job: Job, timeout: float) -> Answer:
        """Answer one job, or stop the worker when it takes longer than ``timeout`` seconds."""
        try:
            self.wait_until_ready()
            self.connection.send(job)
            if not self.connection.poll(timeout):
                self.stop()
                raise QueryStopped(503, f"the query was stopped after {timeout:g} s (time limit)")
            outcome = self.connection.recv()
        except (EOFError, OSError) as error:  # the worker died: out of memory, killed, ...
            self.stop()
            raise ProtocolError(500, f"the query worker failed ({error or 'it ended'})") from None
        if isinstance(outcome, Answer):
            return outcome
        raise ProtocolError(*outcome)

    def wait_until_ready(self) -> None:
        """Wait until the worker has opened the store (once)."""
        if self.ready:
            return
        if not self.connection.poll(STARTUP_SECONDS) or self.connection.recv() != "ready":
            raise OSError("a query worker did not start")
        self.ready = True

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.is_alive()

    def stop(self) -> None:
        """End the process now."""
        self.process.kill()
        self.process.join()


class QueryPool:
    """Worker processes over one stored graph, shared by the requests of an event loop.

    A request waits for a free worker at most ``timeout`` seconds, and no more than
    ``max_waiting`` requests wait at once; beyond either, :class:`ServerBusy`.
    """

    def __init__(
        self, store_path: str, workers: int, timeout: float, limit: int, max_waiting: int
    ) -> None:
        self.store_path, self.timeout, self.limit = store_path, timeout, limit
        self.max_waiting = max_waiting
        self._size = workers
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._waiting = 0
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="query")

    async def start(self) -> None:
        """Start the workers and wait until each has the store open."""
        loop = asyncio.get_running_loop()
        started = [self._new_worker() for _ in range(self._size)]
        for worker in started:
            await loop.run_in_executor(self._threads, worker.wait_until_ready)
            self._idle.put_nowait(worker)

    async def answer(self, job: Job) -> Answer:
        """Answer a job on the next free worker.

        :raises ProtocolError: as :func:`answer` does; :class:`QueryStopped` past the time
            limit; :class:`ServerBusy` when the server is full.
        """
        worker = await self._free_worker()
        done: Future[Answer] = self._threads.submit(worker.run, job, self.timeout)
        loop = asyncio.get_running_loop()
        release = functools.partial(loop.call_soon_threadsafe, self._release, worker)
        done.add_done_callback(lambda _: release())  # even if the request is gone
        return await asyncio.wrap_future(done)

    async def _free_worker(self) -> _Worker:
        if self._waiting >= self.max_waiting:
            raise ServerBusy(503, "the server is full; try again shortly")
        self._waiting += 1
        try:
            return await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise ServerBusy(503, "no query worker came free in time; try again shortly") from None
        finally:
            self._waiting -= 1

    def _new_worker(self) -> _Worker:
        worker = _Worker(self.store_path, self.limit)
        self._workers.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        """Give a worker back to the pool; a stopped one is replaced. On the event loop's
        thread: a worker ends with the thread that started it."""
        if not worker.alive():
            self._workers.discard(worker)
            worker = self._new_worker()
        self._idle.put_nowait(worker)

    def close(self) -> None:
        """Stop every worker, also those answering a query."""
        for worker in list(self._workers):
            worker.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)
