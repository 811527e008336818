"""markdown-it-py's GFM table rule, emitting one token per row instead of one per cell.

The rule decides exactly as markdown-it-py 4's ``rules_block/table.py`` (MIT licence,
Copyright (c) 2020 ExecutableBookProject) does where a table starts and ends and how its rows
split into cells: its code is kept, in smaller functions. Only what it emits differs: a
``table_open`` and a ``table_close`` token with the table's lines (``map``), and between them
one ``table_row`` token per row, header first, with the row's lines and its cells' trimmed
text in ``meta["cells"]`` (as many cells as the header has). Stock markdown-it emits eleven
tokens for a row of three cells; a long list's parse spends most of its time making them.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import isStrSpace, mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS, getLine, headerLineRe

#: The token type of a row, header or body; its ``meta["cells"]`` holds the cells' text.
ROW = "table_row"
#: The rules whose text a table may interrupt, as markdown-it registers its own table rule.
INTERRUPTS = ["paragraph", "reference"]
#: The characters a delimiter row may hold besides spaces.
_DELIMITER_CHARACTERS = ("|", "-", ":")
#: A pipe that separates cells: one without a backslash before it (``\|`` is a pipe in a cell).
_CELL_PIPE = re.compile(r"(?<!\\)\|")


def table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The block rule: read a table at line ``start`` (only say whether one is there if silent)."""
    aligns = _delimiter_aligns(state, start, end)
    if aligns is None:
        return False
    columns = _header_cells(state, start)
    if columns is None or not columns or len(columns) != len(aligns):
        return False
    if silent:
        return True
    _emit_table(state, start, end, columns)
    return True


def split_row(text: str) -> list[str]:
    """Split a row at its unescaped pipes, as markdown-it's ``escapedSplit`` does, but faster.

    A pipe after a backslash stays in the cell, and that backslash goes.

    >>> split_row(r"| a | b \\| c |")
    ['', ' a ', ' b | c ', '']
    """
    if "\\" not in text:
        return text.split("|")
    return [cell.replace("\\|", "|") for cell in _CELL_PIPE.split(text)]


def _delimiter_aligns(state: StateBlock, start: int, end: int) -> list[str] | None:
    """The alignments of the delimiter row below ``start``, or None if it is none."""
    if start + 2 > end:
        return None
    line = start + 1
    if state.sCount[line] < state.blkIndent or state.is_code_block(line):
        return None
    pos = state.bMarks[line] + state.tShift[line]
    if pos >= state.eMarks[line]:
        return None
    first_ch = state.src[pos]
    pos += 1
    if first_ch not in _DELIMITER_CHARACTERS or pos >= state.eMarks[line]:
        return None
    second_ch = state.src[pos]
    pos += 1
    if second_ch not in _DELIMITER_CHARACTERS and not isStrSpace(second_ch):
        return None
    if first_ch == "-" and isStrSpace(second_ch):
        return None  # a list item, not a delimiter row
    while pos < state.eMarks[line]:
        ch = state.src[pos]
        if ch not in _DELIMITER_CHARACTERS and not isStrSpace(ch):
            return None
        pos += 1
    return _aligns(getLine(state, line).split("|"))


def _aligns(columns: list[str]) -> list[str] | None:
    """The alignment of each delimiter cell (``""``, left, right, center), or None if wrong."""
    aligns = []
    for i, column in enumerate(columns):
        t = mdTrim(column)
        if not t:
            # empty columns are allowed before and after the table, not between columns
            if i == 0 or i == len(columns) - 1:
                continue
            return None
        if not headerLineRe.search(t):
            return None
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        elif t[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")
    return aligns


def _header_cells(state: StateBlock, start: int) -> list[str] | None:
    """The header row's cells, untrimmed, or None if the line is no header row."""
    text = mdTrim(getLine(state, start))
    if "|" not in text or state.is_code_block(start):
        return None
    return _strip_edges(split_row(text))


def _strip_edges(columns: list[str]) -> list[str]:
    """Drop the empty first and last cells that a row's enclosing pipes make."""
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def _emit_table(
    state: StateBlock,
    start: int,
    end: int,
    header: list[str],
) -> None:
    """Push the table's tokens: its header and every body row up to the line ending it."""
    parent = state.parentType
    state.parentType = "table"
    # markdown-it ends a table where a blockquote would end: its terminators are the same
    terminators = state.md.block.ruler.getRules("blockquote")
    token = state.push("table_open", "table", 1)
    token.map = lines = [start, 0]
    _push_row(state, start, [mdTrim(cell) for cell in header])
    width = len(header)
    autocompleted = 0
    line = start + 2
    while line < end:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end, True) for rule in terminators):
            break
        text = mdTrim(getLine(state, line))
        if not text or state.is_code_block(line):
            break
        columns = _strip_edges(split_row(text))
        autocompleted += width - len(columns)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        cells = [mdTrim(cell) for cell in columns[:width]]
        _push_row(state, line, cells + [""] * (width - len(cells)))
        line += 1
    state.push("table_close", "table", -1)
    lines[1] = line
    state.parentType = parent
    state.line = line


def _push_row(state: StateBlock, line: int, cells: list[str]) -> None:
    """Push one row's token: its line and its cells' text."""
    token = state.push(ROW, "tr", 0)
    token.map = [line, line + 1]
    token.meta = {"cells": cells}
