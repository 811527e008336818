"""Time every canned query on both engines, on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_queries.py [--sizes 10000] [--repeat 3] [--seed 0]

For each list, the graph is built and copied into pyoxigraph first; that set-up is not timed.
Each query then runs ``--repeat`` times per engine with its default parameters, and the best
time is reported: the time of ``dllm_kg.query.run_query``, which binds the parameters (a label
lookup), runs the query and converts the answer to rdflib terms. The table ends with the
slowest query of each engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Run as ``python benchmarks/bench_queries.py``: this folder is on sys.path, so the shared
# module next to this file imports as a plain module.
from common import TEMP_PREFIX, add_options, write_synthetic
from rdflib.namespace import RDF

from dllm_kg.namespaces import DLLM
from dllm_kg.query import (
    CannedQuery,
    Engine,
    KnowledgeGraph,
    QueryError,
    bind_value,
    list_queries,
    load_graph,
    run_query,
)

#: The classes of things a parameter may name, for defaults that a synthetic list lacks.
_CLASSES = {"paper": DLLM.Paper, "model": DLLM.Model}


@dataclass(frozen=True)
class Timing:
    """The best of several runs of one query on one engine."""

    query: str
    engine: str
    seconds: float
    size: int


def parameters_for(kg: KnowledgeGraph, query: CannedQuery) -> dict[str, str]:
    """The defaults, except a paper or model the list lacks: then its first one, by IRI."""
    params = {}
    for parameter in query.parameters:
        try:
            bind_value(kg, parameter, parameter.default)
        except QueryError:
            klass = _CLASSES.get(parameter.kind)
            if klass is None:
                raise
            params[parameter.name] = str(min(kg.graph.subjects(RDF.type, klass)))
    return params


def time_queries(kg: KnowledgeGraph, repeat: int) -> list[Timing]:
    """Every canned query on every engine, best of ``repeat`` runs each."""
    kg.graph, kg.store  # noqa: B018 - set-up, not timed: both engines' copies are built here
    timings = []
    for query in list_queries():
        params = parameters_for(kg, query)
        for engine in Engine:
            best, size = float("inf"), 0
            for _ in range(repeat):
                start = time.perf_counter()
                size = len(run_query(kg, query, params, engine))
                best = min(best, time.perf_counter() - start)
            timings.append(Timing(query.name, engine.value, best, size))
            print(f"  {query.name} on {engine.value}: {best:.3f} s", file=sys.stderr)
    return timings


def markdown_table(label: str, triples: int, timings: Sequence[Timing]) -> str:
    """One list's timings: a row per query, a column per engine, then the slowest of each."""
    engines = [engine.value for engine in Engine]
    by_query: dict[str, dict[str, Timing]] = {}
    for timing in timings:
        by_query.setdefault(timing.query, {})[timing.engine] = timing
    lines = [
        f"### {label} ({triples:,} triples)",
        "",
        "| query | results | " + " | ".join(f"{e} (s)" for e in engines) + " |",
        "|---|---:|" + "---:|" * len(engines),
    ]
    for name, row in by_query.items():
        cells = " | ".join(f"{row[e].seconds:.3f}" for e in engines)
        lines.append(f"| {name} | {row[engines[0]].size:,} | {cells} |")
    lines.append("")
    for engine in engines:
        slowest = max((t for t in timings if t.engine == engine), key=lambda t: t.seconds)
        lines.append(f"- slowest on {engine}: `{slowest.query}`, {slowest.seconds:.3f} s")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, sizes=[10000], repeat="runs per query (default: 3)", command=False)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Build each list's graph, time the queries and print one table per list."""
    args = parse_args(argv)
    tables = []
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        cases: list[tuple[str, Path | None]] = [("bundled list", None)]
        for size in args.sizes:
            path = write_synthetic(Path(tmp), size, args.seed)
            cases.append((f"synthetic list, {size:,} entries (seed {args.seed})", path))
        for label, path in cases:
            print(f"building the graph of the {label}", file=sys.stderr)
            kg = load_graph(path)  # set-up, not timed
            tables.append(markdown_table(label, len(kg), time_queries(kg, args.repeat)))
    print("Best of", args.repeat, "runs, seconds; graph building excluded.\n")
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
