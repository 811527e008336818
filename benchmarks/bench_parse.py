"""Time ``dllm_kg.parse.parse_file`` on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_parse.py [--sizes 10000 100000] [--repeat 3] [--seed 0]

Set-up is not timed: the synthetic lists are written to a temporary folder and the parser is
imported before any run. Each run times ``parse_file`` alone, reading the file included, in
this process: wall-clock and CPU seconds (CPU time is the steadier figure on a shared
machine). The table gives the minimum and median wall-clock seconds, the minimum CPU seconds,
the CPU microseconds per row (flat when parsing is linear in size) and the peak memory that
Python allocated during one more run, traced (that run is not timed).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_parse.py``: this folder is on sys.path, so the shared
# module next to this file imports as a plain module.
from common import TEMP_PREFIX, Case, add_options, prepare_cases

from dllm_kg.parse import parse_file

#: Sizes timed by default.
SIZES = (10000, 100000)


def time_parse(path: Path) -> tuple[float, float, int]:
    """Parse ``path`` once: wall-clock seconds, CPU seconds and the rows read."""
    gc.collect()  # start each run with the garbage of the last one gone
    wall, cpu = time.perf_counter(), time.process_time()
    parsed = parse_file(path)
    return time.perf_counter() - wall, time.process_time() - cpu, parsed.rows


def peak_memory(path: Path) -> int:
    """The peak bytes that Python allocated while parsing ``path`` once (traced, slower)."""
    gc.collect()
    tracemalloc.start()
    try:
        parse_file(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def table_row(case: Case, runs: list[tuple[float, float, int]], peak: int) -> str:
    """One Markdown table row for a list's runs."""
    walls = [wall for wall, _, _ in runs]
    cpu = min(cpu for _, cpu, _ in runs)
    rows = runs[-1][2]
    per_row = f"{cpu / rows * 1e6:.1f}" if rows else "-"
    cells = [case.label, f"{rows:,}", str(len(runs)), f"{min(walls):.3f}"]
    cells += [f"{statistics.median(walls):.3f}", f"{cpu:.3f}", per_row, f"{peak / 2**20:,.0f}"]
    return "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> None:
    """Time the parser on every list and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, sizes=SIZES, repeat="runs per list (default: 3)", command=False)
    args = parser.parse_args(argv)
    print("| list | rows | runs | min wall (s) | median wall (s) | min CPU (s) | CPU µs/row "
          "| peak traced (MiB) |")  # fmt: skip
    print("|------|-----:|-----:|-------------:|----------------:|------------:|-----------:"
          "|------------------:|")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        for case in prepare_cases(args.sizes, args.seed, Path(tmp)):
            runs = []
            for run in range(args.repeat):
                print(f"parse {case.path.name}, run {run + 1}/{args.repeat}", file=sys.stderr)
                runs.append(time_parse(case.path))
            print(table_row(case, runs, peak_memory(case.path)), flush=True)


if __name__ == "__main__":
    main()
