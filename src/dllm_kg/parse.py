"""Read the list's three Markdown tables into records, reporting every quirk by line."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.token import Token

from dllm_kg.errors import DllmKgError
from dllm_kg.identifiers import link_problem, slug
from dllm_kg.mdtable import INTERRUPTS, ROW, split_row, table
from dllm_kg.records import (
    Finding,
    ModelRow,
    PaperRow,
    ParsedList,
    Severity,
    Size,
    SourceRow,
)

#: Raw HTML that holds table rows or cells: the parser reads Markdown tables only.
_HTML_TABLE = re.compile(r"<(table|tr|td)\b", re.IGNORECASE)
#: Raw HTML whose text is meant to be kept as it is, not read: comments, ``<pre>``, scripts.
_VERBATIM_HTML = re.compile(r"\s*<(?:[!?]|(?:pre|script|style|textarea)\b)", re.IGNORECASE)
#: The blockquote markers (``> ``, ``> > ``) before a line's content.
_QUOTE_MARKERS = re.compile(r"^(?:[ \t]*>)+")
#: The marker that flags a survey in table I, kept apart from the title.
SURVEY_MARKERS = ("✅", "[Survey Article]")
#: Cells that mean "no link".
EMPTY_CELLS = frozenset({"", "n/a", "na", "-", "—", "none"})
#: The tables we know, by their normalised column names.
PAPER_COLUMNS = ("paper title", "url", "code")
MODEL_COLUMNS = ("model name", "parameters", "url")
NUMBER_COLUMN = "no."
#: Why a line that looks like a row is not one: what ends a table in Markdown.
UNREAD_ROW = "no table holds it (a blank line, a heading, a rule or an indented line ends a table)"
#: Why a row in raw HTML (``<details>``, ``<div>`` and no blank line after it) is not read.
UNREAD_ROW_IN_HTML = "raw HTML holds it (leave a blank line between the HTML tags and the table)"
#: Why a row just above a ``---`` or ``===`` line (a setext heading) is not read.
UNREAD_ROW_IN_HEADING = "a --- or === line under it makes it a heading (put a blank line between)"
#: Format characters that join letters and emoji (ZWNJ, ZWJ): part of the text, not hidden.
JOINERS = frozenset("\u200c\u200d")
#: The byte-order mark some editors write first: not content, so read away.
BYTE_ORDER_MARK = "\ufeff"

#: Line breaks as markdown-it counts them (str.splitlines also breaks at \f, \x1c, U+2028, ...).
_LINE_BREAK = re.compile(r"\r\n?|\n")
_SIZE = re.compile(r"^(?P<bound><=|≤|<)?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMBT])$", re.I)
_UNITS = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
#: A cell that is one inline link and nothing else, ``[Link](https://host/path)``, whose text
#: holds no markup and whose destination markdown-it keeps as it is: http(s), an ASCII host
#: in labels of at most 63 characters, and only characters that its normaliser leaves alone.
_PLAIN_LINK = re.compile(
    r"\[(?P<text>[^][*_`<>&\\!~]+)\]"
    r"\((?P<href>https?://(?P<host>[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*)"
    r"(?:[/?#](?:[A-Za-z0-9._~:/?#@!$+,;=*-]|%[0-9A-Fa-f]{2})*)?)\)"
)
#: The longest host name markdown-it's URL parser keeps (longer ones it drops).
_MAX_HOST = 255
#: A cell that is bold text and nothing else (``**Name**``), its text without markup.
_PLAIN_BOLD = re.compile(r"\*\*(?P<text>[^][*_`<>&\\!~]+)\*\*")
#: Text with one pair of brackets that is no inline link (``✅[Survey Article]Title``): with no
#: link definitions to make it a reference link, markdown-it keeps it as text.
_BRACKETED_TEXT = re.compile(r"[^][*_`<>&\\!~]*\[[^][*_`<>&\\!~]+\](?!\()[^][*_`<>&\\!~]*")
#: Inline tokens whose content is visible text; raw HTML is kept as the text it is.
_TEXT_TOKENS = frozenset({"text", "code_inline", "softbreak", "html_inline"})
_HEADING_TOKENS = _TEXT_TOKENS - {"html_inline"}
#: Characters that may start inline markup; a cell with none of them is plain text.
_MARKUP = frozenset("[]*_`<>&\\!~")
#: A delimiter row as markdown-it's table rule first sees it (``|---|:-:|``).
_DELIMITER_ROW = re.compile(r"^[-:|][-:|\s]*$")
#: Link definitions (``[r1]: https://...``) as ``(label, href, title)``; a frozenset keeps
#: its hash, so that it is a cheap key of the cells' cache.
_References = frozenset[tuple[str, str, str]]


#: Block structure only: cells are parsed inline one by one, and only where they hold markup.
#: Its table rule is markdown-it's own, emitting one token per row (see :mod:`dllm_kg.mdtable`).
_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")
_BLOCKS.block.ruler.at("table", table, {"alt": INTERRUPTS})
_INLINE = MarkdownIt("commonmark")
# Keep every link and link definition markdown-it finds: the reader refuses unsafe schemes
# itself, with a finding, instead of markdown-it turning them silently into text.
_BLOCKS.validateLink = _INLINE.validateLink = lambda url: True


class ListError(DllmKgError):
    """The input cannot be read at all (missing, unreadable, not text)."""


def parse_file(path: Path, label: str | None = None) -> ParsedList:
    """Parse a list file; ``label`` is the name that findings print (default: the file name).

    :raises ListError: when the file cannot be read as UTF-8 text.
    """
    label = label or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ListError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ListError(f"{label}: is a folder, not a list file") from None
    except UnicodeDecodeError as error:
        raise ListError(f"{label}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ListError(f"{label}: cannot be read ({error.strerror})") from None
    return parse_text(text, label)


def parse_text(text: str, file: str = "<string>") -> ParsedList:
    """Parse the list's Markdown text into paper and model records.

    >>> parsed = parse_text("# I. Papers\\n| Paper Title | Url | Code |\\n|-|-|-|\\n"
    ...                     "| A Title | [Link](https://arxiv.org/pdf/2401.00001.pdf) | N/A |\\n")
    >>> parsed.papers[0].title, parsed.papers[0].row.line
    ('A Title', 4)
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    env: dict[str, Any] = {}
    with _collector_paused():
        tokens = _BLOCKS.parse(text, env)
        reader = _Reader(file, _LINE_BREAK.split(text), _references(env))
        reader.read(tokens)
    if not reader.papers and not reader.models:
        message = "the list's tables have no rows" if reader.tables else "no paper or model table"
        reader.finding(Severity.VIOLATION, "no-tables", message, 1)
    return ParsedList(
        source=file,
        papers=tuple(reader.papers),
        models=tuple(reader.models),
        findings=tuple(reader.findings),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while parsing: a long list makes millions of objects.

    They all stay alive to the end, and each full collection would walk them all again, so
    that a row would cost more the longer the list.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_size(cell: str) -> Size | None:
    """Read a parameter count such as ``124M``, ``1.1B`` or ``<=1B``.

    >>> parse_size("14.5M"), parse_size("<=1B"), parse_size("big")
    (Size(value=14500000, exact=True), Size(value=1000000000, exact=False), None)
    """
    match = _SIZE.match(cell.strip())
    if not match:
        return None
    try:
        number = Decimal(match["number"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    value = number * _UNITS[match["unit"].upper()]
    if value != value.to_integral_value():
        return None
    return Size(int(value), exact=match["bound"] is None)


def section_key(heading: str) -> str:
    """A stable key for a table, from its heading without the numeral.

    >>> section_key("III. SLMs")
    'slms'
    """
    return slug(re.sub(r"^[IVXLC]+\.\s*", "", heading.strip()))


@dataclass(frozen=True, slots=True)
class _Table:
    """A table's heading and the column index of each known column."""

    heading: str
    key: str
    columns: dict[str, int]
    width: int

    @property
    def is_models(self) -> bool:
        return MODEL_COLUMNS[0] in self.columns


class _Reader:
    """Walks markdown-it's tokens and collects records and findings."""

    def __init__(
        self, file: str, lines: Sequence[str], references: _References = frozenset()
    ) -> None:
        self.file = file
        self.lines = lines
        self.references = references
        self.papers: list[PaperRow] = []
        self.models: list[ModelRow] = []
        self.findings: list[Finding] = []
        self.tables = 0

    def finding(
        self,
        severity: Severity,
        code: str,
        message: str,
        line: int,
        row: SourceRow | None = None,
        covers: str = "",
    ) -> None:
        finding = Finding(severity, code, message, self.file, line, row, covers=covers)
        self.findings.append(finding)

    def read(self, tokens: list[Token]) -> None:
        heading = ""
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                heading = _heading_text(tokens[index + 1])
            elif token.type == "table_open":
                self._read_table(tokens, index, heading)
            elif token.type == "html_block" and _HTML_TABLE.search(token.content):
                message = "HTML table not read: write its rows as a Markdown table"
                self.finding(Severity.VIOLATION, "table-not-read", message, token.map[0] + 1)
        self._report_unread_rows(tokens)

    def cell(self, content: str) -> _Cell:
        """A cell's visible text, link destinations and images; references resolved."""
        return _cell(content, self.references)

    def _read_table(self, tokens: list[Token], start: int, heading: str) -> None:
        rows = list(_table_rows(tokens, start))
        header, body = rows[0], rows[1:]
        names = [self.cell(cell).text.lower() for cell in header[1]]
        columns = {name: i for i, name in enumerate(names)}
        table = _Table(heading, section_key(heading), columns, len(names))
        if not (set(PAPER_COLUMNS) <= set(names) or set(MODEL_COLUMNS) <= set(names)):
            line = header[0] + 1
            message = f"table with columns {names} is not one of the list's tables; skipped"
            self.finding(Severity.WARNING, "unknown-table", message, line)
            return
        self.tables += 1
        if not table.key:
            self._report_no_section(heading, header[0] + 1)
        for position, (line_index, cells) in enumerate(body, start=1):
            self._read_row(table, position, line_index, cells)

    def _report_no_section(self, heading: str, line: int) -> None:
        """Name a table whose heading gives no section key (its rows' IRIs would lack one)."""
        if heading:
            message = f"table heading {heading!r} has no words to name its section"
        else:
            message = "table has no heading above it to name its section"
        self.finding(Severity.WARNING, "no-section", message, line)

    def _report_unread_rows(self, tokens: list[Token]) -> None:
        """Name every line that looks like a table row but that no table read."""
        unread = _unread_rows(tokens, self.lines)
        header: int | None = None  # the line of the table, not read, that the rows belong to
        for index, reason in unread.items():
            if index - 1 not in unread:
                header = None
            if header is None and index + 1 in unread and (widths := self._mismatch(index)):
                header = index
                self._report_unread_table(index, *widths)
            elif header is None or index > header + 1:  # not the delimiter row of the header
                self._report_unread_row(index, reason, header)

    def _report_unread_table(self, index: int, header: int, delimiter: int) -> None:
        """Name a table that markdown-it did not read: its delimiter row does not fit."""
        message = f"table not read: its delimiter row has {delimiter} cells, the header {header}"
        self.finding(Severity.VIOLATION, "table-not-read", message, index + 1)

    def _report_unread_row(self, index: int, reason: str, header: int | None) -> None:
        """Name a row not read, for its ``reason`` or because its table (``header``) is not."""
        if header is not None:
            reason = f"its table (line {header + 1}) is not read"
        self.finding(Severity.VIOLATION, "row-not-read", f"table row not read: {reason}", index + 1)

    def _mismatch(self, index: int) -> tuple[int, int] | None:
        """The widths of a header and of the delimiter row below it, when they differ."""
        header, delimiter = self.lines[index], self.lines[index + 1]
        if not _is_delimiter(self.lines, index + 1):
            return None
        widths = len(_row_cells(header)), len(_row_cells(delimiter))
        return widths if widths[0] != widths[1] else None

    def _read_row(self, table: _Table, position: int, line_index: int, cells: list[str]) -> None:
        raw = self.lines[line_index]
        number = self._row_number(table, position, line_index, cells)
        row = SourceRow(self.file, line_index + 1, table.heading, table.key, number, raw)
        self._check_width(table, row)
        texts = tuple(cells)
        if table.is_models:
            self.models.append(self._model(table, row, cells, texts))
        else:
            self.papers.append(self._paper(table, row, cells, texts))

    def _row_number(self, table: _Table, position: int, line_index: int, cells: list[str]) -> int:
        column = table.columns.get(NUMBER_COLUMN)
        if column is None:
            return position
        text = self.cell(cells[column]).text
        if text.isdigit():
            return int(text)
        message = f"row number {text!r} is not a number; using its position {position}"
        self.finding(Severity.WARNING, "bad-row-number", message, line_index + 1)
        return position

    def _check_width(self, table: _Table, row: SourceRow) -> None:
        cells = _row_cells(row.raw)
        if len(cells) < table.width:
            message = f"row has {len(cells)} cells, the table {table.width}; the rest read as empty"
            self.finding(Severity.WARNING, "missing-cells", message, row.line, row)
        if len(cells) > table.width:
            extra = " | ".join(cell.strip() for cell in cells[table.width :])
            message = f"row has {len(cells)} cells, the table {table.width}; ignored: {extra!r}"
            self.finding(Severity.WARNING, "extra-cells", message, row.line, row)

    def _paper(
        self, table: _Table, row: SourceRow, cells: list[str], texts: tuple[str, ...]
    ) -> PaperRow:
        cell = cells[table.columns["paper title"]]
        title, survey = _split_survey_marker(self.cell(cell).text)
        if not title:
            self.finding(Severity.VIOLATION, "missing-title", "paper has no title", row.line, row)
        self._check_characters(cell, "title", row)
        link = self._link(cells[table.columns["url"]], row, "paper link", "missing-link")
        code = self._link(cells[table.columns["code"]], row, "code link")
        return PaperRow(row, title, survey, link, code, texts)

    def _check_characters(self, content: str, what: str, row: SourceRow) -> None:
        """Name the control and format characters of a title or name's cell, before folding.

        Folding turns some into spaces; the rest stay, invisible or reordering the text.
        """
        if content.isprintable():  # no control or format character (nor any other hidden one)
            return
        found = sorted({ord(c) for c in content if _is_hidden(c)})
        if found:
            names = ", ".join(f"U+{code:04X}" for code in found)
            message = f"{what} holds control or format characters ({names}); remove them"
            self.finding(Severity.WARNING, "control-character", message, row.line, row)

    def _model(
        self, table: _Table, row: SourceRow, cells: list[str], texts: tuple[str, ...]
    ) -> ModelRow:
        cell = cells[table.columns["model name"]]
        name = self.cell(cell).text
        if not name:
            self.finding(Severity.VIOLATION, "missing-name", "model has no name", row.line, row)
        self._check_characters(cell, "name", row)
        size_text = self.cell(cells[table.columns["parameters"]]).text
        size = parse_size(size_text)
        if size is None:
            message = f"size {size_text!r} is not a parameter count such as 124M or 1.1B"
            self.finding(Severity.VIOLATION, "bad-size", message, row.line, row)
        elif not size.exact:
            message = f"size {size_text!r} is only an upper bound"
            self.finding(Severity.INFO, "size-bound", message, row.line, row)
        link = self._link(cells[table.columns["url"]], row, "model link", "missing-model-link")
        return ModelRow(row, name, size, link, texts)

    def _link(self, cell: str, row: SourceRow, what: str, missing: str = "") -> str | None:
        """The one URL of a link cell, reporting cells that are not a single clean link.

        ``missing`` is the code of the shape that reports a row without this link: a finding
        that leaves the link out covers it, so that the defect is named once.
        """
        text, hrefs, has_image = self.cell(cell)
        if not hrefs:
            if text.lower() in EMPTY_CELLS and not has_image:
                return None
            link = text if _looks_like_link(text) else None
            message = f"{what} cell {cell!r} is not a Markdown link"
            covers = "" if link else missing
            self.finding(Severity.WARNING, "malformed-link-cell", message, row.line, row, covers)
            if link is None:
                return None
            hrefs = (link,)
        if len(hrefs) > 1:
            message = f"{what} cell holds {len(hrefs)} links; reading the first"
            self.finding(Severity.WARNING, "several-links", message, row.line, row)
        href = hrefs[0]
        inner = _nested_href(href)
        if inner:
            message = f"{what} is a nested link [..]([..](..)); reading the inner target {inner}"
            self.finding(Severity.WARNING, "nested-link", message, row.line, row)
            href = inner
        problem = link_problem(href)
        if problem:
            message = f"{what} {href!r} refused: {problem}"
            self.finding(Severity.VIOLATION, "refused-link", message, row.line, row, missing)
            return None
        return href


def _references(env: dict[str, Any]) -> _References:
    """The link definitions that markdown-it's block parse collected, hashable."""
    found = env.get("references", {})
    return frozenset((label, ref["href"], ref["title"]) for label, ref in found.items())


def _row_cells(line: str) -> list[str]:
    """A row's cells as markdown-it splits them: the pipes that enclose a row open no cell."""
    cells = split_row(_content(line))
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _unread_rows(tokens: list[Token], lines: Sequence[str]) -> dict[int, str]:
    """The lines that look like table rows but that markdown-it did not read as a table.

    Each line's index maps to the reason no table holds it. A line looks like a row when it
    starts with a pipe. In text (not raw HTML) a line that holds a pipe looks like one too when
    it comes directly below a row or above a delimiter row, or, after blank lines, when it has
    as many cells as the row above them. Fenced code, HTML comments, ``#`` headings and list
    items are no rows; markdown-it's tables give the lines they read (``map``).
    """
    tables = _lines_of(t for t in tokens if t.type == "table_open")
    items = {t.map[0] for t in tokens if t.type == "list_item_open" and t.map}
    reasons = _text_lines(tokens)
    unread: dict[int, str] = {}
    width = 0  # the cells of the last row above, read or not, with only blank lines between
    for index, line in enumerate(lines):
        text = _content(line)
        if not text:
            continue
        cells = len(_row_cells(text))
        reason = None if index in items else reasons.get(index)
        after_row = index - 1 in tables or index - 1 in unread or cells == width
        among_rows = after_row or _is_delimiter(lines, index + 1)
        holds_row = reason != UNREAD_ROW_IN_HTML and cells > 1
        if reason and (text.startswith("|") or (holds_row and among_rows)):
            unread[index] = reason
        width = cells if index in tables or index in unread else 0
    return unread


def _text_lines(tokens: list[Token]) -> dict[int, str]:
    """The lines read as text that may hide a row, each with the reason no table holds it."""
    reasons: dict[int, str] = {}
    for token in tokens:
        if token.type in ("paragraph_open", "code_block"):
            reason = UNREAD_ROW
        elif token.type == "heading_open" and token.markup in ("-", "="):  # a setext heading
            reason = UNREAD_ROW_IN_HEADING
        elif token.type == "html_block" and not _VERBATIM_HTML.match(token.content):
            reason = UNREAD_ROW_IN_HTML
        else:
            continue
        reasons.update(dict.fromkeys(_lines_of([token]), reason))
    return reasons


def _content(line: str) -> str:
    """A line's content, trimmed, without the blockquote markers before it."""
    return mdTrim(_QUOTE_MARKERS.sub("", line, count=1))


def _is_delimiter(lines: Sequence[str], index: int) -> bool:
    """Whether a line looks like a table's delimiter row, with at least one pipe."""
    text = _content(lines[index]) if index < len(lines) else ""
    return "|" in text and "-" in text and bool(_DELIMITER_ROW.match(text))


def _lines_of(tokens: Iterable[Token]) -> set[int]:
    """The indexes of the lines that the tokens span."""
    return {line for token in tokens if token.map for line in range(*token.map)}


def _is_hidden(char: str) -> bool:
    """Whether a character is a control or format character (a tab and the joiners are not)."""
    category = unicodedata.category(char)
    return (category == "Cc" and char != "\t") or (category == "Cf" and char not in JOINERS)


def _looks_like_link(text: str) -> bool:
    """Whether a cell's plain text starts like a URL (``scheme:...``)."""
    try:
        return bool(urlsplit(text).scheme)
    except ValueError:
        return True  # a broken URL is still meant as a link: refused with a finding


def _table_rows(tokens: list[Token], start: int) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line index, cells' text)`` for the header and each body row."""
    for token in tokens[start + 1 :]:
        if token.type != ROW:
            return
        yield token.map[0], token.meta["cells"]


def _heading_text(inline: Token) -> str:
    """A heading's visible text: its HTML (such as an ``<a name>`` anchor) left out."""
    children = _INLINE.parseInline(inline.content)[0].children or ()
    text = "".join(child.content for child in children if child.type in _HEADING_TOKENS)
    return " ".join(text.split())


class _Cell(NamedTuple):
    """What a cell shows: its text (bold and link markup removed), links and images."""

    text: str
    hrefs: tuple[str, ...] = ()
    has_image: bool = False


def _cell(content: str, references: _References = frozenset()) -> _Cell:
    """A cell's visible text, links and images, parsed inline only where it has markup.

    The commonest shapes, most of the list's cells, are read without markdown-it (see
    :func:`_plain_cell`) to the same result; any other cell goes to markdown-it.
    """
    return _plain_cell(content, references) or _inline_cell(content, references)


def _plain_cell(content: str, references: _References) -> _Cell | None:
    """The cell as markdown-it reads it, for the shapes read without it; else None.

    The shapes: plain text, one plain link, bold text, text with brackets that are no link.
    """
    if _MARKUP.isdisjoint(content):
        return _Cell(" ".join(content.split()))
    link = _PLAIN_LINK.fullmatch(content)
    if link and len(link["host"]) <= _MAX_HOST:
        return _Cell(" ".join(link["text"].split()), (link["href"],))
    bold = _PLAIN_BOLD.fullmatch(content)
    if bold and not (bold["text"][0].isspace() or bold["text"][-1].isspace()):
        return _Cell(" ".join(bold["text"].split()))  # else not bold: ``** a**`` stays as it is
    if not references and _BRACKETED_TEXT.fullmatch(content):
        return _Cell(" ".join(content.split()))
    return None


@lru_cache(maxsize=8192)
def _inline_cell(content: str, references: _References = frozenset()) -> _Cell:
    """A cell's visible text, links and images, as markdown-it parses it inline."""
    tokens = _INLINE.parseInline(content, _env(references))
    children = [child for token in tokens for child in token.children or ()]
    text = "".join(child.content for child in children if child.type in _TEXT_TOKENS)
    hrefs = tuple(str(c.attrs.get("href", "")) for c in children if c.type == "link_open")
    has_image = any(child.type == "image" for child in children)
    return _Cell(" ".join(text.split()), hrefs, has_image)


@lru_cache(maxsize=8)
def _env(references: _References) -> dict[str, Any]:
    """The markdown-it environment that resolves reference links (``[Link][r1]``)."""
    return {"references": {label: {"href": h, "title": t} for label, h, t in references}}


def _nested_href(href: str) -> str | None:
    """The inner destination of a link written as ``[Link]([url](url2))``, else None."""
    text = unquote(href)
    if not text.startswith("["):
        return None
    inner = _cell(text).hrefs
    return inner[-1] if inner else None


def _split_survey_marker(text: str) -> tuple[str, bool]:
    """Remove the ``✅[Survey Article]`` marker from a title; say whether it was there."""
    survey = False
    for marker in SURVEY_MARKERS:
        if text.lower().startswith(marker.lower()):
            text, survey = text[len(marker) :].strip(), True
    return text, survey
