"""Time the ``dllm-kg check`` command on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_check.py [--sizes 10000] [--repeat 3] [--command dllm-kg]

Each list is checked ``--repeat`` times and the minimum and median wall-clock seconds are
printed as a Markdown table, with the number of findings of the last run. The times are
those of the whole command (``dllm-kg check SOURCE --format json``), interpreter start-up,
parsing, graph building and curation included, as a maintainer or a CI job sees them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_check.py``: this folder is on sys.path, so the build
# benchmark next to this file imports as a plain module; the lists are the same.
from bench_build import (
    BenchmarkError,
    Case,
    default_command,
    positive_int,
    prepare_cases,
    stderr_tail,
)

#: ``dllm-kg check`` exits 0 without violations and 1 with; 2 means it could not read the list.
CHECKED = (0, 1)


def time_check(command: str, source: Path) -> tuple[float, dict[str, int]]:
    """Run ``command check SOURCE --format json`` once: wall-clock seconds and counts."""
    argv = [command, "check", str(source), "--format", "json"]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BenchmarkError(f"cannot run {command}: {error.strerror or error}") from error
    elapsed = time.perf_counter() - start
    if done.returncode not in CHECKED:
        raise BenchmarkError(
            f"`{' '.join(argv)}` exited with {done.returncode}: {stderr_tail(done.stderr)}"
        )
    return elapsed, json.loads(done.stdout)["counts"]


def markdown_table(results: Sequence[tuple[Case, list[float], dict[str, int]]]) -> str:
    """The results as a Markdown table: list, entries, runs, min and median, findings.

    >>> counts = {"violation": 1, "warning": 2, "info": 0}
    >>> print(markdown_table([(Case("x", Path("x.md"), 10), [2.0, 1.0, 3.0], counts)]))
    | list | entries | runs | min (s) | median (s) | findings (V / W / I) |
    |------|--------:|-----:|--------:|-----------:|---------------------:|
    | x | 10 | 3 | 1.000 | 2.000 | 1 / 2 / 0 |
    """
    lines = [
        "| list | entries | runs | min (s) | median (s) | findings (V / W / I) |",
        "|------|--------:|-----:|--------:|-----------:|---------------------:|",
    ]
    for case, times, counts in results:
        found = " / ".join(str(counts[severity]) for severity in ("violation", "warning", "info"))
        lines.append(
            f"| {case.label} | {case.entries:,} | {len(times)} "
            f"| {min(times):.3f} | {statistics.median(times):.3f} | {found} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=positive_int, nargs="*", default=[10000],
        help="entries of each synthetic list (default: 10000; none: bundled list only)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=positive_int, default=3, help="runs per list")
    parser.add_argument(
        "--command", default=None,
        help="the dllm-kg executable (default: next to this Python, else on PATH)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="synthetic-list seed (default: 0)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the lists, time the checks and print the table."""
    args = parse_args(argv)
    command = args.command or default_command()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="dllm-kg-bench-") as tmp:
            # Set-up is not timed: the synthetic lists are written here, once, before any
            # check runs; this is a benchmark of `dllm-kg check`, not of the generator.
            for case in prepare_cases(args.sizes, args.seed, Path(tmp)):
                times, counts = [], {}
                for run in range(args.repeat):
                    progress = f"checking {case.path.name}, run {run + 1}/{args.repeat}"
                    print(progress, file=sys.stderr)
                    elapsed, counts = time_check(command, case.path)
                    times.append(elapsed)
                results.append((case, times, counts))
    except BenchmarkError as error:
        sys.exit(f"bench_check: error: {error}")
    print(f"`{Path(command).name} check`, wall-clock seconds including interpreter start-up:\n")
    print(markdown_table(results))


if __name__ == "__main__":
    main()
