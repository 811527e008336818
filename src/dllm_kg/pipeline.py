"""Run the stages in order: list -> records -> graph -> store -> checks, exports, figure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from dllm_kg.beside import Beside, serialised_files
from dllm_kg.buildfolder import check_output_folder, write_build
from dllm_kg.constants import DEFAULT_SOURCE, FIGURE_FILE, PAGE_FILE
from dllm_kg.export import EXPORT_FILES, class_counts, render_descriptions
from dllm_kg.graph import load_store
from dllm_kg.listversion import ListVersion
from dllm_kg.namespaces import DLLM
from dllm_kg.records import Finding, ParsedList, Severity
from dllm_kg.store import StoredGraph, find_stored, store_graph

if TYPE_CHECKING:
    from rdflib import Graph

# The stages import inside the functions that run them: a query that finds its stored graph
# needs none of them (nor markdown-it, pydantic, pyshacl, networkx or pyvis behind them).

#: The stages of a build, in order (see :func:`build`'s ``on_stage``).
STAGES = ("parse", "graph", "store", "check", "exports", "figure", "write")
#: Above this many bytes of N-Triples (about 70,000 triples), a build writes its downloads and
#: stores the graph in a helper process while it checks and draws the graph itself.
PARALLEL_ABOVE = 10_000_000
#: The files a build writes into its output folder; it never touches any other.
BUILD_FILES = (*EXPORT_FILES, PAGE_FILE, FIGURE_FILE)


@dataclass(frozen=True)
class BuildResult:
    """What a build read, made and wrote."""

    parsed: ParsedList
    store: ox.Store
    files: list[Path]
    #: Everything reported about the list: the reader's findings and the shapes' (validate.py).
    findings: tuple[Finding, ...] = ()

    def count(self, klass: str) -> int:
        """How many nodes of an ontology class (``Paper``, ``Model``, ...) the graph holds."""
        return class_counts(self.store).get(str(DLLM[klass]), 0)

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation."""
        return not self.findings_of(Severity.VIOLATION)

    def findings_of(self, severity: Severity) -> list[Finding]:
        """The findings of one severity."""
        return [finding for finding in self.findings if finding.severity is severity]


def read(
    source: Path | None = None, label: str | None = None
) -> tuple[ParsedList, bytes, ox.Store]:
    """Parse a list (the bundled one by default) and make its whole graph (:func:`graph_of`)."""
    from dllm_kg.parse import parse_file

    parsed = parse_file(source or DEFAULT_SOURCE, label)
    return parsed, *graph_of(parsed)


def graph_of(parsed: ParsedList) -> tuple[bytes, ox.Store]:
    """A parsed list's whole graph (:func:`stated_graph_of`, and its schema.org and BIBO types
    and properties, :mod:`dllm_kg.align`), as sorted N-Triples and in an in-memory store."""
    from dllm_kg.align import aligned_triples
    from dllm_kg.graph import encoded, merged_lines, sorted_lines

    lines, store = stated_graph_of(parsed)
    aligned = sorted_lines(aligned_triples(store))
    store.bulk_load(encoded(list(aligned)), format=ox.RdfFormat.N_TRIPLES)
    return encoded(merged_lines(lines, aligned)), store


def stated_graph_of(parsed: ParsedList) -> tuple[list[str], ox.Store]:
    """A parsed list's graph before alignment: records, vocabularies, research directions,
    annotations, citations from its BibTeX block, and what the rules of queries/rules/ derive
    from them, as sorted N-Triples lines and in an in-memory store."""
    from dllm_kg.bibtex import citation_triples
    from dllm_kg.curate import annotation_triples_of, derived_triples
    from dllm_kg.directions import direction_triples
    from dllm_kg.graph import encoded, list_triples, merged_lines, sorted_lines, vocabulary_triples

    triples = chain(
        vocabulary_triples(),
        direction_triples(),
        list_triples(parsed),
        annotation_triples_of(parsed),
        citation_triples(parsed),
    )
    lines = sorted_lines(triples)
    store = load_store(encoded(list(lines)))
    derived = sorted_lines(derived_triples(store))
    store.bulk_load(encoded(list(derived)), format=ox.RdfFormat.N_TRIPLES)
    return merged_lines(lines, derived), store


def load(source: Path | None = None, label: str | None = None) -> tuple[ParsedList, ox.Store]:
    """Parse a list (the bundled one by default) and build its whole graph in memory."""
    parsed, _, store = read(source, label)
    return parsed, store


def stored_graph(source: Path | None = None, label: str | None = None) -> StoredGraph:
    """A list's graph from the cache (:mod:`dllm_kg.store`); built and stored when missing or
    stale."""
    return find_stored(source, label) or store_graph(read(source, label)[1], source, label)


def build(
    source: Path | None,
    out_dir: Path,
    label: str | None = None,
    strict: bool = False,
    on_stage: Callable[[str], object] | None = None,
    list_date: date | None = None,
    archive: bool = False,
) -> BuildResult:
    """Parse, build, check and export; the output folder is replaced only when all files are ready.

    :param strict: write nothing when the check finds a violation (``files`` is then empty).
    :param list_date: the list's date, recorded in void.ttl with the file's digest; when None,
        the day (UTC) of ``SOURCE_DATE_EPOCH`` if that is set; never the clock.
    :param archive: also write the release archive and its checksum file
        (:func:`dllm_kg.release.release_files`).
    :param on_stage: called with each stage's name (:data:`STAGES`) as it starts, and with
        ``"done"`` at the end: for progress bars and benchmarks.
    :raises dllm_kg.buildfolder.ExportError: first, before any work, when ``out_dir`` is
        unusable or holds a file of :data:`BUILD_FILES` that a build did not write.
    :raises dllm_kg.listversion.ListDateError: before any work, for a ``SOURCE_DATE_EPOCH``
        that is not a time.
    """
    from dllm_kg.listversion import source_date
    from dllm_kg.parse import parse_file
    from dllm_kg.release import release_files
    from dllm_kg.render import render_figures
    from dllm_kg.validate import tagged_findings, validate

    stage = on_stage or _no_report
    check_output_folder(out_dir, BUILD_FILES)
    list_date = list_date if list_date is not None else source_date()
    stage("parse")
    parsed = parse_file(source or DEFAULT_SOURCE, label)
    version = list_version_of(source, label, list_date)
    stage("graph")
    ntriples, store = graph_of(parsed)
    stage("store")
    jobs = [("serialise",), ("store", str(source or DEFAULT_SOURCE), label or "")]
    with Beside(ntriples, jobs, parallel=len(ntriples) > PARALLEL_ABOVE) as beside:
        stage("check")
        _, _, findings = validate(store, [*parsed.findings, *tagged_findings(store)])
        if strict and any(finding.severity is Severity.VIOLATION for finding in findings):
            beside.result("store")
            stage("done")
            return BuildResult(parsed, store, [], tuple(findings))
        stage("exports")
        downloads = serialised_files(beside.result("serialise"))
        stage("figure")
        downloads.update(render_figures(store))
        stage("write")
        downloads.update(render_descriptions(store, version, downloads))
        if archive:
            downloads.update(release_files(downloads, version))
        files = write_build(downloads, out_dir)
        beside.result("store")
    stage("done")
    return BuildResult(parsed, store, files, tuple(findings))


def outputs(store: ox.Store, version: ListVersion | None = None) -> dict[str, bytes]:
    """Every file a build writes, by name, rendered from a graph's store (``dllm-kg serve``
    offers them); ``version`` is the list file it was built from (:func:`list_version_of`)."""
    from dllm_kg.export import render_serialisations, sorted_ntriples
    from dllm_kg.render import render_figures

    files = {**render_serialisations(sorted_ntriples(store)), **render_figures(store)}
    return {**files, **render_descriptions(store, version, files)}


def list_version_of(
    source: Path | None = None, label: str | None = None, list_date: date | None = None
) -> ListVersion:
    """The version of a list file (the bundled one by default) that void.ttl records: its
    name, SHA-256 and date (``list_date``, else the day of ``SOURCE_DATE_EPOCH``, else none).

    :raises dllm_kg.errors.DllmKgError: when the file cannot be read, or for a
        ``SOURCE_DATE_EPOCH`` that is not a time.
    """
    from dllm_kg.listfile import read_list_bytes
    from dllm_kg.listversion import list_version, source_date

    path = source or DEFAULT_SOURCE
    issued = list_date if list_date is not None else source_date()
    return list_version(path.name, read_list_bytes(path, label or path.name), issued)


def _no_report(stage: str) -> None:
    """Stands in for ``on_stage`` when nobody asks for the stages."""


@dataclass(frozen=True)
class CheckResult:
    """What ``dllm-kg check`` found: the SHACL validation report and every finding."""

    parsed: ParsedList
    store: ox.Store
    conforms: bool
    #: The SHACL validation report (an rdflib graph: it is small).
    report: Graph
    findings: list[Finding]


def check(source: Path | None = None, label: str | None = None) -> CheckResult:
    """Parse a list, build its graph and validate it against the shapes (ontology/shapes.ttl).

    The findings are the shapes', the list reader's, and an info for each paper the title
    tagger annotated (:func:`dllm_kg.validate.tagged_findings`).
    """
    from dllm_kg.validate import tagged_findings, validate

    parsed, store = load(source, label)
    conforms, report, findings = validate(store, [*parsed.findings, *tagged_findings(store)])
    return CheckResult(parsed, store, conforms, report, findings)
