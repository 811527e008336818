"""Time the canned queries through `dllm-kg serve` against the same queries in this process.

Usage::

    python benchmarks/bench_serve.py [--sizes 10000] [--repeat 3] [--clients 8] [--requests 200]

For the bundled list and each synthetic list: the graph is stored first (not timed), then a
server is started on 127.0.0.1 (`dllm-kg serve SOURCE --port 0`, its two workers). Each canned
query with its default parameters runs ``--repeat`` times embedded (pyoxigraph on the stored
graph, in this process: the floor) and through the endpoint (``KnowledgeGraph(endpoint=...)``:
parameter look-ups, HTTP, the worker, the JSON and its parsing); the table gives the best of
each and their ratio (a paper or model the synthetic list lacks is replaced by its first, as
in ``bench_queries.py``). Last, ``--clients`` threads send ``--requests`` requests of one light
query at once, for the requests per second the server answers and their median latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_queries import parameters_for
from common import ROOT, TEMP_PREFIX, add_options, positive_int, prepare_cases

sys.path.insert(0, str(ROOT))

import httpx

from dllm_kg.pipeline import stored_graph
from dllm_kg.query import KnowledgeGraph, list_queries, run_query
from tests.serving import served

#: The query of the load test: small, and answered from the store's indexes.
LIGHT = "SELECT (COUNT(*) AS ?papers) WHERE { ?paper a dllm:Paper }"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, the first column left-aligned and the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(["---", *["--:"] * (len(header) - 1)]) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The fewest seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def query_rows(source: Path, endpoint: str, repeat: int) -> list[list[str]]:
    """One row per canned query: embedded seconds, endpoint seconds, their ratio."""
    embedded = KnowledgeGraph(stored_graph(source).store)
    remote = KnowledgeGraph(endpoint=endpoint)
    rows = []
    for query in list_queries():
        params = parameters_for(embedded, query)  # a paper or model the list has
        floor = best_of(repeat, lambda q=query, p=params: run_query(embedded, q, p))
        served_time = best_of(repeat, lambda q=query, p=params: run_query(remote, q, p))
        rows.append(
            [query.name, f"{floor:.4f}", f"{served_time:.4f}", f"{served_time / floor:.1f}x"]
        )
    return rows


def load_row(endpoint: str, clients: int, requests: int) -> list[str]:
    """Requests per second and median latency of ``requests`` light queries from ``clients``."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients)

    with httpx.Client(timeout=None, limits=limits) as client:

        def one(_: int) -> int:
            start = time.perf_counter()
            response = client.post(endpoint, data={"query": LIGHT})
            latencies.append(time.perf_counter() - start)
            return response.status_code

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            statuses = list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - start
    answered = sum(status == 200 for status in statuses)
    median = statistics.median(latencies) * 1000
    return [
        str(clients),
        str(requests),
        str(answered),
        f"{requests / elapsed:.0f}",
        f"{median:.0f}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, (10000,), "runs of each query, best taken (default: 3)", command=False)
    parser.add_argument("--clients", type=positive_int, default=8, help="threads at once")
    parser.add_argument("--requests", type=positive_int, default=200, help="requests in all")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as workdir:
        for case in prepare_cases(options.sizes, options.seed, Path(workdir)):
            stored_graph(case.path)  # stored before the server starts: not timed
            with served(str(case.path)) as server:
                print(f"\n### {case.label}: {case.entries:,} entries\n")
                header = ["query", "embedded s", "endpoint s", "ratio"]
                rows = query_rows(case.path, server.endpoint, options.repeat)
                print(table(header, rows))
                load = ["clients", "requests", "answered 200", "requests/s", "median ms"]
                print()
                print(table(load, [load_row(server.endpoint, options.clients, options.requests)]))


if __name__ == "__main__":
    main()
