"""The SHACL shapes and the check: every shape with a conforming and a violating example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef, plugin
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.query import Processor
from typer.testing import CliRunner

from dllm_kg.cli import app
from dllm_kg.constants import PROJECT_DIR, SHAPES_PATH
from dllm_kg.graph import model_iri, paper_iri, paper_key
from dllm_kg.namespaces import DLLM, SH, SHAPES
from dllm_kg.parse import parse_text
from dllm_kg.pipeline import check
from dllm_kg.records import Finding, ParsedList, Severity
from dllm_kg.validate import (
    ReportFormat,
    _PreparingProcessor,
    _queries_parsed_once,
    load_shapes,
    render_report,
    summary,
    validate,
)
from tests.conftest import build_graph, load_rdflib

from .conftest import DATA

#: Small lists written for these tests: every row correct, and one or two defects per row.
CLEAN = DATA / "validate" / "clean.md"
DEFECTS = DATA / "validate" / "defects.md"

runner = CliRunner()


# The shapes file ----------------------------------------------------------------------------


def reporting_shapes() -> dict[str, URIRef]:
    """Every shape that reports, by its finding code (the local name of its IRI)."""
    shapes = load_shapes()
    return {str(s)[len(SHAPES) :]: s for s in shapes.subjects(SH.severity, None)}


def test_every_reporting_shape_is_named_and_has_a_message_a_maintainer_reads() -> None:
    shapes = load_shapes()
    for code, shape in reporting_shapes().items():
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES), shape
        assert code == code.lower() and " " not in code, code
        messages = list(shapes.objects(shape, SH.message))
        messages += [
            m for c in shapes.objects(shape, SH.sparql) for m in shapes.objects(c, SH.message)
        ]
        assert len(messages) == 1, f"{code}: needs one sh:message, has {messages}"
        assert "dllm:" not in messages[0] and "http" not in messages[0], code


def test_every_constraint_of_a_targeted_shape_has_a_severity() -> None:
    """A property shape without a severity would report as a Violation by default."""
    shapes = load_shapes()
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for property_shape in shapes.objects(node_shape, SH.property):
            assert (property_shape, SH.severity, None) in shapes or _helper(shapes, node_shape)


def _helper(shapes: Graph, node_shape: URIRef) -> bool:
    """Helper shapes (used by sh:node) have no target and report through their user."""
    return (None, SH.node, node_shape) in shapes


def test_severities_are_the_ones_the_issue_asks_for() -> None:
    shapes = load_shapes()
    severity = {code: shapes.value(s, SH.severity) for code, s in reporting_shapes().items()}
    violations = {"shared-identifier", "shared-link", "missing-title", "bad-size"}
    warnings = {
        "listed-twice",
        "code-not-repository",
        "shared-repository",
        "model-name-mismatch",
        "missing-link",
        "missing-model-link",
    }
    infos = {"tracking-parameter", "size-bound"}
    assert {code for code in violations if severity[code] != SH.Violation} == set()
    assert {code for code in warnings if severity[code] != SH.Warning} == set()
    assert {code for code in infos if severity[code] != SH.Info} == set()
    assert {code for code, s in severity.items() if s == SH.Info} == infos


def test_the_shapes_file_parses_as_turtle() -> None:
    assert len(Graph().parse(SHAPES_PATH, format="turtle")) > 100


# Conforming examples: a list with no defect -------------------------------------------------


@pytest.fixture(scope="module")
def clean() -> tuple[ParsedList, Graph]:
    """The clean list, parsed and built with its curation, as ``dllm-kg check`` does."""
    return load_rdflib(CLEAN, "clean.md")


def store_of(graph: Graph) -> ox.Store:
    """The graph in a pyoxigraph store, the data that validate() checks."""
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def findings_of(graph: Graph, parsed: ParsedList | None = None) -> list[Finding]:
    return validate(store_of(graph), parsed.findings if parsed else ())[2]


def test_the_clean_list_conforms_to_every_shape(clean: tuple[ParsedList, Graph]) -> None:
    conforms, report, findings = validate(store_of(clean[1]), clean[0].findings)
    assert [str(finding) for finding in findings] == []
    assert conforms
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)


def test_concurrent_validations_agree_and_leave_rdflib_as_it_was() -> None:
    parsed, graph = load_rdflib(DEFECTS, "defects.md")
    store = store_of(graph)
    alone = [str(f) for f in validate(store, parsed.findings, engine="pyshacl")[2]]
    runs_count = 9  # three rounds of three at once: enough overlap, and pySHACL is slow
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(
            pool.map(
                lambda _: validate(store, parsed.findings, engine="pyshacl")[2], range(runs_count)
            )
        )
    assert [[str(f) for f in findings] for findings in runs] == [alone] * runs_count
    assert plugin.get("sparql", Processor) is SPARQLProcessor


def test_a_validation_ending_keeps_the_swap_of_one_still_running() -> None:
    parsed, graph = load_rdflib(DEFECTS, "defects.md")
    with _queries_parsed_once():
        validate(store_of(graph), parsed.findings, engine="pyshacl")
        assert plugin.get("sparql", Processor) is _PreparingProcessor
    assert plugin.get("sparql", Processor) is SPARQLProcessor


def test_validation_does_not_change_the_graph(clean: tuple[ParsedList, Graph]) -> None:
    store = store_of(edited(clean[1], lambda g: None))
    validate(store, clean[0].findings)
    assert set(store) == set(store_of(clean[1]))


def test_the_clean_list_gives_every_shape_something_to_check(
    clean: tuple[ParsedList, Graph],
) -> None:
    """The conforming example is not vacuous: every kind of value the shapes look at is there."""
    graph = clean[1]
    for prop in (
        DCTERMS.title,
        DLLM.isSurvey,
        DLLM.link,
        DLLM.arxivId,
        DLLM.doi,
        DLLM.ieeeDocument,
        DLLM.openReviewId,
        DLLM.hasCode,
        DLLM.githubId,
        DLLM.usesTechnique,
        DLLM.hasArea,
        DLLM.usesModel,
        DLLM.task,
        DLLM.parameterCount,
        DLLM.huggingFaceId,
        DLLM.listedLink,
        DLLM.belongsToArea,
        SKOS.broader,
        SKOS.prefLabel,
    ):
        assert (None, prop, None) in graph, prop


# Violating examples: a list with one or two defects in every row ----------------------------

#: The defects of tests/data/validate/defects.md, read from the file by hand: (line, code).
DEFECTS_FOUND = {
    # rows 1 and 2 share arXiv 2401.00001 and a GitHub account as code
    (7, Severity.VIOLATION, "shared-identifier"),
    (7, Severity.WARNING, "code-not-repository"),
    (7, Severity.WARNING, "shared-repository"),
    (8, Severity.VIOLATION, "shared-identifier"),
    (8, Severity.WARNING, "code-not-repository"),
    (8, Severity.WARNING, "shared-repository"),
    # rows 3 and 4 share a DOI (ACM and doi.org links) and a repository
    (9, Severity.VIOLATION, "shared-identifier"),
    (9, Severity.WARNING, "shared-repository"),
    (10, Severity.VIOLATION, "shared-identifier"),
    (10, Severity.WARNING, "shared-repository"),
    # rows 5 and 6 share a PMLR page; row 6's code is a web page
    (11, Severity.VIOLATION, "shared-link"),
    (12, Severity.VIOLATION, "shared-link"),
    (12, Severity.WARNING, "code-not-repository"),
    # row 7: casa_token; listed again as row 2 of table II (line 24)
    (13, Severity.INFO, "tracking-parameter"),
    (13, Severity.WARNING, "listed-twice"),
    # row 8: no title, so the tagger has no words for techniques or areas either
    (14, Severity.VIOLATION, "missing-title"),
    (14, Severity.VIOLATION, "missing-technique"),
    (14, Severity.VIOLATION, "missing-area"),
    (15, Severity.WARNING, "missing-link"),
    (16, Severity.WARNING, "nested-link"),
    (17, Severity.WARNING, "malformed-link-cell"),
    # table II, row 1: a project page as code
    (23, Severity.WARNING, "code-not-repository"),
    # table III
    (30, Severity.WARNING, "model-name-mismatch"),
    (31, Severity.WARNING, "model-name-mismatch"),
    (32, Severity.INFO, "size-bound"),
    (33, Severity.VIOLATION, "bad-size"),
    (34, Severity.INFO, "tracking-parameter"),
    (35, Severity.WARNING, "missing-model-link"),
    (36, Severity.VIOLATION, "missing-name"),
    # no title is curated: the tagger's proposal, an info at each titled paper's first row (#15)
    *((line, Severity.INFO, "tagged") for line in (7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 23)),
}


@pytest.fixture(scope="module")
def defects() -> list[Finding]:
    return check(DEFECTS, "defects.md").findings


def test_every_defect_is_reported_once_at_its_line(defects: list[Finding]) -> None:
    found = [(f.line, f.severity, f.code) for f in defects]
    assert sorted(found) == sorted(DEFECTS_FOUND)


def test_findings_print_like_a_linter(defects: list[Finding]) -> None:
    lines = [str(finding) for finding in defects]
    assert "defects.md:30: warning: row 1: model name 'inyBERT' does not match its link" in (
        "\n".join(lines)
    )
    assert any(line.startswith("defects.md:7: violation: row 1: arXiv identifier 2401.00001 is ")
               for line in lines)  # fmt: skip


def test_a_shared_identifier_names_the_other_row(defects: list[Finding]) -> None:
    [finding] = [f for f in defects if f.line == 9 and f.code == "shared-identifier"]
    assert finding.message.startswith("DOI 10.1145/1111111.2222222 is also the link of row 4 ")
    assert "(line 10, 'Quantized LLM Inference on Mobile Phones')" in finding.message


def test_a_paper_listed_twice_is_one_finding_at_its_first_row_naming_the_second(
    defects: list[Finding],
) -> None:
    [finding] = [f for f in defects if f.code == "listed-twice"]
    assert (finding.line, finding.row.number, finding.row.section) == (13, 7, "I. Distributed LLMs")
    assert finding.message.endswith("(also listed at line 24, row 2 of II. VLMs)")


def test_the_reader_and_the_shapes_report_a_defect_once(defects: list[Finding]) -> None:
    """No size and no name: the reader and the shapes both see them; the reader's words win."""
    [size] = [f for f in defects if f.code == "bad-size"]
    assert size.message == "size 'big' is not a parameter count such as 124M or 1.1B"
    [bound] = [f for f in defects if f.code == "size-bound"]
    assert bound.message == "size '<=1B' is only an upper bound"


def test_findings_are_sorted_by_line_then_severity(defects: list[Finding]) -> None:
    rank = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
    keys = [(f.line, rank[f.severity], f.code) for f in defects]
    assert keys == sorted(keys)


# Violating examples of what a list cannot get wrong: the graph, edited -----------------------

Edit = Callable[[Graph], None]


def paper(title: str) -> URIRef:
    return paper_iri(paper_key(title))


PIPE = paper("Pipeline Parallelism for Distributed LLM Training")
SURVEY = paper("A Survey of Federated Foundation Models")
SPLIT = paper("Split Learning for Privacy-Preserving LLM Inference")
GPT2 = model_iri("GPT-2 Small")


def first(graph: Graph, subject: URIRef, prop: URIRef) -> URIRef:
    value = graph.value(subject, prop)
    assert value is not None, (subject, prop)
    return value


def row_of(graph: Graph) -> URIRef:
    return first(graph, PIPE, PROV.wasDerivedFrom)


def technique(graph: Graph) -> URIRef:
    return first(graph, PIPE, DLLM.usesTechnique)


def label(graph: Graph, text: str, language: str) -> None:
    """Give a technique one more preferred label."""
    graph.add((technique(graph), SKOS.prefLabel, Literal(text, lang=language)))


def undefined(name: str) -> URIRef:
    """An IRI that no vocabulary defines."""
    return DLLM[f"undefined-{name}"]


#: (code, how to break the clean graph). Each edit breaks exactly that shape.
VIOLATIONS: list[tuple[str, Edit]] = [
    ("paper-title", lambda g: g.add((PIPE, DCTERMS.title, Literal("Another title")))),
    ("survey-flag", lambda g: g.remove((PIPE, DLLM.isSurvey, None))),
    ("paper-link", lambda g: g.add((PIPE, DLLM.link, Literal("https://example.org/x")))),
    ("paper-year", lambda g: g.add((PIPE, DCTERMS.issued, Literal("2024")))),
    ("arxiv-id", lambda g: g.add((SURVEY, DLLM.arxivId, Literal("2401.1")))),
    ("doi", lambda g: g.add((PIPE, DLLM.doi, Literal("doi:10.1/x")))),
    ("ieee-document", lambda g: g.add((PIPE, DLLM.ieeeDocument, Literal("doc-1")))),
    ("openreview-id", lambda g: g.add((PIPE, DLLM.openReviewId, Literal("a b")))),
    ("row-of", lambda g: g.add((PIPE, PROV.wasDerivedFrom, undefined("row")))),
    ("paper-code", lambda g: g.add((PIPE, DLLM.hasCode, undefined("repository")))),
    ("missing-technique", lambda g: g.remove((PIPE, DLLM.usesTechnique, None))),
    ("guessed-techniques", lambda g: g.add((first(g, PIPE, DLLM.annotation), DLLM.borrowedFrom, SPLIT))),  # noqa: E501
    ("edited-title", lambda g: g.add((first(g, PIPE, DLLM.annotation), DLLM.editedTitleOf, SPLIT))),
    ("paper-technique", lambda g: g.add((PIPE, DLLM.usesTechnique, undefined("technique")))),
    ("missing-area", lambda g: g.remove((PIPE, DLLM.hasArea, None))),
    ("paper-area", lambda g: g.add((PIPE, DLLM.hasArea, undefined("area")))),
    ("paper-model", lambda g: g.add((PIPE, DLLM.usesModel, undefined("model")))),
    ("paper-task", lambda g: g.add((PIPE, DLLM.task, undefined("task")))),
    ("missing-name", lambda g: g.remove((GPT2, RDFS.label, None))),
    ("model-name", lambda g: g.add((GPT2, RDFS.label, Literal("GPT-2", lang="en")))),
    ("parameter-count", lambda g: g.set((GPT2, DLLM.parameterCount, Literal(0)))),
    ("max-parameter-count", lambda g: g.add((GPT2, DLLM.maxParameterCount, Literal("1B")))),
    ("size-bound", lambda g: g.add((GPT2, DLLM.maxParameterCount, Literal(200_000_000)))),
    ("bad-size", lambda g: g.remove((GPT2, DLLM.parameterCount, None))),
    ("hugging-face-id", lambda g: g.set((GPT2, DLLM.huggingFaceId, Literal("a b/c")))),
    ("model-link", lambda g: g.add((GPT2, DLLM.link, Literal("huggingface")))),
    ("missing-model-link", lambda g: g.remove((GPT2, DLLM.link, None))),
    ("repository-link", lambda g: g.remove((first(g, PIPE, DLLM.hasCode), DLLM.link, None))),
    ("github-id", lambda g: g.set((first(g, PIPE, DLLM.hasCode), DLLM.githubId, Literal("A/B")))),
    ("row-file", lambda g: g.remove((row_of(g), DLLM.sourceFile, None))),
    ("row-section", lambda g: g.add((row_of(g), DLLM.section, Literal("II. VLMs")))),
    ("row-number", lambda g: g.set((row_of(g), DLLM.rowNumber, Literal(0)))),
    ("row-line", lambda g: g.set((row_of(g), DLLM.sourceLine, Literal("7")))),
    ("row-text", lambda g: g.remove((row_of(g), DLLM.sourceText, None))),
    ("listed-link", lambda g: g.add((row_of(g), DLLM.listedLink, URIRef("https://x.org/")))),
    ("technique-area", lambda g: g.remove((technique(g), DLLM.belongsToArea, None))),
    ("technique-broader", lambda g: g.add((technique(g), SKOS.broader, first(g, PIPE, DLLM.hasArea)))),  # noqa: E501
    ("concept-label", lambda g: label(g, "Second label", "en")),
]  # fmt: skip

#: (code, an edit that the shape accepts): the edge of each rule, on the right side.
CONFORMING: list[tuple[str, Edit]] = [
    ("arxiv-id", lambda g: g.set((SURVEY, DLLM.arxivId, Literal("cs.LG/0701001")))),
    ("hugging-face-id", lambda g: g.set((GPT2, DLLM.huggingFaceId, Literal("gpt2")))),
    ("concept-label", lambda g: label(g, "Technik", "de")),
    ("parameter-count", lambda g: g.set((GPT2, DLLM.parameterCount, Literal(1)))),
    ("size-bound", lambda g: g.set((GPT2, DLLM.parameterCount, Literal(124_000_000)))),
    ("doi", lambda g: g.set((SPLIT, DLLM.doi, Literal("10.1000/xyz-1.2(3)")))),
]  # fmt: skip


def edited(graph: Graph, edit: Edit) -> Graph:
    """A copy of ``graph`` (with its prefixes), changed by ``edit``."""
    copy = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy += graph
    edit(copy)
    return copy


@pytest.mark.parametrize(("code", "edit"), VIOLATIONS, ids=[code for code, _ in VIOLATIONS])
def test_violating_example(clean: tuple[ParsedList, Graph], code: str, edit: Edit) -> None:
    findings = findings_of(edited(clean[1], edit))
    codes = Counter(finding.code for finding in findings)
    assert codes[code] >= 1, [str(f) for f in findings]
    shapes = load_shapes()
    severity = shapes.value(reporting_shapes()[code], SH.severity)
    assert {f.severity.value for f in findings if f.code == code} == {str(severity)[len(SH) :]}


@pytest.mark.parametrize(("code", "edit"), CONFORMING, ids=[code for code, _ in CONFORMING])
def test_conforming_example(clean: tuple[ParsedList, Graph], code: str, edit: Edit) -> None:
    findings = findings_of(edited(clean[1], edit))
    assert [str(f) for f in findings if f.code == code] == []


def test_every_shape_has_a_violating_example() -> None:
    from_lists = {code for _, _, code in DEFECTS_FOUND}
    from_edits = {code for code, _ in VIOLATIONS}
    assert set(reporting_shapes()) - from_lists - from_edits == set()


def test_a_finding_without_a_row_names_its_node(clean: tuple[ParsedList, Graph]) -> None:
    """Curated data has no row in the list: line 0 of the list, and the node's name."""
    findings = findings_of(edited(clean[1], dict(VIOLATIONS)["technique-area"]))
    [finding] = [f for f in findings if f.code == "technique-area"]
    assert (finding.line, finding.row) == (0, None)
    assert str(finding).startswith("clean.md:0: violation: technique:")


def test_a_model_listed_twice() -> None:
    text = DEFECTS.read_text(encoding="utf-8").split("# **III. SLMs**")[0] + (
        "# III. SLMs\n| Model Name | Parameters | URL |\n|-|-|-|\n"
        "| OPT 350M | 350M | [link](https://huggingface.co/facebook/opt-350m) |\n"
        "| OPT 350M | 350M | [link](https://huggingface.co/facebook/opt-350m) |\n"
    )
    parsed = parse_text(text, "twice.md")
    found = [f for f in findings_of(build_graph(parsed), parsed) if f.code == "listed-twice"]
    [finding] = [f for f in found if f.row and f.row.section == "III. SLMs"]
    assert (finding.line, finding.row.number) == (29, 1)
    assert finding.message.endswith("(also listed at line 30, row 2 of III. SLMs)")


# What "a model's name matches its link" means -------------------------------------------------

PHI_2_BLOG = (
    "https://www.microsoft.com/en-us/research/blog/"
    "phi-2-the-surprising-power-of-small-language-models/"
)
CLAUDE_ARTICLE = (
    "https://aibusiness.com/nlp/"
    "anthropic-s-claude-instant-a-smaller-faster-and-cheaper-language-model"
)

#: (name, link, matches): the 23 rows of the bundled list's table III and harder cases.
NAMES: list[tuple[str, str, bool]] = [
    ("GPT-2 Small", "https://huggingface.co/openai-community/gpt2", True),
    ("DistilGPT-2", "https://huggingface.co/distilbert/distilgpt2", True),
    ("GPT-Neo 125M", "https://huggingface.co/EleutherAI/gpt-neo-125m", True),
    ("LLaMA-2 7B", "https://huggingface.co/meta-llama/Llama-2-7b-hf", True),
    ("ALBERT-Base", "https://huggingface.co/albert/albert-base-v2", True),
    ("inyBERT", "https://huggingface.co/huawei-noah/TinyBERT_General_4L_312D", False),
    ("DistilBERT", "https://huggingface.co/distilbert/distilbert-base-uncased", True),
    ("MobileBert", "https://huggingface.co/docs/transformers/en/model_doc/mobilebert", True),
    ("T5 Small", "https://huggingface.co/google-t5/t5-small", True),
    ("Phi-2", PHI_2_BLOG, True),
    ("Gemini Nano", "https://deepmind.google/technologies/gemini/nano/", True),
    ("Claude Instant", CLAUDE_ARTICLE, True),
    ("ByT5 Small", "https://huggingface.co/google/byt5-small", True),
    ("Flan-T5 Small", "https://huggingface.co/google/flan-t5-small", True),
    ("BLOOMZ 560M", "https://huggingface.co/bigscience/bloomz-560m", True),
    ("OPT 350M", "https://huggingface.co/facebook/opt-350m", True),
    ("Galactica 125M", "https://huggingface.co/meta/galactica-125m", True),
    ("Pythia 160M", "https://huggingface.co/EleutherAI/pythia-160m", True),
    ("Cerebras-GPT 256M", "https://huggingface.co/cerebras/Cerebras-GPT-256M", True),
    ("TinyLlama 1.1B", "https://huggingface.co/meta/tiny-llama-1.1b", True),
    ("MiniCPM-1.2B", "https://huggingface.co/openbmb/MiniCPM-V-2_6", False),
    ("Gemma (2B)", "https://huggingface.co/google/gemma-2b", True),
    ("Reformer", "https://huggingface.co/docs/transformers/en/model_doc/reformer", True),
    # another size, another version, another family, a size the link does not give
    ("Gemma (7B)", "https://huggingface.co/google/gemma-2b", False),
    ("LLaMA-2 13B", "https://huggingface.co/meta-llama/Llama-2-7b-hf", False),
    ("Pythia 410M", "https://huggingface.co/EleutherAI/pythia-4100m", False),
    ("RoBERTa", "https://huggingface.co/google-bert/bert-base-uncased", False),
    ("Qwen2 0.5B", "https://huggingface.co/Qwen/Qwen2-0.5B", True),
    ("Mistral 7B", "https://huggingface.co/mistralai/Mistral-7B-v0.1", True),
    ("Mistral 7B Instruct", "https://huggingface.co/mistralai/Mistral-v0.1", False),
    ("BERT", "https://huggingface.co/bert-base-uncased", True),
    ("****", "https://huggingface.co/example/stars", True),
]  # fmt: skip


def test_model_names_and_links() -> None:
    rows = "".join(f"| {name} | 1B | [link]({link}) |\n" for name, link, _ in NAMES)
    parsed = parse_text(f"# III. SLMs\n| Model Name | Parameters | URL |\n|-|-|-|\n{rows}", "m.md")
    lines = {f.line for f in findings_of(build_graph(parsed), parsed)
             if f.code == "model-name-mismatch"}  # fmt: skip
    mismatched = {NAMES[line - 4][:2] for line in lines}
    assert mismatched == {(name, link) for name, link, matches in NAMES if not matches}


# Report formats -----------------------------------------------------------------------------


def test_the_turtle_report_is_a_shacl_report_with_one_result_per_finding() -> None:
    result = check(DEFECTS, "defects.md")
    text = render_report(ReportFormat.TURTLE, result.conforms, result.report, result.findings, "d")
    report = Graph().parse(data=text, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    results = list(report.objects(node, SH.result))
    assert len(results) == len(result.findings) == len(DEFECTS_FOUND)
    assert report.value(node, SH.conforms) == Literal(False)
    severities = Counter(str(report.value(r, SH.resultSeverity))[len(SH) :] for r in results)
    assert severities == Counter(f.severity.value for f in result.findings)
    for r in results:
        assert report.value(r, SH.focusNode) is not None
        assert str(report.value(r, SH.sourceShape)).startswith(SHAPES)
    assert (None, SH.detail, None) not in report


def test_the_json_report_is_for_scripts() -> None:
    result = check(DEFECTS, "defects.md")
    text = render_report(ReportFormat.JSON, result.conforms, result.report, result.findings, "d")
    document = json.loads(text)
    assert document["conforms"] is False
    assert document["counts"] == {"violation": 11, "warning": 15, "info": 14}
    assert len(document["findings"]) == len(DEFECTS_FOUND)
    first = document["findings"][0]
    assert set(first) == {"file", "line", "severity", "code", "message", "row", "node"}
    assert first["node"].startswith("https://w3id.org/dllm-kg/")


def test_the_text_report_is_grouped_by_severity_then_line() -> None:
    result = check(DEFECTS, "defects.md")
    text = render_report(ReportFormat.TEXT, result.conforms, result.report, result.findings, "d")
    lines = text.splitlines()
    headings = [line for line in lines if line and not line.startswith("defects.md:")]
    assert headings == [
        "11 violations:",
        "15 warnings:",
        "14 infos:",
        f"d: {summary(result.findings)}",
    ]
    assert lines[-1] == "d: 11 violations, 15 warnings, 14 infos"
    assert len([line for line in lines if line.startswith("defects.md:")]) == len(DEFECTS_FOUND)


# The command line ---------------------------------------------------------------------------


def test_check_exits_0_on_a_clean_list() -> None:
    result = runner.invoke(app, ["check", str(CLEAN)])
    assert result.exit_code == 0, result.output
    # Its seven papers are not curated: seven infos name what the tagger proposed (#15).
    shown = os.path.relpath(CLEAN) if CLEAN.is_relative_to(Path.cwd()) else str(CLEAN)
    assert result.output.endswith(f"\n{shown}: 0 violations, 0 warnings, 7 infos\n")


def test_check_exits_1_on_violations() -> None:
    result = runner.invoke(app, ["check", str(DEFECTS), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["counts"]["violation"] == 11


def test_check_exits_2_with_one_line_when_the_list_cannot_be_read(tmp_path: Path) -> None:
    binary = tmp_path / "list.md"
    binary.write_bytes(b"\xff\xfe| a |")
    for source, reason in (("nowhere.md", "no such file"), (str(binary), "not UTF-8 text")):
        command = [sys.executable, "-m", "dllm_kg", "check", source]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr.startswith(f"dllm-kg: error: {source}: {reason}")
        assert done.stderr.count("\n") == 1 and done.stdout == ""


def test_build_prints_the_check_summary_and_writes_anyway(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(DEFECTS), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "11 violations, 15 warnings, 14 infos" in result.output
    assert (tmp_path / "out" / "dllm-kg.ttl").exists()


def test_strict_build_writes_nothing_and_exits_1_on_violations(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(DEFECTS), "-o", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1
    assert "11 violations; nothing written (--strict)" in result.output
    assert not (tmp_path / "out").exists()


def test_strict_build_of_a_clean_list_writes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(CLEAN), "-o", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "dllm-kg.ttl").exists()


# For the list's maintainers -----------------------------------------------------------------


def test_the_pre_commit_hook_checks_the_readme_at_the_root() -> None:
    [hook] = yaml.safe_load((PROJECT_DIR / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "dllm-kg-check",
        "dllm-kg check",
        "python",
    )
    assert hook["pass_filenames"] is True
    assert re.search(hook["files"], "README.md")
    assert not re.search(hook["files"], "docs/README.md")


def test_the_readme_shows_the_hook_and_a_workflow() -> None:
    readme = (PROJECT_DIR / "README.md").read_text("utf-8")
    section = readme.split("## Checking the list")[1].split("\n## ")[0]
    assert "id: dllm-kg-check" in section
    assert "dllm-kg check README.md" in section
    assert readme.index("## Checking the list") < readme.index("## Layout")


def test_the_turtle_report_is_the_same_text_on_every_run() -> None:
    def report(seed: str) -> str:
        command = [sys.executable, "-m", "dllm_kg", "check", str(DEFECTS), "--format", "turtle"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        return subprocess.run(command, capture_output=True, text=True, env=env).stdout

    first = report("1")
    assert "sh:ValidationReport" in first
    assert report("2") == first


def test_a_url_cell_that_is_not_read_is_not_also_an_empty_one() -> None:
    text = (
        "# I. Papers\n| Paper Title | Url | Code |\n|---|---|---|\n"
        "| Federated LoRA on Phones | [Link](javascript:alert(1)) | N/A |\n"
        "| Split Learning of BLIP | ![Paper](https://a.org/figure.png) | N/A |\n"
        "| Pipeline Parallel Serving | [Link][r1] | N/A |\n"
        "\n# III. SLMs\n| Model Name | Parameters | URL |\n|---|---|---|\n"
        "| TinyBERT | 10M | [link](data:text/html,x) |\n"
    )
    parsed = parse_text(text, "list.md")
    _, _, findings = validate(store_of(build_graph(parsed)), parsed.findings)
    ignored = ("missing-technique", "missing-area")
    found = [(f.line, f.code) for f in findings if f.code not in ignored]
    assert found == [
        (4, "refused-link"),
        (5, "malformed-link-cell"),
        (6, "malformed-link-cell"),
        (11, "refused-link"),
    ]
