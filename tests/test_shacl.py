"""The fast SHACL engine agrees with pySHACL, result by result and finding by finding."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from dllm_kg.namespaces import DLLM, SH
from dllm_kg.records import ParsedList
from dllm_kg.shacl import UnsupportedShape, compile_shapes
from dllm_kg.validate import Engine, load_shapes, shacl_report, validate
from tests.conftest import load_rdflib

from .test_validate import (
    CLEAN,
    CONFORMING,
    DEFECTS,
    GPT2,
    PIPE,
    VIOLATIONS,
    Edit,
    edited,
    reporting_shapes,
    row_of,
    technique,
)

#: One validation result as a comparable tuple: focus, path, value, severity, shape,
#: component, messages (with their language tags).
ResultKey = tuple[Node, object, Node | None, Node, Node, Node, tuple[str, ...]]


def store_of(graph: Graph) -> ox.Store:
    """The graph in a pyoxigraph store, as the build will hand it to validate()."""
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def path_of(report: Graph, path: Node | None) -> object:
    """A result path: a predicate, or ``("alternative", predicates...)``."""
    if isinstance(path, BNode):
        members = Collection(report, report.value(path, SH.alternativePath))
        return ("alternative", *members)
    return path


def blank_as_one(node: Node | None) -> Node | None:
    """A data node; blank nodes all alike, as their labels differ between the engines' copies."""
    return BNode("blank") if isinstance(node, BNode) else node


def result_keys(report: Graph) -> Counter[ResultKey]:
    """The results of a SHACL validation report, each as a :data:`ResultKey`."""
    keys: Counter[ResultKey] = Counter()
    for result in report.objects(None, SH.result):

        def value(subject: Node, predicate: Node) -> Node | None:
            return blank_as_one(report.value(subject, predicate))

        messages = tuple(sorted(m.n3() for m in report.objects(result, SH.resultMessage)))
        keys[
            (
                value(result, SH.focusNode),
                path_of(report, report.value(result, SH.resultPath)),
                value(result, SH.value),
                value(result, SH.resultSeverity),
                value(result, SH.sourceShape),
                value(result, SH.sourceConstraintComponent),
                messages,
            )
        ] += 1
    return keys


def both_reports(store: ox.Store, shapes: Graph | None = None) -> Counter[ResultKey]:
    """The results of both engines; they must be the same, and the fast one's are returned."""
    fast = result_keys(shacl_report(store, shapes, Engine.FAST))
    slow = result_keys(shacl_report(store, shapes, Engine.PYSHACL))
    assert {"only fast": fast - slow, "only pySHACL": slow - fast} == {
        "only fast": Counter(),
        "only pySHACL": Counter(),
    }
    return fast


def both_findings(store: ox.Store, parsed: ParsedList | None) -> list[str]:
    """The findings of validate() with both engines; they must be the same."""
    reader = parsed.findings if parsed else ()
    fast = [f"{f} [{getattr(f, 'node', None)}]" for f in validate(store, reader)[2]]
    slow = [
        f"{f} [{getattr(f, 'node', None)}]" for f in validate(store, reader, engine="pyshacl")[2]
    ]
    assert fast == slow
    return fast


# Graphs that break each shape one way or another, and graphs that keep it ------------------

#: More edits, at the edges where the engines could differ: ill-typed literals, a newline
#: before the end of an identifier (Python's ``$`` matches there), a language tag in upper
#: case, values of the wrong kind for a range, subclasses of a target class.
EDGES: list[tuple[str, Edit]] = [
    ("ill-typed-line", lambda g: g.set((row_of(g), DLLM.sourceLine, Literal("x", datatype=XSD.integer)))),  # noqa: E501
    ("decimal-row-number", lambda g: g.set((row_of(g), DLLM.rowNumber, Literal("1.5", datatype=XSD.decimal)))),  # noqa: E501
    ("string-row-number", lambda g: g.set((row_of(g), DLLM.rowNumber, Literal("5")))),
    ("iri-size", lambda g: g.set((GPT2, DLLM.parameterCount, DLLM.big))),
    ("newline-in-id", lambda g: g.set((PIPE, DLLM.arxivId, Literal("2401.00001\n")))),
    ("newline-inside-id", lambda g: g.set((PIPE, DLLM.arxivId, Literal("2401.0\n0001")))),
    ("upper-case-language", lambda g: g.add((technique(g), SKOS.prefLabel, Literal("X", lang="EN")))),  # noqa: E501
    ("literal-class", lambda g: g.add((PIPE, DLLM.usesTechnique, Literal("pipelining")))),
    ("subclass-target", lambda g: _subclass_paper(g)),
    ("blank-code", lambda g: g.add((PIPE, DLLM.hasCode, BNode("code")))),
    ("ill-typed-flag", lambda g: g.set((PIPE, DLLM.isSurvey, Literal("yes", datatype=XSD.boolean)))),  # noqa: E501
    ("two-titles", lambda g: g.add((PIPE, DCTERMS.title, Literal("T", lang="en")))),
    ("link-twice", lambda g: g.add((GPT2, PROV.wasDerivedFrom, row_of(g)))),
    ("derived-model-label", lambda g: g.set((GPT2, RDFS.label, Literal("GPT-3 Large")))),
]  # fmt: skip


def _subclass_paper(graph: Graph) -> None:
    """An instance of a subclass of dllm:Paper with nothing else: the paper shapes apply."""
    graph.add((DLLM.Preprint, RDFS.subClassOf, DLLM.Paper))
    graph.add((DLLM["preprint-1"], RDF.type, DLLM.Preprint))


@pytest.fixture(scope="module")
def clean() -> tuple[ParsedList, Graph]:
    return load_rdflib(CLEAN, "clean.md")


@dataclass
class Fired:
    """What the agreement tests below ran, and the shapes that reported in them."""

    cases: set[str] = field(default_factory=set)
    shapes: set[Node] = field(default_factory=set)


@pytest.fixture(scope="module")
def fired() -> Fired:
    """Filled by the agreement tests as they run."""
    return Fired()


CASES = [*VIOLATIONS, *CONFORMING, *EDGES]


@pytest.mark.parametrize(
    ("code", "edit"), CASES, ids=[f"{i}-{code}" for i, (code, _) in enumerate(CASES)]
)
def test_an_edited_clean_list_gets_the_same_report_from_both_engines(
    clean: tuple[ParsedList, Graph], fired: Fired, code: str, edit: Edit
) -> None:
    store = store_of(edited(clean[1], edit))
    results = both_reports(store)
    both_findings(store, clean[0])
    fired.cases.add(f"{code}: {edit}")
    fired.shapes.update(key[4] for key in results)


@pytest.mark.parametrize("source", [None, CLEAN, DEFECTS], ids=["bundled", "clean", "defects"])
def test_a_list_gets_the_same_report_and_findings_from_both_engines(
    fired: Fired, source: object
) -> None:
    parsed, graph = load_rdflib(source)  # type: ignore[arg-type]
    store = store_of(graph)
    results = both_reports(store)
    findings = both_findings(store, parsed)
    if source == CLEAN:
        assert results == Counter() and findings == []
    fired.cases.add(str(source))
    fired.shapes.update(key[4] for key in results)


def test_every_reporting_shape_fired_with_both_engines(fired: Fired) -> None:
    """Runs after the tests above (pytest keeps file order): every shape was shown to fire."""
    if len(fired.cases) < len(CASES) + 3:
        pytest.skip("only some of the agreement tests ran (-k?): the coverage needs all")
    assert set(reporting_shapes().values()) - fired.shapes == set()


# The rest of the subset, on small inline shapes -------------------------------------------

EX = "http://example.org/"
SHAPES_PREFIXES = f"""
@prefix sh: <{SH}> . @prefix ex: <{EX}> . @prefix xsd: <{XSD}> .
@prefix rdfs: <{RDFS}> .
"""

#: Shapes using what shapes.ttl does not: targetNode, implicit class targets, flags, maximum
#: ranges, minCount above 1, $PATH, deactivation, a message with {$this}, ?path bound.
INLINE_SHAPES = (
    SHAPES_PREFIXES
    + """
ex:Thing a rdfs:Class, sh:NodeShape ;
    sh:property [ sh:path ex:name ; sh:pattern "^ab" ; sh:flags "i" ; sh:message "name" ] ,
        [ sh:path ex:size ; sh:maxInclusive 10 ; sh:maxExclusive 5 ; sh:minCount 2 ;
          sh:severity sh:Warning ; sh:message "size" ] ,
        [ sh:path ex:size ; sh:deactivated true ; sh:maxCount 0 ; sh:message "off" ] .
ex:One sh:targetNode ex:a, ex:nowhere ; sh:property ex:one-name .
ex:one-name sh:path ex:name ; sh:minCount 1 ; sh:message "one"@en, "eins"@de .
ex:Named sh:targetSubjectsOf ex:name ;
    sh:property [ sh:path ex:name ;
        sh:sparql [ sh:select '''SELECT $this ?value
                                  WHERE { $this $PATH ?value . FILTER (STRLEN(?value) > 3) }''' ;
                    sh:message "long {?value} of {$this}" ] ] ;
    sh:sparql [ sh:select "SELECT ?path WHERE { $this ?path ?o . FILTER (?path = ex:size) }" ;
                sh:prefixes ex:ns ; sh:message "has {?path} {$this}" ] .
ex:ns sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""
)  # fmt: skip
INLINE_DATA = f"""
@prefix ex: <{EX}> .
ex:a a ex:Thing ; ex:name "Abc", "xyz" ; ex:size 7, 3 .
ex:b a ex:Thing ; ex:name "ab\\n" ; ex:size 12 .
ex:c ex:name "abcdef" .
"""


def test_the_rest_of_the_subset_agrees_with_pyshacl() -> None:
    shapes = Graph().parse(data=INLINE_SHAPES, format="turtle")
    store = ox.Store()
    store.load(INLINE_DATA.encode(), format=ox.RdfFormat.TURTLE)
    results = both_reports(store, shapes)
    messages = Counter(message for key in results for message in key[6])
    assert messages == {
        '"name"': 1,  # "xyz" (and "ab\n" matches, as in Python)
        '"size"': 4,  # ex:a 7 (not < 5), ex:b 12 twice (> 10, not < 5), ex:b one size
        '"one"@en': 1,  # ex:nowhere has no name
        '"eins"@de': 1,
        '"long abcdef of http://example.org/c"': 1,
        # pySHACL fills {$this} in only when the query selects $this
        '"has http://example.org/size {$this}"': 2,
    }


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minLength 1 ] .", "minLength"),
        ("ex:S sh:targetNode ex:a ; sh:property [ sh:path [ sh:inversePath ex:p ] ] .", "paths"),
        ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "message"),
        (
            'ex:S sh:targetNode ex:a ; sh:message "m" ; sh:sparql [ sh:select '
            '"SELECT $this WHERE { $this ex:p ?o } LIMIT 1" ] .',
            "pySHACL",
        ),
        (
            'ex:S sh:targetNode ex:a ; sh:message "m" ; sh:sparql [ sh:select '
            '"SELECT $this (COUNT(*) AS ?n) WHERE { $this ex:p ?o }" ] .',
            "group by",
        ),
    ],
    ids=["component", "path", "no-message", "limit", "aggregate"],
)
def test_what_the_engine_does_not_run_is_refused_not_skipped(shape: str, why: str) -> None:
    shapes = Graph().parse(data=SHAPES_PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape, match=why):
        compile_shapes(shapes)


def test_the_bundled_shapes_compile() -> None:
    prologue, checks = compile_shapes(load_shapes())
    assert "PREFIX dllm:" in prologue
    assert {check.shape for check in checks} >= set(reporting_shapes().values())


def test_importing_validate_does_not_import_pyshacl() -> None:
    code = "import sys, dllm_kg.validate; print('pyshacl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "False\n", done.stderr
