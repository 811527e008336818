"""Issue #14, items 2, 6, 7 and 9: hostile list input is refused or reported, never published.

Item 2: what is not a regular file (``/dev/zero``, a pipe, a folder) and a list beyond the
maximums of :mod:`dllm_kg.listfile` get one line naming the file, and exit code 2. Item 6: a
NUL is removed with a finding, never published as U+FFFD. Item 7: a row without its title cell
is never a paper called "Link". Item 9: an invisible character that breaks a table is named.
The property-based tests are in ``test_14_input_properties.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from dllm_kg import parse
from dllm_kg.listfile import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_LINES, ListError
from dllm_kg.namespaces import PAPER
from dllm_kg.parse import parse_text
from dllm_kg.pipeline import load
from dllm_kg.records import Severity
from tests.issues.lists import ARXIV, paper_list, titles, tree

DLLM_KG = [sys.executable, "-m", "dllm_kg"]
#: The most memory (address space) a dllm-kg command run by these tests may take.
MEMORY_LIMIT = 6 * 2**30


def limit_memory() -> None:
    """Cap a child's address space: a regression that reads /dev/zero fails, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run dllm-kg; the timeout guards against a hang, and never measures speed."""
    command = [*DLLM_KG, *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=600, preexec_fn=limit_memory
    )


# --- Item 2: endless, special and huge input ----------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with a file of the user's in it, which nothing may change."""
    (tmp_path / "notes.md").write_text("my notes\n")
    return tmp_path


def refused(workdir: Path, source: str | Path, message: str, command: str = "build") -> None:
    """``dllm-kg COMMAND SOURCE`` exits 2 with one line, and changes no file."""
    before = tree(workdir)
    out = ["-o", workdir / "dist"] if command == "build" else []
    result = run(command, source, *out, cwd=workdir)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"dllm-kg: error: {message}\n"
    assert tree(workdir) == before
    assert not (workdir / "dist").exists()


@pytest.mark.parametrize("command", ["build", "stats"])
def test_dev_zero_is_refused_at_once(workdir: Path, command: str) -> None:
    kind = "is a character device, not a list file (dllm-kg reads regular files only)"
    refused(workdir, "/dev/zero", f"/dev/zero: {kind}", command)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(workdir: Path) -> None:
    os.mkfifo(workdir / "list.md")
    kind = "is a named pipe, not a list file (dllm-kg reads regular files only)"
    refused(workdir, "list.md", f"list.md: {kind}")


def test_a_folder_is_refused(workdir: Path) -> None:
    (workdir / "lists").mkdir()
    refused(workdir, "lists", "lists: is a folder, not a list file")


def test_a_file_larger_than_the_maximum_is_refused_unread(workdir: Path) -> None:
    with (workdir / "list.md").open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    refused(workdir, "list.md", "list.md: larger than 64 MiB, the most a list file may be")


def test_more_lines_than_the_maximum_are_refused(workdir: Path) -> None:
    (workdir / "list.md").write_text(paper_list() + "\n" * MAX_LINES)
    line = MAX_LINES + 1
    message = f"list.md:{line}: more than {MAX_LINES:,} lines, the most a list may have"
    refused(workdir, "list.md", message)


def test_a_cell_longer_than_the_maximum_is_refused(workdir: Path) -> None:
    long_title = "A" * (MAX_CELL_CHARS + 1)
    ok = f"| 1 | {'B' * MAX_CELL_CHARS} | {ARXIV.format(1)} | N/A |"
    (workdir / "list.md").write_text(paper_list(ok, f"| 2 | {long_title} | N/A | N/A |"))
    message = "list.md:6: a cell of 10,001 characters; a cell may have 10,000 at most"
    refused(workdir, "list.md", message)


def test_more_rows_than_the_maximum_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The maximum itself (500,000 rows) takes long to reach: here it is lowered to 2."""
    monkeypatch.setattr(parse, "MAX_ROWS", 2)
    rows = [f"| {n} | Title {n} | {ARXIV.format(n)} | N/A |" for n in (1, 2, 3)]
    with pytest.raises(ListError) as raised:
        parse_text(paper_list(*rows), "list.md")
    assert str(raised.value) == "list.md:7: more than 2 table rows, the most a list may have"


# --- Items 6, 7 and 9 through the command line ----------------------------------------------


def check_and_build(workdir: Path, text: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """Write ``list.md``, check it, build it; the build changes nothing outside ``dist``."""
    (workdir / "list.md").write_text(text, encoding="utf-8")
    before = tree(workdir)
    checked = run("check", "list.md", cwd=workdir)
    built = run("build", "list.md", "-o", "dist", cwd=workdir)
    assert built.returncode == 0, built.stderr
    after = tree(workdir)
    assert {name: data for name, data in after.items() if not name.startswith("dist/")} == before
    return checked, titles(load(workdir / "list.md")[1])


def test_nul_characters_are_removed_with_a_finding_never_published_as_u_fffd(
    workdir: Path,
) -> None:
    text = paper_list(
        f"| 1 | Federated\x00 Learning | {ARXIV.format(1)} | N/A |",
        f"| 2 | Split\x00\x00 Learning\x00 | {ARXIV.format(2)} | N/A |",
    )
    checked, found = check_and_build(workdir, text)
    assert checked.returncode == 0, checked.stdout
    assert "list.md:5: warning: U+0000 NULL at column 16 removed" in checked.stdout
    assert "list.md:6: warning: U+0000 NULL at columns 12, 13, 23 removed" in checked.stdout
    assert sorted(found.values()) == ["Federated Learning", "Split Learning"]


def test_a_row_without_its_title_cell_is_no_paper_called_link(workdir: Path) -> None:
    text = paper_list(
        f"| 15 | Federated Learning | {ARXIV.format(15)} | N/A |",
        f"| 16 | {ARXIV.format(16)} | [GitHub](https://github.com/a/b) |",
    )
    checked, found = check_and_build(workdir, text)
    assert checked.returncode == 1
    assert (
        "list.md:6: violation: row 16: paper has no title: the row has 3 cells, the table 4, "
        "and no Paper Title cell; its cells are read by their shapes as No., Url, Code\n"
    ) in checked.stdout
    assert str(PAPER["link"]) not in found
    assert sorted(found.values(), key=str) == ["Federated Learning", None]
    parsed = load(workdir / "list.md")[0]
    untitled = parsed.papers[1]
    assert (untitled.title, untitled.link, untitled.code) == (
        "",
        "https://arxiv.org/abs/2401.00016",
        "https://github.com/a/b",
    )


@pytest.mark.parametrize(
    ("cell", "shape"),
    [(ARXIV.format(3), "a link"), ("17", "a number"), ("N/A", "a placeholder")],
)
def test_a_title_cell_holding_a_link_a_number_or_a_placeholder_is_no_title(
    cell: str, shape: str
) -> None:
    parsed = parse_text(paper_list(f"| 3 | {cell} | {ARXIV.format(4)} | N/A |"), "list.md")
    assert parsed.papers[0].title == ""
    [finding] = parsed.findings
    assert (finding.severity, finding.code, finding.line) == (
        Severity.VIOLATION,
        "missing-title",
        5,
    )
    assert (
        finding.message
        == f"paper has no title: its Paper Title cell {cell!r} is {shape}, not a title"
    )


def test_a_zero_width_space_before_the_header_is_named(workdir: Path) -> None:
    text = "# I. Papers\n\n\u200b" + paper_list(
        *(f"| {n} | Title {n} | {ARXIV.format(n)} | N/A |" for n in range(1, 4))
    ).removeprefix("# I. Distributed LLMs\n\n")
    (workdir / "list.md").write_text(text, encoding="utf-8")
    before = tree(workdir)
    checked = run("check", "list.md", cwd=workdir)
    assert checked.returncode == 1
    assert (
        "list.md:3: violation: table not read: its delimiter row has 4 cells, the header 5; "
        "invisible character U+200B ZERO WIDTH SPACE at line 3, column 1\n"
    ) in checked.stdout
    assert tree(workdir) == before


def test_an_invisible_character_in_a_delimiter_row_is_named() -> None:
    text = paper_list(f"| 1 | Title | {ARXIV.format(1)} | N/A |").replace("|---|", "|-\u2060--|", 1)
    first = parse_text(text, "list.md").findings[0]
    assert (first.code, first.line) == ("table-not-read", 3)
    assert first.message == (
        "table not read: an invisible character breaks it; "
        "invisible character U+2060 WORD JOINER at line 4, column 3"
    )


def test_an_invisible_character_before_a_row_is_named() -> None:
    text = paper_list(f"\ufeff| 7 | Title | {ARXIV.format(1)} | N/A |")
    messages = [finding.message for finding in parse_text(text, "list.md").findings]
    note = "; invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE at line 5, column 1"
    assert messages[0] == "row number '\\ufeff' is not a number; using its position 1" + note
    assert (
        "paper has no title: its Paper Title cell '7' is a number, not a title" + note in messages
    )
