"""Issue #14: property-based tests of the list reader (Hypothesis).

(a) the parser never raises on any bytes, only findings or a one-line ListError; (b) rows of
the bundled list, mutated (cells dropped, swapped or duplicated, pipes escaped or removed,
lines truncated), never make a paper titled by a link label, a number or nothing; (c) any
title (any Unicode, control and format characters too) is published as the list shows it, or
a finding on its line says what changed.

The examples are few, and derandomised (the same run each time). A longer run, ten times the
examples::

    DLLM_KG_HYPOTHESIS=long .venv/bin/python -m pytest tests/issues/test_14_input_properties.py
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.identifiers import slug
from dllm_kg.listfile import ListError
from dllm_kg.namespaces import PAPER
from dllm_kg.parse import parse_file
from dllm_kg.pipeline import load
from tests.issues.lists import ARXIV, paper_list, titles

#: Examples per property: few in CI, ten times more with DLLM_KG_HYPOTHESIS=long.
SCALE = 10 if os.environ.get("DLLM_KG_HYPOTHESIS") == "long" else 1
PROPERTY = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: A number, as the No. column holds it.
NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


# --- Property-based tests -------------------------------------------------------------------

BUNDLED = DEFAULT_SOURCE.read_text(encoding="utf-8")
BUNDLED_LINES = BUNDLED.splitlines()
#: The link labels of the bundled list's cells (``Link``, ``GitHub``, ...).
LABELS = frozenset(re.findall(r"\[([^\]]*)\]\(", BUNDLED))
FRAGMENTS = [
    b"|",
    b"\\|",
    b"|---|",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x8b",
    b"\r",
    b"&#0;",
    b"[Link](",
    b"](javascript:x)",
    b"> ",
    b"<details>",
    b"```",
    b"# ",
    b"\xff",
]


@st.composite
def list_bytes(draw: st.DrawFn) -> bytes:
    """Bytes near a list: lines of the bundled list, fragments of markup, any bytes."""
    lines = st.sampled_from([line.encode() for line in BUNDLED_LINES])
    parts = st.one_of(lines, st.sampled_from(FRAGMENTS), st.binary(max_size=30))
    return b"\n".join(draw(st.lists(st.lists(parts, max_size=6).map(b"".join), max_size=40)))


@settings(PROPERTY, max_examples=300 * SCALE)
@given(data=st.one_of(st.binary(max_size=400), list_bytes()))
def test_the_parser_never_raises_on_any_bytes(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bytes") / "list.md"
    path.write_bytes(data)
    try:
        parsed = parse_file(path)
    except ListError as error:
        assert "\n" not in str(error) and str(error).startswith("list.md: ")
        return
    for finding in parsed.findings:
        assert finding.file == "list.md" and finding.line >= 0


def table_rows() -> list[tuple[str, str]]:
    """The bundled list's table rows with the head of their table, by table."""
    heads, rows, head = {}, [], ""
    for index, line in enumerate(BUNDLED_LINES):
        if line.startswith("|") and index + 1 < len(BUNDLED_LINES):
            if BUNDLED_LINES[index + 1].startswith("|--"):
                head = "\n".join(BUNDLED_LINES[index - 2 : index + 2])
                heads[head] = True
                continue
            if not line.startswith("|--"):
                rows.append((head, line))
    return rows


ROWS = table_rows()


@st.composite
def mutated(draw: st.DrawFn, line: str) -> str:
    """A row with one to three mutations: cells dropped, swapped or duplicated, pipes escaped
    or removed, the line truncated."""
    for _ in range(draw(st.integers(1, 3))):
        cells = line.split("|")
        kind = draw(st.sampled_from(["drop", "swap", "duplicate", "escape", "unpipe", "cut"]))
        i, j = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
        if kind == "drop" and len(cells) > 1:
            del cells[i]
        elif kind == "swap":
            cells[i], cells[j] = cells[j], cells[i]
        elif kind == "duplicate":
            cells.insert(i, cells[i])
        elif kind in ("escape", "unpipe") and i > 0:
            cells[i - 1 : i + 1] = [cells[i - 1] + ("\\|" if kind == "escape" else "") + cells[i]]
        line = "|".join(cells)
        if kind == "cut":
            line = line[: draw(st.integers(0, len(line)))]
    return line


@st.composite
def mutated_list(draw: st.DrawFn) -> str:
    """A few rows of each of the bundled list's tables, some of them mutated."""
    picked = draw(st.lists(st.sampled_from(ROWS), min_size=1, max_size=8, unique=True))
    by_head: dict[str, list[str]] = {}
    for head, line in sorted(picked, key=ROWS.index):
        keep = draw(st.booleans())
        by_head.setdefault(head, []).append(line if keep else draw(mutated(line)))
    return "\n\n".join(head + "\n" + "\n".join(lines) for head, lines in by_head.items()) + "\n"


@settings(PROPERTY, max_examples=15 * SCALE)
@given(text=mutated_list())
def test_mutated_rows_never_make_a_paper_named_by_a_link_label_a_number_or_nothing(
    tmp_path_factory, text: str
) -> None:
    path = tmp_path_factory.mktemp("mutated") / "list.md"
    path.write_text(text, encoding="utf-8")
    parsed, store = load(path)
    labels = {slug(label) for label in LABELS}
    untitled_rows = {f.line for f in parsed.findings if f.code == "missing-title"}
    for iri, title in titles(store).items():
        assert iri.removeprefix(str(PAPER)) not in labels, (iri, text)
        if title is None:
            continue
        assert title.strip() and title not in LABELS, (title, text)
        assert not NUMBER.fullmatch(title), (title, text)
    assert sum(1 for title in titles(store).values() if title is None) <= len(untitled_rows)


#: What a finding on a row says when the reader changed its title or found it wanting.
CHANGED = frozenset(
    {
        "control-character",
        "removed-character",
        "trimmed-character",
        "replacement-character",
        "missing-title",
    }
)


def escaped(title: str) -> str:
    """A title written as Markdown that shows it as it is: ASCII punctuation escaped."""
    return "".join(
        "\\" + c if c.isascii() and not c.isalnum() and c.isprintable() and c != " " else c
        for c in title
    )


def shown(title: str) -> str:
    """What a browser shows of a title: runs of spaces and tabs folded."""
    return re.sub(r"[ \t]+", " ", title).strip(" ")


TITLE = st.text(
    st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=40
)


@settings(PROPERTY, max_examples=12 * SCALE)
@given(generated=st.lists(TITLE, min_size=1, max_size=5, unique_by=lambda t: slug(shown(t))))
def test_generated_titles_are_published_as_written_or_a_finding_says_what_changed(
    tmp_path_factory, generated: list[str]
) -> None:
    assume(not any(shown(t).lower().startswith(("✅", "[survey article]")) for t in generated))
    rows = [f"| {n} | {escaped(t)} | {ARXIV.format(n)} | N/A |" for n, t in enumerate(generated, 1)]
    path = tmp_path_factory.mktemp("titles") / "list.md"
    path.write_text(paper_list(*rows), encoding="utf-8")
    parsed, store = load(path)
    published = set(titles(store).values())
    changed = {f.line for f in parsed.findings if f.code in CHANGED}
    for line, title in enumerate(generated, start=5):
        assert shown(title) in published or line in changed, (title, parsed.findings)
    # a title not in the list is a changed one, whose line has a finding
    unlisted = published - {shown(t) for t in generated} - {None}
    assert len(unlisted) <= sum(line in changed for line in range(5, 5 + len(generated)))
