"""Time ``validate()`` alone, with the fast engine and with pySHACL.

Usage::

    python benchmarks/bench_validate.py [LIST.md ...] [--engines fast pyshacl] [--repeat 3]

Times one stage, setup excluded: each list is parsed, built and loaded into a pyoxigraph
store first (untimed); then only ``validate(store, parsed.findings, engine=...)`` is timed,
``--repeat`` times, and the minimum and median wall-clock seconds are printed as a Markdown
table with the number of findings. The default lists are the bundled one alone; the fast
engine's compiled shapes are cached after the first run, as in a long-lived process.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from dllm_kg.pipeline import load
from dllm_kg.validate import Engine, validate


def store_for(source: Path | None) -> tuple[ox.Store, list]:
    """The list's store and reader findings (the untimed setup)."""
    parsed, store = load(source)
    return store, list(parsed.findings)


def time_validate(store: ox.Store, findings: list, engine: str, repeat: int) -> tuple[list, int]:
    """Seconds of each run of validate(), and the number of findings."""
    times, found = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(validate(store, findings, engine=engine)[2])
        times.append(time.perf_counter() - start)
    return times, found


def main() -> None:
    """Time every list with every engine and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lists", nargs="*", type=Path, help="lists to time (default: bundled)")
    parser.add_argument("--engines", nargs="+", default=[e.value for e in Engine])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print("| list | triples | engine | runs | min (s) | median (s) | findings |")
    print("|------|--------:|--------|-----:|--------:|-----------:|---------:|")
    for source in options.lists or [None]:
        store, findings = store_for(source)
        for engine in options.engines:
            times, found = time_validate(store, findings, engine, options.repeat)
            name = source.name if source else "bundled"
            print(
                f"| {name} | {len(store)} | {engine} | {len(times)} | {min(times):.3f} "
                f"| {statistics.median(times):.3f} | {found} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
