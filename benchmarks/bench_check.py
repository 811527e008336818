"""Time the ``dllm-kg check`` command on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_check.py [--sizes 10000] [--repeat 3] [--command dllm-kg]

Each list is checked ``--repeat`` times and the minimum and median wall-clock seconds are
printed as a Markdown table, with the number of findings of the last run. The times are
those of the whole command (``dllm-kg check SOURCE --format json``), interpreter start-up,
parsing, graph building and curation included, as a maintainer or a CI job sees them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_check.py``: this folder is on sys.path, so the shared
# module next to this file imports as a plain module; the lists are those of bench_build.py.
from common import (
    BenchmarkError,
    Case,
    command_benchmark,
    run_timed,
)
from common import markdown_table as timing_table

#: ``dllm-kg check`` exits 0 without violations and 1 with; 2 means it could not read the list.
CHECKED = (0, 1)


def time_check(command: str, case: Case, workdir: Path, run: int) -> tuple[float, dict[str, int]]:
    """Run ``command check SOURCE --format json`` once: wall-clock seconds and counts.

    ``workdir`` and ``run`` are unused: the signature is the one :func:`time_lists` calls.
    """
    argv = [command, "check", str(case.path), "--format", "json"]
    elapsed, done = run_timed(argv, accept=CHECKED)
    try:
        return elapsed, json.loads(done.stdout)["counts"]
    except (ValueError, KeyError):
        raise BenchmarkError(f"`{' '.join(argv)}` printed no JSON report") from None


def markdown_table(results: Sequence[tuple[Case, list[float], dict[str, int]]]) -> str:
    """The results as a Markdown table: list, entries, runs, min and median, findings.

    >>> counts = {"violation": 1, "warning": 2, "info": 0}
    >>> print(markdown_table([(Case("x", Path("x.md"), 10), [2.0, 1.0, 3.0], counts)]))
    | list | entries | runs | min (s) | median (s) | findings (V / W / I) |
    |------|--------:|-----:|--------:|-----------:|---------------------:|
    | x | 10 | 3 | 1.000 | 2.000 | 1 / 2 / 0 |
    """
    findings = [
        " / ".join(str(counts[severity]) for severity in ("violation", "warning", "info"))
        for _, _, counts in results
    ]
    timings = [(case, times) for case, times, _ in results]
    return timing_table(timings, ("findings (V / W / I)", findings))


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the lists, time the command on each and print the table."""
    command_benchmark(argv, __doc__, "check", [10000], time_check, markdown_table)


if __name__ == "__main__":
    main()
