"""Time the ``dllm-kg build`` command on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_build.py [--sizes 1000 10000] [--repeat 3] [--command dllm-kg]

Each list is built ``--repeat`` times, each time into a fresh output folder, and the
minimum and median wall-clock seconds are printed as a Markdown table. The times are those
of the whole command, interpreter start-up and imports included, as a user sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_build.py``: this folder is on sys.path, so the shared
# module next to this file imports as a plain module.
from common import (
    Case,
    command_benchmark,
    markdown_table,
    run_timed,
)


def time_build(command: str, case: Case, workdir: Path, run: int) -> tuple[float, None]:
    """Run ``command build SOURCE -o OUTDIR`` once, into a new folder: its wall-clock seconds."""
    outdir = workdir / f"out-{case.path.stem}-{run}"
    elapsed, _ = run_timed([command, "build", str(case.path), "-o", str(outdir)])
    return elapsed, None


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the lists, time the command on each and print the table."""
    command_benchmark(
        argv,
        __doc__,
        "build",
        [1000, 10000],
        time_build,
        lambda results: markdown_table([(case, times) for case, times, _ in results]),
    )


if __name__ == "__main__":
    main()
