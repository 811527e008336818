"""One measurement in a fresh process, for bench_all.py; prints its figures as one JSON object.

Usage::

    python benchmarks/bench_worker.py build SOURCE OUTDIR
    python benchmarks/bench_worker.py floor FILE.nt
    python benchmarks/bench_worker.py queries SOURCE [--engine oxigraph] [--repeat 3]

``build`` times each stage of ``dllm_kg.pipeline.build`` and the process's peak RSS when each
stage ends (a high-water mark: ``ru_maxrss``, KiB on Linux). ``floor`` times pyoxigraph's bulk
load of an N-Triples file into an in-memory store, the file read before the clock starts.
``queries`` times every canned query, best of ``--repeat`` runs, on the list's stored graph
(read from the cache, or built there first: set-up, not timed).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

#: The name of the time between the call of ``build`` and its first stage (imports, checks).
BEFORE_STAGES = "before the first stage"


def peak_kib() -> int:
    """This process's peak resident set size so far, in KiB (Linux's unit of ``ru_maxrss``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_build(source: str, out_dir: str) -> dict[str, object]:
    """Build ``source`` into ``out_dir`` as ``dllm-kg build`` does; each stage's time and peak."""
    from dllm_kg.pipeline import build

    marks: list[tuple[str, float, int]] = []
    start = time.perf_counter()
    marks.append((BEFORE_STAGES, start, peak_kib()))
    # The label is the one `dllm-kg build SOURCE` gives, so both builds share one stored graph.
    result = build(
        Path(source),
        Path(out_dir),
        label=source,
        on_stage=lambda name: marks.append((name, time.perf_counter(), peak_kib())),
    )
    stages = [
        {"stage": name, "seconds": end - begin, "peak_kib": peak}
        for (name, begin, _), (_, end, peak) in pairwise(marks)
    ]
    return {"seconds": marks[-1][1] - start, "stages": stages, "triples": len(result.store)}


def measure_floor(ntriples: str) -> dict[str, object]:
    """pyoxigraph's bulk load of an N-Triples file into a new in-memory store, load only."""
    import pyoxigraph as ox

    data = Path(ntriples).read_bytes()  # set-up, not timed
    store = ox.Store()
    start = time.perf_counter()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "triples": len(store)}


def measure_queries(source: str, engines: Sequence[str], repeat: int) -> dict[str, object]:
    """Every canned query on each engine, best of ``repeat`` runs; graph loading excluded."""
    from bench_queries import parameters_for  # the defaults, or the list's first paper or model

    from dllm_kg.query import list_queries, load_graph

    kg = load_graph(source)  # set-up, not timed
    if "rdflib" in engines:
        kg.graph  # noqa: B018 - set-up, not timed: rdflib's copy of the store is made here
    timings = []
    for query in list_queries():
        params = parameters_for(kg, query)
        for engine in engines:
            best, rows = float("inf"), 0
            for _ in range(repeat):
                begin = time.perf_counter()
                rows = len(kg.run(query, engine=engine, **params))
                best = min(best, time.perf_counter() - begin)
            timings.append({"query": query.name, "engine": engine, "seconds": best, "rows": rows})
    return {"origin": kg.origin, "triples": len(kg), "timings": timings}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    build = modes.add_parser("build")
    build.add_argument("source")
    build.add_argument("out_dir")
    modes.add_parser("floor").add_argument("ntriples")
    queries = modes.add_parser("queries")
    queries.add_argument("source")
    queries.add_argument("--engine", action="append", choices=["oxigraph", "rdflib"])
    queries.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run one measurement and print its figures as JSON on stdout."""
    args = parse_args(argv)
    if args.mode == "build":
        figures = measure_build(args.source, args.out_dir)
    elif args.mode == "floor":
        figures = measure_floor(args.ntriples)
    else:
        figures = measure_queries(args.source, args.engine or ["oxigraph"], args.repeat)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
