"""The parser: every row of every table becomes a record, and every quirk is read or reported."""

import re
from pathlib import Path

import pytest

from dllm_kg.parse import ListError, parse_file, parse_size, parse_text, section_key
from dllm_kg.records import ParsedList, Severity, Size

from .conftest import DATA

TABLE_I = "| No. | Paper Title | Url | Code |\n|----|----|----|----|\n"
TABLE_II = "| Paper Title | Url | Code |\n|---|---|---|\n"
TABLE_III = "| Model Name | Parameters | URL |\n|---|---|---|\n"
HIDDEN = "control or format characters"


def test_bundled_list_has_112_paper_rows_and_23_models(bundled: ParsedList) -> None:
    sections = [paper.row.section for paper in bundled.papers]
    assert sections.count("I. Distributed LLMs") == 100
    assert sections.count("II. VLMs") == 12
    assert len(bundled.models) == 23
    assert {model.row.section for model in bundled.models} == {"III. SLMs"}


def test_rows_keep_number_line_and_raw_text(bundled: ParsedList) -> None:
    first = bundled.papers[0]
    assert (first.row.number, first.row.line, first.row.section_key) == (1, 35, "distributed-llms")
    assert first.row.raw.startswith("| 1 | ✅[Survey Article]Distributed Training")
    assert first.cells[0] == "1"
    numbers = [paper.row.number for paper in bundled.papers[:100]]
    assert numbers == list(range(1, 101))
    clip = bundled.papers[100]
    assert (clip.row.number, clip.row.line, clip.row.section_key) == (1, 141, "vlms")


def test_survey_marker_is_a_flag_not_part_of_the_title(bundled: ParsedList) -> None:
    first, fiftieth = bundled.papers[0], bundled.papers[49]
    assert (first.title, first.survey) == ("Distributed Training of Large Language Models", True)
    assert fiftieth.title == "On-Device Language Models: A Comprehensive Review"
    assert fiftieth.survey
    surveys = [paper.row.number for paper in bundled.papers if paper.survey]
    assert surveys == [1, 9, 13, 14, 18, 22, 29, 34, 36, 38, 39, 40, 41, 50, 79, 83]


def test_row_number_without_space_and_title_without_space(bundled: ParsedList) -> None:
    row4, row30 = bundled.papers[3], bundled.papers[29]
    assert row4.row.number == 4
    assert row4.title.startswith("Acco: Accumulate While You Communicate")
    assert row30.title.endswith("with Mobile Edge Computing")
    assert row30.link == "https://arxiv.org/pdf/2310.17491"


def test_nested_link_is_read_as_its_target_and_reported(bundled: ParsedList) -> None:
    row74 = bundled.papers[73]
    assert row74.link is not None
    assert row74.link.startswith("https://ieeexplore.ieee.org/abstract/document/10558825?")
    [finding] = [f for f in bundled.findings if f.code == "nested-link"]
    assert (finding.line, finding.row.number, finding.severity) == (108, 74, Severity.WARNING)


def test_na_cells_are_no_link(bundled: ParsedList) -> None:
    assert bundled.papers[0].code is None
    assert bundled.papers[1].code == "https://github.com/fast-inference-serving"


def test_model_names_lose_bold_and_sizes_are_numbers(bundled: ParsedList) -> None:
    by_name = {model.name: model for model in bundled.models}
    assert by_name["GPT-2 Small"].size == Size(124_000_000)
    assert by_name["inyBERT"].size == Size(14_500_000)
    assert by_name["TinyLlama 1.1B"].size == Size(1_100_000_000)
    assert by_name["MobileBert"].size == Size(25_300_000)
    assert by_name["Galactica 125M"].size == Size(125_000_000)
    assert by_name["Claude Instant"].size == Size(1_000_000_000, exact=False)
    assert by_name["Gemma (2B)"].size == Size(2_000_000_000)


def test_bundled_findings_are_the_nested_link_and_the_bound(bundled: ParsedList) -> None:
    assert sorted((f.line, f.code) for f in bundled.findings) == [
        (108, "nested-link"),
        (170, "size-bound"),
    ]


@pytest.mark.parametrize(
    ("cell", "size"),
    [
        ("124M", Size(124_000_000)),
        ("1.1B", Size(1_100_000_000)),
        ("14.5M", Size(14_500_000)),
        ("<=1B", Size(1_000_000_000, exact=False)),
        ("≤ 2.5B", Size(2_500_000_000, exact=False)),
        ("7b", Size(7_000_000_000)),
        ("350K", Size(350_000)),
        ("1T", Size(10**12)),
        ("N/A", None),
        ("about 1B", None),
        ("1.5", None),
        ("0.0000000001M", None),
    ],
)
def test_sizes(cell: str, size: Size | None) -> None:
    assert parse_size(cell) == size


def test_section_keys() -> None:
    assert section_key("I. Distributed LLMs") == "distributed-llms"
    assert section_key("III. SLMs") == "slms"
    assert section_key("Extra Papers") == "extra-papers"


def test_custom_list_reads_every_row() -> None:
    parsed = parse_file(DATA / "custom-list.md")
    assert [paper.title for paper in parsed.papers] == [
        "A Survey of Gossip Learning for Language Models",
        "Swarm LoRA: Decentralised Adapters on Phones",
        "Pipeline Parallel Inference at the Edge",
        "Secure Aggregation for Federated Prompt Tuning",
        "Swarm LoRA: decentralised adapters on phones",
        "Tiny CLIP on a Watch",
        "A Survey of Gossip Learning for Language Models",
    ]
    row2 = parsed.papers[1]
    assert row2.row.number == 2
    assert row2.code == "https://github.com/Swarm-Lab/SwarmLoRA.git"
    assert [model.size for model in parsed.models] == [
        Size(3_000_000),
        Size(2_500_000_000, exact=False),
        Size(10**12),
    ]
    assert [model.name for model in parsed.models] == ["WatchLM 3M", "Bounded-1", "Plain 1T"]
    assert [f.code for f in parsed.findings] == ["size-bound"]


def parse_rows(table: str, rows: str) -> ParsedList:
    return parse_text(f"# I. Papers\n\n{table}{rows}", "test.md")


def test_row_without_closing_pipe_is_read() -> None:
    parsed = parse_rows(
        TABLE_II, "| A Title | [Link](https://arxiv.org/pdf/2401.00001.pdf) | N/A\n"
    )
    assert parsed.papers[0].link == "https://arxiv.org/pdf/2401.00001.pdf"
    assert parsed.findings == ()


def test_a_table_in_a_blockquote_is_read_and_its_cells_counted_without_the_markers() -> None:
    quoted = "".join(f"> {line}\n" for line in TABLE_I.splitlines())
    row = "> | 1 | A | [Link](https://a.org/1) | N/A |\n>| 2 | B | N/A | N/A | surplus |\n"
    parsed = parse_text(f"# I. Papers\n{quoted}{row}", "t.md")
    assert [paper.title for paper in parsed.papers] == ["A", "B"]
    assert [(f.line, f.code) for f in parsed.findings] == [(5, "extra-cells")]
    assert parsed.findings[0].message == "row has 5 cells, the table 4; ignored: 'surplus'"


def test_extra_cells_are_reported_not_lost() -> None:
    parsed = parse_rows(TABLE_II, "| A | [Link](https://a.org/1) | N/A | surplus |\n")
    [finding] = parsed.findings
    assert (finding.code, finding.line, finding.severity) == ("extra-cells", 5, Severity.WARNING)
    assert "surplus" in finding.message


def test_missing_cells_and_title_are_reported() -> None:
    parsed = parse_rows(TABLE_II, "|  | [Link](https://a.org/1) |\n")
    assert [f.code for f in parsed.findings] == ["missing-cells", "missing-title"]
    assert "row has 2 cells, the table 3" in parsed.findings[0].message
    assert parsed.papers[0].code is None


def test_a_table_without_rows_is_named_as_such() -> None:
    parsed = parse_text(f"# I. Papers\n\n{TABLE_II}", "t.md")
    assert [(f.code, f.message) for f in parsed.findings] == [
        ("no-tables", "the list's tables have no rows")
    ]


def test_text_instead_of_a_link_is_a_malformed_cell() -> None:
    parsed = parse_rows(TABLE_II, "| A | see the paper | https://a.org/code |\n")
    codes = [(f.code, f.message.split(" cell")[0]) for f in parsed.findings]
    assert codes == [("malformed-link-cell", "paper link"), ("malformed-link-cell", "code link")]
    assert parsed.papers[0].link is None
    assert parsed.papers[0].code == "https://a.org/code"


def test_two_links_in_a_cell_are_reported() -> None:
    parsed = parse_rows(TABLE_II, "| A | [a](https://a.org/1) [b](https://a.org/2) | N/A |\n")
    assert [f.code for f in parsed.findings] == ["several-links"]
    assert parsed.papers[0].link == "https://a.org/1"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,hi", "ftp://a.org/x"])
def test_links_that_are_not_http_are_refused(link: str) -> None:
    parsed = parse_rows(TABLE_II, f"| A | [Link]({link}) | N/A |\n")
    assert parsed.papers[0].link is None
    [finding] = parsed.findings
    assert (finding.code, finding.severity) == ("refused-link", Severity.VIOLATION)


def test_row_number_that_is_not_a_number() -> None:
    parsed = parse_rows(TABLE_I, "| x | A | [Link](https://a.org/1) | N/A |\n")
    assert parsed.papers[0].row.number == 1
    assert [f.code for f in parsed.findings] == ["bad-row-number"]


def test_bad_size_is_a_violation() -> None:
    parsed = parse_rows(TABLE_III, "| **M** | big | [link](https://huggingface.co/a/b) |\n")
    assert parsed.models[0].size is None
    [finding] = parsed.findings
    assert (finding.code, finding.severity, finding.line) == ("bad-size", Severity.VIOLATION, 5)


def test_unknown_table_is_reported() -> None:
    parsed = parse_text("| A | B |\n|---|---|\n| 1 | 2 |\n", "t.md")
    assert [f.code for f in parsed.findings] == ["unknown-table", "no-tables"]


def test_finding_prints_like_a_linter() -> None:
    parsed = parse_rows(TABLE_II, "| A | [Link](javascript:x) | N/A |\n")
    assert str(parsed.findings[0]).startswith("test.md:5: violation: row 1: paper link")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "missing.md: no such file"),
        (b"\xff\xfe\x00bad", "missing.md: not UTF-8 text (byte 0)"),
    ],
)
def test_unreadable_input_is_one_clear_error(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "missing.md"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ListError, match=re.escape(message)):
        parse_file(path)


@pytest.mark.parametrize(
    "cell",
    [
        "http://[abc/x",
        "[Link](https://u@x.org:abc/)",
        "https://x.org/a%zz",
    ],
)
def test_links_that_are_no_valid_iri_are_refused_not_a_traceback(cell: str) -> None:
    parsed = parse_rows(TABLE_II, f"| A | {cell} | N/A |\n")
    assert parsed.papers[0].link is None
    assert "refused-link" in [f.code for f in parsed.findings]


def test_lines_are_counted_as_markdown_counts_them() -> None:
    text = (
        "# I. Papers\n\n"
        + TABLE_II
        + "| A\x0cB | [Link](https://a.org/1) | N/A |\n| C | N/A | N/A |\n"
    )
    parsed = parse_text(text, "t.md")
    assert [(p.row.line, p.row.raw[:4]) for p in parsed.papers] == [(5, "| A\x0c"), (6, "| C ")]


def test_html_in_a_title_is_kept_as_text() -> None:
    parsed = parse_rows(TABLE_II, "| <b>Bold</b> Title <script>x()</script> | N/A | N/A |\n")
    assert parsed.papers[0].title == "<b>Bold</b> Title <script>x()</script>"


def test_extra_cell_of_a_row_without_leading_pipe_is_reported() -> None:
    parsed = parse_file(DATA / "parse-row-without-leading-pipe.md")
    found = [(f.line, f.code) for f in parsed.findings]
    assert found == [(4, "extra-cells"), (5, "missing-cells"), (5, "several-links")]
    assert "ignored: '[GitHub](https://github.com/a/b)'" in parsed.findings[0].message


@pytest.mark.parametrize(
    ("row", "codes"),
    [
        ("| A | [Link](https://a.org/1) | N/A |\n", []),
        ("A | [Link](https://a.org/1) | N/A\n", []),
        ("| A | [Link](https://a.org/1) | N/A | surplus\n", ["extra-cells"]),
        ("| A | [Link](https://a.org/1) \\| N/A |\n", ["missing-cells"]),
        ("| A | `x | y` | N/A |\n", ["extra-cells", "malformed-link-cell", "malformed-link-cell"]),
    ],
)
def test_cells_are_counted_as_markdown_counts_them(row: str, codes: list[str]) -> None:
    assert [f.code for f in parse_rows(TABLE_II, row).findings] == codes


def test_byte_order_mark_is_not_content() -> None:
    parsed = parse_file(DATA / "parse-byte-order-mark.md")
    paper = parsed.papers[0]
    assert (paper.row.section, paper.row.section_key, paper.row.line) == ("I. Papers", "papers", 4)
    assert parsed.findings == ()


@pytest.mark.parametrize(
    ("heading", "message"),
    [
        ("", "table has no heading above it to name its section"),
        ("# ✅\n", "table heading '✅' has no words to name its section"),
    ],
)
def test_table_without_a_section_name_is_reported(heading: str, message: str) -> None:
    text = heading + TABLE_II + "| A | [Link](https://a.org/1) | N/A |\n"
    parsed = parse_text(text, "t.md")
    assert parsed.papers[0].row.section_key == ""
    [finding] = parsed.findings
    line = text.count("\n", 0, text.index("| Paper")) + 1
    assert (finding.code, finding.severity, finding.line) == ("no-section", Severity.WARNING, line)
    assert finding.message == message


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("[Link](javascript:alert(1))", "refused-link"),
        ("![Paper](https://a.org/figure.png)", "malformed-link-cell"),
        ("[Link][r1]", "malformed-link-cell"),
        ("see the paper", "malformed-link-cell"),
    ],
)
def test_a_url_cell_that_is_not_read_is_one_finding_that_covers_the_missing_link(
    cell: str, code: str
) -> None:
    parsed = parse_rows(TABLE_II, f"| A | {cell} | [GitHub](javascript:x) |\n")
    assert parsed.papers[0].link is None
    assert [(f.code, f.covers) for f in parsed.findings] == [
        (code, "missing-link"),
        ("refused-link", ""),
    ]


def test_a_model_url_cell_that_is_refused_covers_the_missing_model_link() -> None:
    parsed = parse_rows(TABLE_III, "| M | 1B | [link](data:text/html,x) |\n")
    assert [(f.code, f.covers) for f in parsed.findings] == [("refused-link", "missing-model-link")]


def test_reference_links_are_read_from_their_definitions() -> None:
    rows = (
        "| A | [Link][r1] | [GitHub][] |\n| B | [Link][bad] | N/A |\n\n"
        "[r1]: https://arxiv.org/abs/2401.00001\n[github]: https://github.com/a/b\n"
        "[bad]: javascript:alert(1)\n"
    )
    parsed = parse_rows(TABLE_II, rows)
    a, b = parsed.papers
    assert (a.link, a.code) == ("https://arxiv.org/abs/2401.00001", "https://github.com/a/b")
    assert b.link is None
    assert [(f.line, f.code) for f in parsed.findings] == [(6, "refused-link")]


def test_control_characters_in_a_title_or_name_are_named() -> None:
    text = (
        "# I. Papers\n| Paper Title | Url | Code |\n|---|---|---|\n"
        "| Fed\x1bLoRA on Phones | [Link](https://arxiv.org/abs/2401.00001) | N/A |\n"
        "\n# III. SLMs\n| Model Name | Parameters | URL |\n|---|---|---|\n"
        "| Tiny\x7fBERT | 10M | [link](https://huggingface.co/a/b) |\n"
    )
    found = [(f.line, f.code, f.message) for f in parse_text(text, "list.md").findings]
    assert found == [
        (4, "control-character", f"title holds {HIDDEN} (U+001B); remove them"),
        (9, "control-character", f"name holds {HIDDEN} (U+007F); remove them"),
    ]


@pytest.mark.parametrize(
    ("title", "codes"),
    [
        ("Fed\x1cLoRA\x1fon\x85Phones", "U+001C, U+001F, U+0085"),
        ("Fed LoRA \u202esenohP\u202c", "U+202C, U+202E"),
        ("Fed\u200bLoRA\x0bon\U000e0001Phones", "U+000B, U+200B, U+E0001"),
    ],
)
def test_characters_that_folding_hides_or_that_reorder_text_are_named(
    title: str, codes: str
) -> None:
    parsed = parse_rows(TABLE_II, f"| {title} | [Link](https://a.org/1) | N/A |\n")
    [finding] = parsed.findings
    assert finding.message == f"title holds {HIDDEN} ({codes}); remove them"


def test_tabs_and_joiners_in_a_title_are_no_hidden_characters() -> None:
    parsed = parse_rows(
        TABLE_II, "| Fed\tLoRA \U0001f469\u200d\U0001f4bb \u0645\u200c\u06cc | N/A | N/A |\n"
    )
    assert parsed.findings == ()
