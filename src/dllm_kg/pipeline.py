"""Run the stages in order: list -> records -> graph -> exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from dllm_kg.buildfolder import check_output_folder, write_build
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.curate import annotate
from dllm_kg.export import EXPORT_FILES, render_exports, sorted_ntriples
from dllm_kg.graph import build_graph
from dllm_kg.namespaces import DLLM
from dllm_kg.parse import parse_file
from dllm_kg.records import Finding, ParsedList, Severity
from dllm_kg.render import FIGURE_FILE, PAGE_FILE, render_figures
from dllm_kg.validate import validate

#: The files a build writes into its output folder; it never touches any other.
BUILD_FILES = (*EXPORT_FILES, PAGE_FILE, FIGURE_FILE)


@dataclass(frozen=True)
class BuildResult:
    """What a build read, made and wrote."""

    parsed: ParsedList
    graph: Graph
    files: list[Path]
    #: Everything reported about the list: the reader's findings and the shapes' (validate.py).
    findings: tuple[Finding, ...] = ()

    def count(self, klass: str) -> int:
        """How many nodes of an ontology class (``Paper``, ``Model``, ...) the graph holds."""
        return sum(1 for _ in self.graph.subjects(RDF.type, DLLM[klass], unique=True))

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation."""
        return not self.findings_of(Severity.VIOLATION)

    def findings_of(self, severity: Severity) -> list[Finding]:
        """The findings of one severity."""
        return [finding for finding in self.findings if finding.severity is severity]


def load(source: Path | None = None, label: str | None = None) -> tuple[ParsedList, Graph]:
    """Parse a list (the bundled one by default) and build its annotated graph."""
    parsed = parse_file(source or DEFAULT_SOURCE, label)
    return parsed, annotate(build_graph(parsed), parsed)


def as_store(graph: Graph) -> ox.Store:
    """The graph in a pyoxigraph store, for validation (until the build makes a store itself)."""
    store = ox.Store()
    store.bulk_load(sorted_ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
    return store


def build(
    source: Path | None, out_dir: Path, label: str | None = None, strict: bool = False
) -> BuildResult:
    """Parse, build, check and export; the output folder is replaced only when all files are ready.

    :param strict: write nothing when the check finds a violation (``files`` is then empty).
    :raises dllm_kg.buildfolder.ExportError: first, before any work, when ``out_dir`` is
        unusable or holds a file of :data:`BUILD_FILES` that a build did not write.
    """
    check_output_folder(out_dir, BUILD_FILES)
    parsed, graph = load(source, label)
    _, _, findings = validate(as_store(graph), parsed.findings)
    if strict and any(finding.severity is Severity.VIOLATION for finding in findings):
        return BuildResult(parsed, graph, [], tuple(findings))
    files = write_build({**render_exports(graph), **render_figures(graph)}, out_dir)
    return BuildResult(parsed, graph, files, tuple(findings))


@dataclass(frozen=True)
class CheckResult:
    """What ``dllm-kg check`` found: the SHACL validation report and every finding."""

    parsed: ParsedList
    graph: Graph
    conforms: bool
    report: Graph
    findings: list[Finding]


def check(source: Path | None = None, label: str | None = None) -> CheckResult:
    """Parse a list, build its graph and validate it against the shapes (ontology/shapes.ttl)."""
    parsed, graph = load(source, label)
    conforms, report, findings = validate(as_store(graph), parsed.findings)
    return CheckResult(parsed, graph, conforms, report, findings)
