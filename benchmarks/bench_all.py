"""Run every benchmark of issue #12 in one go and write docs/benchmarks.md.

Usage::

    python benchmarks/bench_all.py [--sizes 1000 10000 100000] [--out docs/benchmarks.md]

For each list size: a build stage by stage (``bench_worker.py build``), the whole ``dllm-kg
build`` command with its peak memory, the floor (``bench_worker.py floor``) and every canned
query per engine (``bench_worker.py queries``), each in a fresh process; then the start-up
figures of short commands on the bundled list. The synthetic lists are written before any
timing starts, and every stored graph goes to a temporary cache (``DLLM_KG_CACHE``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# Run as ``python benchmarks/bench_all.py``: this folder is on sys.path, so the modules next
# to this file import as plain modules.
from benchreport import QueryTiming, Report, SizeResult, Stage, StartupResult, render
from common import (
    ROOT,
    TEMP_PREFIX,
    BenchmarkError,
    default_command,
    positive_int,
    run_timed,
    stderr_tail,
    write_synthetic,
)

from dllm_kg.export import NTRIPLES_FILE

#: The measuring script, run in a fresh process for each measurement.
WORKER = Path(__file__).resolve().parent / "bench_worker.py"
#: The short commands timed for start-up (arguments after ``dllm-kg``) and their targets (s);
#: ``{out}`` is replaced by a new folder for each run.
STARTUP: tuple[tuple[tuple[str, ...], float], ...] = (
    (("--help",), 0.3),
    (("query", "--list"), 0.3),
    (("build", "-o", "{out}"), 1.5),
    (("query", "papers-per-area"), 0.5),
)
#: Runs per canned query (the best is reported) and per start-up command (the median is).
QUERY_REPEAT = 3
STARTUP_RUNS = 5


def progress(message: str) -> None:
    """One line of progress on stderr."""
    print(f"bench_all: {message}", file=sys.stderr, flush=True)


def run_worker(*args: str) -> dict:
    """Run ``bench_worker.py ARGS`` in a fresh process and return the figures it printed."""
    _, done = run_timed([sys.executable, str(WORKER), *args])
    return json.loads(done.stdout)


def run_with_peak(argv: Sequence[str]) -> tuple[float, int]:
    """Run ``argv`` once: its wall-clock seconds and its peak RSS in KiB (``os.wait4``).

    :raises BenchmarkError: when it exits non-zero.
    """
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            stderr.seek(0)
            tail = stderr_tail(stderr.read().decode("utf-8", "replace"))
            code = child.returncode
            how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
            raise BenchmarkError(f"`{' '.join(argv)}` {how}: {tail}")
    return elapsed, usage.ru_maxrss


def measure_size(
    command: str, source: Path, entries: int, workdir: Path, engines: Sequence[str], repeat: int
) -> tuple[SizeResult, list[QueryTiming]]:
    """Build one list both ways, load the floor and time the queries, each in a new process."""
    progress(f"{entries:,} entries: pipeline.build, stage by stage")
    built = run_worker("build", str(source), str(workdir / f"stages-{entries}"))
    progress(f"{entries:,} entries: pipeline.build took {built['seconds']:.3f} s; dllm-kg build")
    out = workdir / f"command-{entries}"
    wall, peak = run_with_peak([command, "build", str(source), "-o", str(out)])
    progress(f"{entries:,} entries: dllm-kg build took {wall:.3f} s, {peak / 1024:,.0f} MiB; floor")
    floor = run_worker("floor", str(out / NTRIPLES_FILE))
    if floor["triples"] != built["triples"]:
        made = f"the floor loaded {floor['triples']:,} triples, the build {built['triples']:,}"
        raise BenchmarkError(made)
    shutil.rmtree(workdir / f"stages-{entries}")
    shutil.rmtree(out)
    progress(f"{entries:,} entries: the floor took {floor['seconds']:.3f} s; canned queries")
    engine_args = [f"--engine={engine}" for engine in engines]
    asked = run_worker("queries", str(source), *engine_args, f"--repeat={repeat}")
    progress(f"{entries:,} entries: the queries read the {asked['origin']}")
    stages = tuple(Stage(s["stage"], s["seconds"], s["peak_kib"]) for s in built["stages"])
    size = SizeResult(
        entries, built["triples"], stages, built["seconds"], wall, peak, floor["seconds"]
    )
    timings = [
        QueryTiming(t["query"], t["engine"], entries, t["seconds"], t["rows"])
        for t in asked["timings"]
    ]
    return size, timings


def measure_startup(command: str, workdir: Path, runs: int) -> list[StartupResult]:
    """Each short command once untimed, then ``runs`` times: wall-clock seconds of each run."""
    results = []
    for index, (args, target) in enumerate(STARTUP):
        label = f"`dllm-kg {' '.join(args).replace('{out}', 'DIR')}`"
        progress(f"start-up: {label}")
        times = []
        for run in range(runs + 1):
            out = workdir / f"startup-{index}-{run}"
            argv = [command, *(arg.replace("{out}", str(out)) for arg in args)]
            elapsed, _ = run_timed(argv)
            if run:  # the first run warms the cache and the disk, untimed
                times.append(elapsed)
        results.append(StartupResult(label, tuple(times), target))
    return results


def machine() -> tuple[tuple[str, str], ...]:
    """What the figures were measured on and with."""
    import pyoxigraph

    import dllm_kg

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs"):
        commit += ", with uncommitted changes"
    return (
        ("date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} cores (`nproc`)"),
        ("memory", f"{memory_gib():.1f} GiB"),
        ("Python", platform.python_version()),
        ("pyoxigraph", pyoxigraph.__version__),
        ("dllm-kg", f"{dllm_kg.__version__} (commit {commit})"),
    )


def git(*args: str) -> str:
    """What ``git ARGS`` prints in the repository, stripped; empty when git fails."""
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else the platform's processor."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    """The machine's memory in GiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def load_average() -> str:
    """The 1-minute load average, for the report."""
    return f"{os.getloadavg()[0]:.2f}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=positive_int,
        nargs="+",
        default=[1000, 10000, 100000],
        help="entries of each synthetic list (default: 1000 10000 100000)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("docs/benchmarks.md"),
        help="the report to write (default: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=10000,
        help="the largest list the rdflib engine is timed on (default: 10000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="synthetic-list seed (default: 0)")
    parser.add_argument(
        "--command",
        default=None,
        help="the dllm-kg executable (default: next to this Python, else on PATH)",
    )
    return parser.parse_args(argv)  # fmt: skip


def run_all(args: argparse.Namespace, workdir: Path) -> Report:
    """Every measurement, in order; the lists are written first, before any timing."""
    command = args.command or default_command()
    os.environ["DLLM_KG_CACHE"] = str(workdir / "cache")  # the children inherit it
    sizes = sorted(set(args.sizes))
    sources = {entries: write_synthetic(workdir, entries, args.seed) for entries in sizes}
    facts = [*machine(), ("load average (1 min) at the start", load_average())]
    results, timings = [], []
    for entries in sizes:
        engines = ["oxigraph", "rdflib"] if entries <= args.rdflib_max else ["oxigraph"]
        size, asked = measure_size(
            command, sources[entries], entries, workdir, engines, QUERY_REPEAT
        )
        results.append(size)
        timings += asked
    startup = measure_startup(command, workdir, STARTUP_RUNS)
    facts.append(("load average (1 min) at the end", load_average()))
    return Report(
        machine=tuple(facts),
        command=command_line(args, sizes),
        sizes=tuple(results),
        queries=tuple(timings),
        startup=tuple(startup),
        rdflib_max=args.rdflib_max,
        query_repeat=QUERY_REPEAT,
        startup_runs=STARTUP_RUNS,
    )


def command_line(args: argparse.Namespace, sizes: Sequence[int]) -> str:
    """The command that repeats this run, options at their defaults left out but two."""
    line = ".venv/bin/python benchmarks/bench_all.py --sizes " + " ".join(map(str, sizes))
    if args.rdflib_max != 10000:
        line += f" --rdflib-max {args.rdflib_max}"
    if args.seed:
        line += f" --seed {args.seed}"
    return f"{line} --out {args.out}"


def main(argv: Sequence[str] | None = None) -> None:
    """Measure everything and write the report."""
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
            report = run_all(args, Path(tmp))
    except BenchmarkError as error:
        sys.exit(f"bench_all: error: {error}")
    args.out.write_text(render(report), encoding="utf-8", newline="\n")
    progress(f"wrote {args.out}")


if __name__ == "__main__":
    main()
