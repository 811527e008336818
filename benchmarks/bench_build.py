"""Time the ``dllm-kg build`` command on the bundled list and on synthetic lists.

Usage::

    python benchmarks/bench_build.py [--sizes 1000 10000] [--repeat 3] [--command dllm-kg]

Each list is built ``--repeat`` times, each time into a fresh output folder, and the
minimum and median wall-clock seconds are printed as a Markdown table. The times are those
of the whole command, interpreter start-up and imports included, as a user sees them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_build.py``: this folder is on sys.path, so the shared
# module next to this file imports as a plain module.
from common import (
    BenchmarkError,
    Case,
    add_options,
    default_command,
    markdown_table,
    run_timed,
    time_lists,
)


def time_build(command: str, case: Case, workdir: Path, run: int) -> tuple[float, None]:
    """Run ``command build SOURCE -o OUTDIR`` once, into a new folder: its wall-clock seconds."""
    outdir = workdir / f"out-{case.path.stem}-{run}"
    elapsed, _ = run_timed([command, "build", str(case.path), "-o", str(outdir)])
    return elapsed, None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, sizes=[1000, 10000], repeat="builds per list (default: 3)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the lists, time the builds and print the table."""
    args = parse_args(argv)
    command = args.command or default_command()
    try:
        # This is a benchmark of `dllm-kg build`, not of the generator: the synthetic lists
        # are written once, before any build is timed.
        results = time_lists(args, command, "building", time_build)
    except BenchmarkError as error:
        sys.exit(f"bench_build: error: {error}")
    print(f"`{Path(command).name} build`, wall-clock seconds including interpreter start-up:\n")
    print(markdown_table([(case, times) for case, times, _ in results]))


if __name__ == "__main__":
    main()
