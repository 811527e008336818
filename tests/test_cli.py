"""The command line: what a user types and what it prints."""

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from typer.testing import CliRunner

from dllm_kg.cli import app
from dllm_kg.constants import DEFAULT_SOURCE

from .conftest import DATA

runner = CliRunner()


def summary_of(output: str) -> dict[str, str]:
    """The summary table's rows, label to value."""
    rows = [line.strip().split("  ") for line in output.splitlines()[1:7]]
    return {row[0]: row[-1].strip() for row in rows}


def test_build_prints_a_one_screen_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    # The list as the user opens it from here (#15): data/ of the checkout, else absolute.
    listed = os.path.realpath(DEFAULT_SOURCE)
    shown = os.path.relpath(listed) if Path(listed).is_relative_to(Path.cwd()) else listed
    assert result.output.splitlines()[0] == f"dllm-kg build {shown}"
    summary = summary_of(result.output)
    assert summary == {
        "rows read": "135",
        "papers": "109",
        "models": "36 (23 listed)",
        "repositories": "35",
        # Counted by an independent parser in the file the build wrote.
        "triples": str(sum(1 for _ in ox.parse(path=str(tmp_path / "out" / "dllm-kg.nt")))),
        # The check's summary (tests/test_check_snapshot.py reviews every finding).
        "findings": "16 violations, 22 warnings, 9 infos",
    }
    assert "`dllm-kg check` on the same list names each one" in result.output
    assert len(result.output.splitlines()) < 25
    assert (tmp_path / "out" / "dllm-kg.ttl").exists()


def test_build_of_my_own_list(tmp_path: Path) -> None:
    source = DATA / "custom-list.md"
    result = runner.invoke(app, ["build", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    shown = os.path.relpath(source) if source.is_relative_to(Path.cwd()) else str(source)
    assert result.output.splitlines()[0] == f"dllm-kg build {shown}"
    summary = summary_of(result.output)
    assert (summary["rows read"], summary["papers"]) == ("10", "5")
    assert summary["models"] == "16 (3 listed)"
    assert summary["repositories"] == "2"


def test_missing_source_is_a_one_line_error_and_keeps_the_old_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["build", "-o", str(out)])
    before = (out / "dllm-kg.ttl").read_bytes()
    command = [sys.executable, "-m", "dllm_kg", "build", "nowhere.md", "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "dllm-kg: error: nowhere.md: no such file\n"
    assert result.stdout == ""
    assert (out / "dllm-kg.ttl").read_bytes() == before


def test_refuses_to_replace_a_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a dllm-kg build" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_an_output_folder_that_cannot_be_made_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "file.md").write_text("x")
    command = [sys.executable, "-m", "dllm_kg", "build", "-o", str(tmp_path / "file.md" / "sub")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("dllm-kg: error: ")
    assert len(result.stderr.splitlines()) == 1


def test_the_build_spinner_names_every_stage_of_the_pipeline() -> None:
    from dllm_kg.cli import STAGE_NAMES
    from dllm_kg.pipeline import STAGES

    assert tuple(STAGE_NAMES) == STAGES


def test_a_build_stage_by_stage_reports_each_stage_once_in_order(tmp_path: Path) -> None:
    from dllm_kg.pipeline import STAGES, build

    seen: list[str] = []
    build(None, tmp_path / "out", on_stage=seen.append)
    assert seen == [*STAGES, "done"]
