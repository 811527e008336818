"""State in the data what the ontology's alignment axioms say in schema.org and BIBO terms.

The build's instance data uses the ontology's own terms (``dllm:Paper``, ``dllm:hasCode``,
``dcterms:title``), and ontology/dllm.ttl aligns them with schema.org and BIBO
(``dllm:Paper rdfs:subClassOf schema:ScholarlyArticle``, ``dllm:hasCode
owl:equivalentProperty schema:codeRepository``, ...). A consumer that reads only schema.org
or BIBO, with no reasoner, would see none of it; so the build adds the triples those axioms
entail for the terms of :data:`ALIGNED_NAMESPACES`: each node of an aligned class gets the
aligned types, and each triple of an aligned property is stated again with the aligned
property. The axioms are read from the ontology (subclass, subproperty and equivalence,
followed transitively), so an alignment added there is stated in the data by the next build.

Alignments to other vocabularies (``dcterms:subject``, ``skos:related``, ``prov:value``,
``dcterms:identifier``) are left to a reasoner: they add little for a consumer, and
``prov:value`` would repeat every row's text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS

from dllm_kg.constants import ONTOLOGY_PATH
from dllm_kg.graph import Triple, vocabulary_triples
from dllm_kg.namespaces import BIBO, SCHEMA
from dllm_kg.terms import nt_iri

#: The vocabularies whose aligned terms the build states in the data (as N-Triples IRI starts).
ALIGNED_NAMESPACES = (f"<{SCHEMA}", f"<{BIBO}")
_TYPE = nt_iri(RDF.type)
_SUBCLASS, _SUBPROPERTY = nt_iri(RDFS.subClassOf), nt_iri(RDFS.subPropertyOf)
_EQUIVALENT_CLASS, _EQUIVALENT_PROPERTY = (
    nt_iri(OWL.equivalentClass),
    nt_iri(OWL.equivalentProperty),
)


@dataclass(frozen=True)
class Alignment:
    """The aligned terms of each class and property, as N-Triples IRIs, sorted."""

    classes: dict[str, tuple[str, ...]]
    properties: dict[str, tuple[str, ...]]


@cache
def alignment(paths: tuple[Path, ...] = (ONTOLOGY_PATH,)) -> Alignment:
    """The ontology's alignments: for each class and property, the schema.org and BIBO terms
    it is a subclass, subproperty or equivalent of, directly or through other terms.

    >>> alignment().classes["<https://w3id.org/dllm-kg/ontology#Paper>"]
    ('<http://purl.org/ontology/bibo/AcademicArticle>', '<https://schema.org/ScholarlyArticle>')
    """
    triples = vocabulary_triples(paths)
    return Alignment(
        _aligned(triples, _SUBCLASS, _EQUIVALENT_CLASS),
        _aligned(triples, _SUBPROPERTY, _EQUIVALENT_PROPERTY),
    )


def aligned_triples(
    store: ox.Store, paths: tuple[Path, ...] = (ONTOLOGY_PATH,)
) -> Iterator[Triple]:
    """The triples the alignments entail from a graph: aligned types and aligned properties."""
    aligned = alignment(paths)
    for klass, supers in aligned.classes.items():
        for quad in _quads(store, _TYPE, klass):
            for other in supers:
                yield str(quad.subject), _TYPE, other
    for prop, supers in aligned.properties.items():
        for quad in _quads(store, prop):
            for other in supers:
                yield str(quad.subject), other, str(quad.object)


def restated_properties(paths: tuple[Path, ...] = (ONTOLOGY_PATH,)) -> frozenset[str]:
    """The IRIs of the properties that only restate others (``schema:name``, ...).

    >>> "https://schema.org/codeRepository" in restated_properties()
    True
    """
    found = alignment(paths).properties.values()
    return frozenset(other[1:-1] for others in found for other in others)


def _aligned(triples: Iterable[Triple], sub: str, equivalent: str) -> dict[str, tuple[str, ...]]:
    """Each term's aligned broader terms, by the ``sub`` and ``equivalent`` axioms."""
    broader: dict[str, set[str]] = defaultdict(set)
    for subject, predicate, obj in triples:
        if predicate == sub:
            broader[subject].add(obj)
        elif predicate == equivalent:
            broader[subject].add(obj)
            broader[obj].add(subject)
    found = {term: _reachable(term, broader) for term in sorted(broader)}
    return {
        term: tuple(sorted(other for other in reached if other.startswith(ALIGNED_NAMESPACES)))
        for term, reached in found.items()
        if any(other.startswith(ALIGNED_NAMESPACES) for other in reached)
    }


def _reachable(term: str, broader: dict[str, set[str]]) -> set[str]:
    """Every term above ``term`` (not ``term`` itself)."""
    seen: set[str] = set()
    todo = list(broader.get(term, ()))
    while todo:
        other = todo.pop()
        if other not in seen and other != term:
            seen.add(other)
            todo.extend(broader.get(other, ()))
    return seen


def _quads(store: ox.Store, predicate: str, obj: str | None = None) -> Iterator[ox.Quad]:
    """The default graph's quads with this predicate (and object), given as N-Triples IRIs."""
    return store.quads_for_pattern(
        None,
        ox.NamedNode(predicate[1:-1]),
        ox.NamedNode(obj[1:-1]) if obj is not None else None,
        ox.DefaultGraph(),
    )
