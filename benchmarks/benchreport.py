"""What bench_all.py measured, the ratios and targets of issue #12, and docs/benchmarks.md."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

#: The size the absolute build targets are for, and the sizes the floor target is for.
TARGET_SIZE = 100_000
FLOOR_SIZES = (10_000, 100_000)
#: Issue #12's targets: wall seconds and peak MiB at TARGET_SIZE, the build/floor ratio, the time
#: ratio allowed per entries ratio (10x entries, at most 11x time), the slowest canned query at
#: TARGET_SIZE on pyoxigraph (seconds).
BUILD_SECONDS = 60.0
BUILD_PEAK_MIB = 4096.0
FLOOR_RATIO = 20.0
SCALING_ALLOWANCE = 1.1
QUERY_SECONDS = 1.0
#: How a verdict reads.
MET, NOT_MET, UNMEASURED = "met", "**not met**", "-"


@dataclass(frozen=True)
class Stage:
    """One stage of a build: its wall seconds and the process's peak RSS when it ended."""

    name: str
    seconds: float
    peak_kib: int


@dataclass(frozen=True)
class SizeResult:
    """The builds of one synthetic list and the floor for it."""

    entries: int
    triples: int
    #: ``pipeline.build`` in a fresh process, stage by stage, and its whole time.
    stages: tuple[Stage, ...]
    build_seconds: float
    #: The whole ``dllm-kg build SOURCE -o DIR`` command, start-up included.
    command_seconds: float
    command_peak_kib: int
    #: pyoxigraph's bulk load of the build's N-Triples into an in-memory store.
    floor_seconds: float

    @property
    def floor_ratio(self) -> float:
        """The whole command's time over the floor's."""
        return self.command_seconds / self.floor_seconds


@dataclass(frozen=True)
class QueryTiming:
    """The best of several runs of one canned query on one engine and one list."""

    query: str
    engine: str
    entries: int
    seconds: float
    rows: int


@dataclass(frozen=True)
class StartupResult:
    """Repeated wall-clock runs of one short command, and its target."""

    command: str
    times: tuple[float, ...]
    target: float

    @property
    def median(self) -> float:
        """The median of the runs."""
        return statistics.median(self.times)


@dataclass(frozen=True)
class Scaling:
    """How the build time grew from one list size to the next."""

    smaller: int
    larger: int
    time_ratio: float

    @property
    def entries_ratio(self) -> float:
        """How many times more entries the larger list has."""
        return self.larger / self.smaller

    @property
    def allowed(self) -> float:
        """The largest time ratio the target allows (11x time for 10x entries)."""
        return SCALING_ALLOWANCE * self.entries_ratio


@dataclass(frozen=True)
class Report:
    """Everything docs/benchmarks.md shows."""

    machine: tuple[tuple[str, str], ...]
    command: str
    sizes: tuple[SizeResult, ...]
    queries: tuple[QueryTiming, ...]
    startup: tuple[StartupResult, ...]
    rdflib_max: int
    query_repeat: int
    startup_runs: int


def seconds(value: float) -> str:
    """Seconds as every table shows them.

    >>> seconds(1234.5678), seconds(0.0004)
    ('1,234.568', '0.000')
    """
    return f"{value:,.3f}"


def mib(kib: int) -> str:
    """KiB as whole MiB.

    >>> mib(1_572_864)
    '1,536'
    """
    return f"{kib / 1024:,.0f}"


def ratio(value: float) -> str:
    """A ratio with one decimal.

    >>> ratio(10.45)
    '10.4x'
    """
    return f"{value:.1f}x"


def spoken(items: Sequence[str]) -> str:
    """Items joined as in a sentence.

    >>> spoken(["1,000"]), spoken(["1,000", "10,000", "100,000"])
    ('1,000', '1,000, 10,000 and 100,000')
    """
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def verdict(value: float | None, limit: float) -> str:
    """``met`` when ``value`` is at most ``limit``, ``-`` when it was not measured."""
    if value is None:
        return UNMEASURED
    return MET if value <= limit else NOT_MET


def scalings(sizes: Sequence[SizeResult]) -> list[Scaling]:
    """Each size against the next larger one, by ``pipeline.build`` time (no start-up)."""
    ordered = sorted(sizes, key=lambda size: size.entries)
    return [
        Scaling(small.entries, large.entries, large.build_seconds / small.build_seconds)
        for small, large in pairwise(ordered)
    ]


def table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table, the first column left-aligned and the others right-aligned.

    >>> print(table(["a", "b"], [["x", "1"]]))
    | a | b |
    |---|--:|
    | x | 1 |
    """
    lines = ["| " + " | ".join(headings) + " |", "|---|" + "--:|" * (len(headings) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def target_rows(report: Report) -> list[list[str]]:
    """One row per target of issue #12: what, the limit, the measured value, the verdict."""
    by_size = {size.entries: size for size in report.sizes}
    big = by_size.get(TARGET_SIZE)
    at = f"{TARGET_SIZE:,} entries"
    rows = [
        _target(f"`dllm-kg build`, {at}, wall", big and big.command_seconds, BUILD_SECONDS, "s"),
        _target(
            f"`dllm-kg build`, {at}, peak memory",
            big and big.command_peak_kib / 1024,
            BUILD_PEAK_MIB,
            "MiB",
        ),
    ]
    for entries in FLOOR_SIZES:
        size = by_size.get(entries)
        rows.append(
            _target(f"build / floor, {entries:,} entries", size and size.floor_ratio, FLOOR_RATIO)
        )
    for step in scalings(report.sizes):
        what = f"time, {step.smaller:,} to {step.larger:,} entries ({ratio(step.entries_ratio)})"
        rows.append(_target(what, step.time_ratio, step.allowed))
    slowest = [
        query.seconds
        for query in report.queries
        if (query.entries, query.engine) == (TARGET_SIZE, "oxigraph")
    ]
    what = f"slowest canned query, {at}, oxigraph"
    rows.append(_target(what, max(slowest, default=None), QUERY_SECONDS, "s"))
    rows += [_target(run.command, run.median, run.target, "s") for run in report.startup]
    return rows


def _target(what: str, value: float | None, limit: float, unit: str = "x") -> list[str]:
    """A target's row; ``value`` is ``None`` when it was not measured.

    >>> _target("build", 61.25, 60.0, "s"), _target("ratio", None, 11.000000000000002)
    (['build', '60 s', '61.250 s', '**not met**'], ['ratio', '11x', 'not measured', '-'])
    """
    if unit == "x":
        limit_text, shown = f"{limit:g}x", value is not None and ratio(value)
    elif unit == "s":
        limit_text, shown = f"{limit:g} s", value is not None and f"{seconds(value)} s"
    else:
        limit_text, shown = f"{limit:,.0f} {unit}", value is not None and f"{value:,.0f} {unit}"
    return [what, limit_text, shown or "not measured", verdict(value, limit)]


def stage_table(sizes: Sequence[SizeResult]) -> str:
    """Seconds and peak MiB of each stage, a pair of columns per list size."""
    names = list(dict.fromkeys(stage.name for size in sizes for stage in size.stages))
    headings = ["stage"]
    for size in sizes:
        headings += [f"{size.entries:,}: s", f"{size.entries:,}: peak MiB"]
    rows = []
    for name in names:
        row = [name]
        for size in sizes:
            stage = next((stage for stage in size.stages if stage.name == name), None)
            row += ["-", "-"] if stage is None else [seconds(stage.seconds), mib(stage.peak_kib)]
        rows.append(row)
    total = ["total (`pipeline.build`)"]
    for size in sizes:
        total += [seconds(size.build_seconds), mib(max(s.peak_kib for s in size.stages))]
    return table(headings, [*rows, total])


def build_table(sizes: Sequence[SizeResult]) -> str:
    """Per list size: triples, both build times, the command's peak, the floor and the ratio."""
    headings = [
        "entries",
        "triples",
        "`pipeline.build` (s)",
        "`dllm-kg build` wall (s)",
        "`dllm-kg build` peak (MiB)",
        "floor: pyoxigraph load (s)",
        "build / floor",
    ]
    rows = [
        [
            f"{size.entries:,}",
            f"{size.triples:,}",
            seconds(size.build_seconds),
            seconds(size.command_seconds),
            mib(size.command_peak_kib),
            seconds(size.floor_seconds),
            ratio(size.floor_ratio),
        ]
        for size in sizes
    ]
    return table(headings, rows)


def scaling_table(sizes: Sequence[SizeResult]) -> str:
    """Each size against the next: entries ratio, time ratio, the ratio allowed."""
    if len(sizes) < 2:
        return "(One list size only: nothing to compare.)"
    headings = ["from", "to", "entries", "`pipeline.build` time", "allowed", "verdict"]
    rows = [
        [
            f"{step.smaller:,}",
            f"{step.larger:,}",
            ratio(step.entries_ratio),
            ratio(step.time_ratio),
            ratio(step.allowed),
            verdict(step.time_ratio, step.allowed),
        ]
        for step in scalings(sizes)
    ]
    return table(headings, rows)


def query_columns(timings: Sequence[QueryTiming]) -> list[tuple[int, str]]:
    """The (entries, engine) pairs measured, by size, pyoxigraph before rdflib."""
    pairs = {(timing.entries, timing.engine) for timing in timings}
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] != "oxigraph", pair[1]))


def query_table(timings: Sequence[QueryTiming]) -> str:
    """Seconds per canned query (rows) per list size and engine (columns), then the totals.

    A cell ends in ``*`` when rdflib's answer has another number of rows than pyoxigraph's.
    """
    columns = query_columns(timings)
    cell = {(t.query, t.entries, t.engine): t for t in timings}
    rows = []
    for name in sorted({timing.query for timing in timings}):
        row = [f"`{name}`"]
        for entries, engine in columns:
            timing = cell.get((name, entries, engine))
            reference = cell.get((name, entries, "oxigraph"))
            differs = timing and reference and timing.rows != reference.rows
            row.append(
                "-" if timing is None else seconds(timing.seconds) + ("*" if differs else "")
            )
        rows.append(row)
    total = ["all queries"]
    for entries, engine in columns:
        found = [t.seconds for t in timings if (t.entries, t.engine) == (entries, engine)]
        total.append(seconds(sum(found)))
    headings = ["query"] + [f"{entries:,}, {engine} (s)" for entries, engine in columns]
    return table(headings, [*rows, total])


def startup_table(runs: Sequence[StartupResult]) -> str:
    """Each short command: runs, min and median seconds, target, verdict."""
    headings = ["command", "runs", "min (s)", "median (s)", "target (s)", "verdict"]
    rows = [
        [
            run.command,
            str(len(run.times)),
            seconds(min(run.times)),
            seconds(run.median),
            seconds(run.target),
            verdict(run.median, run.target),
        ]
        for run in runs
    ]
    return table(headings, rows)


def render(report: Report) -> str:
    """docs/benchmarks.md: the machine, the command, the targets and every table."""
    machine = "\n".join(f"- {key}: {value}" for key, value in report.machine)
    sizes = spoken([f"{size.entries:,}" for size in report.sizes])
    rdflib_sizes = [f"{s.entries:,}" for s in report.sizes if s.entries <= report.rdflib_max]
    parts = [
        "# Benchmarks",
        "Written by `benchmarks/bench_all.py` (see `benchmarks/README.md`); do not edit by hand. "
        f"Synthetic lists of {sizes} entries (`benchmarks/synthetic.py`), "
        "generated before any timing starts. This run:",
        f"```sh\n{report.command}\n```",
        "## Machine",
        machine,
        "The machine may be shared with other work while the benchmarks run (see the load "
        "averages), so absolute times drift from run to run; compare the ratios (build / "
        "floor, the scaling), which the whole run shares, more than the seconds.",
        "## Targets (issue #12)",
        table(["target", "limit", "measured", "verdict"], target_rows(report)),
        "The build targets are measured on the whole `dllm-kg build` command (wall clock, "
        "start-up included; peak RSS of the process); the scaling on `pipeline.build` alone, "
        "as a constant start-up would flatter it. A target whose size was not run reads "
        "*not measured*.",
        "## Build: time and memory per stage",
        "Each list is built once by `dllm_kg.pipeline.build` in a fresh process; its "
        "`on_stage` callback records the wall-clock time from each stage's start to the next "
        "one's and the process's peak resident set size (`ru_maxrss`) when the stage ends. "
        "Memory is that high-water mark after each stage, so it never goes down; a stage that "
        "shows no growth used no more than the stages before it. *before the first stage* is "
        "the stage modules' imports and the output-folder check.",
        stage_table(report.sizes),
        "## Build: the whole command and the floor",
        "`dllm-kg build SOURCE -o DIR` in a separate process, wall clock from outside "
        "(interpreter start-up and imports included) and its peak RSS (`os.wait4`). The "
        "floor is pyoxigraph's raw bulk load of the same N-Triples (the `dllm-kg.nt` the "
        "build wrote) into an in-memory store, in a fresh process, timed around the load "
        "only. *build / floor* divides the command's wall time by the floor.",
        build_table(report.sizes),
        "## Scaling",
        "`pipeline.build` time of each list size against the next; the target allows 11x "
        "the time for 10x the entries.",
        scaling_table(report.sizes),
        "## Canned queries",
        f"Every canned query with its default parameters, best of {report.query_repeat} runs, "
        "on the stored graph the build wrote (`dllm_kg.query.load_graph`; loading the graph, "
        "and making rdflib's copy of it, is excluded: the time is `KnowledgeGraph.run` "
        "alone, which binds the parameters, runs the query and converts the answer). A "
        "default paper or model that a synthetic list lacks is replaced by its first one "
        "by IRI. A time of 0.000 is under half a millisecond. rdflib runs only up to "
        f"{report.rdflib_max:,} entries "
        f"(here {spoken(rdflib_sizes) or 'none'}): at 100,000 it needs "
        "minutes per query. A `*` marks an rdflib answer with another number of rows than "
        "pyoxigraph's.",
        query_table(report.queries),
        "## Start-up",
        f"Each command {report.startup_runs} times after one untimed run, wall clock from "
        "outside (start-up included), on the bundled list; the build writes into a new "
        "temporary folder each time, the query reads the stored graph from a warm cache.",
        startup_table(report.startup),
    ]
    return "\n\n".join(parts) + "\n"
