"""Run SHACL shapes on a pyoxigraph store: each constraint is one SPARQL query over all focus nodes.

The shapes graph is compiled, not hand-translated: every target, path and constraint component
of every shape becomes a piece of SPARQL, and each constraint runs once, set at a time, over the
whole store (``FILTER NOT EXISTS``, ``GROUP BY ... HAVING``), where pySHACL walks the focus nodes
one by one. The results are those pySHACL gives (focus node, path, value, severity, source shape,
source constraint component, messages); tests/test_shacl.py holds the two engines to that.

The subset of SHACL (https://www.w3.org/TR/shacl/) that is understood: targets (``sh:targetClass``
with subclasses, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, SHACL-AF
``sh:SPARQLTarget``, implicit class targets), ``sh:property`` with a predicate path or an
``sh:alternativePath`` of predicates, and the components of :data:`COMPONENTS`. A shape using
anything else of the SHACL vocabulary raises :class:`UnsupportedShape`: nothing is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from dllm_kg.namespaces import SH
from dllm_kg.terms import from_oxigraph

#: What a shape may say besides its constraints: targets, paths, names and comments.
NON_CONSTRAINTS = frozenset(
    SH[name]
    for name in (
        "path", "property", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
        "target", "severity", "message", "deactivated", "name", "description", "order", "group",
        "defaultValue", "flags", "prefixes", "declare",
    )
)  # fmt: skip
#: The constraint parameters understood, each with its constraint component.
COMPONENTS: dict[URIRef, URIRef] = {
    SH[parameter]: SH[f"{component}ConstraintComponent"]
    for parameter, component in (
        ("minCount", "MinCount"),
        ("maxCount", "MaxCount"),
        ("datatype", "Datatype"),
        ("pattern", "Pattern"),
        ("nodeKind", "NodeKind"),
        ("class", "Class"),
        ("node", "Node"),
        ("minInclusive", "MinInclusive"),
        ("minExclusive", "MinExclusive"),
        ("maxInclusive", "MaxInclusive"),
        ("maxExclusive", "MaxExclusive"),
        ("uniqueLang", "UniqueLang"),
        ("sparql", "SPARQL"),
    )
}
#: The path from a node to its classes: SHACL's "SHACL instance" (rdf:type/rdfs:subClassOf*).
INSTANCE_OF = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"
#: The SPARQL test of each node kind.
NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)",
    SH.BlankNodeOrLiteral: "!isIRI(?value)",
    SH.IRIOrLiteral: "!isBlank(?value)",
}
#: Datatypes whose lexical forms SPARQL can check by a cast (rdflib calls the others ill-typed).
CASTABLE = frozenset(
    XSD[name] for name in ("integer", "decimal", "float", "double", "boolean", "dateTime", "date")
)
#: The comparison that a value must pass for each range component.
RANGES = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
#: The variables a SPARQL constraint may use that are bound before it runs; only these.
PRE_BOUND = re.compile(r"[$?](currentShape|shapesGraph)\b")
#: What a SPARQL constraint must not hold for "run once for all focus nodes" to mean "run once
#: per focus node": SHACL forbids most of these in pre-bound queries anyway.
FORBIDDEN = re.compile(r"\b(VALUES|MINUS|SERVICE|LIMIT|OFFSET|BASE|PREFIX)\b", re.IGNORECASE)
AGGREGATE = re.compile(
    r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(|\bGROUP\s+BY\b", re.IGNORECASE
)


class UnsupportedShape(ValueError):
    """A shape uses a part of SHACL that this engine does not run; use pySHACL for it."""


@dataclass(frozen=True, slots=True)
class Result:
    """One validation result, as pySHACL reports it (https://www.w3.org/TR/shacl/#results)."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: URIRef
    shape: Node
    component: URIRef
    messages: tuple[Literal, ...]
    constraint: Node | None = None

    def key(self) -> tuple[Node, Node | None, Node | None, URIRef, Node, URIRef, tuple[str, ...]]:
        """What the report says of this result (paths and messages as text), to compare."""
        path = self.path if isinstance(self.path, URIRef) or self.path is None else "path"
        messages = tuple(sorted(f"{m}@{m.language}" for m in self.messages))
        return (self.focus, path, self.value, self.severity, self.shape, self.component, messages)


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a SPARQL query selecting ``?this`` (and the value)."""

    shape: Node
    component: URIRef
    query: str
    #: Keep a row only when its ``?value`` is one of these (for ``sh:node``); None keeps all.
    failing_values: Check | None = None
    constraint: Node | None = None
    projects_this: bool = True


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape: a pattern binding ``?this`` to each, once, and, when the
    targets are simple patterns, a test of one bound ``?this`` (cheaper for rare values)."""

    pattern: str
    member: str | None = None


@dataclass
class Compiler:
    """Turns the shapes of a shapes graph into :class:`Check` queries."""

    shapes: Graph
    prefixes: dict[str, str] = field(default_factory=dict)
    fresh: Iterator[int] = field(default_factory=count)

    def targeted(self) -> list[tuple[Node, Focus]]:
        """Each shape with targets, and its focus nodes as a SPARQL pattern binding ``?this``."""
        shapes = self.shapes
        declared = {
            *shapes.subjects(RDF.type, SH.NodeShape),
            *shapes.subjects(RDF.type, SH.PropertyShape),
        }
        for predicate in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            declared.update(shapes.subjects(SH[predicate], None))
        declared.update(shapes.subjects(SH.target, None))
        found = []
        for shape in sorted(declared, key=str):
            targets = list(self.targets(shape))
            if targets and not self.deactivated(shape):
                union = " UNION ".join(f"{{ {target} }}" for target in targets)
                pattern = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
                simple = not any(self.shapes.objects(shape, SH.target))
                found.append((shape, Focus(pattern, union if simple else None)))
        return found

    def targets(self, shape: Node) -> Iterator[str]:
        """The target declarations of a shape, each as a pattern binding ``?this``."""
        shapes = self.shapes
        classes = set(shapes.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in shapes:
            classes.add(shape)
        for klass in sorted(classes, key=str):
            yield f"?this {INSTANCE_OF} {_n3(klass)} ."
        for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
            yield f"VALUES ?this {{ {_n3(node)} }}"
        for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
            yield f"?this {_n3(predicate)} [] ."
        for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
            yield f"[] {_n3(predicate)} ?this ."
        for target in sorted(shapes.objects(shape, SH.target), key=str):
            yield self.sparql_target(shape, target)

    def sparql_target(self, shape: Node, target: Node) -> str:
        """A SHACL-AF SPARQL target (https://www.w3.org/TR/shacl-af/#SPARQLTarget)."""
        select = self.shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in self.shapes or select is None:
            raise UnsupportedShape(f"{shape}: only sh:SPARQLTarget targets are supported")
        self.declare(shape, target)
        text = str(select)
        if FORBIDDEN.search(_code_only(text)):
            raise UnsupportedShape(f"{shape}: its SPARQL target declares prefixes or VALUES")
        return f"{{ {text} }}"

    def declare(self, shape: Node, node: Node) -> None:
        """Add the prefixes that ``node`` declares (``sh:prefixes``) to the query prologue."""
        for ontology in self.shapes.objects(node, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                prefix = str(self.shapes.value(declaration, SH.prefix))
                namespace = str(self.shapes.value(declaration, SH.namespace))
                if self.prefixes.setdefault(prefix, namespace) != namespace:
                    raise UnsupportedShape(f"{shape}: prefix {prefix}: declared twice, differently")

    def prologue(self) -> str:
        """The PREFIX declarations gathered so far."""
        return "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(self.prefixes.items()))

    def deactivated(self, node: Node) -> bool:
        """``sh:deactivated true``."""
        return any(value.eq(Literal(True)) for value in self.shapes.objects(node, SH.deactivated))

    def checks(self, shape: Node, focus: Focus) -> Iterator[Check]:
        """The checks of a shape and of its property shapes, on the focus nodes ``focus``."""
        if self.deactivated(shape):
            return
        yield from self.own_checks(shape, focus)
        for property_shape in sorted(self.shapes.objects(shape, SH.property), key=str):
            if not self.deactivated(property_shape):
                yield from self.own_checks(property_shape, focus)

    def own_checks(self, shape: Node, focus: Focus) -> Iterator[Check]:
        """The checks of the constraints that one shape states itself."""
        shapes = self.shapes
        path = shapes.value(shape, SH.path)
        pattern = f"?this {self.path(shape, path)} ?value ." if path is not None else ""
        values = pattern or "BIND (?this AS ?value)"
        for predicate in sorted(set(shapes.predicates(shape, None)), key=str):
            if predicate in COMPONENTS:
                for parameter in sorted(shapes.objects(shape, predicate), key=str):
                    yield from self.component(shape, predicate, parameter, focus, values, path)
            elif str(predicate).startswith(str(SH)) and predicate not in NON_CONSTRAINTS:
                raise UnsupportedShape(f"{shape}: {predicate} is not supported by the fast engine")

    def path(self, shape: Node, path: Node) -> str:
        """A SHACL path as a SPARQL property path: a predicate or an alternative of them."""
        if isinstance(path, URIRef):
            return _n3(path)
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            members = list(Collection(self.shapes, alternatives))
            if members and all(isinstance(member, URIRef) for member in members):
                return "(" + "|".join(_n3(member) for member in members) + ")"
        raise UnsupportedShape(
            f"{shape}: only predicate paths and sh:alternativePath of predicates"
        )

    def component(
        self,
        shape: Node,
        parameter: URIRef,
        value: Node,
        focus: Focus,
        values: str,
        path: Node | None,
    ) -> Iterator[Check]:
        """The check of one constraint parameter of a shape."""
        component = COMPONENTS[parameter]
        if parameter == SH.sparql:
            yield self.sparql(shape, value, focus, path)
            return
        if parameter == SH.minCount:
            query = _min_count(int(value), focus.pattern, values)
        elif parameter == SH.maxCount:
            query = _max_count(int(value), focus, values)
        elif parameter == SH.uniqueLang:
            if not value.eq(Literal(True)):
                return
            query = (
                f"SELECT ?this WHERE {{ {focus.pattern} {values} "
                'FILTER (isLiteral(?value) && LANG(?value) != "") '
                "BIND (LCASE(LANG(?value)) AS ?language) } "
                "GROUP BY ?this ?language HAVING (COUNT(DISTINCT ?value) > 1)"
            )
        elif parameter == SH.node:
            yield self.node(shape, value, focus, values)
            return
        elif focus.member is not None:  # the violating values first, then their focus nodes
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} "
                f"{self.violated(shape, parameter, value)} FILTER EXISTS {{ {focus.member} }} }}"
            )
        else:
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus.pattern} {values} "
                f"{self.violated(shape, parameter, value)} }}"
            )
        yield Check(shape, component, query)

    def violated(self, shape: Node, parameter: URIRef, value: Node) -> str:
        """The filter that keeps the value nodes violating a value-based constraint."""
        if parameter == SH.datatype:
            return f"FILTER (!COALESCE({_has_datatype(value)}, false))"
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise UnsupportedShape(f"{shape}: unknown node kind {value}")
            return f"FILTER (!({NODE_KINDS[value]}))"
        if parameter == SH.pattern:
            flags = "".join(f for f in "im" if f in str(self.shapes.value(shape, SH.flags) or ""))
            regex = _rust_regex(str(value), "m" in flags)
            test = f"REGEX(STR(?value), {_string(regex)}, {_string(flags)})"
            return f"FILTER (!COALESCE(!isBlank(?value) && {test}, false))"
        if parameter == SH["class"]:
            return f"FILTER NOT EXISTS {{ ?value {INSTANCE_OF} {_n3(value)} }}"
        if parameter in RANGES:
            return f"FILTER (!COALESCE(?value {RANGES[parameter]} {_n3(value)}, false))"
        raise UnsupportedShape(f"{shape}: {parameter} is not supported")  # pragma: no cover

    def node(self, shape: Node, node_shape: Node, focus: Focus, values: str) -> Check:
        """``sh:node``: the values that do not conform to ``node_shape``, by one union query."""
        variable = f"?outer{next(self.fresh)}"
        value_focus = (
            f"{{ SELECT DISTINCT ?this WHERE {{ "
            f"{{ SELECT (?this AS {variable}) WHERE {{ {focus.pattern} }} }} "
            f"{values.replace('?this', variable).replace('?value', '?this')} }} }}"
        )
        inner = list(self.checks(node_shape, Focus(value_focus)))
        union = " UNION ".join(
            f"{{ {check.query} }}" for check in inner if not check.failing_values
        )
        nested = [check for check in inner if check.failing_values]
        if nested:
            raise UnsupportedShape(f"{shape}: sh:node of a shape that uses sh:node")
        failing = Check(
            node_shape, SH.NodeConstraintComponent, f"SELECT DISTINCT ?this WHERE {{ {union} }}"
        )
        query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus.pattern} {values} }}"
        return Check(shape, SH.NodeConstraintComponent, query, failing_values=failing)

    def sparql(self, shape: Node, constraint: Node, focus: Focus, path: Node | None) -> Check:
        """A SPARQL-based constraint (https://www.w3.org/TR/shacl/#sparql-constraints)."""
        selects = list(self.shapes.objects(constraint, SH.select))
        if len(selects) != 1:
            raise UnsupportedShape(f"{shape}: a SPARQL constraint needs one sh:select")
        self.declare(shape, constraint)
        text = str(selects[0])
        code = _code_only(text)
        if PRE_BOUND.search(code) or FORBIDDEN.search(code) or len(_select(code)) != 1:
            raise UnsupportedShape(f"{shape}: its SPARQL constraint uses what only pySHACL runs")
        if AGGREGATE.search(code) and not re.search(r"GROUP\s+BY\s[^{}]*[?$]this\b", code, re.I):
            raise UnsupportedShape(f"{shape}: an aggregating SPARQL constraint must group by $this")
        if "$PATH" in code:
            if path is None:
                raise UnsupportedShape(f"{shape}: $PATH in a node shape's constraint")
            text = text.replace("$PATH", self.path(shape, path))
        projection, brace = _select(_code_only(text))[0]
        projects_this = projection == "*" or re.search(r"[?$]this\b", projection) is not None
        if re.search(r"[?$]failure\b", projection):
            raise UnsupportedShape(f"{shape}: ?failure in a SPARQL constraint")
        head = text[:brace] if projects_this else _add_this(text[:brace])
        close = _closing(_code_only(text), brace)
        # LATERAL evaluates the constraint's pattern once per focus node, with $this bound:
        # SHACL's pre-binding, in one query.
        body, tail = text[brace + 1 : close], text[close + 1 :]
        query = f"{head}{{ {focus.pattern} LATERAL {{ {body} }} }}{tail}"
        return Check(shape, SH.SPARQLConstraintComponent, query, None, constraint, projects_this)


def _min_count(minimum: int, focus: str, values: str) -> str:
    """``sh:minCount``: the focus nodes with fewer values."""
    if minimum == 1:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {values} }} }}"
    return (
        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} GROUP BY ?this "
        f"HAVING (COUNT(DISTINCT ?value) < {minimum})"
    )


def _max_count(maximum: int, focus: Focus, values: str) -> str:
    """``sh:maxCount``: the focus nodes with more values (for 0 and 1 by pairs, no grouping)."""
    if maximum <= 1 and focus.member is not None:
        other = values.replace("?value", "?other")
        pair = f"{other} FILTER (!sameTerm(?value, ?other))" if maximum == 1 else ""
        return (
            f"SELECT DISTINCT ?this WHERE {{ {values} {pair} FILTER EXISTS {{ {focus.member} }} }}"
        )
    return (
        f"SELECT ?this WHERE {{ {focus.pattern} {values} }} GROUP BY ?this "
        f"HAVING (COUNT(DISTINCT ?value) > {maximum})"
    )


def _has_datatype(datatype: Node) -> str:
    """A SPARQL test that ``?value`` is a well-formed literal of ``datatype``, as pySHACL's."""
    if datatype == RDF.langString:
        return 'isLiteral(?value) && LANG(?value) != ""'
    if datatype == RDFS.Literal:
        return "isLiteral(?value)"
    test = f"isLiteral(?value) && DATATYPE(?value) = {_n3(datatype)}"
    if datatype in CASTABLE:
        test += f" && isLiteral({_n3(datatype)}(?value))"
    return test


def _n3(node: Node) -> str:
    """A shapes-graph term as SPARQL text."""
    if isinstance(node, BNode):
        raise UnsupportedShape(
            f"a blank node ({node}) where the fast engine needs an IRI or literal"
        )
    return node.n3()


def _string(text: str) -> str:
    """A SPARQL string literal."""
    return Literal(text).n3()


def _rust_regex(pattern: str, multiline: bool) -> str:
    """A Python regular expression (pySHACL's) as the same expression for oxigraph (Rust).

    Without the ``m`` flag, Python's ``$`` also matches before a final newline and ``\\Z`` is
    the end; Rust's ``$`` is only the end and its end is ``\\z``.
    """
    out, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            pair = pattern[index : index + 2]
            out.append("\\z" if pair == "\\Z" else pair)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class and not multiline:
            char = "(?:\\n?$)"
        out.append(char)
        index += 1
    return "".join(out)


def _code_only(text: str) -> str:
    """SPARQL text with its strings and comments blanked out (same length, same positions)."""
    string = r"\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'"
    iri = r"<[^<>\"{}|^`\\\s]*>"
    tokens = re.compile(f"({string})|({iri})|(#[^\n]*)")
    return tokens.sub(lambda m: m.group(0) if m.group(2) else " " * len(m.group(0)), text)


def _select(code: str) -> list[tuple[str, int]]:
    """Each SELECT of a query: its projection and the position of its WHERE's brace."""
    found = []
    for match in re.finditer(r"\bSELECT\b", code, re.IGNORECASE):
        brace = code.index("{", match.end())
        projection = re.sub(r"\bWHERE\s*$", "", code[match.end() : brace].strip(), flags=re.I)
        found.append((projection.strip(), brace))
    return found


def _closing(code: str, opening: int) -> int:
    """The position of the brace that closes the one at ``opening``."""
    depth = 0
    for index in range(opening, len(code)):
        depth += {"{": 1, "}": -1}.get(code[index], 0)
        if depth == 0:
            return index
    raise UnsupportedShape("a SPARQL query with unbalanced braces")


def _add_this(head: str) -> str:
    """A SELECT clause that also projects ``?this``."""
    return re.sub(
        r"\bSELECT(\s+(DISTINCT|REDUCED))?",
        lambda m: m.group(0) + " ?this",
        head,
        count=1,
        flags=re.I,
    )


# Running the checks -------------------------------------------------------------------------


def compile_shapes(shapes: Graph) -> tuple[str, list[Check]]:
    """The prologue and checks of every targeted shape of a shapes graph.

    :raises UnsupportedShape: when a shape uses what this engine does not run.
    """
    compiler = Compiler(shapes)
    checks = [
        check for shape, focus in compiler.targeted() for check in compiler.checks(shape, focus)
    ]
    for check in checks:
        if not any(_messages(shapes, node) for node in (check.shape, check.constraint) if node):
            raise UnsupportedShape(f"{check.shape}: a shape that reports needs an sh:message")
    return compiler.prologue(), checks


def run(store: ox.Store, shapes: Graph, compiled: tuple[str, list[Check]]) -> list[Result]:
    """The validation results of the store: every check, each one query."""
    prologue, checks = compiled
    results = []
    for check in checks:
        results += _results(store, shapes, prologue, check)
    return results


def _results(store: ox.Store, shapes: Graph, prologue: str, check: Check) -> Iterator[Result]:
    """The results of one check."""
    shape = check.shape
    path = shapes.value(shape, SH.path)
    severity = shapes.value(shape, SH.severity) or SH.Violation
    failing = None
    if check.failing_values is not None:
        failing = {row["this"] for row in _rows(store, prologue + check.failing_values.query)}
        if not failing:
            return
    query = prologue + check.query
    if failing is not None and not any(isinstance(n, ox.BlankNode) for n in failing):
        values = " ".join(str(node) for node in failing)
        query = query.replace("WHERE {", f"WHERE {{ VALUES ?value {{ {values} }}", 1)
    if check.component == SH.SPARQLConstraintComponent:
        yield from _sparql_results(store, shapes, query, check, path, severity)
        return
    messages = _messages(shapes, shape)
    for row in _rows(store, query):
        if failing is not None and row["value"] not in failing:
            continue
        value = from_oxigraph(row["value"]) if "value" in row else None
        yield Result(
            from_oxigraph(row["this"]), path, value, severity, shape, check.component, messages
        )


def _messages(shapes: Graph, shape: Node) -> tuple[Literal, ...]:
    """A shape's messages (compile_shapes made sure there is one: pySHACL would make one up)."""
    return tuple(sorted(shapes.objects(shape, SH.message), key=str))  # type: ignore[arg-type]


def _sparql_results(
    store: ox.Store, shapes: Graph, query: str, check: Check, path: Node | None, severity: URIRef
) -> Iterator[Result]:
    """The results of a SPARQL constraint, each distinct row once, as pySHACL words them."""
    constraint_messages = _messages(shapes, check.constraint)
    shape_messages = _messages(shapes, check.shape)
    seen = set()
    for row in _rows(store, query):
        bound = {name: from_oxigraph(term) for name, term in row.items()}
        focus = bound.pop("this")
        this = focus if check.projects_this else None
        result_path = bound.pop("path", None)
        value = bound.pop("value", None)
        key = (focus, this, result_path, value, frozenset(bound.items()))
        if key in seen:
            continue
        seen.add(key)
        if value is None and path is None:
            value = focus
        names = {
            **bound,
            **{
                n: v
                for n, v in (("this", this), ("path", result_path), ("value", value))
                if v is not None
            },
        }
        texts = [m for m in constraint_messages if m not in shape_messages] + list(shape_messages)
        messages = tuple(Literal(_format(str(m), names)) for m in texts)
        yield Result(
            focus,
            result_path if result_path is not None else path,
            value,
            severity,
            check.shape,
            check.component,
            messages,
            check.constraint,
        )


def _format(message: str, names: dict[str, Node]) -> str:
    """Fill ``{?name}`` and ``{$name}`` in, the way pySHACL does."""
    for name, value in names.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _rows(
    store: ox.Store, query: str
) -> Iterator[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The solutions of a SELECT query, each as its bound variables by name."""
    solutions = store.query(query)
    names = [variable.value for variable in solutions.variables]
    for solution in solutions:
        yield {name: term for name in names if (term := solution[name]) is not None}


# The report ---------------------------------------------------------------------------------


def report_graph(results: list[Result], shapes: Graph) -> Graph:
    """The SHACL validation report of the results, as pySHACL writes it."""
    report = Graph(bind_namespaces="none")
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not results)))
    for result in results:
        report.add((node, SH.result, _add_result(report, result, shapes)))
    return report


def _add_result(report: Graph, result: Result, shapes: Graph) -> BNode:
    """Add one result to the report; blank nodes of the shapes graph are copied in."""
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, result.focus))
    report.add((node, SH.resultSeverity, result.severity))
    report.add((node, SH.sourceShape, _copy(result.shape, shapes, report)))
    report.add((node, SH.sourceConstraintComponent, result.component))
    if result.path is not None:
        report.add((node, SH.resultPath, _copy(result.path, shapes, report)))
    if result.value is not None:
        report.add((node, SH.value, result.value))
    if result.constraint is not None:
        report.add((node, SH.sourceConstraint, _copy(result.constraint, shapes, report)))
    for message in result.messages:
        report.add((node, SH.resultMessage, message))
    return node


def _copy(node: Node, source: Graph, target: Graph) -> Node:
    """A node; a blank node with its description (and those of its blank nodes) copied."""
    if not isinstance(node, BNode):
        return node
    copy = BNode()
    for predicate, value in source.predicate_objects(node):
        target.add((copy, predicate, _copy(value, source, target)))
    return copy
