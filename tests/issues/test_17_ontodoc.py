"""#17, ontology documentation: ``ontology_page`` and ``dllm-kg ontology``.

Every class, property and concept is read again here with rdflib from the Turtle files (not
from the built store the page is made from), and the page must hold an entry for each, with
its label, comment or definition, alignments and anchor. Counts of examples are checked
against SPARQL counts on the built graph. The HTML is parsed by html5lib in strict mode.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from dllm_kg.constants import AREAS_PATH, ONTOLOGY_PATH, TASKS_PATH, TECHNIQUES_PATH
from dllm_kg.graph import load_store
from dllm_kg.namespaces import BASE, DLLM, PREFIXES
from dllm_kg.ontodoc import ontology_page
from dllm_kg.pipeline import BUILD_FILES


def _turtle(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


#: The hand-written files, read by rdflib: the independent side of every comparison.
ONTOLOGY = _turtle(ONTOLOGY_PATH)
VOCABULARIES = _turtle(TECHNIQUES_PATH, AREAS_PATH, TASKS_PATH)
CLASSES = sorted(c for c in ONTOLOGY.subjects(RDF.type, OWL.Class) if c.startswith(DLLM))
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
PROPERTIES = sorted(
    {p for kind in PROPERTY_TYPES for p in ONTOLOGY.subjects(RDF.type, kind) if p.startswith(DLLM)}
)
CONCEPTS = sorted(set(VOCABULARIES.subjects(RDF.type, SKOS.Concept)))
TECHNIQUES = sorted(set(VOCABULARIES.subjects(RDF.type, DLLM.Technique)))
#: The page's headings of the alignments, by predicate.
ALIGNMENTS = {
    RDFS.subClassOf: "Subclass of",
    OWL.equivalentClass: "Equivalent class",
    RDFS.subPropertyOf: "Subproperty of",
    OWL.equivalentProperty: "Equivalent property",
    SKOS.exactMatch: "Exact match",
    SKOS.closeMatch: "Close match",
}


def _local(term: URIRef) -> str:
    return str(term).removeprefix(str(DLLM))


@pytest.fixture(scope="module")
def page(bundled_store: ox.Store) -> bytes:
    return ontology_page(bundled_store)


@pytest.fixture(scope="module")
def document(page: bytes) -> ET.Element:
    """The page parsed by html5lib in strict mode: any parse error raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(page)


@pytest.fixture(scope="module")
def entries(document: ET.Element) -> dict[str, ET.Element]:
    return {article.get("id"): article for article in document.iter("article")}


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _rows(article: ET.Element) -> dict[str, ET.Element]:
    """An entry's definition list: each <dt>'s text and the <dd> that follows it."""
    rows = {}
    for dl in article.iter("dl"):
        children = list(dl)
        for dt, dd in zip(children[::2], children[1::2], strict=True):
            assert (dt.tag, dd.tag) == ("dt", "dd")
            rows[_text(dt)] = dd
    return rows


def _targets(dd: ET.Element) -> set[str]:
    """The IRIs a <dd> links to: a fragment of this page stands for its term's IRI."""
    targets = set()
    for link in dd.iter("a"):
        href = link.get("href")
        if href.startswith("#"):
            anchor = href[1:]
            targets.add(BASE + anchor if "/" in anchor else str(DLLM) + anchor)
        else:
            targets.add(href)
    return targets


# Valid, script-free, standalone HTML ----------------------------------------------------------


def test_page_is_valid_html5(page: bytes, document: ET.Element) -> None:
    assert page.startswith(b"<!DOCTYPE html>\n")
    assert document.get("lang") == "en"
    viewport = [m for m in document.iter("meta") if m.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].get("content")
    assert [element.tag for element in document.find("body")] == [
        "header",
        "nav",
        "main",
        "footer",
    ]


def test_no_script_and_nothing_fetched(document: ET.Element) -> None:
    assert not list(document.iter("script"))
    for element in document.iter():
        assert not [name for name in element.attrib if name.startswith("on")], element.tag
        assert element.tag not in {"link", "img", "iframe", "object"}
        assert not element.get("href", "").startswith("javascript:")


def test_every_internal_link_resolves(document: ET.Element) -> None:
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), "ids repeat"
    fragments = {a.get("href")[1:] for a in document.iter("a") if a.get("href").startswith("#")}
    assert fragments, "no internal links"
    assert fragments - set(ids) == set()


def test_page_is_deterministic(bundled_store: ox.Store, page: bytes) -> None:
    copy = load_store(b"".join(f"{q.triple} .\n".encode() for q in bundled_store))
    assert ontology_page(copy) == page
    assert ontology_page(bundled_store) == page


# Every term, its label, comment, anchor and alignments -----------------------------------------


@pytest.mark.parametrize("term", CLASSES + PROPERTIES, ids=_local)
def test_every_ontology_term_has_an_entry(
    term: URIRef, entries: dict[str, ET.Element], document: ET.Element
) -> None:
    article = entries.get(_local(term))
    assert article is not None, f"no entry #{_local(term)}"
    assert _text(article.find("h3")) == str(ONTOLOGY.value(term, RDFS.label))
    assert " ".join(str(ONTOLOGY.value(term, RDFS.comment)).split()) in _text(article)
    assert f"dllm:{_local(term)}" in _text(article)
    toc = document.find("body/nav")
    assert f"#{_local(term)}" in {a.get("href") for a in toc.iter("a")}


@pytest.mark.parametrize("term", CLASSES + PROPERTIES, ids=_local)
def test_alignments_match_the_turtle(term: URIRef, entries: dict[str, ET.Element]) -> None:
    rows = _rows(entries[_local(term)])
    for predicate, heading in ALIGNMENTS.items():
        expected = {str(o) for o in ONTOLOGY.objects(term, predicate)}
        shown = _targets(rows[heading]) if heading in rows else set()
        assert shown == expected, f"{_local(term)}: {heading}"


@pytest.mark.parametrize("term", PROPERTIES, ids=_local)
def test_domain_and_range_match_the_turtle(term: URIRef, entries: dict[str, ET.Element]) -> None:
    rows = _rows(entries[_local(term)])
    for predicate, heading in ((RDFS.domain, "Domain"), (RDFS.range, "Range")):
        expected = {str(o) for o in ONTOLOGY.objects(term, predicate)}
        assert (_targets(rows[heading]) if heading in rows else set()) == expected


def test_the_external_alignment_is_shown(entries: dict[str, ET.Element]) -> None:
    # foaf:Person rdfs:subClassOf schema:Person: the one axiom on another vocabulary's term.
    external = {s for s in ONTOLOGY.subjects(RDFS.subClassOf, None) if not str(s).startswith(BASE)}
    assert external == {URIRef(PREFIXES["foaf"] + "Person")}
    rows = _rows(entries["foaf:Person"])
    assert _targets(rows["Subclass of"]) == {PREFIXES["schema"] + "Person"}


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: str(c).removeprefix(BASE))
def test_every_concept_has_an_entry(
    concept: URIRef, entries: dict[str, ET.Element], document: ET.Element
) -> None:
    anchor = str(concept).removeprefix(BASE)
    article = entries.get(anchor)
    assert article is not None, f"no entry #{anchor}"
    assert _text(article.find("h3")) == str(VOCABULARIES.value(concept, SKOS.prefLabel))
    assert " ".join(str(VOCABULARIES.value(concept, SKOS.definition)).split()) in _text(article)
    rows = _rows(article)
    broader = {str(o) for o in VOCABULARIES.objects(concept, SKOS.broader)}
    assert (_targets(rows["Broader"]) if "Broader" in rows else set()) == broader
    narrower = {str(s) for s in VOCABULARIES.subjects(SKOS.broader, concept)}
    assert (_targets(rows["Narrower"]) if "Narrower" in rows else set()) == narrower
    areas = {str(o) for o in VOCABULARIES.objects(concept, DLLM.belongsToArea)}
    shown = _targets(rows["Belongs to area"]) if "Belongs to area" in rows else set()
    assert shown == areas
    assert f"#{anchor}" in {a.get("href") for a in document.find("body/nav").iter("a")}


def test_the_vocabulary_is_all_there(entries: dict[str, ET.Element]) -> None:
    assert len(TECHNIQUES) == 114
    assert {f"technique/{str(t).rsplit('/', 1)[1]}" for t in TECHNIQUES} <= set(entries)


# Examples come from the data ----------------------------------------------------------------


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, prefixes=PREFIXES)))[0].value)


def _leading_number(dd: ET.Element) -> int:
    return int(_text(dd).split()[0].rstrip(",").replace(",", ""))


def test_class_examples_come_from_the_data(
    entries: dict[str, ET.Element], bundled_store: ox.Store
) -> None:
    dd = _rows(entries["Paper"])["In the data"]
    assert _leading_number(dd) == _count(
        bundled_store, "SELECT (COUNT(*) AS ?n) { ?p a dllm:Paper }"
    )
    examples = [a.get("href") for a in dd.iter("a")]
    assert len(examples) == 3
    for iri in examples:
        assert bundled_store.query(f"ASK {{ <{iri}> a dllm:Paper }}", prefixes=PREFIXES)


def test_property_examples_come_from_the_data(
    entries: dict[str, ET.Element], bundled_store: ox.Store
) -> None:
    dd = _rows(entries["usesTechnique"])["In the data"]
    expected = _count(bundled_store, "SELECT (COUNT(*) AS ?n) { ?p dllm:usesTechnique ?t }")
    assert _leading_number(dd) == expected
    items = list(dd.iter("li"))
    assert len(items) == 3
    for item in items:
        paper, technique = _targets(item)  # sets are unordered: tell them apart by namespace
        if "/technique/" in paper:
            paper, technique = technique, paper
        ask = f"ASK {{ <{paper}> dllm:usesTechnique <{technique}> }}"
        assert bundled_store.query(ask, prefixes=PREFIXES), ask


def test_papers_per_technique_match_sparql(
    entries: dict[str, ET.Element], bundled_store: ox.Store
) -> None:
    expected = {str(technique): 0 for technique in TECHNIQUES} | {
        row[0].value: int(row[1].value)
        for row in bundled_store.query(
            "SELECT ?t (COUNT(DISTINCT ?p) AS ?n) { ?p dllm:usesTechnique ?t } GROUP BY ?t",
            prefixes=PREFIXES,
        )
    }
    shown = {
        str(t): _leading_number(_rows(entries[str(t).removeprefix(BASE)])["Papers"])
        for t in TECHNIQUES
    }
    assert shown == expected
    assert sum(shown.values()) > 0


# Bad text stays text ------------------------------------------------------------------------


def test_markup_in_a_comment_is_escaped() -> None:
    graph = Graph()
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    graph.add((DLLM.Odd, RDF.type, OWL.Class))
    graph.add((DLLM.Odd, RDFS.label, Literal("Odd <i>", lang="en")))
    graph.add((DLLM.Odd, RDFS.comment, Literal(hostile, lang="en")))
    store = load_store(graph.serialize(format="nt", encoding="utf-8"))
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        ontology_page(store)
    )
    assert not list(document.iter("script")) and not list(document.iter("b"))
    article = next(a for a in document.iter("article") if a.get("id") == "Odd")
    assert _text(article.find("h3")) == "Odd <i>"
    assert hostile in _text(article)


# The command line ---------------------------------------------------------------------------


def test_command_writes_the_same_page(tmp_path: Path, page: bytes) -> None:
    out = tmp_path / "ontology.html"
    command = [sys.executable, "-m", "dllm_kg", "ontology"]
    written = subprocess.run([*command, "-o", str(out)], capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert out.read_bytes() == page
    assert written.stdout.startswith(f"wrote {out}")
    printed = subprocess.run(command, capture_output=True)
    assert printed.returncode == 0 and printed.stdout == page


def test_command_names_a_bad_output_file(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "ontology.html"
    command = [sys.executable, "-m", "dllm_kg", "ontology", "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"dllm-kg: error: {out}: cannot be written (No such file or directory)"
    ]


def test_build_writes_no_ontology_page() -> None:
    # The page is `dllm-kg ontology`'s, and the site's (ontology/index.html); a build's
    # files stay as they were.
    assert not [name for name in BUILD_FILES if "ontology" in name]
