"""The parser's fast paths read every list exactly as markdown-it-py alone reads it.

Two references, each independent of the fast paths: markdown-it-py's own block parser (its
tables' tokens folded into one token per row), row splitter and inline parser, swapped in for
the fast ones; and the digests of the records that the parser gave before it had fast paths,
kept as data in ``tests/snapshots``.
"""

import dataclasses
import hashlib
import importlib.util
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt, rules_block
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

from dllm_kg import parse
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.mdtable import ROW, split_row, table
from dllm_kg.records import ParsedList

from .conftest import DATA

ROOT = Path(__file__).parents[1]
#: Digests of the records of each list, as the parser gave them before it had fast paths.
DIGESTS = json.loads((Path(__file__).parent / "snapshots" / "parse-digests.json").read_text())
#: The lists to read: the bundled one and every list written for the tests.
LISTS = [DEFAULT_SOURCE, *sorted(DATA.glob("*.md"))]
#: markdown-it-py's block parser as it comes, with the parser's link check (keep every link).
STOCK_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")
STOCK_BLOCKS.validateLink = lambda url: True
HEADER = "# I. Papers\n\n| Paper Title | Url | Code |\n|---|---|---|\n"
#: The tokens of a stock table that the fast rule folds into its rows.
CELL_TOKENS = frozenset(
    f"{part}_{end}" for part in ("thead", "tbody", "th", "td") for end in ("open", "close")
)
REFERENCES = frozenset(
    {("R1", "https://example.org/r1", ""), ("SURVEY ARTICLE", "https://s.org", "")}
)

#: Cells that the fast paths read: plain text, one plain link, bold text, bracketed text.
FAST_CELLS = [
    "A Plain Title: With Punctuation, (Parens), #1 $5 50% @home",
    "  spaced   out  ",
    "N/A",
    "[Link](https://arxiv.org/pdf/2401.00001.pdf)",
    "[GitHub](https://github.com/Owner/Repo.git/)",
    "[link](http://a-b.example.org)",
    "[Link](https://ieeexplore.ieee.org/document/1?x=1;y=2#sec)",
    "[Link](https://host.org/a%20b/%7Euser/*,+$!@:=~)",
    "[Two  words (x)](https://openreview.net/pdf?id=abc)",
    "[Link](https://" + "a" * 63 + ".org/x)",
    "**Bold Name 1.1B (x)**",
    "**x**",
    "✅[Survey Article]A Survey of Things",
    "[Survey Article] A Survey",
    "pre [bracketed] post",
]
#: Cells that markdown-it reads: other markup, or links its normaliser changes.
SLOW_CELLS = [
    "[Link](https://host.org/a?x=1&y=2)",
    "[Link](HTTPS://HOST.ORG/x)",
    "[Link](https://bücher.de/x)",
    "[Link](https://host.org/a b)",
    "[Link](https://host.org/%zz)",
    "[Link](https://host.org/a%2)",
    "[Link](https://host.org:8080/x)",
    "[Link](https://" + "a" * 64 + ".org/x)",
    "[Link](https://" + ".".join(["a" * 60] * 5) + "/x)",
    "[Link](<https://host.org/x>)",
    "[Link](https://host.org/x 'title')",
    "[Link](https://host.org/x(y))",
    "[Link](https://host.org/\\_x)",
    "[Link](javascript:alert(1))",
    "[Link]( https://host.org/x )",
    "[](https://host.org/x)",
    "[Link]([url](https://inner.org/x))",
    "[**Bold**](https://host.org/x)",
    "[Link](https://a.org/x) [Code](https://b.org/y)",
    " [Link](https://host.org/x)",
    "[Link][r1]",
    "[Link] [r1]",
    "![image](https://host.org/x.png)",
    "<https://host.org/x>",
    "** a**",
    "**a **",
    "***a***",
    "**a *b* c**",
    "**a** b",
    "__a__",
    "<=1B",
    "a &amp; b",
    "`code`",
    "a \\| b",
    "a ~~b~~",
    "✅[Survey Article](https://x.org)",
]


def canonical(parsed: ParsedList) -> str:
    """The records as canonical JSON text: every field, in a fixed order."""
    fields = dataclasses.asdict(parsed)
    if not fields["citations"]:  # added for #16 (a BibTeX block); the digests predate it
        del fields["citations"]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(parsed: ParsedList) -> str:
    """The SHA-256 of the records' canonical JSON."""
    return hashlib.sha256(canonical(parsed).encode()).hexdigest()


def synthetic_list(entries: int) -> str:
    """A list of ``entries`` entries from ``benchmarks/synthetic.py`` (seed 0)."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(entries)


@pytest.fixture(scope="module")
def synthetic() -> str:
    """The 1,000-entry synthetic list."""
    return synthetic_list(1000)


def fold_rows(tokens: list[Token]) -> Iterator[Token]:
    """Stock markdown-it tokens, each table row's tokens folded into one, as the fast rule emits."""
    level = 0
    row: Token | None = None
    for token in tokens:
        if token.type == "table_open":
            level = token.level + 1
        if token.type == "tr_open":
            row = Token(ROW, "tr", 0, map=token.map, level=level, meta={"cells": []}, block=True)
        elif token.type == "tr_close" and row is not None:
            yield row
            row = None
        elif row is not None and token.type == "inline":
            row.meta["cells"].append(token.content)
        elif token.type not in CELL_TOKENS:
            yield token


class StockBlocks:
    """markdown-it's stock block parser, its table rows folded by :func:`fold_rows`."""

    def parse(self, text: str, env: dict[str, object]) -> list[Token]:
        """The block tokens of ``text``."""
        return list(fold_rows(STOCK_BLOCKS.parse(text, env)))


def markdown_it_cell(content: str, references: parse._References = frozenset()) -> parse._Cell:
    """A cell as markdown-it parses it inline, with no fast path and no cache."""
    return parse._inline_cell.__wrapped__(content, references)


def parse_with_markdown_it_only(
    text: str, file: str, monkeypatch: pytest.MonkeyPatch
) -> ParsedList:
    """Parse with markdown-it's stock block parser, row splitter and inline parser."""
    with monkeypatch.context() as patch:
        patch.setattr(parse, "_BLOCKS", StockBlocks())
        patch.setattr(parse, "split_row", escapedSplit)
        patch.setattr(parse, "_cell", markdown_it_cell)
        return parse.parse_text(text, file)


def cell_contents(text: str) -> Iterator[str]:
    """The content of every table cell of a list, as markdown-it's block parser gives it."""
    inside = False
    for token in STOCK_BLOCKS.parse(text, {}):
        inside = token.type in ("th_open", "td_open") or (inside and token.type == "inline")
        if inside and token.type == "inline":
            yield token.content


def token_fields(tokens: Iterable[Token]) -> list[tuple[object, ...]]:
    """What the reader may look at in each token, comparable."""
    return [
        (t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.attrs, t.level, t.meta)
        for t in tokens
    ]


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_each_list_reads_to_the_records_of_the_parser_before_fast_paths(path: Path) -> None:
    key = "data/awesome-distributed-LLM.md" if path == DEFAULT_SOURCE else f"tests/data/{path.name}"
    assert digest(parse.parse_file(path)) == DIGESTS[key]


def test_the_synthetic_list_reads_to_the_records_of_the_parser_before(synthetic: str) -> None:
    assert digest(parse.parse_text(synthetic, "list-1000.md")) == DIGESTS["synthetic:1000"]


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_each_list_reads_as_with_markdown_it_alone(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse.parse_text(text, path.name)
    assert fast == parse_with_markdown_it_only(text, path.name, monkeypatch)


def test_the_synthetic_list_reads_as_with_markdown_it_alone(
    synthetic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = parse.parse_text(synthetic, "list-1000.md")
    assert fast.rows == 1000
    assert canonical(fast) == canonical(
        parse_with_markdown_it_only(synthetic, "list-1000.md", monkeypatch)
    )


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_block_tokens_are_markdown_its_own_with_rows_folded(path: Path) -> None:
    text = path.read_text(encoding="utf-8").removeprefix(parse.BYTE_ORDER_MARK)
    fast_env: dict[str, object] = {}
    stock_env: dict[str, object] = {}
    fast = parse._BLOCKS.parse(text, fast_env)
    assert token_fields(fast) == token_fields(fold_rows(STOCK_BLOCKS.parse(text, stock_env)))
    assert fast_env == stock_env
    assert any(token.type == ROW for token in fast)


def test_most_cells_of_the_synthetic_list_take_a_fast_path(synthetic: str) -> None:
    cells = list(cell_contents(synthetic))
    slow = [cell for cell in cells if parse._plain_cell(cell, frozenset()) is None]
    assert len(cells) > 3000
    assert len(slow) < len(cells) / 20


@pytest.mark.parametrize("path", LISTS, ids=lambda path: path.name)
def test_every_cell_taking_a_fast_path_reads_as_markdown_it_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for cell in set(cell_contents(text)):
        for references in (frozenset(), REFERENCES):
            fast = parse._plain_cell(cell, references)
            assert fast is None or fast == markdown_it_cell(cell, references), cell


@pytest.mark.parametrize("cell", FAST_CELLS)
def test_fast_cells_read_as_markdown_it_reads_them(cell: str) -> None:
    fast = parse._plain_cell(cell, frozenset())
    assert fast is not None
    assert fast == markdown_it_cell(cell)


@pytest.mark.parametrize("cell", SLOW_CELLS)
def test_other_cells_go_to_markdown_it(cell: str) -> None:
    assert parse._plain_cell(cell, REFERENCES) is None
    assert parse._cell(cell, REFERENCES) == markdown_it_cell(cell, REFERENCES)


def test_bracketed_text_goes_to_markdown_it_when_the_list_defines_links() -> None:
    cell = "✅[Survey Article]A Survey"
    assert parse._plain_cell(cell, frozenset()) == parse._Cell(cell)
    assert parse._plain_cell(cell, REFERENCES) is None
    assert markdown_it_cell(cell, REFERENCES).hrefs == ("https://s.org",)


def test_rows_of_every_cell_shape_read_as_with_markdown_it_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cells = FAST_CELLS + SLOW_CELLS
    rows = [
        f"| {title} | {link} | {code} |"
        for title, link, code in zip(cells, cells[1:], cells[2:], strict=False)
    ]
    definitions = "\n\n[r1]: https://example.org/r1\n[survey article]: https://s.org\n"
    for text in (HEADER + "\n".join(rows) + "\n", HEADER + "\n".join(rows) + definitions):
        fast = parse.parse_text(text, "shapes.md")
        assert fast.rows == len(rows)
        assert fast == parse_with_markdown_it_only(text, "shapes.md", monkeypatch)


@pytest.mark.parametrize(
    "row",
    [
        "| a | b |",
        "|a|b|",
        "a | b",
        "| a \\| b | c |",
        "| a \\\\| b |",
        "\\|",
        "|",
        "",
        "a\\",
        "||",
    ],
)
def test_rows_split_as_markdown_it_splits_them(row: str) -> None:
    assert split_row(row) == escapedSplit(row)


@pytest.mark.parametrize(
    "after",
    [
        "> a quote",
        "# a heading",
        "- a list item",
        "1. a list item",
        "```\ncode\n```",
        "<div>html</div>",
        "---",
        "***",
        "        | an indented row |",
        "\n| after a blank line |",
        "no pipe at all",
        "| a | b | c | d | e |",
        "a \\| b | c",
    ],
)
def test_tables_end_where_markdown_its_tables_end(after: str) -> None:
    table = "| a | b |\n|:-|-:|\n| 1 | 2 |\n"
    for text in (table + after + "\n", "> " + table.replace("\n", "\n> ") + after + "\n"):
        for prefix in ("", "- item\n\n  ", "Text\n"):
            source = prefix + text
            stock = list(fold_rows(STOCK_BLOCKS.parse(source, {})))
            assert token_fields(parse._BLOCKS.parse(source, {})) == token_fields(stock), source


@pytest.mark.parametrize(
    "delimiter",
    ["|-|-|", "|:-:|--:|", "-|-", "| - | - |", "|-|", "|-|-|-|", "- -", "|-||-|", "|a|-|"],
)
def test_delimiter_rows_are_read_as_markdown_it_reads_them(delimiter: str) -> None:
    source = f"| a | b |\n{delimiter}\n| 1 | 2 |\n"
    stock = list(fold_rows(STOCK_BLOCKS.parse(source, {})))
    assert token_fields(parse._BLOCKS.parse(source, {})) == token_fields(stock)


def test_a_table_ends_after_as_many_empty_cells_as_markdown_it_fills_in() -> None:
    header = "|" + "|".join(f" c{i} " for i in range(1000)) + "|\n"
    source = header + "|---" * 1000 + "|\n" + "| x |\n" * 80
    fast = parse._BLOCKS.parse(source, {})
    assert token_fields(fast) == token_fields(fold_rows(STOCK_BLOCKS.parse(source, {})))
    assert 1 < sum(token.type == ROW for token in fast) < 80


@pytest.mark.parametrize("chain", ["", "paragraph", "reference", "blockquote", "list"])
def test_the_table_rule_interrupts_what_markdown_its_interrupts(chain: str) -> None:
    stock = STOCK_BLOCKS.block.ruler.getRules(chain)
    fast = parse._BLOCKS.block.ruler.getRules(chain)
    assert (table in fast) == (rules_block.table in stock)
    assert [rule.__name__ for rule in fast] == [rule.__name__ for rule in stock]
