"""Validate the graph against the SHACL shapes and name every defect by file and line."""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF
from rdflib.plugin import register
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Node

from dllm_kg import shacl
from dllm_kg.constants import SHAPES_PATH
from dllm_kg.graph import DATASET_IRI
from dllm_kg.namespaces import AGENT, DLLM, LIST_READER, PREFIXES, SH, SHAPES, TAGGER_NOTICE
from dllm_kg.options import ReportFormat
from dllm_kg.parse import section_key
from dllm_kg.records import Finding, Severity, SourceRow
from dllm_kg.terms import from_oxigraph, rdflib_graph

#: SHACL's severities as the project's.
SEVERITIES: dict[Node, Severity] = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}
#: Violations first, then warnings, then infos.
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}
#: The line of findings about the whole list or about curated data, which have no row.
NO_LINE = 0


@dataclass(frozen=True, slots=True)
class NodeFinding(Finding):
    """A finding with the IRI of the node it is about (paper, model, repository, row)."""

    node: str | None = None


class Engine(StrEnum):
    """What runs the shapes: the SHACL-to-SPARQL compiler of :mod:`dllm_kg.shacl`, or pySHACL."""

    FAST = "fast"
    PYSHACL = "pyshacl"


@cache
def load_shapes(path: Path = SHAPES_PATH) -> Graph:
    """The SHACL shapes graph (read once per path)."""
    return Graph().parse(path, format="turtle")


@cache
def _compiled_default_shapes() -> tuple[str, list[shacl.Check]]:
    """The checks of ``ontology/shapes.ttl``, compiled once."""
    return shacl.compile_shapes(load_shapes())


def validate(
    store: ox.Store,
    parsed_findings: Iterable[Finding] = (),
    shapes: Graph | None = None,
    engine: Engine | str = Engine.FAST,
) -> tuple[bool, Graph, list[Finding]]:
    """Validate a list's graph; like pySHACL's ``validate``, with findings instead of text.

    :param store: the list's graph (all in the default graph); it is not changed.
    :param parsed_findings: what the list reader reported; they join the report.
    :param shapes: the shapes graph (default: ``ontology/shapes.ttl``).
    :param engine: ``fast`` runs each constraint as one SPARQL query on the store
        (:mod:`dllm_kg.shacl`); ``pyshacl`` copies the store into rdflib and runs pySHACL.
        Both give the same findings (tests/test_shacl.py).
    :returns: ``(conforms, report, findings)``: ``conforms`` is True when no finding is a
        violation; ``report`` is the SHACL validation report, with one ``sh:result`` per
        finding; ``findings`` are sorted by line, severity and code.

    >>> from dllm_kg.graph import build_store
    >>> from dllm_kg.parse import parse_text
    >>> parsed = parse_text("# I. Papers\\n| Paper Title | Url | Code |\\n|-|-|-|\\n"
    ...     "| A | [Link](https://arxiv.org/abs/2401.00001) | [GitHub](https://github.com/x) |\\n"
    ...     "| B | [Link](https://arxiv.org/pdf/2401.00001.pdf) | N/A |\\n", "list.md")
    >>> conforms, report, findings = validate(build_store(parsed), parsed.findings)
    >>> conforms
    False
    >>> for finding in findings:
    ...     if finding.code in ("shared-identifier", "code-not-repository"):
    ...         print(finding.line, finding.severity.value, finding.code)
    4 Violation shared-identifier
    4 Warning code-not-repository
    5 Violation shared-identifier
    """
    report = shacl_report(store, shapes, Engine(engine))
    findings = _merge(report, list(parsed_findings), _Rows(store))
    conforms = not any(finding.severity is Severity.VIOLATION for finding in findings)
    return conforms, report, sorted(findings, key=sort_key)


def shacl_report(
    store: ox.Store, shapes: Graph | None = None, engine: Engine = Engine.FAST
) -> Graph:
    """The SHACL validation report of the store, by either engine; the store is not changed."""
    if engine is Engine.PYSHACL:
        return pyshacl_report(rdflib_graph(store), shapes or load_shapes())
    compiled = shacl.compile_shapes(shapes) if shapes is not None else _compiled_default_shapes()
    shapes = shapes if shapes is not None else load_shapes()
    return shacl.report_graph(shacl.run(store, shapes, compiled), shapes)


def pyshacl_report(graph: Graph, shapes: Graph) -> Graph:
    """pySHACL's validation report of ``graph``; the graph is not changed."""
    import pyshacl  # here, not above: pySHACL is slow to import and only this engine needs it

    with _queries_parsed_once():
        _, report, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            # SPARQL targets (shapes.ttl) are SHACL-AF. The shapes hold no rules, so nothing
            # changes the data graph: ``inplace`` spares the copy that advanced mode makes.
            advanced=True,
            inplace=True,
        )
    return report


def _merge(report: Graph, parsed: list[Finding], rows: _Rows) -> list[NodeFinding]:
    """The reader's findings and the report's, each defect once; the report made to match."""
    reported = {
        (finding.file, finding.line, code)
        for finding in parsed
        for code in (finding.code, finding.covers)
        if code
    }
    findings = [_with_node(finding, rows) for finding in parsed]
    for result in list(report.objects(None, SH.result)):
        finding = _finding(report, result, rows)
        if (finding.file, finding.line, finding.code) in reported:
            _remove(report, result)
        else:
            findings.append(finding)
    _drop_details(report)
    for finding in parsed:
        _add_result(report, finding, rows)
    _set_conforms(report)
    return findings


def sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    """Order findings by file, line, severity (violations first), code and message."""
    return (
        finding.file,
        finding.line,
        SEVERITY_RANK[finding.severity],
        finding.code,
        finding.message,
    )


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, every severity included.

    >>> counts([])[Severity.WARNING]
    0
    """
    found = Counter(finding.severity for finding in findings)
    return {severity: found[severity] for severity in Severity}


def summary(findings: Iterable[Finding]) -> str:
    """The counts as a phrase.

    >>> summary([])
    '0 violations, 0 warnings, 0 infos'
    """
    return ", ".join(_how_many(count, severity) for severity, count in counts(findings).items())


def _how_many(count: int, severity: Severity) -> str:
    """``1 violation``, ``2 warnings``."""
    return f"{count} {severity.value.lower()}{'' if count == 1 else 's'}"


def render_report(
    report_format: ReportFormat,
    conforms: bool,
    report: Graph,
    findings: list[Finding],
    source: str,
    path: str | None = None,
) -> str:
    """The outcome of a check in one of the :class:`ReportFormat` formats.

    :param source: the list's name in the findings (its label).
    :param path: the list's path as the reader opens it (:func:`dllm_kg.listfile.shown_path`):
        the text and JSON reports name the list and its findings by it. The Turtle report
        names no file: its results point at nodes of the graph.
    """
    if report_format is ReportFormat.TURTLE:
        return turtle_report(report)
    if path is not None:
        findings, source = found_in(findings, source, path), path
    if report_format is ReportFormat.JSON:
        return json_report(findings, source, conforms)
    return text_report(findings, source)


def found_in(findings: Iterable[Finding], source: str, path: str) -> list[Finding]:
    """The findings, those about the list ``source`` named by ``path`` instead.

    >>> finding = Finding(Severity.INFO, "size-bound", "upper bound", "list.md", 7)
    >>> str(found_in([finding], "list.md", "lists/list.md")[0])
    'lists/list.md:7: info: upper bound'
    """
    return [replace(f, file=path) if f.file == source else f for f in findings]


def text_report(findings: list[Finding], source: str) -> str:
    """The findings grouped by severity, one line each, then the summary."""
    lines = []
    for severity in Severity:
        group = [finding for finding in findings if finding.severity is severity]
        if group:
            lines.append(f"{_how_many(len(group), severity)}:")
            lines += [str(finding) for finding in group]
            lines.append("")
    lines.append(f"{source}: {summary(findings)}")
    return "\n".join(lines) + "\n"


def json_report(findings: list[Finding], source: str, conforms: bool) -> str:
    """The findings as JSON, for scripts."""
    document = {
        "source": source,
        "conforms": conforms,
        "counts": {severity.value.lower(): n for severity, n in counts(findings).items()},
        "findings": [finding_json(finding) for finding in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as a JSON object."""
    row = finding.row
    return {
        "file": finding.file,
        "line": finding.line,
        "severity": finding.severity.value.lower(),
        "code": finding.code,
        "message": finding.message,
        "row": {"section": row.section, "number": row.number} if row else None,
        "node": getattr(finding, "node", None),
    }


def turtle_report(report: Graph) -> str:
    """The SHACL validation report as Turtle; blank nodes get canonical labels, so that the
    same report always gives the same text."""
    canonical = Graph(bind_namespaces="none")
    canonical += to_canonical_graph(report)
    for prefix, namespace in {**PREFIXES, "sh": str(SH), "shapes": str(SHAPES)}.items():
        canonical.bind(prefix, namespace, replace=True)
    return canonical.serialize(format="turtle")


# What the tagger proposed ----------------------------------------------------------------


def tagged_findings(store: ox.Store) -> list[Finding]:
    """An info for each paper the title tagger annotated (a row with no curated annotation),
    at its first row: what it proposed, for a curator to confirm or correct.

    ``dllm-kg check`` and ``build`` report them with the list reader's findings
    (:func:`dllm_kg.pipeline.check`).
    """
    proposed: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for solution in store.query(_TAGGED_QUERY):
        what = proposed[solution["paper"].value]
        if solution["value"] is not None:
            what[solution["kind"].value].add(_local_name(solution["value"].value))
    rows, findings = _Rows(store), []
    for paper, what in sorted(proposed.items()):
        listed = rows.of(URIRef(paper))
        if what and listed:
            row = listed[0][1]
            message = f"{_TAGGED_MESSAGE}: {_proposed(what)}; {TAGGED_HINT}"
            findings.append(Finding(Severity.INFO, TAGGED_CODE, message, row.file, row.line, row))
    return findings


def _proposed(what: Mapping[str, set[str]]) -> str:
    """``techniques a, b; areas c`` in the order of :data:`_TAGGED_KINDS`, the empty left out."""
    return "; ".join(
        f"{kind} {', '.join(sorted(what[kind]))}" for kind in _TAGGED_KINDS if what.get(kind)
    )


def _local_name(iri: str) -> str:
    """The key at the end of a vocabulary IRI: ``.../technique/lora`` is ``lora``."""
    return iri.rsplit("/", 1)[-1]


#: The code of the info that names what the title tagger proposed for a paper.
TAGGED_CODE = "tagged"
#: What a list maintainer, who has only the list, can do about a paper the tagger annotated:
#: the curated annotations are dllm-kg's own (data/annotations.yaml), so they suggest one.
TAGGED_HINT = (
    "confirm or correct them by suggesting an annotation to dllm-kg "
    "(`dllm-kg tag --draft LIST` writes one)"
)
_TAGGED_MESSAGE = "tagged from its title, not curated"
#: What the info names, in this order, by the property that holds each.
_TAGGED_KINDS = ("techniques", "areas", "tasks", "models")
_TAGGED_QUERY = f"""
SELECT ?paper ?kind ?value WHERE {{
    ?paper <{DLLM.annotation}>/<{PROV.wasAttributedTo}> <{AGENT["tagger"]}> .
    VALUES (?kind ?property) {{
        ("techniques" <{DLLM.usesTechnique}>) ("areas" <{DLLM.hasArea}>)
        ("tasks" <{DLLM.task}>) ("models" <{DLLM.usesModel}>)
    }}
    OPTIONAL {{ ?paper ?property ?value }}
}}"""


# Results to findings ---------------------------------------------------------------------


class _Rows:
    """Where the nodes of a store come from in the list (each lookup a triple pattern)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        files = store.quads_for_pattern(None, _ox(DLLM.sourceFile), None, ox.DefaultGraph())
        self.file = next((quad.object.value for quad in files), "<graph>")
        self.names = Graph(bind_namespaces="none").namespace_manager
        for prefix, namespace in PREFIXES.items():
            self.names.bind(prefix, namespace)

    def objects(self, subject: Node, predicate: URIRef) -> list[Node]:
        """The objects of a subject and predicate, in N-Triples order."""
        if isinstance(subject, Literal):
            return []
        quads = self.store.quads_for_pattern(_ox(subject), _ox(predicate), None, ox.DefaultGraph())
        return [from_oxigraph(o) for o in sorted((q.object for q in quads), key=str)]

    def subjects(self, predicate: URIRef, value: Node) -> list[Node]:
        """The subjects of a predicate and object, in N-Triples order."""
        quads = self.store.quads_for_pattern(None, _ox(predicate), _ox(value), ox.DefaultGraph())
        return [from_oxigraph(s) for s in sorted((q.subject for q in quads), key=str)]

    def value(self, subject: Node, predicate: URIRef) -> Node | None:
        """One object of a subject and predicate (the first in N-Triples order), or None."""
        return next(iter(self.objects(subject, predicate)), None)

    def at(self, file: str, line: int) -> Node | None:
        """The source row at a line of a file."""
        for row in self.subjects(DLLM.sourceLine, Literal(line)):
            if str(self.value(row, DLLM.sourceFile)) == file:
                return row
        return None

    def of(self, node: Node) -> list[tuple[Node, SourceRow]]:
        """The rows a node comes from, first line first: its own, or those of its papers."""
        if self.objects(node, DLLM.sourceLine):
            sources = [node]
        else:
            sources = self.objects(node, PROV.wasDerivedFrom)
            if not sources:  # a repository: the rows of the papers that give it as code
                papers = self.subjects(DLLM.hasCode, node)
                sources = [row for p in papers for row in self.objects(p, PROV.wasDerivedFrom)]
        rows = [(source, self.row(source)) for source in set(sources)]
        return sorted(
            ((source, row) for source, row in rows if row.line != NO_LINE),
            key=lambda pair: (pair[1].file, pair[1].line),
        )

    def row(self, source: Node) -> SourceRow:
        """The record of one source row; what a broken graph lacks is left empty or 0."""
        section = str(self.value(source, DLLM.section) or "")
        return SourceRow(
            file=str(self.value(source, DLLM.sourceFile) or self.file),
            line=_number(self.value(source, DLLM.sourceLine)),
            section=section,
            section_key=section_key(section),
            number=_number(self.value(source, DLLM.rowNumber)),
            raw=str(self.value(source, DLLM.sourceText) or ""),
        )

    def shown(self, node: Node) -> str:
        """A node as a maintainer reads it: a literal quoted, a node by its link or name."""
        if isinstance(node, Literal):
            return repr(str(node))
        link = self.value(node, DLLM.link)
        if link is not None:
            return str(link)
        if isinstance(node, URIRef):
            return self.names.normalizeUri(node)
        return str(node)


def _ox(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal) and node.language:
        return ox.Literal(str(node), language=node.language)
    if isinstance(node, Literal) and node.datatype:
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    return ox.Literal(str(node))


def _number(node: Node | None) -> int:
    """A line or row number from the graph; 0 when it is missing or not a number."""
    try:
        return int(str(node)) if node is not None else NO_LINE
    except ValueError:
        return NO_LINE


def _finding(report: Graph, result: Node, rows: _Rows) -> NodeFinding:
    """The finding of one SHACL result, at the first row of its focus node."""
    focus = report.value(result, SH.focusNode)
    message = _message(report, result, rows)
    listed = rows.of(focus)
    severity = SEVERITIES[report.value(result, SH.resultSeverity)]
    code = _code(report.value(result, SH.sourceShape))
    if not listed:
        message = f"{rows.shown(focus)}: {message}"
        return NodeFinding(severity, code, message, rows.file, NO_LINE, None, str(focus))
    (_, first), others = listed[0], listed[1:]
    if others:
        also = " and ".join(f"line {r.line}, row {r.number} of {r.section}" for _, r in others)
        message = f"{message} (also listed at {also})"
    return NodeFinding(severity, code, message, first.file, first.line, first, str(focus))


def _message(report: Graph, result: Node, rows: _Rows) -> str:
    """The result's message; for core constraints, followed by the value it is about."""
    messages = sorted(str(message) for message in report.objects(result, SH.resultMessage))
    message = messages[0] if messages else "does not conform"
    value = report.value(result, SH.value)
    component = report.value(result, SH.sourceConstraintComponent)
    if value is None or component == SH.SPARQLConstraintComponent:
        return message
    return f"{message}: {rows.shown(value)}"


def _code(shape: Node | None) -> str:
    """A finding's code: the local name of the shape that reported it."""
    text = str(shape or "")
    return text[len(SHAPES) :] if text.startswith(str(SHAPES)) else "shacl"


def _with_node(finding: Finding, rows: _Rows) -> NodeFinding:
    """A list reader's finding, with the source row it is about."""
    source = rows.at(finding.file, finding.line) if finding.row else None
    node = str(source) if source is not None else None
    return NodeFinding(
        finding.severity,
        finding.code,
        finding.message,
        finding.file,
        finding.line,
        finding.row,
        node,
    )


# The report graph ------------------------------------------------------------------------


def _add_result(report: Graph, finding: Finding, rows: _Rows) -> None:
    """Add a finding that no shape made to the report, at its row: the list reader's, or a
    notice of what the tagger proposed (:func:`tagged_findings`)."""
    result = BNode()
    focus = rows.at(finding.file, finding.line) if finding.row else None
    for report_node in report.subjects(RDF.type, SH.ValidationReport):
        report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, focus if focus is not None else DATASET_IRI))
    report.add((result, SH.resultSeverity, SH[finding.severity.value]))
    report.add((result, SH.sourceShape, SHAPES[finding.code]))
    component = TAGGER_NOTICE if finding.code == TAGGED_CODE else LIST_READER
    report.add((result, SH.sourceConstraintComponent, component))
    report.add((result, SH.resultMessage, Literal(finding.message)))


def _set_conforms(report: Graph) -> None:
    """SHACL's own rule: a report conforms when it has no result at all, of any severity."""
    for report_node in report.subjects(RDF.type, SH.ValidationReport):
        has_results = (report_node, SH.result, None) in report
        report.set((report_node, SH.conforms, Literal(not has_results)))


def _drop_details(report: Graph) -> None:
    """Drop nested results (``sh:detail``): each finding is one top-level result."""
    for result, detail in list(report.subject_objects(SH.detail)):
        report.remove((result, SH.detail, detail))
        _remove_tree(report, detail)


def _remove(report: Graph, result: Node) -> None:
    """Remove one result from the report."""
    report.remove((None, SH.result, result))
    _remove_tree(report, result)


def _remove_tree(graph: Graph, node: Node) -> None:
    """Remove a blank node's triples and, recursively, those of the blank nodes it holds."""
    for _, _, value in list(graph.triples((node, None, None))):
        graph.remove((node, None, value))
        if isinstance(value, BNode) and (None, None, value) not in graph:
            _remove_tree(graph, value)


# pySHACL sends a SPARQL constraint's text once per focus node; rdflib parses every text
# anew (50 to 200 ms for the constraints of shapes.ttl, more than evaluating them takes).


class _PreparingProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each distinct query text once."""

    def query(  # type: ignore[override] # the names and order are rdflib's
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((initNs or {}).items()))
            strOrQuery = _prepared(strOrQuery, base, namespaces, threading.get_ident())
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=512)
def _prepared(
    text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...], thread: int
) -> Query:
    """A parsed query, one per thread: rdflib keeps evaluation state in a query's algebra."""
    return translateQuery(parseQuery(text), base, dict(namespaces))


class _ProcessorSwap:
    """Registers :class:`_PreparingProcessor` while at least one validation runs.

    rdflib's plugin registry is global: a count under a lock keeps the swap in place until
    the last of several concurrent validations ends, then puts rdflib's own processor back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0

    @contextmanager
    def active(self) -> Iterator[None]:
        """Use the preparing processor inside the block."""
        with self._lock:
            if self._users == 0:
                register("sparql", Processor, __name__, _PreparingProcessor.__name__)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    register(
                        "sparql", Processor, SPARQLProcessor.__module__, SPARQLProcessor.__name__
                    )


_queries_parsed_once = _ProcessorSwap().active
