"""Write a list's Markdown again from its graph: each table row from the listing the graph holds.

The graph holds each row as a listing (a ``prov:Entity`` source node with its line, row number
and text) of a paper or model, whose title, survey flag, links, code and size it holds too.
The regenerated file is the list file with each such row written again from those values;
every other line (headings, introduction, licence, the text between tables, the BibTeX block,
a table's header and delimiter rows) is kept as the list has it: that text is not knowledge,
and the graph does not hold it (see the README, "The list regenerated from the graph").

What the graph knows is written in one spelling: ``| No. | Title | [Link](url) | [GitHub](url) |``
with one space around each cell, links without tracking parameters (``utm_source``, ...) and
nested links replaced by their inner target. What the graph cannot tell apart is kept as the
row writes it: a link's label, bold names, ``0.5B`` against ``500M``. A row that says the same
as the graph, in that spelling, is written as it is: on a list without defects the output is
the input, byte for byte.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.errors import DllmKgError
from dllm_kg.identifiers import Scheme, iri_safe, normalise, strip_tracking
from dllm_kg.listfile import read_list_text
from dllm_kg.namespaces import DLLM
from dllm_kg.parse import (
    BYTE_ORDER_MARK,
    NUMBER_COLUMN,
    SURVEY_MARKERS,
    parse_size,
    read_cell,
    read_title,
    row_cells,
    table_columns,
)
from dllm_kg.records import Size

#: The survey marker before a survey's title, as the list writes it.
SURVEY_MARKER = "".join(SURVEY_MARKERS)
#: The lines of a unified diff that ``--check`` prints at most; the rest are counted.
DIFF_LINES = 40
#: The label of a link cell whose row gives none (or a URL as its label), by column.
DEFAULT_LABELS = {"url": "Link", "code": "Code"}
#: The label of a code link to GitHub, when the row gives none.
GITHUB_LABEL = "GitHub"
#: Line breaks as the reader counts them, kept (:mod:`dllm_kg.parse`).
_LINE_BREAK = re.compile(r"(\r\n?|\n)")
#: What stands before a row's first cell: blockquote markers and indentation, kept.
_ROW_PREFIX = re.compile(r"(?:[ \t]*>)*[ \t]*")
#: A cell that is bold text and nothing else, written so again.
_BOLD = re.compile(r"\*\*\S(?:.*\S)?\*\*")
#: A link cell's label: the text in its first brackets.
_LABEL = re.compile(r"\[(?P<label>[^][]+)\]\(")
#: ASCII punctuation that may start inline markup: backslash-escaped where a text needs it.
_MARKUP = re.compile(r"([\\`*_\[\]<>&!~])")
#: Parameter-count units, largest first (:func:`dllm_kg.parse.parse_size` reads them).
_UNITS = (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3))

_DERIVED_FROM, _TYPE = ox.NamedNode(str(PROV.wasDerivedFrom)), ox.NamedNode(str(RDF.type))
_PAPER, _MODEL = ox.NamedNode(str(DLLM.Paper)), ox.NamedNode(str(DLLM.Model))
_LINE, _NUMBER = ox.NamedNode(str(DLLM.sourceLine)), ox.NamedNode(str(DLLM.rowNumber))
_TEXT, _LISTED = ox.NamedNode(str(DLLM.sourceText)), ox.NamedNode(str(DLLM.listedLink))
_TITLE, _LABEL_PROPERTY = ox.NamedNode(str(DCTERMS.title)), ox.NamedNode(str(RDFS.label))
_IS_SURVEY, _LINK = ox.NamedNode(str(DLLM.isSurvey)), ox.NamedNode(str(DLLM.link))
_HAS_CODE = ox.NamedNode(str(DLLM.hasCode))
_COUNT, _MAX_COUNT = (
    ox.NamedNode(str(DLLM.parameterCount)),
    ox.NamedNode(str(DLLM.maxParameterCount)),
)


class MarkdownError(DllmKgError):
    """The regenerated list cannot be written."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One table row as the graph holds it: a listing of a paper or a model.

    :param raw: the row as the list wrote it (``dllm:sourceText``): only its spelling is
        used (a link's label, bold), and its cells where the graph holds nothing.
    :param name: the paper's title or the model's name; None when the graph has none.
    :param link: the listing's link as written again: the listed link without tracking
        parameters, or the canonical link when the list gave that.
    """

    line: int
    number: int
    raw: str
    is_model: bool
    name: str | None
    survey: bool = False
    link: str | None = None
    code: str | None = None
    size: Size | None = None


@dataclass(frozen=True, slots=True)
class Regenerated:
    """A list file's text and the text regenerated from its graph."""

    source: str
    text: str
    regenerated: str

    @property
    def changed(self) -> bool:
        """Whether the regenerated text differs from the file's."""
        return self.text != self.regenerated

    def diff(self, most: int = DIFF_LINES) -> str:
        """A unified diff from the file to the regenerated text, at most ``most`` lines."""
        lines = list(
            difflib.unified_diff(
                self.text.splitlines(keepends=True),
                self.regenerated.splitlines(keepends=True),
                fromfile=self.source,
                tofile=f"{self.source} (from the graph)",
            )
        )
        shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines[:most])
        rest = len(lines) - most
        return shown + (f"... and {rest} more diff lines\n" if rest > 0 else "")

    def summary(self) -> str:
        """One line: whether the file would change, and how many of its lines."""
        if not self.changed:
            return f"{self.source}: unchanged (the graph writes it as it is)"
        old, new = self.text.splitlines(), self.regenerated.splitlines()
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        changed = sum(
            max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
        )
        plural = "" if changed == 1 else "s"
        return f"{self.source}: would change ({changed} line{plural})"


def regenerate(source: Path | None = None, label: str | None = None) -> Regenerated:
    """A list file (the bundled one by default) and its Markdown regenerated from its graph.

    The graph is the list's stored graph (:func:`dllm_kg.pipeline.stored_graph`), built
    when missing or stale.

    :raises dllm_kg.listfile.ListError: when the file cannot be read as a list.
    """
    from dllm_kg.pipeline import stored_graph

    path = source or DEFAULT_SOURCE
    name = label or path.name
    text = read_list_text(path, name)
    store = stored_graph(source, label).store
    return Regenerated(name, text, regenerated_text(text, store))


def regenerated_text(text: str, store: ox.Store) -> str:
    """A list's text with each row that the graph holds written again from the graph.

    >>> from dllm_kg.parse import parse_text
    >>> from dllm_kg.pipeline import graph_of
    >>> text = ("# I. Papers\\n| No. | Paper Title | Url | Code |\\n|-|-|-|-|\\n"
    ...         "|1|A  Title|[Link](https://a.org/p?utm_source=x)|N/A|\\n")
    >>> print(regenerated_text(text, graph_of(parse_text(text))[1]), end="")
    # I. Papers
    | No. | Paper Title | Url | Code |
    |-|-|-|-|
    | 1 | A Title | [Link](https://a.org/p) | N/A |
    """
    bom = BYTE_ORDER_MARK if text.startswith(BYTE_ORDER_MARK) else ""
    parts = _LINE_BREAK.split(text.removeprefix(bom))  # a line, its break, the next line, ...
    columns = table_columns(text)
    for listing in listings(store):
        index = 2 * (listing.line - 1)
        if listing.line in columns and index < len(parts):
            parts[index] = written_row(listing, columns[listing.line], parts[index])
    return bom + "".join(parts)


def write_atomically(path: Path, text: str) -> None:
    """Write a text file whole or not at all: into a temporary file beside it, then renamed.

    A file that is replaced keeps its permissions.

    :raises MarkdownError: when the file cannot be written (the message names it).
    """
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as error:
        raise MarkdownError(f"{path}: cannot be written ({error.strerror})") from None
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)
        raise MarkdownError(f"{path}: cannot be written ({error.strerror})") from None


def _umask() -> int:
    """The process's file mode creation mask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def listings(store: ox.Store) -> Iterator[Listing]:
    """Every listing of a paper or model that the graph holds, with what it says."""
    for quad in store.quads_for_pattern(None, _DERIVED_FROM, None, ox.DefaultGraph()):
        entity, source = quad.subject, quad.object
        line, number, raw = (_one(store, source, p) for p in (_LINE, _NUMBER, _TEXT))
        if line is None or number is None or raw is None:
            continue
        kinds = set(_objects(store, entity, _TYPE))
        if _PAPER in kinds:
            yield _paper(store, entity, source, int(line.value), int(number.value), raw.value)
        elif _MODEL in kinds:
            yield _model(store, entity, source, int(line.value), int(number.value), raw.value)


def _paper(
    store: ox.Store, paper: ox.NamedNode, source: ox.NamedNode, line: int, number: int, raw: str
) -> Listing:
    """A paper's listing: its title, survey flag, link and code link."""
    single = _listing_count(store, paper) == 1
    listed = [term.value for term in _objects(store, source, _LISTED)]
    links = [term.value for term in _objects(store, paper, _LINK)]
    repositories = _objects(store, paper, _HAS_CODE)
    code = [term.value for repo in repositories for term in _objects(store, repo, _LINK)]
    survey = any(term.value == "true" for term in _objects(store, paper, _IS_SURVEY))
    return Listing(
        line,
        number,
        raw,
        is_model=False,
        name=_shown(_literals(store, paper, _TITLE), raw),
        survey=survey,
        link=_listing_link(links, listed, raw, single),
        code=_listing_link(code, listed, raw, single),
    )


def _model(
    store: ox.Store, model: ox.NamedNode, source: ox.NamedNode, line: int, number: int, raw: str
) -> Listing:
    """A model's listing: its name, size and link."""
    single = _listing_count(store, model) == 1
    listed = [term.value for term in _objects(store, source, _LISTED)]
    links = [term.value for term in _objects(store, model, _LINK)]
    sizes = [Size(int(v), True) for v in _literals(store, model, _COUNT)]
    sizes += [Size(int(v), False) for v in _literals(store, model, _MAX_COUNT)]
    return Listing(
        line,
        number,
        raw,
        is_model=True,
        name=_shown(_literals(store, model, _LABEL_PROPERTY), raw),
        link=_listing_link(links, listed, raw, single),
        size=_shown_size(sizes, raw),
    )


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list:
    """The objects of a subject's predicate, in the default graph."""
    quads = store.quads_for_pattern(subject, predicate, None, ox.DefaultGraph())
    return [quad.object for quad in quads]


def _one(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> ox.Literal | None:
    """One object of a subject's predicate (the listing's line, number, text), or None."""
    found = _objects(store, subject, predicate)
    return found[0] if found else None


def _literals(store: ox.Store, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[str]:
    """The literal values of a subject's predicate, sorted."""
    return sorted(term.value for term in _objects(store, subject, predicate))


def _listing_count(store: ox.Store, entity: ox.NamedNode) -> int:
    """How many listings (sources with a line) a paper or model has."""
    sources = _objects(store, entity, _DERIVED_FROM)
    return sum(_one(store, source, _LINE) is not None for source in sources)


def _shown(values: list[str], raw: str) -> str | None:
    """Of an entity's values (titles, names), the one its listing's row shows: a cell's
    text, else a part of the row; else the first. None when there is none."""
    cells = row_cells(raw)
    texts = {read_cell(cell)[0] for cell in cells} | {read_title(cell)[0] for cell in cells}
    for shown in (lambda value: value in texts, lambda value: value in raw, lambda value: True):
        found = next((value for value in values if shown(value)), None)
        if found is not None:
            return found
    return None


def _shown_size(sizes: list[Size], raw: str) -> Size | None:
    """Of a model's sizes, the one its listing's row gives; else the smallest; None if none."""
    written = {parse_size(read_cell(cell)[0]) for cell in row_cells(raw)}
    ordered = sorted(sizes, key=lambda size: (size.value, size.exact))
    return next((size for size in ordered if size in written), ordered[0] if ordered else None)


def _listing_link(canonical: list[str], listed: list[str], raw: str, single: bool) -> str | None:
    """Which of an entity's links (canonical) a listing gave, as written again.

    A link that normalisation changed is on the listing as listed (``dllm:listedLink``): it
    is written without tracking parameters. A link the list gave in its canonical form is
    the listing's when it has no other listing, else when its row shows it.
    """
    for link in sorted(listed):
        if normalise(link).url in canonical:
            return cleaned(link)
    ordered = sorted(canonical)
    shown = [link for link in ordered if link in raw] or (ordered if single else [])
    return shown[0] if shown else None


def cleaned(link: str) -> str:
    """A link as the graph reads it, without its tracking parameters.

    >>> cleaned("https://arxiv.org/pdf/2401.00001.pdf?utm_source=x&v=2")
    'https://arxiv.org/pdf/2401.00001.pdf?v=2'
    """
    return strip_tracking(iri_safe(link.strip()))[0]


def written_row(listing: Listing, columns: tuple[str, ...], line: str) -> str:
    """A row written again: ``| cell | cell |``, after the row's blockquote markers or indent.

    Cells beyond the table's columns, which the reader ignores, are left out; the cells of a
    short row are not used (which column each stands in is what the graph knows).
    """
    written = row_cells(line)
    given = written if len(written) >= len(columns) else [""] * len(columns)
    cells = [_written_cell(listing, name, given[i]) for i, name in enumerate(columns)]
    prefix = _ROW_PREFIX.match(line)
    return (prefix[0] if prefix else "") + "| " + " | ".join(cells) + " |"


def _written_cell(listing: Listing, column: str, given: str) -> str:
    """One cell written again, pipes escaped: from the graph where it holds the column."""
    writers: dict[str, Callable[[], str | None]] = {
        NUMBER_COLUMN: lambda: str(listing.number),
        "url": lambda: _link_cell(listing.link, given, "url"),
    }
    if listing.is_model:
        writers["model name"] = lambda: _name_cell(listing.name, given)
        writers["parameters"] = lambda: _size_cell(listing.size, given)
    else:
        writers["paper title"] = lambda: _title_cell(listing.name, listing.survey, given)
        writers["code"] = lambda: _link_cell(listing.code, given, "code")
    writer = writers.get(column)
    cell = writer() if writer else None
    return (given if cell is None else cell).replace("|", "\\|")


def _title_cell(title: str | None, survey: bool, given: str) -> str | None:
    """A paper's title, after the survey marker when it is a survey; None if it has none."""
    if title is None:
        return None
    marker = SURVEY_MARKER if survey else ""
    unmarked = given.removeprefix(marker) if marker else given
    cell = _text_cell(title, unmarked, lambda cell: read_title(marker + cell) == (title, survey))
    return None if cell is None else marker + cell


def _name_cell(name: str | None, given: str) -> str | None:
    """A model's name; None if it has none."""
    if name is None:
        return None
    return _text_cell(name, given, lambda cell: read_cell(cell)[0] == name)


def _text_cell(text: str, given: str, reads_back: Callable[[str], bool]) -> str | None:
    """A text in the first spelling that reads back as it: bold if the row's cell is, plain,
    or with markup characters escaped; None if none does."""
    spellings = [text, _MARKUP.sub(r"\\\1", text)]
    if _BOLD.fullmatch(given):
        spellings = [f"**{spelling}**" for spelling in spellings] + spellings
    return next((spelling for spelling in spellings if reads_back(spelling)), None)


def _link_cell(link: str | None, given: str, column: str) -> str | None:
    """A link cell, ``[label](link)``, with the row's label; None when there is no link."""
    if link is None:
        return None
    label = _label(given) or _default_label(link, column)
    for spelling in (f"[{label}]({link})", f"[{label}](<{link}>)"):
        if read_cell(spelling) == (label, (link,)):
            return spelling
    return None


def _label(given: str) -> str | None:
    """The label of the row's link cell, when it is plain text and no URL."""
    found = _LABEL.match(given)
    if not found or _MARKUP.search(found["label"]) or "://" in found["label"]:
        return None
    label = found["label"].strip()
    return label if label and read_cell(label)[0] == label else None


def _default_label(link: str, column: str) -> str:
    """``GitHub`` for a code link to GitHub, else the column's label (:data:`DEFAULT_LABELS`)."""
    github = normalise(link).scheme in (Scheme.GITHUB, Scheme.GITHUB_ACCOUNT)
    return GITHUB_LABEL if column == "code" and github else DEFAULT_LABELS[column]


def _size_cell(size: Size | None, given: str) -> str | None:
    """A model's size: the row's own spelling when it gives this size, else :func:`size_text`."""
    if size is None:
        return None
    return given if parse_size(read_cell(given)[0]) == size else size_text(size)


def size_text(size: Size) -> str:
    """A parameter count as the list writes it, in the largest unit it is at least one of.

    >>> size_text(Size(1_100_000_000)), size_text(Size(10**9, exact=False)), size_text(Size(500))
    ('1.1B', '<=1B', '0.5K')
    """
    bound = "" if size.exact else "<="
    unit, scale = next(((u, s) for u, s in _UNITS if size.value >= s), _UNITS[-1])
    number = format((Decimal(size.value) / scale).normalize(), "f")
    return f"{bound}{number}{unit}"
