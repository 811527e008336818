"""benchmarks/bench_all.py's arithmetic, tables and measuring helpers (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_all  # noqa: E402 - importable once benchmarks/ is on sys.path
import bench_worker  # noqa: E402
from benchreport import (  # noqa: E402
    QueryTiming,
    Report,
    SizeResult,
    Stage,
    StartupResult,
    query_table,
    render,
    scalings,
    stage_table,
    target_rows,
)
from common import BenchmarkError  # noqa: E402

from dllm_kg.pipeline import STAGES  # noqa: E402


def size_result(entries: int, build: float, command: float, floor: float) -> SizeResult:
    """A size with two stages, 1 GiB peak at the end of the command."""
    stages = (Stage("parse", build / 4, 100 * 1024), Stage("check", build * 3 / 4, 300 * 1024))
    return SizeResult(entries, entries * 30, stages, build, command, 1024 * 1024, floor)


def report(sizes: tuple[SizeResult, ...], queries: tuple[QueryTiming, ...] = ()) -> Report:
    """A report of the given figures, with one start-up command."""
    startup = (StartupResult("`dllm-kg --help`", (0.2, 0.4, 0.3), 0.3),)
    machine = (("date", "2026-01-01 00:00 UTC"), ("Python", "3.11.7"))
    return Report(machine, "bench_all.py", sizes, queries, startup, 10000, 3, 3)


def test_scaling_compares_each_size_with_the_next_by_build_time() -> None:
    sizes = [size_result(10000, 21.0, 22, 1), size_result(1000, 2.0, 3, 1)]
    sizes.append(size_result(100000, 240.0, 241, 10))
    steps = scalings(sizes)
    assert [(s.smaller, s.larger) for s in steps] == [(1000, 10000), (10000, 100000)]
    assert [s.time_ratio for s in steps] == pytest.approx([10.5, 240 / 21])
    assert [s.allowed for s in steps] == pytest.approx([11.0, 11.0])


def test_targets_give_verdicts_and_say_what_was_not_measured() -> None:
    # 10,000 entries: 30 s command over a 1.5 s floor is 20x, exactly the limit.
    rows = target_rows(report((size_result(1000, 2.0, 3, 1), size_result(10000, 23.0, 30, 1.5))))
    assert rows == [
        ["`dllm-kg build`, 100,000 entries, wall", "60 s", "not measured", "-"],
        ["`dllm-kg build`, 100,000 entries, peak memory", "4,096 MiB", "not measured", "-"],
        ["build / floor, 10,000 entries", "20x", "20.0x", "met"],
        ["build / floor, 100,000 entries", "20x", "not measured", "-"],
        ["time, 1,000 to 10,000 entries (10.0x)", "11x", "11.5x", "**not met**"],
        ["slowest canned query, 100,000 entries, oxigraph", "1 s", "not measured", "-"],
        ["`dllm-kg --help`", "0.3 s", "0.300 s", "met"],
    ]


def test_the_target_size_is_judged_on_the_command_and_the_slowest_query() -> None:
    big = size_result(100000, 50.0, 61.0, 2.0)
    queries = (QueryTiming("a", "oxigraph", 100000, 0.5, 1),)
    queries += (QueryTiming("b", "oxigraph", 100000, 1.25, 1),)
    queries += (QueryTiming("c", "rdflib", 100000, 9.0, 1),)  # not the default engine
    rows = {row[0]: row[2:] for row in target_rows(report((big,), queries))}
    assert rows["`dllm-kg build`, 100,000 entries, wall"] == ["61.000 s", "**not met**"]
    assert rows["`dllm-kg build`, 100,000 entries, peak memory"] == ["1,024 MiB", "met"]
    assert rows["build / floor, 100,000 entries"] == ["30.5x", "**not met**"]
    assert rows["slowest canned query, 100,000 entries, oxigraph"] == ["1.250 s", "**not met**"]


def test_stage_table_has_a_pair_of_columns_per_size_and_a_total() -> None:
    text = stage_table([size_result(1000, 2.0, 3, 1), size_result(10000, 20.0, 21, 1)])
    assert text.splitlines() == [
        "| stage | 1,000: s | 1,000: peak MiB | 10,000: s | 10,000: peak MiB |",
        "|---|--:|--:|--:|--:|",
        "| parse | 0.500 | 100 | 5.000 | 100 |",
        "| check | 1.500 | 300 | 15.000 | 300 |",
        "| total (`pipeline.build`) | 2.000 | 300 | 20.000 | 300 |",
    ]


def test_query_table_orders_columns_totals_them_and_marks_disagreeing_rows() -> None:
    timings = [
        QueryTiming("q2", "rdflib", 1000, 0.25, 7),
        QueryTiming("q2", "oxigraph", 1000, 0.001, 6),
        QueryTiming("q1", "oxigraph", 10000, 0.1, 3),
        QueryTiming("q1", "oxigraph", 1000, 0.0104, 3),
        QueryTiming("q1", "rdflib", 1000, 1.5, 3),
    ]
    assert query_table(timings).splitlines() == [
        "| query | 1,000, oxigraph (s) | 1,000, rdflib (s) | 10,000, oxigraph (s) |",
        "|---|--:|--:|--:|",
        "| `q1` | 0.010 | 1.500 | 0.100 |",
        "| `q2` | 0.001 | 0.250* | - |",
        "| all queries | 0.011 | 1.750 | 0.100 |",
    ]


def test_the_report_is_the_same_for_the_same_figures() -> None:
    figures = report((size_result(1000, 2.0, 3, 1), size_result(10000, 21.0, 22, 1)))
    text = render(figures)
    assert text == render(figures)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Benchmarks",
        "## Machine",
        "## Targets (issue #12)",
        "## Build: time and memory per stage",
        "## Build: the whole command and the floor",
        "## Scaling",
        "## Canned queries",
        "## Start-up",
    ]
    assert "| 1,000 | 10,000 | 10.0x | 10.5x | 11.0x | met |" in text


def test_run_with_peak_reports_the_childs_high_water_mark() -> None:
    allocate = "data = b'x' * (200 * 2**20)"  # 200 MiB, written, so resident
    _, peak_kib = bench_all.run_with_peak([sys.executable, "-c", allocate])
    assert peak_kib >= 200 * 1024


def test_run_with_peak_stops_on_a_failing_command_with_its_stderr() -> None:
    fail = "import sys; sys.exit('no such list')"
    with pytest.raises(BenchmarkError, match="exited with 1: no such list"):
        bench_all.run_with_peak([sys.executable, "-c", fail])


def test_floor_loads_every_triple_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.nt"
    path.write_text('<http://x/a> <http://x/p> <http://x/b> .\n<http://x/a> <http://x/p> "1" .\n')
    assert bench_worker.measure_floor(str(path))["triples"] == 2


def test_build_worker_reports_every_stage_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLLM_KG_CACHE", str(tmp_path / "cache"))
    source = BENCHMARKS.parent / "data" / "awesome-distributed-LLM.md"
    figures = bench_worker.measure_build(str(source), str(tmp_path / "out"))
    stages = figures["stages"]
    assert [stage["stage"] for stage in stages] == [bench_worker.BEFORE_STAGES, *STAGES]
    peaks = [stage["peak_kib"] for stage in stages]
    assert peaks == sorted(peaks)  # a high-water mark never goes down
    assert sum(stage["seconds"] for stage in stages) == pytest.approx(figures["seconds"])
    assert (tmp_path / "out" / "dllm-kg.nt").read_text().count(" .\n") == figures["triples"]
