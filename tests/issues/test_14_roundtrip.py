"""#14, property-based: generated lists round-trip through a build, every export and an
independent reader, with nothing lost or changed without a finding.

Titles are drawn from all of Unicode (controls, format characters, other scripts, emoji,
line separators), except surrogates, line breaks and the ASCII characters that are Markdown
syntax in a table cell. For each generated list, read, checked and exported as a build does
it (in this process, not stored):

- keeps each title as the list wrote it, or names the row's line in a finding (two titles
  that make the same identifier are one paper listed twice, and keep the first title);
- writes three serialisations that hold exactly the graph's triples, read back by pyoxigraph
  (Turtle, N-Triples), rdflib (Turtle) and pyld (JSON-LD);
- draws a page that shows each paper's title as the graph has it (Chromium, fewer examples).

Hypothesis runs derandomised with a bounded number of examples; DLLM_KG_HYPOTHESIS=long runs
ten times as many (`DLLM_KG_HYPOTHESIS=long .venv/bin/python -m pytest tests/issues/`).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from dllm_kg.export import render_exports
from dllm_kg.pipeline import read
from dllm_kg.records import Finding
from dllm_kg.render import render_page
from dllm_kg.validate import validate
from tests.test_export import pyld_triples

LONG = os.environ.get("DLLM_KG_HYPOTHESIS") == "long"
EXAMPLES = 250 if LONG else 25
PAGE_EXAMPLES = 40 if LONG else 4
TITLE_IRI = ox.NamedNode("http://purl.org/dc/terms/title")
PAPER = ox.NamedNode("https://w3id.org/dllm-kg/ontology#Paper")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: The line of the first row in the written list.
FIRST_ROW_LINE = 7

titles = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="|\\`*_[]<>!#&\n\r"),
    min_size=1,
    max_size=40,
)
lists = st.lists(titles, min_size=1, max_size=3)


def write_list(path: Path, row_titles: list[str]) -> None:
    """A list of one table, a row per title, each with an arXiv link of its own."""
    rows = [
        f"| {number} | {title} | [Link](https://arxiv.org/abs/2501.{number:05d}) | N/A |"
        for number, title in enumerate(row_titles, start=1)
    ]
    lines = [
        "# Generated",
        "",
        "## **I. Distributed LLMs**",
        "",
        "| No. | Paper Title | Url | Code |",
        "|---|---|---|---|",
        *rows,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Built:
    """What a build makes of a generated list, without storing it: graph, findings, files."""

    store: ox.Store
    findings: list[Finding]
    files: dict[str, bytes]


def built(row_titles: list[str], folder: Path) -> Built:
    """Read, check and export a generated list as a build does (the same functions)."""
    source = folder / "list.md"
    write_list(source, row_titles)
    parsed, ntriples, store = read(source)
    _, _, findings = validate(store, parsed.findings)
    return Built(store, findings, render_exports(store, ntriples))


def graph_titles(store: ox.Store) -> dict[str, str]:
    """Each paper's title, by its arXiv number (from its link)."""
    query = """SELECT ?link ?title WHERE {
        ?paper a dllm:Paper ; dcterms:title ?title ; dllm:link ?link }"""
    rows = store.query(
        query,
        prefixes={
            "dllm": "https://w3id.org/dllm-kg/ontology#",
            "dcterms": "http://purl.org/dc/terms/",
        },
    )
    return {row["link"].value.rsplit(".", 1)[-1]: row["title"].value for row in rows}


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(lists)
def test_titles_are_kept_or_named_and_every_export_holds_exactly_the_graph(
    row_titles: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = built(row_titles, Path(folder))
        kept = graph_titles(result.store)
        for number, title in enumerate(row_titles, start=1):
            line = FIRST_ROW_LINE + number - 1
            assert kept.get(f"{number:05d}") == title or names_line(result.findings, line)
        graph = {quad.triple for quad in result.store}
        for name, data in result.files.items():
            (Path(folder) / name).write_bytes(data)
        assert triples(result.files["dllm-kg.nt"], ox.RdfFormat.N_TRIPLES) == graph
        assert triples(result.files["dllm-kg.ttl"], ox.RdfFormat.TURTLE) == graph
        rdflib_turtle = Graph().parse(data=result.files["dllm-kg.ttl"], format="turtle")
        as_ntriples = rdflib_turtle.serialize(format="nt", encoding="utf-8")
        assert triples(as_ntriples, ox.RdfFormat.N_TRIPLES) == graph
        assert {quad.triple for quad in pyld_triples(Path(folder) / "dllm-kg.jsonld")} == graph


def names_line(findings: list[Finding], line: int) -> bool:
    """Whether a finding is at ``line`` or names it (one about a paper listed twice is at its
    first row and names the others: "also listed at line 8, row 2 of ...")."""
    return any(f.line == line or f"line {line}," in f.message for f in findings)


def triples(data: bytes, rdf_format: ox.RdfFormat) -> set[ox.Triple]:
    """The triples of a document, read by pyoxigraph."""
    return {quad.triple for quad in ox.parse(data, format=rdf_format)}


def test_the_page_shows_each_title_as_the_graph_has_it(browser: object) -> None:
    @settings(
        max_examples=PAGE_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(lists)
    def shown(row_titles: list[str]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            result = built(row_titles, Path(folder))
            papers = {
                quad.subject.value: quad.object.value
                for quad in result.store.quads_for_pattern(None, TITLE_IRI, None)
                if ox.Quad(quad.subject, RDF_TYPE, PAPER) in result.store
            }
            page_file = Path(folder) / "graph.html"
            page_file.write_bytes(render_page(result.store))
            page = browser.new_page()
            try:
                page.goto(page_file.as_uri())
                page.wait_for_function("typeof dllm !== 'undefined'", timeout=120_000)
                for paper, title in papers.items():
                    page.evaluate("id => dllm.focus(id)", paper)
                    assert page.text_content("#details h2") == title
            finally:
                page.close()

    shown()
