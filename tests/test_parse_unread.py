"""Rows that no table reads (a blank line, an indent, a heading or a rule ended their table,
or their table's delimiter row does not fit its header) are named by line, never lost silently."""

import pytest

from dllm_kg.parse import (
    UNREAD_ROW,
    UNREAD_ROW_IN_HEADING,
    UNREAD_ROW_IN_HTML,
    parse_file,
    parse_text,
)
from dllm_kg.records import ParsedList, Severity

from .conftest import DATA

TABLE_I = "# I. Papers\n| No. | Paper Title | Url | Code |\n|---|---|---|---|\n"
ROW_1 = "| 1 | One | [Link](https://arxiv.org/abs/2401.00001) | N/A |\n"
ROW_2 = "| 2 | Two | [Link](https://arxiv.org/abs/2401.00002) | N/A |\n"
ENDED = f"table row not read: {UNREAD_ROW}"


def unread(parsed: ParsedList) -> list[tuple[int, str, Severity]]:
    """The findings about rows and tables that were not read: line, code and severity."""
    codes = ("row-not-read", "table-not-read")
    return [(f.line, f.code, f.severity) for f in parsed.findings if f.code in codes]


def test_rows_after_a_blank_line_are_named() -> None:
    parsed = parse_file(DATA / "parse-blank-line-in-table.md")
    assert [paper.row.number for paper in parsed.papers] == [1]
    assert unread(parsed) == [
        (6, "row-not-read", Severity.VIOLATION),
        (7, "row-not-read", Severity.VIOLATION),
    ]
    assert str(parsed.findings[0]) == f"parse-blank-line-in-table.md:6: violation: {ENDED}"


def test_an_indented_row_and_the_rows_after_it_are_named() -> None:
    parsed = parse_file(DATA / "parse-indented-row.md")
    assert [paper.row.number for paper in parsed.papers] == [1]
    assert [line for line, _, _ in unread(parsed)] == [5, 6]


def test_a_row_after_a_heading_is_named() -> None:
    parsed = parse_file(DATA / "parse-heading-after-table.md")
    assert [paper.row.number for paper in parsed.papers] == [1, 2]
    assert [line for line, _, _ in unread(parsed)] == [7]


def test_a_row_after_a_rule_is_named() -> None:
    parsed = parse_text(TABLE_I + ROW_1 + "---\n" + ROW_2, "t.md")
    assert [line for line, _, _ in unread(parsed)] == [6]


def test_a_row_without_pipes_around_it_after_a_blank_line_is_named() -> None:
    parsed = parse_text(TABLE_I + ROW_1 + "\n2 | Two | [Link](https://a.org/2) | N/A\n", "t.md")
    assert [line for line, _, _ in unread(parsed)] == [6]


def test_rows_held_by_raw_html_are_named_and_rows_in_a_comment_are_not() -> None:
    parsed = parse_file(DATA / "parse-rows-in-html.md")
    assert [paper.row.number for paper in parsed.papers] == [1]
    assert [line for line, _, _ in unread(parsed)] == [9, 10, 11, 15]
    finding = next(f for f in parsed.findings if f.line == 11)
    assert finding.message == f"table row not read: {UNREAD_ROW_IN_HTML}"


@pytest.mark.parametrize("rule", ["---", "==="])
def test_a_row_that_a_rule_under_it_makes_a_heading_is_named(rule: str) -> None:
    parsed = parse_text(TABLE_I + ROW_1 + "\n" + ROW_2 + rule + "\n", "t.md")
    assert [paper.row.number for paper in parsed.papers] == [1]
    [finding] = parsed.findings
    assert (finding.line, finding.code) == (6, "row-not-read")
    assert finding.message == f"table row not read: {UNREAD_ROW_IN_HEADING}"


def test_a_row_after_a_blank_line_in_a_blockquote_is_named() -> None:
    quoted = "".join(f"> {line}\n" for line in (TABLE_I + ROW_1).splitlines()[1:])
    parsed = parse_text("# I. Papers\n" + quoted + ">\n> " + ROW_2, "t.md")
    assert [paper.row.number for paper in parsed.papers] == [1]
    assert unread(parsed) == [(6, "row-not-read", Severity.VIOLATION)]


def test_a_table_whose_delimiter_row_does_not_fit_its_header_is_named_with_its_rows() -> None:
    parsed = parse_file(DATA / "parse-bad-delimiter-row.md")
    assert [paper.title for paper in parsed.papers] == ["Federated LoRA for Phones"]
    assert [model.name for model in parsed.models] == ["TinyThing"]
    assert unread(parsed) == [
        (7, "table-not-read", Severity.VIOLATION),
        (9, "row-not-read", Severity.VIOLATION),
        (10, "row-not-read", Severity.VIOLATION),
    ]
    table, row, _ = [f for f in parsed.findings if f.line in (7, 9, 10)]
    assert table.message == "table not read: its delimiter row has 2 cells, the header 3"
    assert row.message == "table row not read: its table (line 7) is not read"


def test_a_header_without_pipes_around_it_and_a_bad_delimiter_row_is_named() -> None:
    text = "# II. VLMs\nPaper Title | Url | Code\n---|---\nA | [Link](https://a.org/1) | N/A\n"
    assert unread(parse_text(text, "t.md")) == [
        (2, "table-not-read", Severity.VIOLATION),
        (4, "row-not-read", Severity.VIOLATION),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Some text | with a pipe, after no table.\n",
        "```\n| 1 | an example row in code |\n```\n",
        "<!--\n| 1 | a row left out on purpose |\n-->\n",
        TABLE_I + ROW_1 + "\nText after the table.\n",
        TABLE_I + ROW_1 + "## A | heading\n",
        TABLE_I + ROW_1 + "\nSee the figure | and the legend below.\n",
        TABLE_I + ROW_1 + "\nSee the figure | the legend\nand the caption | below.\n",
        TABLE_I + ROW_1 + "- | 2 | B | x | y |\n",
        TABLE_I + ROW_1 + "\n1. a | b | c | d\n",
        TABLE_I + ROW_1 + "\n<p>\n[A](#a) | [B](#b) | [C](#c) | [D](#d)\n</p>\n",
        "<pre>\n| 1 | an example row, kept as it is |\n</pre>\n",
        "Title\n---\n\nA | title\n===\n",
    ],
)
def test_text_that_is_no_row_is_not_named(text: str) -> None:
    assert unread(parse_text(text, "t.md")) == []


def test_the_bundled_list_has_no_row_that_is_not_read(bundled: ParsedList) -> None:
    assert unread(bundled) == []


def test_an_html_table_is_named_and_an_html_comment_is_not() -> None:
    text = (
        "# I. Papers\n| No. | Paper Title | Url | Code |\n|---|---|---|---|\n"
        "| 1 | Federated LoRA for Phones | [Link](https://arxiv.org/abs/2401.00001) | N/A |\n"
        "\n<!-- a comment with | pipes | -->\n"
        "\n<table><tr><td>2</td><td>Pipeline Parallel</td></tr></table>\n"
    )
    parsed = parse_text(text, "list.md")
    assert [(f.line, f.code, f.severity) for f in parsed.findings] == [
        (8, "table-not-read", Severity.VIOLATION)
    ]
    assert len(parsed.papers) == 1
