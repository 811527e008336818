"""Ask the graph questions: canned SPARQL from queries/, or any SPARQL, locally or on an endpoint.

This is the public query API: it loads the graph, binds parameters and runs queries, and it
also offers the names of :mod:`dllm_kg.catalogue` (the canned queries) and
:mod:`dllm_kg.results` (what a query answers), so ``from dllm_kg.query import ...`` is all a
notebook needs.

Parameters are given as text (``model=CLIP``), checked against their kind, turned into RDF
terms (a model's name becomes its IRI) and bound to the query variable of the same name, with
``initBindings`` on rdflib and ``substitutions`` on pyoxigraph: their text never enters the
query text, so a parameter is only ever a value. pyoxigraph binds only variables that the
``SELECT`` clause projects, so every parameter of a canned ``SELECT`` is also an output column.
On a SPARQL endpoint (``KnowledgeGraph(endpoint=...)``) the terms are written into the query
as a ``VALUES`` block in N-Triples syntax, escaped, so there too a parameter is only a value.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS, XSD
from rdflib.term import Identifier

from dllm_kg.catalogue import (
    KINDS,
    CannedQuery,
    Parameter,
    QueryError,
    calls_service,
    declare_prefixes,
    find_query,
    get_query,
    inline_bindings,
    is_update,
    list_queries,
    parse_query,
    query_form,
    read_query_file,
)
from dllm_kg.constants import GRAPH_IRI
from dllm_kg.export import compact
from dllm_kg.namespaces import AREA, DLLM, MODEL, PAPER, PREFIXES, SCHEMA, TASK, TECHNIQUE
from dllm_kg.options import QUERY_TIMEOUT, Engine, Format
from dllm_kg.results import QueryResult, from_oxigraph_result, ntriples_term
from dllm_kg.terms import rdflib_graph, to_oxigraph
from dllm_kg.timelimit import ForkedRunner, TimeLimitExceeded

#: The public API, defined here or in dllm_kg.catalogue and dllm_kg.results.
__all__ = [
    "KINDS",
    "LIST_SUFFIXES",
    "QUERY_TIMEOUT",
    "RDF_FORMATS",
    "CannedQuery",
    "Engine",
    "Format",
    "KnowledgeGraph",
    "Parameter",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "bind_parameters",
    "bind_value",
    "find_query",
    "get_query",
    "list_queries",
    "load_graph",
    "parse_assignments",
    "parse_query",
    "read_query_file",
    "run_query",
    "run_sparql",
    "standalone_text",
]


# Loading the graph ------------------------------------------------------------------------------

#: Exported graph files, by extension: rdflib's format name, and pyoxigraph's where it reads
#: the file itself (JSON-LD goes through rdflib, which resolves the export's context file).
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat | None]] = {
    ".ttl": ("turtle", ox.RdfFormat.TURTLE),
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
    ".rdf": ("xml", ox.RdfFormat.RDF_XML),
    ".owl": ("xml", ox.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", None),
}
#: List files, read by the parser and built like ``dllm-kg build`` does.
LIST_SUFFIXES = (".md", ".markdown")


class QueryTimeout(QueryError):
    """A query stopped at its time limit."""


class KnowledgeGraph:
    """The graph to ask: a pyoxigraph store, and an rdflib copy of it made on first use; or a
    SPARQL endpoint.

    pyoxigraph (the default engine) queries the store; rdflib queries an rdflib ``Graph``
    read from the store's triples. An exported file is read straight into a store by
    pyoxigraph, except JSON-LD, which rdflib reads (it resolves the export's context file).

    With ``endpoint`` (``KnowledgeGraph(endpoint="http://localhost:7878/query")``), every
    query, parameter lookups too, goes to that SPARQL endpoint (:mod:`dllm_kg.remote`), asking
    the named graph ``graph_iri`` (the one ``dllm-kg push`` writes by default; ``None`` for
    the endpoint's own default graph), with parameters written into the query as ``VALUES``
    (:func:`dllm_kg.catalogue.inline_bindings`) and the project's prefixes declared.
    """

    def __init__(
        self,
        store: ox.Store | None = None,
        path: Path | None = None,
        origin: str = "",
        *,
        endpoint: str | None = None,
        graph_iri: str | None = GRAPH_IRI,
        timeout: float | None = None,
    ) -> None:
        if store is None and path is None and endpoint is None:
            raise ValueError("give a store, the path of an exported graph, or an endpoint")
        self._store = store
        self._graph: Graph | None = None
        self.path = path
        #: The SPARQL endpoint that answers instead of a local store, the graph it is asked,
        #: and the seconds to wait for it (None: dllm_kg.remote.TIMEOUT).
        self.endpoint = endpoint
        self.graph_iri = graph_iri
        self.timeout = timeout
        #: Where the graph came from, in one line (which stored graph, file or endpoint).
        self.origin = origin or _origin(path, endpoint, graph_iri)
        self._runner: ForkedRunner[QueryResult] | None = None

    def limited(self) -> ForkedRunner[QueryResult]:
        """The child process that runs this graph's queries under a time limit, forked on first
        use, after the store is read (so that the child has it, and errors come here)."""
        if self._runner is None:
            self.store  # noqa: B018 - a property that reads the graph
            self._runner = ForkedRunner(functools.partial(_run, self))
        return self._runner

    @property
    def graph(self) -> Graph:
        """The rdflib graph."""
        if self._graph is None:
            if self.endpoint is not None:
                raise QueryError(f"{self.origin}: an endpoint has no local graph")
            if self._store is None and self.path is not None:
                self._graph = _parse_rdf(self.path)
            else:
                self._graph = rdflib_graph(self.store)
        return self._graph

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store."""
        if self._store is None:
            if self.endpoint is not None:
                raise QueryError(f"{self.origin}: an endpoint has no local store")
            store = ox.Store()
            fast = self.path is not None and RDF_FORMATS[self.path.suffix.lower()][1]
            if fast:
                try:
                    store.bulk_load(path=self.path, format=fast)
                except (SyntaxError, ValueError, OSError) as error:
                    raise QueryError(_not_rdf(self.path, str(error))) from None
            else:
                store.bulk_load(_sorted_ntriples(self.graph), format=ox.RdfFormat.N_TRIPLES)
            self._store = store
        return self._store

    def __len__(self) -> int:
        """The number of triples (an endpoint counts those of the graph it is asked)."""
        if self.endpoint is not None:
            rows = run_sparql(self, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", name="count").rows
            return int(rows[0][0]) if rows else 0
        return len(self.store) if self._graph is None else len(self._graph)

    def run(
        self,
        query: str | Path | CannedQuery,
        /,
        engine: Engine | str = Engine.OXIGRAPH,
        timeout: float | None = QUERY_TIMEOUT,
        **params: object,
    ) -> QueryResult:
        """Run a canned query (by name), a ``.rq`` file or a parsed query, with parameters by name.

        >>> kg = load_graph()
        >>> result = kg.run("papers-by-model", model="Flamingo")
        >>> [row["title"] for row in result.records()]
        ['Flamingo: a Visual Language Model for Few-Shot Learning']
        """
        return run_query(self, query, params, engine, timeout)

    def sparql(
        self,
        text: str,
        /,
        engine: Engine | str = Engine.OXIGRAPH,
        bindings: Mapping[str, Identifier] | None = None,
        timeout: float | None = QUERY_TIMEOUT,
    ) -> QueryResult:
        """Run SPARQL text, with optional variable bindings given as RDF terms.

        The project's prefixes (``dllm:``, ``paper:``, ``technique:``, ``skos:``, ...) are
        declared for you.
        """
        return run_sparql(self, text, bindings, engine, timeout=timeout)


def _origin(path: Path | None, endpoint: str | None, graph_iri: str | None) -> str:
    """Where a graph comes from, in one line.

    >>> _origin(None, "http://localhost:7878/query", "https://w3id.org/dllm-kg/graph")
    'endpoint: http://localhost:7878/query (graph <https://w3id.org/dllm-kg/graph>)'
    """
    if endpoint is not None:
        graph = f"graph <{graph_iri}>" if graph_iri else "its default graph"
        return f"endpoint: {endpoint} ({graph})"
    return f"file: {path}" if path else "a graph in memory"


def load_graph(source: str | Path | None = None) -> KnowledgeGraph:
    """The graph of a list (the bundled one by default) or of an exported graph file.

    A Markdown list (``.md``) is read from its stored graph (built and stored first when the
    list, its curated data or dllm-kg changed; see :mod:`dllm_kg.store`); an export
    (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``) is read as it is. ``origin`` says which.

    :raises QueryError: when the file is missing or of a format it cannot tell.
    :raises dllm_kg.parse.ListError: when a list cannot be read.
    """
    from dllm_kg.pipeline import stored_graph  # the build's modules, needed on a cache miss

    if source is None:
        stored = stored_graph()
        return KnowledgeGraph(stored.store, origin=stored.describe())
    path = Path(source)
    if not path.is_file():
        raise QueryError(f"{source}: no such file")
    suffix = path.suffix.lower()
    if suffix in LIST_SUFFIXES:
        stored = stored_graph(path, str(source))
        return KnowledgeGraph(stored.store, origin=stored.describe())
    if suffix in RDF_FORMATS:
        return KnowledgeGraph(path=path)
    known = ", ".join((*LIST_SUFFIXES, *RDF_FORMATS))
    raise QueryError(
        f"{source}: cannot tell its format from {suffix or 'no extension'}; use {known}"
    )


def _sorted_ntriples(graph: Graph) -> bytes:
    """An rdflib graph as N-Triples, lines sorted (the same input, the same store order)."""
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
    return b"".join(line + b"\n" for line in sorted(set(lines)) if line.strip())


def _parse_rdf(path: Path) -> Graph:
    graph = Graph(bind_namespaces="none")
    rdf_format = RDF_FORMATS[path.suffix.lower()][0]
    try:
        if rdf_format == "json-ld":
            graph.parse(data=json.dumps(_local_json_ld(path)), format=rdf_format)
        else:
            graph.parse(path, format=rdf_format)
    except QueryError:
        raise
    except Exception as error:  # rdflib's parsers raise many kinds
        raise QueryError(_not_rdf(path, str(error))) from None
    return graph


#: rdflib's Turtle error: the line, why, and a quote of the text around it on more lines.
_TURTLE_ERROR = re.compile(r"at line (\d+) of <[^>]*>:\s*Bad syntax \((.*?)\) at \^ in:", re.S)
#: pyoxigraph's parser error: the line, the column, why, and the file and line again.
_OXIGRAPH_ERROR = re.compile(
    r"Parser error at line (\d+) column \d+: (.*?)(?: \([^()]*, line \d+\))?$"
)


def _not_rdf(path: Path, message: str) -> str:
    """A parser's error message as one line that names the file, and the line where known.

    >>> _not_rdf(Path("a.ttl"), 'at line 3 of <>:\\nBad syntax (why) at ^ in:\\n"a b ."')
    'a.ttl: not valid RDF (line 3: why)'
    """
    found = _TURTLE_ERROR.search(message) or _OXIGRAPH_ERROR.search(message)
    detail = f"line {found[1]}: {found[2]}" if found else message
    return f"{path}: not valid RDF ({' '.join(detail.split())})"


def _local_json_ld(path: Path) -> object:
    """A JSON-LD document with its context files, next to it, read in: nothing is fetched.

    :raises QueryError: when the JSON is not an object or an array of objects.
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    if not _is_json_ld(document):
        raise QueryError(
            f"{path}: not a JSON-LD document (it must be an object or an array of objects)"
        )
    return _with_local_contexts(path, document)


def _with_local_contexts(path: Path, value: object) -> object:
    """``value`` with the context files that its ``@context`` entries name read in, at any depth."""
    if isinstance(value, list):
        return [_with_local_contexts(path, item) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: _local_contexts(path, item) if key == "@context" else _with_local_contexts(path, item)
        for key, item in value.items()
    }


def _local_contexts(path: Path, contexts: object) -> list[object]:
    return [
        _local_context(path, item) if isinstance(item, str) else _with_local_contexts(path, item)
        for item in (contexts if isinstance(contexts, list) else [contexts])
    ]


def _is_json_ld(document: object) -> bool:
    """True for what JSON-LD 1.1 allows at the top: an object, or an array of objects.

    >>> _is_json_ld({"@id": "x"}), _is_json_ld([{}]), _is_json_ld("x"), _is_json_ld([1])
    (True, True, False, False)
    """
    if isinstance(document, list):
        return all(isinstance(item, dict) for item in document)
    return isinstance(document, dict)


def _local_context(path: Path, reference: str) -> object:
    if ":" in reference or reference.startswith("/"):
        raise QueryError(f"{path}: context {reference} is not a local file; it is not fetched")
    context_file = path.parent / reference
    try:
        return json.loads(context_file.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError, TypeError):
        raise QueryError(f"{path}: context {context_file} cannot be read") from None


# Binding parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Things:
    """Where things of one kind live: their class, IRI namespace and naming properties."""

    klass: URIRef
    namespace: str
    labels: tuple[URIRef, ...]


_THINGS: dict[str, _Things] = {
    "technique": _Things(DLLM.Technique, str(TECHNIQUE), (SKOS.prefLabel, SKOS.altLabel)),
    "area": _Things(DLLM.Area, str(AREA), (SKOS.prefLabel, SKOS.altLabel)),
    "task": _Things(SKOS.Concept, str(TASK), (SKOS.prefLabel, SKOS.altLabel)),
    "model": _Things(DLLM.Model, str(MODEL), (RDFS.label, SCHEMA.alternateName)),
    "paper": _Things(DLLM.Paper, str(PAPER), (DCTERMS.title,)),
}
#: An absolute IRI: a scheme, then no character that IRIs forbid (space, <>"{}|\^`).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_assignments(assignments: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (the command line's ``--param``) as a dictionary.

    >>> parse_assignments(["technique=LoRA", "keyword=a=b"])
    {'technique': 'LoRA', 'keyword': 'a=b'}

    :raises QueryError: for an assignment without ``=`` or a key given twice.
    """
    params: dict[str, str] = {}
    for assignment in assignments:
        key, equals, value = assignment.partition("=")
        if not equals or not key.strip():
            raise QueryError(f"--param takes KEY=VALUE, not {assignment!r}")
        if key.strip() in params:
            raise QueryError(f"--param {key.strip()} is given twice")
        params[key.strip()] = value
    return params


def bind_parameters(
    kg: KnowledgeGraph,
    query: CannedQuery,
    params: Mapping[str, object] | None = None,
    engine: Engine | str = Engine.OXIGRAPH,
) -> dict[str, Identifier]:
    """Every parameter of ``query`` as an RDF term: the given value, else the default.

    :raises QueryError: for an unknown parameter, or a value that is not of its kind.
    """
    given = dict(params or {})
    for name in given:
        query.parameter(name)  # raises for a name the query does not have
    return {
        parameter.name: bind_value(
            kg, parameter, given.get(parameter.name, parameter.default), engine, query.name
        )
        for parameter in query.parameters
    }


def bind_value(
    kg: KnowledgeGraph,
    parameter: Parameter,
    value: object,
    engine: Engine | str = Engine.OXIGRAPH,
    query: str = "query",
) -> Identifier:
    """One parameter value as the RDF term it stands for.

    >>> bind_value(None, Parameter("n", "1", "integer"), "42").n3()
    '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> print(bind_value(None, Parameter("s", "x", "literal"), 'a" } DROP ALL').n3())
    "a\\" } DROP ALL"

    :raises QueryError: when the value is not of the parameter's kind.
    """
    text = str(value).strip() if not isinstance(value, str) else value
    where = f"{query}: parameter {parameter.name}"
    kind = parameter.kind
    if kind == "literal":
        return Literal(text)
    if kind == "integer":
        if not _INTEGER.fullmatch(text.strip()):
            raise QueryError(f"{where} takes a whole number, not {text!r}")
        return Literal(int(text), datatype=XSD.integer)
    if kind == "size":
        return Literal(_parameter_count(text, where), datatype=XSD.integer)
    if kind == "boolean":
        if text.strip().lower() not in _BOOLEANS:
            raise QueryError(f"{where} takes true or false, not {text!r}")
        return Literal(_BOOLEANS[text.strip().lower()])
    if kind == "iri":
        if not _IRI.fullmatch(text):
            forbidden = 'spaces or <>"{}|\\^`'
            raise QueryError(f"{where} takes an absolute IRI without {forbidden}, not {text!r}")
        return URIRef(text)
    return _resolve(kg, _THINGS[kind], kind, text.strip(), Engine(engine), where)


def _parameter_count(text: str, where: str) -> int:
    """A model size as the list writes it (``3B``, ``1.5B``, ``500M``, ``7b``) or in full.

    >>> _parameter_count("1.5B", "q"), _parameter_count("7b", "q"), _parameter_count("500", "q")
    (1500000000, 7000000000, 500)

    :raises QueryError: for anything else (a bound such as ``<=1B`` too).
    """
    from dllm_kg.parse import parse_size  # the list reader's own reading of a size

    if text.strip().isdigit():
        return int(text.strip())
    size = parse_size(text) if not text.strip().startswith(("<", "≤")) else None
    if size is None:
        raise QueryError(f"{where} takes a parameter count such as 3B, 1.5B or 500M, not {text!r}")
    return size.value


def _resolve(
    kg: KnowledgeGraph, things: _Things, kind: str, text: str, engine: Engine, where: str
) -> URIRef:
    """A thing of the graph named by IRI, id or label (case-insensitive), as its IRI."""
    if not text:
        raise QueryError(f"{where} takes {KINDS[kind]}, not an empty value")
    for candidate in (text, things.namespace + text):
        named = _IRI.fullmatch(candidate) and candidate.startswith(things.namespace)
        if named and _ask(kg, things, URIRef(candidate), engine):
            return URIRef(candidate)
    if "://" in text and not _IRI.fullmatch(text):
        raise QueryError(f"{where}: {text!r} is not a valid IRI")
    found: dict[int, set[URIRef]] = {}
    for row in _run(kg, _label_query(things), {"value": Literal(text)}, engine, "lookup").rows:
        _, term, rank = row
        found.setdefault(int(rank), set()).add(URIRef(term))
    if found:
        best = sorted(found[min(found)])
        if len(best) == 1:
            return best[0]
        names = ", ".join(compact(str(term)) for term in best)
        raise QueryError(f"{where}: {text!r} names more than one {kind} ({names}); give its id")
    labels = _labels(kg, things, engine)
    close = _close_labels(text, labels)
    hint = f"; did you mean {' or '.join(repr(labels[c]) for c in close)}?" if close else ""
    holding = sum(text.lower() in label for label in labels)
    if kind == "paper" and holding > len(close):
        hint += f" ({holding} titles hold {text!r}: the query title-search lists them)"
    raise QueryError(f"{where}: no {kind} {text!r} in the graph{hint}")


def _close_labels(text: str, labels: Mapping[str, str], n: int = 3) -> list[str]:
    """Up to ``n`` lower-case labels close to ``text``: those that hold it (a word of a long
    title), then those spelled alike (difflib), then those whose part before a colon (a
    paper's short name, ``FwdLLM``) is spelled alike.

    >>> titles = {"fwdllm: efficient fedllm": "FwdLLM: Efficient FedLLM", "lora": "LoRA"}
    >>> _close_labels("FwdLLM", titles), _close_labels("lorra", titles)
    (['fwdllm: efficient fedllm'], ['lora'])
    """
    wanted = " ".join(text.lower().split())
    holding = [label for label in labels if wanted and wanted in label]
    alike = difflib.get_close_matches(wanted, labels, n=n, cutoff=0.7)
    short = {label.partition(":")[0]: label for label in labels if ":" in label}
    named = [short[name] for name in difflib.get_close_matches(wanted, short, n=n, cutoff=0.7)]
    return list(dict.fromkeys(sorted(holding, key=len) + alike + named))[:n]


def _ask(kg: KnowledgeGraph, things: _Things, term: URIRef, engine: Engine) -> bool:
    text = f"ASK {{ ?term a <{things.klass}> }}"
    return bool(_run(kg, text, {"term": term}, engine, "lookup").boolean)


def _label_query(things: _Things, match: bool = True) -> str:
    """Things of one kind whose label is ``?value`` (case-insensitive), ranked by property.

    With ``match`` false: every label of the kind, to suggest a close one. The query is built
    from the project's own constants only; the user's text is bound, never inserted.
    """
    branches = " UNION ".join(
        f"{{ ?term <{prop}> ?label BIND ({rank} AS ?rank) }}"
        for rank, prop in enumerate(things.labels)
    )
    head = "SELECT ?value ?term ?rank" if match else "SELECT DISTINCT ?label"
    condition = "FILTER (LCASE(STR(?label)) = LCASE(STR(?value)))" if match else ""
    return (
        f"{head} WHERE {{ ?term a <{things.klass}> . {branches} "
        f'FILTER (STRSTARTS(STR(?term), "{things.namespace}")) {condition} }}'
    )


def _labels(kg: KnowledgeGraph, things: _Things, engine: Engine) -> dict[str, str]:
    """Every label of the things of one kind, by its lower-case form."""
    rows = _run(kg, _label_query(things, match=False), {}, engine, "lookup").rows or []
    return {str(row[0]).lower(): str(row[0]) for row in rows}


# Running queries -------------------------------------------------------------------------------


def run_query(
    kg: KnowledgeGraph,
    query: str | Path | CannedQuery,
    params: Mapping[str, object] | None = None,
    engine: Engine | str = Engine.OXIGRAPH,
    timeout: float | None = QUERY_TIMEOUT,
) -> QueryResult:
    """Run a canned query (by name), a ``.rq`` file (by path) or a parsed query.

    :param timeout: seconds the query may run (None: no limit); see :func:`run_sparql`.
    :raises QueryError: for an unknown query or parameter, a value of the wrong kind, or a
        query that does not parse (the message names the query and the line);
        :class:`QueryTimeout` for one stopped at the time limit.
    """
    engine = _engine(engine)
    if not isinstance(query, CannedQuery):
        query = find_query(query)
    bindings = bind_parameters(kg, query, params, engine)
    return _run_limited(kg, query.text, bindings, engine, query.name, timeout)


def run_sparql(
    kg: KnowledgeGraph,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    engine: Engine | str = Engine.OXIGRAPH,
    name: str = "query",
    timeout: float | None = QUERY_TIMEOUT,
) -> QueryResult:
    """Run SPARQL text, binding variables to the given RDF terms.

    :param timeout: seconds the query may run (None: no limit). Neither engine can stop a
        query midway, so a limited query runs in a child process (forked: it has the graph
        already), which is ended at the limit. An endpoint's query is bounded by the
        graph's own ``KnowledgeGraph(endpoint=..., timeout=...)``.
    :raises QueryError: when the query does not parse or cannot run; :class:`QueryTimeout`
        when it is stopped at the time limit.
    """
    for variable, term in (bindings or {}).items():
        if not isinstance(term, (URIRef, Literal, BNode)):
            raise QueryError(f"{name}: binding of ?{variable} must be an RDF term, not {term!r}")
    return _run_limited(kg, text, dict(bindings or {}), _engine(engine), name, timeout)


def _engine(engine: Engine | str) -> Engine:
    try:
        return Engine(engine)
    except ValueError:
        raise QueryError(
            f"no engine {engine!r}; engines: {', '.join(e.value for e in Engine)}"
        ) from None


def _run_limited(
    kg: KnowledgeGraph,
    text: str,
    bindings: Mapping[str, Identifier],
    engine: Engine,
    name: str,
    timeout: float | None,
) -> QueryResult:
    """Run a query in the graph's child process (:mod:`dllm_kg.timelimit`), stopped when it
    runs past ``timeout`` seconds; with no limit, or on an endpoint, here."""
    if timeout is None or kg.endpoint is not None:
        return _run(kg, text, bindings, engine, name)
    try:
        return kg.limited().call((text, bindings, engine, name), timeout)
    except TimeLimitExceeded:
        raise QueryTimeout(f"{name}: stopped after {timeout:g} s, the time limit") from None
    except ChildProcessError as error:
        raise QueryError(f"{name}: {error}") from None


def _run(
    kg: KnowledgeGraph, text: str, bindings: Mapping[str, Identifier], engine: Engine, name: str
) -> QueryResult:
    """Run a query on the graph, here and now."""
    if is_update(text):
        raise QueryError(f"{name}: updates are refused: queries are read-only")
    if calls_service(text):
        raise QueryError(f"{name}: SERVICE is refused: queries run on the local graph only")
    if kg.endpoint is not None:
        if engine is not Engine.OXIGRAPH:
            raise QueryError(f"{name}: an endpoint runs its own engine, not {engine.value}")
        return _run_endpoint(kg, text, bindings, name)
    if engine is Engine.OXIGRAPH:
        return _run_oxigraph(kg.store, text, bindings, name)
    return _run_rdflib(kg.graph, text, bindings, name)


def _run_endpoint(
    kg: KnowledgeGraph, text: str, bindings: Mapping[str, Identifier], name: str
) -> QueryResult:
    """Run a query on the graph's endpoint: bindings written in as VALUES, prefixes declared."""
    from dllm_kg.remote import TIMEOUT, query_endpoint  # urllib: only for endpoints

    assert kg.endpoint is not None
    text = _written_in(text, bindings, name)
    return query_endpoint(kg.endpoint, text, kg.graph_iri, kg.timeout or TIMEOUT, name)


def standalone_text(
    kg: KnowledgeGraph, query: CannedQuery, params: Mapping[str, object] | None = None
) -> str:
    """A canned query as SPARQL that any endpoint runs as it is: its parameters (the defaults,
    unless given) written in as a ``VALUES`` block, the project's prefixes it uses declared.

    :raises QueryError: as :func:`bind_parameters` does.
    """
    return _written_in(query.text, bind_parameters(kg, query, params), query.name)


def _written_in(text: str, bindings: Mapping[str, Identifier], name: str) -> str:
    """Query text with its bindings written in and its prefixes declared."""
    for variable, term in bindings.items():
        if isinstance(term, BNode):
            raise QueryError(f"{name}: ?{variable} cannot be bound to a blank node on an endpoint")
    values = {variable: ntriples_term(term) for variable, term in bindings.items()}
    try:
        return declare_prefixes(inline_bindings(text, values))
    except ValueError as error:
        raise QueryError(f"{name}: {error}") from None


def _run_rdflib(
    graph: Graph, text: str, bindings: Mapping[str, Identifier], name: str
) -> QueryResult:
    from rdflib.plugins.sparql import prepareQuery  # slow to import: only for this engine

    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except Exception as error:  # pyparsing's ParseException, or rdflib's own for prefixes
        line, column = getattr(error, "lineno", None), getattr(error, "col", None)
        detail = getattr(error, "msg", None) or str(error)
        prefix = re.match(r"Unknown namespace prefix : (\S+)", detail)
        if prefix:  # rdflib gives no position for an undeclared prefix: find its first use
            line, column = _first_use(text, prefix[1] + ":")
            detail = f"undeclared prefix {prefix[1]}:"
        raise QueryError(_syntax_message(name, line, column, detail)) from None
    try:  # rdflib evaluates lazily: errors (a bad regex, ...) come while reading the rows
        result = graph.query(prepared, initBindings=dict(bindings))
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(variable) for variable in result.vars or ())
            return QueryResult("SELECT", variables, [tuple(row) for row in result])
        return QueryResult(result.type, triples=frozenset(result.graph or ()))
    except Exception as error:  # evaluation errors: a bad function argument, ...
        raise QueryError(f"{name}: cannot run on rdflib: {error}") from None


def _run_oxigraph(
    store: ox.Store, text: str, bindings: Mapping[str, Identifier], name: str
) -> QueryResult:
    try:
        terms = {key: to_oxigraph(term) for key, term in bindings.items()}
    except (TypeError, ValueError) as error:  # a term that pyoxigraph cannot hold
        raise QueryError(str(error)) from None
    substitutions = {ox.Variable(key): term for key, term in terms.items()}
    try:
        result = store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as error:
        message = str(error)
        position = re.match(r"error at (\d+):(\d+): ", message)
        line, column = (int(position[1]), int(position[2])) if position else (None, None)
        detail = message[position.end() :] if position else message
        if "Prefix not found" in detail:
            detail = "undeclared prefix"
        raise QueryError(_syntax_message(name, line, column, detail)) from None
    except (RuntimeError, ValueError, OSError) as error:
        raise QueryError(f"{name}: cannot run on pyoxigraph: {error}") from None
    return from_oxigraph_result(result, query_form(text))


def _syntax_message(name: str, line: int | None, column: int | None, detail: str) -> str:
    """A one-line syntax error naming the query and where it fails.

    >>> _syntax_message("q", 3, 7, "Expected '}'\\nmore")
    "q: syntax error at line 3, column 7: Expected '}'"
    """
    where = f" at line {line}, column {column}" if line else ""
    first = detail.strip().splitlines()[0].strip() if detail.strip() else ""
    if first.endswith(("one of", "one of:")) and len(detail.strip().splitlines()) > 1:
        first = " ".join(detail.split())  # pyoxigraph breaks its list of expected tokens
    first = first if len(first) <= 120 else first[:117] + "..."
    return f"{name}: syntax error{where}: {first or 'cannot parse'}"


def _first_use(text: str, word: str) -> tuple[int | None, int | None]:
    """The line and column (from 1) where ``word`` first appears outside a comment line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("#"):
            match = re.search(rf"(?<![\w:]){re.escape(word)}", line)
            if match:
                return number, match.start() + 1
    return None, None
