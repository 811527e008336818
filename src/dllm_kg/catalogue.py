"""Canned queries: the ``.rq`` files of queries/ and their headers.

A canned query is one ``.rq`` file in ``queries/`` that opens with a comment header::

    # title: Papers that build on a model
    # question: Which papers introduce, adapt or build on a given model?
    # param: model = CLIP (kind: model) - the model, by name, id (clip) or IRI
    # output: ?model ?paper ?title

:mod:`dllm_kg.querydocs` writes the catalogue docs/queries.md from the headers.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dllm_kg.constants import QUERIES_DIR
from dllm_kg.errors import DllmKgError
from dllm_kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue


class QueryError(DllmKgError):
    """A query that cannot be found, read, bound or run; the message says which and why."""


#: The kinds a parameter can have: plain values, and things of the graph named by label or id.
KINDS: dict[str, str] = {
    "literal": "any text, bound as a plain string",
    "integer": "a whole number",
    "size": "a parameter count, as the list writes it (3B, 1.5B, 500M, 7b) or in full",
    "boolean": "true or false",
    "iri": "an absolute IRI",
    "technique": "a technique: its label, id (lora) or IRI",
    "area": "an area: its label, id (data-layer) or IRI",
    "task": "a task: its label, id (fine-tuning) or IRI",
    "model": "a model: its name, id (clip) or IRI",
    "paper": "a paper: its title, id or IRI",
}

_HEADER_LINE = re.compile(r"#\s?(?P<key>[a-z]+):\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<default>.+?)\s*"
    r"\(kind:\s*(?P<kind>[a-z]+)\)\s*(?:-\s*(?P<description>.*))?$"
)
#: SERVICE anywhere but right after ``?`` or ``$`` (``?service``): the guard for the texts that
#: rdflib cannot read, or may read otherwise than pyoxigraph.
_SERVICE_WORD = re.compile(r"(?<![?$:\w-])SERVICE(?![\w-])", re.IGNORECASE)
_FORM = re.compile(r"^\s*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE | re.MULTILINE)
#: An update: its prologue (PREFIX and BASE declarations), then an update keyword.
_UPDATE = re.compile(
    r"(?:\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>))*"
    r"\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
#: The tokens of SPARQL text that a scan for its braces must take whole: comments, strings in
#: their four quote forms, IRIs, and words (keywords, variables, prefixed names with their ``\``
#: escapes, numbers, language tags). A ``<`` that does not open an IRI is an operator: before
#: ``=`` or a space, or where no ``>`` closes IRI characters.
_SPARQL_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<comment>#[^\n\r]*)",
            r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''"
            r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
            r"|'(?:[^'\\\n\r]|\\.)*'"
            r'|"(?:[^"\\\n\r]|\\.)*")',
            r'(?P<iri><(?![=\s])[^<>"{}|^`\\\x00-\x20]*>)',
            r"(?P<word>(?:[\w?$@:.%-]|\\.)+)",
            r"(?P<brace>[{}])",
        )
    ),
    re.DOTALL,
)
_VARIABLE_NAME = re.compile(r"[A-Za-z0-9_\u00b7\u00c0-\ufffd]+")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a canned query: ``# param: name = default (kind: kind) - description``."""

    name: str
    default: str
    kind: str
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    """A query file and what its header says about it."""

    name: str
    text: str
    title: str = ""
    question: str = ""
    parameters: tuple[Parameter, ...] = ()
    output: str = ""
    notes: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``: the first query keyword."""
        return query_form(self.text)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``.

        :raises QueryError: when the query has no such parameter.
        """
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"{self.name} has no parameter {name!r}; its parameters: {known}")


def parse_query(text: str, name: str, path: Path | None = None) -> CannedQuery:
    """Read a query's header: the comment lines before its first other line.

    >>> query = parse_query('''# title: Models
    ... # question: Which models are small?
    ... # param: budget = 1000 (kind: integer) - the largest size
    ... # output: ?model
    ... # Sizes are parameter counts.
    ... SELECT ?model ?budget WHERE { ?model ?p ?budget }''', "small")
    >>> query.title, query.parameters[0].kind, query.notes, query.form
    ('Models', 'integer', ('Sizes are parameter counts.',), 'SELECT')

    :raises QueryError: when a ``param`` line is malformed or names an unknown kind.
    """
    fields: dict[str, str] = {}
    parameters: list[Parameter] = []
    notes: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER_LINE.match(line)
        if header and header["key"] == "param":
            parameters.append(_parameter(header["value"], name))
        elif header and header["key"] in ("title", "question", "output"):
            fields[header["key"]] = header["value"].strip()
        elif line.lstrip("# ").strip():
            notes.append(line.lstrip("#").strip())
    return CannedQuery(
        name,
        text,
        fields.get("title", ""),
        fields.get("question", ""),
        tuple(parameters),
        fields.get("output", ""),
        _join_notes(notes),
        path,
    )


def _parameter(line: str, query: str) -> Parameter:
    match = _PARAM.match(line.strip())
    if not match:
        raise QueryError(f"{query}: malformed parameter line {line!r}")
    if match["kind"] not in KINDS:
        raise QueryError(
            f"{query}: parameter {match['name']} has unknown kind {match['kind']!r}; "
            f"kinds: {', '.join(KINDS)}"
        )
    return Parameter(match["name"], match["default"], match["kind"], match["description"] or "")


def _join_notes(lines: list[str]) -> tuple[str, ...]:
    """Comment lines as one paragraph each (lines join up to a sentence end)."""
    return (" ".join(lines),) if lines else ()


def read_query_file(path: Path) -> CannedQuery:
    """A ``.rq`` file as a query, named by its file name without ``.rq``.

    :raises QueryError: when the file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_query(text, path.stem, path)


def list_queries(directory: Path = QUERIES_DIR) -> list[CannedQuery]:
    """Every canned query in ``directory`` (not its subfolders, so not the rules), by name.

    >>> [query.name for query in list_queries()][:2]
    ['annotation-sources', 'area-subgraph']
    """
    return [read_query_file(path) for path in sorted(directory.glob("*.rq"))]


def get_query(name: str, directory: Path = QUERIES_DIR) -> CannedQuery:
    """The canned query called ``name``.

    >>> get_query("papers-by-model").parameters[0].default
    'CLIP'

    :raises QueryError: when there is none; the message suggests the closest names.
    """
    path = directory / f"{name}.rq"
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) and path.is_file():
        return read_query_file(path)
    names = [query.name for query in list_queries(directory)]
    close = difflib.get_close_matches(name, names, n=3)
    hint = (
        f"; did you mean {' or '.join(close)}?" if close else "; `dllm-kg query --list` lists them"
    )
    raise QueryError(f"no canned query {name!r}{hint}")


def find_query(name_or_path: str | Path, directory: Path = QUERIES_DIR) -> CannedQuery:
    """A canned query by name, or any ``.rq`` file by path (``queries/x.rq``, ``./my.rq``)."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".rq", ".sparql")) or "/" in text:
        path = Path(text)
        if not path.is_file():
            canned = directory / path.name
            hint = f"; the canned query {path.stem} goes by its name" if canned.is_file() else ""
            raise QueryError(f"{text}: no such file{hint}")
        return read_query_file(path)
    return get_query(text, directory)


def query_form(text: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``: the first query keyword, else empty.

    >>> query_form("# SELECT in a comment\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    match = _FORM.search(_strip_comments(text))
    return match.group(1).upper() if match else ""


def is_update(text: str) -> bool:
    """Whether a text is a SPARQL Update (to refuse it as such, not as a bad query).

    >>> is_update("# drop\\nPREFIX ex: <http://x/> DROP ALL"), is_update("SELECT * {}")
    (True, False)
    """
    return bool(_UPDATE.match(_strip_comments(text)))


def calls_service(text: str) -> bool:
    """Whether a query asks another endpoint (``SERVICE``): dllm-kg never goes to the network.

    The answer comes from rdflib's parsed query, so a ``\\u`` escape cannot hide the keyword
    and ``?service`` is only a variable. Where the engines may read a text differently (rdflib
    cannot read it, as with SPARQL 1.2 syntax that pyoxigraph reads; or it holds ``\\u``
    escapes, which pyoxigraph reads only inside strings and IRIs), it counts as a call if the
    word SERVICE stands anywhere in it, but not as part of a name (``?service``,
    ``ex:service``, ``web-services``). Any other text that does not parse is left to the
    engine's own syntax error.

    >>> calls_service("SELECT * { SERVICE <http://x.org/sparql> { ?s ?p ?o } }")
    True
    >>> calls_service("# SERVICE in a comment\\nSELECT ?service { ?service ?p ?o }")
    False
    """
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes  # slow to import

    found = _service_in_algebra(text)
    if found is None or expandUnicodeEscapes(text) != text:  # pyoxigraph may read it otherwise
        return bool(found) or _mentions_service(text)
    return found


@functools.lru_cache(maxsize=256)
def _service_in_algebra(text: str) -> bool | None:
    """Whether rdflib's algebra of a query has a SERVICE pattern; None if rdflib cannot read it."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        query = translateQuery(parseQuery(text), initNs=PREFIXES)
    except Exception:  # pyparsing's ParseException, or rdflib's own for prefixes and scope
        return None
    return any(node.name == "ServiceGraphPattern" for node in _algebra_nodes(query.algebra))


def _mentions_service(text: str) -> bool:
    """Whether the word SERVICE stands in the text, as written or with its escapes read."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    return any(_SERVICE_WORD.search(form) for form in (text, expandUnicodeEscapes(text)))


def _algebra_nodes(root: object) -> Iterator[CompValue]:
    """Every algebra node under ``root``: sub-queries, UNION, OPTIONAL, MINUS, FILTER EXISTS.

    The walk keeps its own stack, as a long UNION is nested as deep as it has branches.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, Iterable) and not isinstance(node, str):  # lists, sets, parse results
            stack.extend(node)


def _strip_comments(text: str) -> str:
    """The query without whole-line comments (enough to find its form keyword)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# Binding by text: parameters written into the query, for endpoints -----------------------------


def inline_bindings(text: str, bindings: Mapping[str, str]) -> str:
    """The query with a ``VALUES`` block that binds the variables, first in its WHERE group.

    ``bindings`` maps variable names to terms in SPARQL syntax (``<https://...>``,
    ``"42"^^<...#integer>``). The block goes right after the ``{`` that opens the query's
    outermost group: the one after ``WHERE``, or the first ``{`` of the query that is not a
    CONSTRUCT template. Comments, strings and IRIs are skipped, so a ``{`` or ``WHERE`` inside
    them counts for nothing. A ``CONSTRUCT WHERE { ... }`` (whose group may hold triples only)
    is first written out as ``CONSTRUCT { ... } WHERE { ... }``. The block goes on the line of
    the ``{``, so an endpoint's syntax error names the line of the query as written.

    >>> print(inline_bindings("SELECT ?n WHERE { ?s ?p ?n }", {"n": '"1"'}))
    SELECT ?n WHERE { VALUES (?n) { ("1") } ?s ?p ?n }
    >>> print(inline_bindings("CONSTRUCT WHERE {\\n  ?s ?p ?o\\n}", {"s": "<x:s>"}))
    CONSTRUCT {
      ?s ?p ?o
    } WHERE { VALUES (?s) { (<x:s>) }
      ?s ?p ?o
    }

    :raises ValueError: for a variable name that SPARQL does not allow, or a query without a
        group to put the block in (``DESCRIBE <iri>``).
    """
    if not bindings:
        return text
    for name in bindings:
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join(f"?{name}" for name in bindings)
    block = f"VALUES ({variables}) {{ ({' '.join(bindings.values())}) }}"
    group, construct_end = _outermost_group(text)
    if group is None:
        raise ValueError("the query has no { ... } group to bind its variables in")
    opening, closing = group
    if construct_end is not None:  # CONSTRUCT WHERE { T }: the template is T
        template = text[opening : closing + 1]
        text = f"{text[:construct_end]} {template}{text[construct_end:]}"
        opening += len(template) + 1
    return f"{text[: opening + 1]} {block}{text[opening + 1 :]}"


def _outermost_group(text: str) -> tuple[tuple[int, int] | None, int | None]:
    """Where the query's outermost group opens and closes (``{`` and ``}`` offsets), and, for a
    ``CONSTRUCT WHERE`` short form, the offset where its CONSTRUCT keyword ends."""
    depth, previous, opening = 0, "", None
    construct_end: int | None = None
    template_seen = False
    for kind, start, end in _scan(text):
        word = text[start:end].upper() if kind == "word" else ""
        if kind == "brace" and text[start] == "{":
            if depth == 0 and opening is None:
                if previous == "CONSTRUCT":
                    template_seen = True
                else:
                    opening = start
            depth += 1
        elif kind == "brace":
            depth -= 1
            if depth == 0 and opening is not None:
                short_form = construct_end is not None and not template_seen
                return (opening, start), construct_end if short_form else None
        elif word == "CONSTRUCT" and depth == 0:
            construct_end = end
        if kind != "comment":
            previous = word
    return ((opening, len(text)) if opening is not None else None), None


def _scan(text: str) -> Iterator[tuple[str, int, int]]:
    """The tokens of SPARQL text that matter to its structure: kind, start and end offsets.

    >>> [kind for kind, _, _ in _scan("ASK { <a#b> '}' # }\\n ?x <= 3 }")]
    ['word', 'brace', 'iri', 'string', 'comment', 'word', 'word', 'brace']
    """
    at = 0
    while at < len(text):
        match = _SPARQL_TOKEN.match(text, at)
        if match is None:
            at += 1  # white space, punctuation, operators
            continue
        assert match.lastgroup is not None
        yield match.lastgroup, match.start(), match.end()
        at = match.end()


def declare_prefixes(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The query with a ``PREFIX`` line for each prefix it uses but does not declare.

    The embedded engines know the project's prefixes; another endpoint knows only what the
    query declares. The declarations go at the start of the first line, so an endpoint's
    syntax error names the line of the query as written.

    >>> known = {"a": "http://a.org/", "b": "http://b.org/", "c": "http://c.org/"}
    >>> print(declare_prefixes("PREFIX b: <x:> SELECT * { ?s a:p b:o, 'c:' }", known))
    PREFIX a: <http://a.org/> PREFIX b: <x:> SELECT * { ?s a:p b:o, 'c:' }
    """
    words = [text[start:end] for kind, start, end in _scan(text) if kind == "word"]
    declared = {
        name.lower() for keyword, name in itertools.pairwise(words) if keyword.upper() == "PREFIX"
    }
    used = {word.partition(":")[0] + ":" for word in words if ":" in word[1:]}
    missing = [
        f"PREFIX {prefix}: <{namespace}>"
        for prefix, namespace in prefixes.items()
        if f"{prefix}:" in used and f"{prefix}:".lower() not in declared
    ]
    return f"{' '.join(missing)} {text}" if missing else text
