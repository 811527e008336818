"""What the benchmark scripts share: options, the lists to time, timed runs and the table."""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

# The scripts run as ``python benchmarks/X.py``: this folder is on sys.path, so the generator
# next to this file imports as a plain module.
from synthetic import generate

#: The repository root (this file lives in ``benchmarks/``).
ROOT = Path(__file__).resolve().parent.parent

#: The list bundled with the package.
BUNDLED_CANDIDATES: tuple[Path, ...] = (ROOT / "data" / "awesome-distributed-LLM.md",)

#: The prefix of the scripts' temporary folders.
TEMP_PREFIX = "dllm-kg-bench-"

#: What a timed run returns besides its seconds.
T = TypeVar("T")

#: A table's delimiter row, such as ``|----|-------------|``.
_DELIMITER_ROW = re.compile(r"^\|[-:| ]+$")


@dataclass(frozen=True)
class Case:
    """One list to time: a label for the table, its path and its number of entries."""

    label: str
    path: Path
    entries: int


class BenchmarkError(Exception):
    """A command that could not be started or that failed."""


def positive_int(text: str) -> int:
    """An ``argparse`` type for integers of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_options(
    parser: argparse.ArgumentParser, sizes: Sequence[int], repeat: str, command: bool = True
) -> None:
    """Add ``--sizes``, ``--repeat``, ``--command`` (unless ``command`` is false) and ``--seed``.

    ``sizes`` is the default of ``--sizes``; ``repeat`` is the help of ``--repeat``.
    """
    default = " ".join(str(size) for size in sizes)
    parser.add_argument(
        "--sizes", type=positive_int, nargs="*", default=list(sizes),
        help=f"entries of each synthetic list (default: {default}; none: bundled list only)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=positive_int, default=3, help=repeat)
    if command:
        parser.add_argument(
            "--command", default=None,
            help="the dllm-kg executable (default: next to this Python, else on PATH)",
        )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="synthetic-list seed (default: 0)")


def default_command() -> str:
    """The ``dllm-kg`` script next to this interpreter, else the one on ``PATH``."""
    beside = Path(sys.executable).parent / "dllm-kg"
    if beside.is_file():
        return str(beside)
    return shutil.which("dllm-kg") or "dllm-kg"


def count_entries(text: str) -> int:
    """Count the table rows of a list, without head and delimiter rows.

    >>> count_entries("| A | B |\\n|---|---|\\n| 1 | 2 |\\n| 3 | 4 |\\n")
    2
    """
    rows = [line for line in text.splitlines() if line.startswith("|")]
    delimiters = sum(1 for row in rows if _DELIMITER_ROW.match(row.rstrip()))
    return len(rows) - 2 * delimiters


def bundled_list() -> Path:
    """The first existing file of :data:`BUNDLED_CANDIDATES`."""
    for path in BUNDLED_CANDIDATES:
        if path.is_file():
            return path
    raise BenchmarkError(f"no bundled list at {BUNDLED_CANDIDATES[0]}")


def write_synthetic(workdir: Path, entries: int, seed: int = 0) -> Path:
    """Write a synthetic list of ``entries`` entries into ``workdir`` and return its path."""
    path = workdir / f"synthetic-{entries}.md"
    path.write_text(generate(entries, seed), encoding="utf-8", newline="\n")
    return path


def prepare_cases(sizes: Sequence[int], seed: int, workdir: Path) -> list[Case]:
    """Return the bundled list and one synthetic list per size, written into ``workdir``."""
    bundled = bundled_list()
    cases = [Case(f"bundled ({bundled.name})", bundled, count_entries(bundled.read_text("utf-8")))]
    for size in sizes:
        path = write_synthetic(workdir, size, seed)
        cases.append(Case(f"synthetic (seed {seed})", path, size))
    return cases


def stderr_tail(stderr: str, limit: int = 300) -> str:
    """The last non-empty lines of ``stderr``, joined on one line and cut to ``limit``."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    tail = " | ".join(lines[-3:]) or "(no stderr)"
    return tail if len(tail) <= limit else "..." + tail[-limit:]


def run_timed(
    argv: Sequence[str], accept: Collection[int] = (0,)
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``argv`` once: its wall-clock seconds and the finished process.

    :raises BenchmarkError: when it cannot start or exits with a code not in ``accept``.
    """
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BenchmarkError(f"cannot run {argv[0]}: {error.strerror or error}") from error
    elapsed = time.perf_counter() - start
    if done.returncode not in accept:
        raise BenchmarkError(
            f"`{' '.join(argv)}` exited with {done.returncode}: {stderr_tail(done.stderr)}"
        )
    return elapsed, done


def time_lists(
    args: argparse.Namespace,
    command: str,
    doing: str,
    once: Callable[[str, Case, Path, int], tuple[float, T]],
) -> list[tuple[Case, list[float], T]]:
    """Time ``once(command, case, workdir, run)`` ``args.repeat`` times on every list.

    The lists are those of :func:`prepare_cases`, written into a temporary folder before any
    run: set-up is not timed. Progress goes to stderr as ``DOING NAME, run I/N``. Returns each
    list with its times and what its last run returned besides them.

    :raises BenchmarkError: when a run fails.
    """
    results = []
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        workdir = Path(tmp)
        for case in prepare_cases(args.sizes, args.seed, workdir):
            times = []
            for run in range(args.repeat):
                print(f"{doing} {case.path.name}, run {run + 1}/{args.repeat}", file=sys.stderr)
                elapsed, last = once(command, case, workdir, run)
                times.append(elapsed)
            results.append((case, times, last))
    return results


def command_benchmark(
    argv: Sequence[str] | None,
    doc: str,
    subcommand: str,
    sizes: list[int],
    once: Callable[[str, Case, Path, int], tuple[float, T]],
    table: Callable[[list[tuple[Case, list[float], T]]], str],
) -> None:
    """The whole run of a script that times one ``dllm-kg`` subcommand: options, runs, table.

    The synthetic lists are written once, before any run is timed: this times the command,
    not the generator. A failed run ends the script with one line on stderr and exit 1.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    add_options(parser, sizes=sizes, repeat=f"{subcommand} runs per list (default: 3)")
    args = parser.parse_args(argv)
    command = args.command or default_command()
    try:
        results = time_lists(args, command, f"{subcommand}:", once)
    except BenchmarkError as error:
        sys.exit(f"bench_{subcommand}: error: {error}")
    timed = f"`{Path(command).name} {subcommand}`"
    print(f"{timed}, wall-clock seconds including interpreter start-up:\n")
    print(table(results))


def markdown_table(
    results: Sequence[tuple[Case, Sequence[float]]], extra: tuple[str, Sequence[str]] | None = None
) -> str:
    """The results as a Markdown table: list, entries, runs, min and median seconds.

    ``extra`` adds a right-aligned column: its heading and one cell per result.

    >>> print(markdown_table([(Case("x", Path("x.md"), 1000), [2.0, 1.0, 3.0])]))
    | list | entries | runs | min (s) | median (s) |
    |------|--------:|-----:|--------:|-----------:|
    | x | 1,000 | 3 | 1.000 | 2.000 |
    >>> print(markdown_table([(Case("x", Path("x.md"), 10), [1.0])], ("found", ["2"])))
    | list | entries | runs | min (s) | median (s) | found |
    |------|--------:|-----:|--------:|-----------:|------:|
    | x | 10 | 1 | 1.000 | 1.000 | 2 |
    """
    headings = ["list", "entries", "runs", "min (s)", "median (s)"]
    if extra:
        headings.append(extra[0])
    # The first column is left-aligned, the numbers right-aligned.
    delimiters = ["-" * (len(headings[0]) + 2)]
    delimiters += ["-" * (len(heading) + 1) + ":" for heading in headings[1:]]
    lines = ["| " + " | ".join(headings) + " |", "|" + "|".join(delimiters) + "|"]
    for index, (case, times) in enumerate(results):
        cells = [
            case.label,
            f"{case.entries:,}",
            str(len(times)),
            f"{min(times):.3f}",
            f"{statistics.median(times):.3f}",
        ]
        if extra:
            cells.append(extra[1][index])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
