"""#14, item 5: list data never reaches the terminal as control sequences.

A title holding ``ESC[31m`` (recolour) or an OSC sequence (``ESC]0;...BEL``: retitle the
window) is shown escaped (``\\x1b[31m``) in every terminal output: tables, findings,
summaries, errors. CSV, TSV and JSON keep the data exactly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import DATA
from tests.serving import DLLM_KG

#: tests/data/svc-control-characters.md: row 1's title holds ESC[31m (and a VT).
LIST = DATA / "svc-control-characters.md"
SEARCH = ("query", "title-search", "-p", "keyword=Federated", "--source", LIST)
#: Bytes that a terminal takes as commands: ESC, BEL, VT, backspace, NUL, CSI (C1).
CONTROLS = ("\x1b", "\x07", "\x0b", "\x08", "\x00", "\x9b")


def dllm_kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400"}  # wide enough that no table cell wraps
    return subprocess.run(
        [str(DLLM_KG), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env
    )


def assert_no_controls(text: str) -> None:
    assert not [c for c in CONTROLS if c in text], repr(text)


def published_title() -> str:
    """The title as the graph holds it, read from the JSON results (which keep it exactly)."""
    as_json = json.loads(dllm_kg(*SEARCH, "-f", "json").stdout)
    [title] = [row["title"]["value"] for row in as_json["results"]["bindings"]]
    return title


def test_the_query_table_shows_control_characters_escaped() -> None:
    title = published_title()
    assert "\x1b[31m" in title
    result = dllm_kg(*SEARCH)
    assert result.returncode == 0, result.stderr
    assert_no_controls(result.stdout + result.stderr)
    assert title.replace("\x1b", "\\x1b").replace("\x0b", "\\x0b") in result.stdout


def test_csv_and_tsv_keep_the_data_exactly() -> None:
    title = published_title()
    assert title.replace('"', '""') in dllm_kg(*SEARCH, "-f", "csv").stdout
    assert title.replace('"', '\\"') in dllm_kg(*SEARCH, "-f", "tsv").stdout


def test_an_osc_sequence_in_a_result_cannot_retitle_the_terminal() -> None:
    query = 'SELECT ?x WHERE { BIND ("\\u001b]0;pwned\\u0007 \\u009b2J \\u202eevil" AS ?x) }'
    result = dllm_kg("query", "-e", query)
    assert result.returncode == 0, result.stderr
    assert_no_controls(result.stdout)
    assert "\u202e" not in result.stdout
    assert "\\x1b]0;pwned\\x07 \\x9b2J \\u202eevil" in result.stdout


def test_findings_name_control_characters_and_print_none(tmp_path: Path) -> None:
    listed = tmp_path / "list.md"
    shutil.copy(LIST, listed)
    text = dllm_kg("check", listed)
    assert_no_controls(text.stdout + text.stderr)
    assert "control or format characters (U+000B, U+001B)" in text.stdout
    as_json = json.loads(dllm_kg("check", listed, "-f", "json").stdout)
    assert as_json["counts"]["warning"] == 3  # two titles' control characters, and a NUL removed


def test_an_error_naming_user_text_is_one_escaped_line() -> None:
    result = dllm_kg("query", "papers-by-model", "-p", "model=\x1b]0;pwned\x07CLIP\x1b[2J")
    assert result.returncode == 2
    assert_no_controls(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "\\x1b]0;pwned\\x07CLIP\\x1b[2J" in result.stderr


def test_the_build_summary_escapes_the_source_name_and_reads_no_markup(tmp_path: Path) -> None:
    for name in ("list\x1b[31m.md", "[red]list.md"):
        source = tmp_path / name
        shutil.copy(LIST, source)
        result = dllm_kg("build", name, "-o", "out", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert_no_controls(result.stdout)
        first = result.stdout.splitlines()[0]
        assert first == "dllm-kg build " + name.replace("\x1b", "\\x1b")
        shutil.rmtree(tmp_path / "out")
