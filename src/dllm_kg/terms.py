"""RDF terms: rdflib and pyoxigraph terms converted both ways, and N-Triples terms."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from dllm_kg.namespaces import PREFIXES


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term.

    >>> to_oxigraph(Literal(3))
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>

    :raises ValueError: for an IRI that pyoxigraph refuses (one with a space, say).
    :raises TypeError: for a term that is not an IRI, a blank node or a literal.
    """
    if isinstance(term, URIRef):
        try:
            return ox.NamedNode(str(term))
        except ValueError as error:
            raise ValueError(f"not a valid IRI: {str(term)!r} ({error})") from None
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Identifier | None:
    """A pyoxigraph term as the rdflib term that rdflib's engine gives for it.

    >>> from_oxigraph(ox.Literal("x"))
    rdflib.term.Literal('x')
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


# N-Triples terms: the build writes its triples as N-Triples text, which pyoxigraph loads in
# bulk (ten times faster than making rdflib or pyoxigraph term objects one by one).

#: What a literal's text must escape in N-Triples: quote, backslash and control characters,
#: exactly as pyoxigraph writes them (so that the build's lines equal a dump of its store).
_NT_ESCAPES = {
    **{code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)},
    **{ord(char): f"\\{name}" for char, name in zip('\\"\b\t\n\f\r', '\\"btnfr', strict=True)},
}
_XSD_INTEGER = f"<{XSD.integer}>"
_XSD_BOOLEAN = f"<{XSD.boolean}>"


def nt_iri(iri: str) -> str:
    """An IRI as an N-Triples term.

    >>> nt_iri("https://w3id.org/dllm-kg/paper/x")
    '<https://w3id.org/dllm-kg/paper/x>'
    """
    return f"<{iri}>"


def nt_literal(value: str | int | bool, language: str | None = None) -> str:
    """A string (with an optional language), integer or boolean as an N-Triples literal.

    >>> print(nt_literal('say "hi"\\n'), nt_literal("x", "en"))
    "say \\"hi\\"\\n" "x"@en
    >>> print(nt_literal(3), nt_literal(True))
    "3"^^<http://www.w3.org/2001/XMLSchema#integer> "true"^^<http://www.w3.org/2001/XMLSchema#boolean>
    """
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^{_XSD_BOOLEAN}'
    if isinstance(value, int):
        return f'"{value}"^^{_XSD_INTEGER}'
    text = f'"{value.translate(_NT_ESCAPES)}"'
    return f"{text}@{language}" if language else text


def rdflib_graph(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib graph with the project's prefixes; blank nodes
    keep their labels, so that both engines name the same nodes."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add(
            (from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object))
        )
    return graph
