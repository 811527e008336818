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
from itertools import combinations
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS, mdTrim
from markdown_it.token import Token

from dllm_kg.identifiers import link_problem, slug
from dllm_kg.listfile import MAX_CELL_CHARS, MAX_LINES, MAX_ROWS, ListError, read_list_text
from dllm_kg.mdtable import INTERRUPTS, ROW, split_row, table
from dllm_kg.records import (
    Citation,
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
#: What markdown-it would turn into U+FFFD: the reader removes it instead, with a finding.
NUL = "\x00"
#: U+FFFD REPLACEMENT CHARACTER, named in a finding wherever a title or name holds it.
REPLACEMENT = "\ufffd"
#: Characters that fill a place but show nothing (besides control, format and space ones).
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: The names that :mod:`unicodedata` lacks: those of the control characters met in text.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x08: "BACKSPACE",
    0x09: "CHARACTER TABULATION",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x1C: "INFORMATION SEPARATOR FOUR",
    0x1D: "INFORMATION SEPARATOR THREE",
    0x1E: "INFORMATION SEPARATOR TWO",
    0x1F: "INFORMATION SEPARATOR ONE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}
#: The invisible characters named in one finding, at most; the rest are counted.
_NAMED_AT_MOST = 3
#: Characters that markdown-it trims from a cell's edges besides spaces and tabs.
_TRIMMED = frozenset(MD_TRIM_CHARS) - frozenset(" \t\n\r")
#: Runs of the whitespace that Markdown folds into one space, as a browser shows it.
_BLANKS = re.compile(r"[ \t]+")
#: A cell that is a number, like the No. column's (``16``, ``3.5``).
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
#: A cell that is a bare address (``https://arxiv.org/...``), a link written without markup.
_BARE_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:mailto|javascript|data):)\S*")
#: What each kind of column holds, by its cells' shapes (:func:`_shape`).
_LINK_SHAPES = frozenset({"link", "placeholder", "empty"})
_COLUMN_SHAPES = {
    NUMBER_COLUMN: frozenset({"number", "empty"}),
    "paper title": frozenset({"text", "empty"}),  # an empty title cell is in its place
    "url": _LINK_SHAPES,
    "code": _LINK_SHAPES,
}
#: What a title cell of each shape is, in the finding that says it is no title.
_NOT_A_TITLE = {"link": "a link", "number": "a number", "placeholder": "a placeholder"}

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


__all__ = ["ListError", "parse_file", "parse_size", "parse_text", "section_key"]


def parse_file(path: Path, label: str | None = None) -> ParsedList:
    """Parse a list file; ``label`` is the name that findings print (default: the file name).

    :raises ListError: when the file cannot be read as UTF-8 text, is not a regular file, or
        goes beyond a maximum of :mod:`dllm_kg.listfile`.
    """
    label = label or path.name
    return parse_text(read_list_text(path, label), label)


def parse_text(text: str, file: str = "<string>") -> ParsedList:
    """Parse the list's Markdown text into paper and model records.

    >>> parsed = parse_text("# I. Papers\\n| Paper Title | Url | Code |\\n|-|-|-|\\n"
    ...                     "| A Title | [Link](https://arxiv.org/pdf/2401.00001.pdf) | N/A |\\n")
    >>> parsed.papers[0].title, parsed.papers[0].row.line
    ('A Title', 4)
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    lines = _LINE_BREAK.split(text)
    if len(lines) - (lines[-1] == "") > MAX_LINES:
        message = f"more than {MAX_LINES:,} lines, the most a list may have"
        raise ListError(f"{file}:{MAX_LINES + 1}: {message}")
    removed = _removed_nuls(lines, file) if NUL in text else []
    if removed:
        text, lines = text.replace(NUL, ""), [line.replace(NUL, "") for line in lines]
    env: dict[str, Any] = {}
    with _collector_paused():
        tokens = _BLOCKS.parse(text, env)
        reader = _Reader(file, lines, _references(env))
        reader.findings.extend(removed)
        reader.read(tokens)
    citations, findings = _citations(reader.bibtex, file)
    reader.findings.extend(findings)
    if not reader.papers and not reader.models:
        message = "the list's tables have no rows" if reader.tables else "no paper or model table"
        reader.finding(Severity.VIOLATION, "no-tables", message, 1)
    return ParsedList(
        source=file,
        papers=tuple(reader.papers),
        models=tuple(reader.models),
        findings=tuple(reader.findings),
        citations=citations,
    )


def _citations(
    blocks: Sequence[tuple[int, str]], file: str
) -> tuple[tuple[Citation, ...], list[Finding]]:
    """The entries of the list's ``bibtex`` code blocks, and what is wrong with them."""
    if not blocks:  # most lists: bibtexparser is not even imported
        return (), []
    from dllm_kg.bibtex import read_bibtex

    citations: list[Citation] = []
    findings: list[Finding] = []
    for line, text in blocks:
        read, problems = read_bibtex(text, file, line)
        citations += read
        findings += problems
    return tuple(citations), findings


def _removed_nuls(lines: Sequence[str], file: str) -> list[Finding]:
    """A finding for each line that holds NUL characters, which the reader removes.

    markdown-it would read each as U+FFFD, the replacement character, and publish it.
    """
    findings = []
    for index, line in enumerate(lines):
        if NUL in line:
            columns = [column for column, char in enumerate(line, start=1) if char == NUL]
            where = _columns(columns)
            message = f"{_describe(NUL)} at {where} removed (a list's text holds no NUL)"
            finding = Finding(Severity.WARNING, "removed-character", message, file, index + 1)
            findings.append(finding)
    return findings


def _columns(columns: Sequence[int]) -> str:
    """``column 5`` or ``columns 5, 9 and 12``, the first few only."""
    if len(columns) == 1:
        return f"column {columns[0]}"
    shown = ", ".join(map(str, columns[:_NAMED_AT_MOST]))
    rest = len(columns) - _NAMED_AT_MOST
    return f"columns {shown} and {rest} more" if rest > 0 else f"columns {shown}"


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
    labels: tuple[str, ...] = ()

    @property
    def is_models(self) -> bool:
        return MODEL_COLUMNS[0] in self.columns

    def shapes(self) -> list[frozenset[str] | None]:
        """The cell shapes that each column holds (None: any)."""
        names = {index: name for name, index in self.columns.items()}
        return [_COLUMN_SHAPES.get(names.get(index, "")) for index in range(self.width)]


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
        #: The ``bibtex`` fenced code blocks: the line of their first entry line, their text.
        self.bibtex: list[tuple[int, str]] = []

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
            elif token.type == "fence" and token.info.strip().lower() == "bibtex":
                self.bibtex.append((token.map[0] + 2, token.content))
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
        labels = tuple(self.cell(cell).text for cell in header[1])
        names = [label.lower() for label in labels]
        columns = {name: i for i, name in enumerate(names)}
        table = _Table(heading, section_key(heading), columns, len(names), labels)
        if not (set(PAPER_COLUMNS) <= set(names) or set(MODEL_COLUMNS) <= set(names)):
            line = header[0] + 1
            message = f"table with columns {names} is not one of the list's tables; skipped"
            self.finding(Severity.WARNING, "unknown-table", message, line)
            return
        self.tables += 1
        if not table.key:
            self._report_no_section(heading, header[0] + 1)
        for position, (line_index, cells) in enumerate(body, start=1):
            if len(self.papers) + len(self.models) >= MAX_ROWS:
                message = f"more than {MAX_ROWS:,} table rows, the most a list may have"
                raise ListError(f"{self.file}:{line_index + 1}: {message}")
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
            if header is None and index + 1 in unread and (why := self._not_a_table(index)):
                header = index
                self._report_unread_table(index, why)
            elif header is None or index > header + 1:  # not the delimiter row of the header
                self._report_unread_row(index, reason, header)

    def _report_unread_table(self, index: int, why: str) -> None:
        """Name a table that markdown-it did not read: its delimiter row does not fit."""
        message = f"table not read: {why}"
        self.finding(Severity.VIOLATION, "table-not-read", message, index + 1)

    def _report_unread_row(self, index: int, reason: str, header: int | None) -> None:
        """Name a row not read, for its ``reason`` or because its table (``header``) is not."""
        if header is not None:
            reason = f"its table (line {header + 1}) is not read"
        message = f"table row not read: {reason}{self._invisible(index)}"
        self.finding(Severity.VIOLATION, "row-not-read", message, index + 1)

    def _not_a_table(self, index: int) -> str | None:
        """Why a header and the delimiter row below it make no table; None if they are none.

        Their widths differ, or an invisible character breaks the delimiter row.
        """
        header, delimiter = self.lines[index], _visible(self.lines[index + 1])
        if not _is_delimiter(self.lines, index + 1):
            return None
        widths = len(_row_cells(header)), len(_row_cells(delimiter))
        hidden = self._invisible(index) + self._invisible(index + 1)
        if widths[0] != widths[1]:
            return f"its delimiter row has {widths[1]} cells, the header {widths[0]}{hidden}"
        return f"an invisible character breaks it{hidden}" if hidden else None

    def _invisible(self, index: int) -> str:
        """``; invisible character U+200B ZERO WIDTH SPACE at line 36, column 1``, or ``""``."""
        return _invisible_note(self.lines[index], index + 1)

    def _read_row(self, table: _Table, position: int, line_index: int, cells: list[str]) -> None:
        raw = self.lines[line_index]
        if len(raw) > MAX_CELL_CHARS:
            self._check_cell_lengths(cells, line_index)
        count = len(_row_cells(raw))
        placed = None if table.is_models else self._placement(table, cells, count)
        texts = tuple(cells)
        if placed is not None:
            cells = [""] * table.width
            for index, column in enumerate(placed):
                cells[column] = texts[index]
        number = self._row_number(table, position, line_index, cells)
        row = SourceRow(self.file, line_index + 1, table.heading, table.key, number, raw)
        if placed is None:
            self._check_width(table, row, count)
        elif table.columns["paper title"] in placed:
            self._report_placed(table, row, placed)
        if not raw.isprintable():
            self._check_trimmed(raw, row)
        if table.is_models:
            self.models.append(self._model(table, row, cells, texts))
        else:
            self.papers.append(self._paper(table, row, cells, texts, placed))

    def _check_cell_lengths(self, cells: list[str], line_index: int) -> None:
        """Refuse a row with a cell longer than :data:`MAX_CELL_CHARS`."""
        longest = max(map(len, cells), default=0)
        if longest > MAX_CELL_CHARS:
            most = f"{MAX_CELL_CHARS:,}"
            message = f"a cell of {longest:,} characters; a cell may have {most} at most"
            raise ListError(f"{self.file}:{line_index + 1}: {message}")

    def _placement(self, table: _Table, cells: list[str], count: int) -> tuple[int, ...] | None:
        """The columns of a short row's cells read by their shapes, when they are not in place.

        A row of three cells in a table of four (``| 16 | [Link](..) | [GitHub](..) |``) lacks
        one: its cells are read into the first columns, in order, whose shapes they have
        (here No., Url and Code), never a link or a number as a title. None when the row is
        not short, when its cells fit their own columns, or when no placement fits.
        """
        if count >= table.width or count == 0:
            return None
        shapes = table.shapes()
        found = [_shape(self.cell(cell)) for cell in cells[:count]]
        for columns in combinations(range(table.width), count):
            pairs = zip(found, columns, strict=True)
            if all(_fits(shape, shapes[column]) for shape, column in pairs):
                return None if columns == tuple(range(count)) else columns
        return None

    def _report_placed(self, table: _Table, row: SourceRow, placed: tuple[int, ...]) -> None:
        """Name the cells a short row lacks (not its title), found by the shapes of the rest."""
        message = _placed(table, placed) + self._invisible(row.line - 1)
        self.finding(Severity.WARNING, "missing-cells", message, row.line, row)

    def _row_number(self, table: _Table, position: int, line_index: int, cells: list[str]) -> int:
        column = table.columns.get(NUMBER_COLUMN)
        if column is None:
            return position
        text = self.cell(cells[column]).text
        if text.isdigit():
            return int(text)
        message = f"row number {text!r} is not a number; using its position {position}"
        message += self._invisible(line_index)
        self.finding(Severity.WARNING, "bad-row-number", message, line_index + 1)
        return position

    def _check_width(self, table: _Table, row: SourceRow, count: int) -> None:
        if count < table.width:
            message = f"row has {count} cells, the table {table.width}; the rest read as empty"
            message += self._invisible(row.line - 1)
            self.finding(Severity.WARNING, "missing-cells", message, row.line, row)
        if count > table.width:
            cells = _row_cells(row.raw)
            extra = " | ".join(cell.strip() for cell in cells[table.width :])
            message = f"row has {count} cells, the table {table.width}; ignored: {extra!r}"
            message += self._invisible(row.line - 1)
            self.finding(Severity.WARNING, "extra-cells", message, row.line, row)

    def _check_trimmed(self, raw: str, row: SourceRow) -> None:
        """Name the characters that trimming a cell's edges removes besides spaces and tabs.

        markdown-it trims every cell of the CommonMark whitespace: U+000B, U+000C, and the
        Unicode spaces (U+00A0 NO-BREAK SPACE, U+3000, ...).
        """
        trimmed = _TRIMMED.intersection(raw)
        if not trimmed:
            return
        kept = [mdTrim(cell) for cell in split_row(mdTrim(_content(raw)))]
        lost = sorted(c for c in trimmed if raw.count(c) > sum(cell.count(c) for cell in kept))
        if lost:
            names = " and ".join(_describe(char) for char in lost)
            message = f"{names} removed from the edge of a cell (Markdown trims cells)"
            self.finding(Severity.INFO, "trimmed-character", message, row.line, row)

    def _paper(
        self,
        table: _Table,
        row: SourceRow,
        cells: list[str],
        texts: tuple[str, ...],
        placed: tuple[int, ...] | None = None,
    ) -> PaperRow:
        column = table.columns["paper title"]
        cell = cells[column]
        read = self.cell(cell)
        title, survey = _split_survey_marker(read.text)
        not_a_title = _NOT_A_TITLE.get(_shape(read))
        if survey and not not_a_title:  # the title after the marker: ``✅[Survey Article]16``
            not_a_title = _NOT_A_TITLE.get(_shape(_Cell(title)))
        if placed is not None and column not in placed:
            message = f"paper has no title: {_placed(table, placed)}{self._invisible(row.line - 1)}"
            self.finding(Severity.VIOLATION, "missing-title", message, row.line, row)
        elif not_a_title:
            title = ""
            message = f"paper has no title: its {table.labels[column]} cell {cell!r} is "
            message += f"{not_a_title}, not a title{self._invisible(row.line - 1)}"
            self.finding(Severity.VIOLATION, "missing-title", message, row.line, row)
        elif not title:
            message = "paper has no title" + self._invisible(row.line - 1)
            self.finding(Severity.VIOLATION, "missing-title", message, row.line, row)
        self._check_characters(cell, read.text, "title", row)
        link = self._link(cells[table.columns["url"]], row, "paper link", "missing-link")
        code = self._link(cells[table.columns["code"]], row, "code link")
        return PaperRow(row, title, survey, link, code, texts)

    def _check_characters(self, content: str, text: str, what: str, row: SourceRow) -> None:
        """Name the control and format characters of a title or name, which stay in it.

        They are looked for in the cell as written and in its text as read (``&#27;`` is an
        escape character too); so is U+FFFD, the replacement character.
        """
        hidden = not (content.isprintable() and text.isprintable())
        found = sorted({ord(c) for c in content + text if _is_hidden(c)}) if hidden else []
        if found:
            names = ", ".join(f"U+{code:04X}" for code in found)
            message = f"{what} holds control or format characters ({names}); remove them"
            self.finding(Severity.WARNING, "control-character", message, row.line, row)
        if REPLACEMENT in text:
            self._report_replacement(content, what, row)

    def _report_replacement(self, content: str, what: str, row: SourceRow) -> None:
        """Name U+FFFD in a title or name: a character lost before, or a bad reference."""
        if REPLACEMENT in content:
            why = "a character lost to a wrong encoding before the list was written; kept"
        else:
            why = "made from a character reference that names no character, such as &#0;"
        message = f"{what} holds {_describe(REPLACEMENT)}: {why}"
        self.finding(Severity.WARNING, "replacement-character", message, row.line, row)

    def _model(
        self, table: _Table, row: SourceRow, cells: list[str], texts: tuple[str, ...]
    ) -> ModelRow:
        cell = cells[table.columns["model name"]]
        name = self.cell(cell).text
        if not name:
            self.finding(Severity.VIOLATION, "missing-name", "model has no name", row.line, row)
        self._check_characters(cell, name, "name", row)
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
        text, hrefs, has_image, _ = self.cell(cell)
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


def _placed(table: _Table, placed: tuple[int, ...]) -> str:
    """What a short row lacks and how its cells are read (:meth:`_Reader._placement`)."""
    lacking = " or ".join(table.labels[i] for i in range(table.width) if i not in placed)
    read = ", ".join(table.labels[i] for i in placed)
    return (
        f"the row has {len(placed)} cells, the table {table.width}, and no {lacking} cell; "
        f"its cells are read by their shapes as {read}"
    )


def _shape(cell: _Cell) -> str:
    """What a cell is: ``empty``, a ``placeholder`` (N/A), a ``number``, a ``link`` or ``text``.

    >>> [_shape(_cell(c)) for c in ("", "N/A", "16", "[Link](https://a.org)", "A Title")]
    ['empty', 'placeholder', 'number', 'link', 'text']
    """
    text = cell.text
    if cell.all_linked or (":" in text and _BARE_URL.fullmatch(text)):
        return "link"
    if not text:
        return "empty"
    if len(text) < 5 and text.lower() in EMPTY_CELLS:
        return "placeholder"
    return "number" if text[0].isdigit() and _NUMBER.fullmatch(text) else "text"


def _fits(shape: str, shapes: frozenset[str] | None) -> bool:
    """Whether a cell of a shape may stand in a column that holds ``shapes`` (None: any)."""
    return shapes is None or shape in shapes


def _describe(char: str) -> str:
    r"""A character's code point and name, ``U+200B ZERO WIDTH SPACE``.

    >>> _describe("\u200b"), _describe("\x00")
    ('U+200B ZERO WIDTH SPACE', 'U+0000 NULL')
    """
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "") or "(a control character)"
    return f"U+{code:04X} {name}"


def _is_invisible(char: str) -> bool:
    """Whether a character shows nothing where it stands, or only a space that is no space."""
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp") or (category == "Zs" and char != " "):
        return char != "\t"
    return char in _FILLERS


def _invisible_note(line: str, number: int) -> str:
    """``; invisible character U+200B ZERO WIDTH SPACE at line 36, column 1`` or ``""``."""
    if line.isprintable() and not _FILLERS.intersection(line):
        return ""
    found = [(column, c) for column, c in enumerate(line, start=1) if _is_invisible(c)]
    if not found:
        return ""
    named = [f"{_describe(c)} at line {number}, column {column}" for column, c in found]
    shown = " and ".join(named[:_NAMED_AT_MOST])
    more = f" and {len(named) - _NAMED_AT_MOST} more" if len(named) > _NAMED_AT_MOST else ""
    plural = "s" if len(named) > 1 else ""
    return f"; invisible character{plural} {shown}{more}"


def _visible(line: str) -> str:
    """A line without its invisible characters."""
    if line.isprintable() and not _FILLERS.intersection(line):
        return line
    return "".join(c for c in line if not _is_invisible(c) or c == " ")


def _fold(text: str) -> str:
    r"""Text as a browser shows it: runs of spaces and tabs as one space, none at the ends.

    Only spaces and tabs: other whitespace (U+00A0, U+000B, ...) stays as it is.

    >>> _fold("  A\t\tTitle  "), _fold("A\u00a0Title")
    ('A Title', 'A\xa0Title')
    """
    if text.isprintable():  # the only whitespace it can hold is the space
        return " ".join(text.split())
    return _BLANKS.sub(" ", text).strip(" ")


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
    text = _content(_visible(lines[index])) if index < len(lines) else ""
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
    return _fold(text)


class _Cell(NamedTuple):
    """What a cell shows: its text (bold and link markup removed), links and images.

    ``all_linked``: the cell holds links and no text outside them (it is no title).
    """

    text: str
    hrefs: tuple[str, ...] = ()
    has_image: bool = False
    all_linked: bool = False


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
        return _Cell(_fold(content))
    link = _PLAIN_LINK.fullmatch(content)
    if link and len(link["host"]) <= _MAX_HOST:
        return _Cell(_fold(link["text"]), (link["href"],), all_linked=True)
    bold = _PLAIN_BOLD.fullmatch(content)
    if bold and not (bold["text"][0].isspace() or bold["text"][-1].isspace()):
        return _Cell(_fold(bold["text"]))  # else not bold: ``** a**`` stays as it is
    if not references and _BRACKETED_TEXT.fullmatch(content):
        return _Cell(_fold(content))
    return None


@lru_cache(maxsize=8192)
def _inline_cell(content: str, references: _References = frozenset()) -> _Cell:
    """A cell's visible text, links and images, as markdown-it parses it inline."""
    tokens = _INLINE.parseInline(content, _env(references))
    children = [child for token in tokens for child in token.children or ()]
    text = "".join(child.content for child in children if child.type in _TEXT_TOKENS)
    hrefs = tuple(str(c.attrs.get("href", "")) for c in children if c.type == "link_open")
    has_image = any(child.type == "image" for child in children)
    all_linked = bool(hrefs) and not _fold(_unlinked_text(children))
    return _Cell(_fold(text), hrefs, has_image, all_linked)


def _unlinked_text(children: list[Token]) -> str:
    """The visible text of a cell's inline tokens that no link holds."""
    depth, parts = 0, []
    for child in children:
        depth += (child.type == "link_open") - (child.type == "link_close")
        if depth == 0 and child.type in _TEXT_TOKENS:
            parts.append(child.content)
    return "".join(parts)


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
            text, survey = text[len(marker) :].lstrip(" "), True
    return text, survey
