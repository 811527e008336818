"""Run the stages in order: list -> records -> graph -> exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.curate import annotate
from dllm_kg.export import render_exports, write_exports
from dllm_kg.graph import build_graph
from dllm_kg.namespaces import DLLM
from dllm_kg.parse import parse_file
from dllm_kg.records import Finding, ParsedList, Severity
from dllm_kg.render import render_figures


@dataclass(frozen=True)
class BuildResult:
    """What a build read, made and wrote."""

    parsed: ParsedList
    graph: Graph
    files: list[Path]

    def count(self, klass: str) -> int:
        """How many nodes of an ontology class (``Paper``, ``Model``, ...) the graph holds."""
        return sum(1 for _ in self.graph.subjects(RDF.type, DLLM[klass], unique=True))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Everything reported about the list."""
        return self.parsed.findings

    def findings_of(self, severity: Severity) -> list[Finding]:
        """The findings of one severity."""
        return [finding for finding in self.findings if finding.severity is severity]


def load(source: Path | None = None, label: str | None = None) -> tuple[ParsedList, Graph]:
    """Parse a list (the bundled one by default) and build its annotated graph."""
    parsed = parse_file(source or DEFAULT_SOURCE, label)
    return parsed, annotate(build_graph(parsed), parsed)


def build(source: Path | None, out_dir: Path, label: str | None = None) -> BuildResult:
    """Parse, build and export; the output folder is replaced only when all files are ready."""
    parsed, graph = load(source, label)
    files = write_exports({**render_exports(graph), **render_figures(graph)}, out_dir)
    return BuildResult(parsed, graph, files)
