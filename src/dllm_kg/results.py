"""Query results and their formats: SPARQL 1.1 JSON, CSV and TSV, tables, Turtle, DataFrames."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from dllm_kg.export import compact, sorted_ntriples
from dllm_kg.namespaces import GITHUB, PREFIXES, REPOSITORY
from dllm_kg.options import Format
from dllm_kg.terms import from_oxigraph, to_oxigraph

#: A row of a SELECT result: one RDF term (or None where unbound) per variable.
Row = tuple[Identifier | None, ...]
#: A triple of a CONSTRUCT or DESCRIBE result.
Triple = tuple[Identifier, Identifier, Identifier]


@dataclass(frozen=True)
class QueryResult:
    """What a query answered: rows (SELECT), a truth value (ASK) or triples (CONSTRUCT, DESCRIBE).

    In a notebook it shows as a table; :meth:`to_dataframe` makes a pandas DataFrame.
    """

    form: str
    variables: tuple[str, ...] = ()
    rows: list[Row] | None = None
    boolean: bool | None = None
    triples: frozenset[Triple] | None = None

    def __len__(self) -> int:
        """Rows, triples, or 1 for ASK."""
        if self.rows is not None:
            return len(self.rows)
        return len(self.triples) if self.triples is not None else 1

    def records(self, compact_iris: bool = False) -> list[dict[str, object]]:
        """The rows as dictionaries of Python values (int, bool, str; IRIs as strings)."""
        return [
            {
                var: python_value(term, compact_iris)
                for var, term in zip(self.variables, row, strict=True)
            }
            for row in self.rows or ()
        ]

    def to_dataframe(self, compact_iris: bool = True):  # -> pandas.DataFrame; pandas is optional
        """The rows as a pandas DataFrame (IRIs shortened to ``paper:...`` by default).

        :raises ImportError: when pandas is not installed (``pip install dllm-kg[notebook]``).
        """
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "to_dataframe needs pandas: pip install 'dllm-kg[notebook]'"
            ) from None
        if self.boolean is not None:
            return pandas.DataFrame({"boolean": [self.boolean]})
        if self.rows is None:
            rows = [[display(term, compact_iris) for term in t] for t in self.sorted_triples()]
            return pandas.DataFrame(rows, columns=["subject", "predicate", "object"])
        return pandas.DataFrame(self.records(compact_iris), columns=list(self.variables))

    def sorted_triples(self) -> list[Triple]:
        """The triples in N-Triples order."""
        return sorted(self.triples or (), key=lambda t: tuple(term.n3() for term in t))

    def graph(self) -> Graph:
        """The triples as an rdflib graph with the project's prefixes."""
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in self.triples or ():
            graph.add(triple)
        return graph

    def to_turtle(self) -> str:
        """The triples as Turtle, declaring only the prefixes they use, the same bytes on both
        engines."""
        from dllm_kg.protocol import rdf_document  # werkzeug: only for graphs

        store = ox.Store()
        store.extend(ox.Quad(*map(to_oxigraph, triple)) for triple in self.triples or ())
        triples = list(ox.parse(sorted_ntriples(store), format=ox.RdfFormat.N_TRIPLES))
        return rdf_document(triples, "text/turtle").decode("utf-8")

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2) + "\n"
        bindings = [
            {
                var: _json_term(term)
                for var, term in zip(self.variables, row, strict=True)
                if term is not None
            }
            for row in self.rows or ()
        ]
        document = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, IRIs in full, empty where unbound.

        Lines end with CRLF, as the format (and RFC 4180) requires.

        >>> QueryResult("SELECT", ("n",), [(Literal(1),)]).to_csv()
        'n\\r\\n1\\r\\n'
        """
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return out.getvalue()
        writer.writerow(self.variables)
        for row in self.rows or ():
            writer.writerow(["" if term is None else str(term) for term in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: ``?var`` headers, terms as in N-Triples, LF line ends."""
        if self.boolean is not None:
            return f"?boolean\n{'true' if self.boolean else 'false'}\n"
        lines = ["\t".join(f"?{var}" for var in self.variables)]
        lines += ["\t".join(ntriples_term(term) for term in row) for row in self.rows or ()]
        return "\n".join(lines) + "\n"

    def serialize(self, format: Format | str = Format.CSV) -> str:
        """The result as text: Turtle for graphs, else CSV, TSV or JSON (``table`` gives TSV)."""
        if self.triples is not None:
            return self.to_turtle()
        format = Format(format)
        if format is Format.JSON:
            return self.to_json()
        if format is Format.CSV:
            return self.to_csv()
        return self.to_tsv()

    def table(self, compact_iris: bool = True) -> list[list[str]]:
        """The rows as strings for display: IRIs shortened, literals as their text."""
        return [
            ["" if term is None else display(term, compact_iris) for term in row]
            for row in self.rows or ()
        ]

    def _repr_html_(self) -> str:
        """A notebook's view: an HTML table (rows) or the Turtle (triples)."""
        if self.triples is not None:
            return f"<pre>{html.escape(self.to_turtle())}</pre>"
        if self.boolean is not None:
            return f"<p>{'true' if self.boolean else 'false'}</p>"
        head = "".join(f"<th>{html.escape(var)}</th>" for var in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.table()
        )
        return f"<table><tr>{head}</tr>{body}</table><p>{len(self)} rows</p>"


def from_oxigraph_result(
    result: ox.QueryBoolean | ox.QuerySolutions | Iterable[ox.Triple | ox.Quad], form: str
) -> QueryResult:
    """A pyoxigraph answer (from a store, or parsed from an endpoint's) as a QueryResult.

    :param form: ``CONSTRUCT`` or ``DESCRIBE`` where the answer is triples (else ignored).

    >>> answer = ox.parse_query_results('{"boolean": true}', ox.QueryResultsFormat.JSON)
    >>> from_oxigraph_result(answer, "")
    QueryResult(form='ASK', variables=(), rows=None, boolean=True, triples=None)
    """
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(variable.value for variable in result.variables)
        converted: dict[object, Identifier | None] = {}  # a result repeats its terms

        def term(value: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Identifier | None:
            if value not in converted:
                converted[value] = from_oxigraph(value)
            return converted[value]

        rows = [tuple(term(solution[v]) for v in variables) for solution in result]
        return QueryResult("SELECT", variables, rows)
    triples = frozenset(
        (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
        for t in result
    )
    return QueryResult(form or "CONSTRUCT", triples=triples)


def python_value(term: Identifier | None, compact_iris: bool = False) -> object:
    """A term as a Python value: numbers and booleans as such, IRIs and text as strings.

    >>> from dllm_kg.namespaces import PAPER
    >>> python_value(Literal(7)), python_value(URIRef(str(PAPER) + "x"), compact_iris=True)
    (7, 'paper:x')
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(value) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return compact(str(term)) if compact_iris else str(term)


def display(term: Identifier, compact_iris: bool = True) -> str:
    """A term as one cell of a table: the literal's text, or the (shortened) IRI."""
    if isinstance(term, URIRef):
        return compact(str(term)) if compact_iris else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def readable(term: Identifier | None) -> str:
    """A term as a terminal shows it, short: a GitHub repository by its URL, another IRI by
    its prefixed name, a literal by its text (CSV, TSV and JSON keep IRIs in full).

    >>> readable(URIRef(str(REPOSITORY) + "github/openai/clip"))
    'https://github.com/openai/clip'
    """
    if isinstance(term, URIRef) and term.startswith(_GITHUB_REPOSITORY):
        return GITHUB + term.removeprefix(_GITHUB_REPOSITORY)
    return "" if term is None else display(term)


#: The IRIs of repositories on GitHub: this, then ``owner/name`` (or ``owner``).
_GITHUB_REPOSITORY = str(REPOSITORY) + "github/"


def is_number(term: Identifier | None) -> bool:
    """Whether a term is a numeric literal (a table aligns those to the right).

    >>> is_number(Literal(3)), is_number(Literal("3")), is_number(Literal(True))
    (True, False, False)
    """
    return isinstance(term, Literal) and term.datatype in _NUMBERS


#: The numeric datatypes that SPARQL results carry.
_NUMBERS = frozenset(
    XSD[name] for name in ("integer", "decimal", "double", "float", "int", "long", "short")
)


def ntriples_term(term: Identifier | None) -> str:
    """A term in N-Triples syntax (empty for unbound), as SPARQL TSV results write it.

    >>> ntriples_term(Literal('say "hi"\\tthere'))
    '"say \\\\"hi\\\\"\\\\tthere"'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    escaped = str(term).translate(_ESCAPES)
    if term.language:
        return f'"{escaped}"@{term.language}'
    if term.datatype and term.datatype != XSD.string:
        return f'"{escaped}"^^<{term.datatype}>'
    return f'"{escaped}"'


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value
