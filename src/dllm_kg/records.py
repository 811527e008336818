"""Typed records that the parser hands to the graph builder, each with its source row."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; the values match SHACL's severities."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One table row of the list: where it is and what it said.

    :param file: the list's file name, as shown in findings.
    :param line: 1-based line number of the row.
    :param section: the table's heading, e.g. ``I. Distributed LLMs``.
    :param section_key: a stable key for the table, e.g. ``distributed-llms``.
    :param number: the row's number (the ``No.`` cell, else its position in the table).
    :param raw: the row's raw Markdown line.
    """

    file: str
    line: int
    section: str
    section_key: str
    number: int
    raw: str


@dataclass(frozen=True, slots=True)
class Finding:
    """Something about the list that a maintainer should know, tied to a line.

    :param covers: the code of a shape's finding that this one already explains, on the same
        row (a refused Url cell leaves the paper with no link: ``missing-link``); empty if none.
    """

    severity: Severity
    code: str
    message: str
    file: str
    line: int
    row: SourceRow | None = None
    covers: str = field(default="", kw_only=True)

    def __str__(self) -> str:
        """Format the finding as ``file:line: severity: message``, like a linter."""
        where = f"row {self.row.number}: " if self.row else ""
        return f"{self.file}:{self.line}: {self.severity.value.lower()}: {where}{self.message}"


@dataclass(frozen=True, slots=True)
class Size:
    """A parameter count read from a cell such as ``1.1B`` or ``<=1B``.

    :param value: the number of parameters.
    :param exact: False when the list only gives an upper bound.
    """

    value: int
    exact: bool = True


@dataclass(frozen=True, slots=True)
class PaperRow:
    """A row of table I or II: one listing of a paper."""

    row: SourceRow
    title: str
    survey: bool
    link: str | None
    code: str | None
    cells: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ModelRow:
    """A row of table III: one small language model."""

    row: SourceRow
    name: str
    size: Size | None
    link: str | None
    cells: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Person:
    """An author as a BibTeX entry names them: given names, and the family name with its
    ``von`` part (``van der Berg``); a group (``{The Vicuna Team}``) has a family name only."""

    given: str
    family: str

    @property
    def name(self) -> str:
        """The name as it is read: given names first."""
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True, slots=True)
class Citation:
    """One entry of the list's BibTeX block, its LaTeX read to plain text.

    :param key: the entry's key in the block, e.g. ``wu2023fast``.
    :param entry_type: ``article``, ``inproceedings``, ``misc``, ...
    :param line: the 1-based line of the list file where the entry starts.
    :param venue: the journal or proceedings (``journal``, else ``booktitle``), or "".
    :param identifiers: arXiv ids and DOIs the entry gives anywhere, as ``arxiv:ID`` and
        ``doi:10.x/y`` (DOIs in lower case), in the order found.
    """

    key: str
    entry_type: str
    line: int
    title: str
    authors: tuple[Person, ...]
    year: str
    venue: str
    identifiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedList:
    """Everything read from one list file."""

    source: str
    papers: tuple[PaperRow, ...]
    models: tuple[ModelRow, ...]
    findings: tuple[Finding, ...]
    #: The entries of the list's ``bibtex`` code blocks (the citations section), in order.
    citations: tuple[Citation, ...] = ()

    @property
    def rows(self) -> int:
        """How many table rows were read."""
        return len(self.papers) + len(self.models)
