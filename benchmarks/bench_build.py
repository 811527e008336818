"""Time the ``dllm-kg build`` command on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_build.py [--sizes 1000 10000] [--repeat 3] [--command dllm-kg]

Each list is built ``--repeat`` times, each time into a fresh output folder, and the
minimum and median wall-clock seconds are printed as a Markdown table. The times are those
of the whole command, interpreter start-up and imports included, as a user sees them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Run as ``python benchmarks/bench_build.py``: this folder is on sys.path, so the generator
# next to this file imports as a plain module.
from synthetic import generate

#: The repository root (this file lives in ``benchmarks/``).
ROOT = Path(__file__).resolve().parent.parent

#: The list bundled with the package.
BUNDLED_CANDIDATES: tuple[Path, ...] = (ROOT / "data" / "awesome-distributed-LLM.md",)

#: A table's delimiter row, such as ``|----|-------------|``.
_DELIMITER_ROW = re.compile(r"^\|[-:| ]+$")


@dataclass(frozen=True)
class Case:
    """One list to build: a label for the table, its path and its number of entries."""

    label: str
    path: Path
    entries: int


class BenchmarkError(Exception):
    """A build that could not be started or that failed."""


def count_entries(text: str) -> int:
    """Count the table rows of a list, without head and delimiter rows.

    >>> count_entries("| A | B |\\n|---|---|\\n| 1 | 2 |\\n| 3 | 4 |\\n")
    2
    """
    rows = [line for line in text.splitlines() if line.startswith("|")]
    delimiters = sum(1 for row in rows if _DELIMITER_ROW.match(row.rstrip()))
    return len(rows) - 2 * delimiters


def default_command() -> str:
    """The ``dllm-kg`` script next to this interpreter, else the one on ``PATH``."""
    beside = Path(sys.executable).parent / "dllm-kg"
    if beside.is_file():
        return str(beside)
    return shutil.which("dllm-kg") or "dllm-kg"


def bundled_list() -> Path:
    """The first existing file of :data:`BUNDLED_CANDIDATES`."""
    for path in BUNDLED_CANDIDATES:
        if path.is_file():
            return path
    raise BenchmarkError(f"no bundled list at {BUNDLED_CANDIDATES[0]}")


def prepare_cases(sizes: Sequence[int], seed: int, workdir: Path) -> list[Case]:
    """Return the bundled list and one synthetic list per size, written into ``workdir``."""
    bundled = bundled_list()
    cases = [Case(f"bundled ({bundled.name})", bundled, count_entries(bundled.read_text("utf-8")))]
    for size in sizes:
        path = workdir / f"synthetic-{size}.md"
        path.write_text(generate(size, seed), encoding="utf-8", newline="\n")
        cases.append(Case(f"synthetic (seed {seed})", path, size))
    return cases


def stderr_tail(stderr: str, limit: int = 300) -> str:
    """The last non-empty lines of ``stderr``, joined on one line and cut to ``limit``."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    tail = " | ".join(lines[-3:]) or "(no stderr)"
    return tail if len(tail) <= limit else "..." + tail[-limit:]


def time_build(command: str, source: Path, outdir: Path) -> float:
    """Run ``command build SOURCE -o OUTDIR`` once and return its wall-clock seconds."""
    argv = [command, "build", str(source), "-o", str(outdir)]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BenchmarkError(f"cannot run {command}: {error.strerror or error}") from error
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchmarkError(
            f"`{' '.join(argv)}` exited with {done.returncode}: {stderr_tail(done.stderr)}"
        )
    return elapsed


def time_case(command: str, case: Case, repeat: int, workdir: Path) -> list[float]:
    """Build ``case`` ``repeat`` times, each into a new output folder, and return the times."""
    times = []
    for run in range(repeat):
        outdir = workdir / f"out-{case.path.stem}-{run}"
        print(f"building {case.path.name}, run {run + 1}/{repeat}", file=sys.stderr)
        times.append(time_build(command, case.path, outdir))
    return times


def markdown_table(results: Sequence[tuple[Case, list[float]]]) -> str:
    """The results as a Markdown table: list, entries, runs, min and median seconds.

    >>> print(markdown_table([(Case("x", Path("x.md"), 1000), [2.0, 1.0, 3.0])]))
    | list | entries | runs | min (s) | median (s) |
    |------|--------:|-----:|--------:|-----------:|
    | x | 1,000 | 3 | 1.000 | 2.000 |
    """
    lines = [
        "| list | entries | runs | min (s) | median (s) |",
        "|------|--------:|-----:|--------:|-----------:|",
    ]
    for case, times in results:
        lines.append(
            f"| {case.label} | {case.entries:,} | {len(times)} "
            f"| {min(times):.3f} | {statistics.median(times):.3f} |"
        )
    return "\n".join(lines)


def positive_int(text: str) -> int:
    """An ``argparse`` type for integers of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=positive_int, nargs="*", default=[1000, 10000],
        help="entries of each synthetic list (default: 1000 10000; none: bundled list only)",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=positive_int, default=3, help="builds per list (default: 3)"
    )
    parser.add_argument(
        "--command", default=None,
        help="the dllm-kg executable (default: next to this Python, else on PATH)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="synthetic-list seed (default: 0)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the lists, time the builds and print the table."""
    args = parse_args(argv)
    command = args.command or default_command()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="dllm-kg-bench-") as tmp:
            # Set-up is not included in the benchmark: the synthetic lists are generated
            # here, once, before any build is timed; this is a benchmark of `dllm-kg build`,
            # not of the generator.
            cases = prepare_cases(args.sizes, args.seed, Path(tmp))
            for case in cases:
                results.append((case, time_case(command, case, args.repeat, Path(tmp))))
    except BenchmarkError as error:
        sys.exit(f"bench_build: error: {error}")
    print(f"`{Path(command).name} build`, wall-clock seconds including interpreter start-up:\n")
    print(markdown_table(results))


if __name__ == "__main__":
    main()
