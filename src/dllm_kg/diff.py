"""What changed between two versions of the list: entries added, removed and changed, by IRI.

Both lists are built as a build builds them (:func:`dllm_kg.pipeline.load`), and the diff
compares what each graph says about each entry, a node of class ``dllm:Paper``, ``dllm:Model``
or ``dllm:Repository``, by its IRI. Every property of an entry is a field, named by the
property's label in the graph (``has code``, ``uses technique``), else by its local name
(``dcterms:title`` is ``title``): a property that a later build adds shows up by itself. Two
links to provenance nodes are shown by what they lead to: ``prov:wasDerivedFrom`` (the rows
that list the entry) by their table, as ``listed in``, and ``dllm:annotation`` by who made
the annotation, as ``annotated by``. The row's line and file are not compared: they move
whenever a line is added above them.

Values compare as RDF terms; blank nodes (an ordered list of authors, say) compare by what
they hold. The text report is Markdown (for a pull-request comment) that reads as plain text
too; the JSON report is described in the README, *Comparing versions*.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from dllm_kg.align import restated_properties
from dllm_kg.errors import DllmKgError
from dllm_kg.namespaces import DLLM, FOAF, PREFIXES, SCHEMA
from dllm_kg.options import DiffFormat

#: The classes whose nodes are the list's entries, and what the report calls each, in the
#: order the report lists them.
ENTRY_KINDS: dict[str, str] = {
    str(DLLM.Paper): "paper",
    str(DLLM.Model): "model",
    str(DLLM.Repository): "repository",
}
#: The properties that name a node, the first one it has winning (English or no language
#: preferred): entries are named by them, and so are the nodes a field points to.
NAME_PROPERTIES = tuple(
    ox.NamedNode(str(term))
    for term in (SKOS.prefLabel, RDFS.label, DCTERMS.title, SCHEMA.name, FOAF.name)
)
#: Links to provenance nodes, shown as a field of their own: the property that leads to the
#: node, the field's name, and the node's property that the field shows.
FOLLOWED: dict[str, tuple[str, str]] = {
    str(PROV.wasDerivedFrom): ("listed in", str(DLLM.section)),
    str(DLLM.annotation): ("annotated by", str(PROV.wasAttributedTo)),
    str(DLLM.authorship): ("authors", str(DLLM.author)),
}
#: Followed links whose nodes have a place: the field lists their values in that order.
ORDERED_BY: dict[str, str] = {str(DLLM.authorship): str(SCHEMA.position)}
#: Properties not shown, as another field says the same: the authors, unordered, and the
#: schema.org and BIBO properties that restate the ontology's (dllm_kg.align).
SAID_ELSEWHERE = frozenset({str(DCTERMS.creator)}) | restated_properties()
#: The version of the JSON report's layout; it changes only when a key changes meaning.
JSON_VERSION = 1

_TYPE = ox.NamedNode(str(RDF.type))
_FIRST, _REST, _NIL = (ox.NamedNode(str(term)) for term in (RDF.first, RDF.rest, RDF.nil))
_MEMBER = re.compile(re.escape(str(RDF)) + r"_([0-9]+)\Z")
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
#: Characters that Markdown may read as formatting, escaped in the text report.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")
#: A web address that Markdown shows as a link when written between ``<`` and ``>``.
_AUTOLINK = re.compile(r"https?://[^\s<>]+\Z")

#: A value's JSON form: an IRI or a literal's text; a list (an RDF list); an object (a node
#: without IRI, by property IRI).
JsonValue = str | list["JsonValue"] | dict[str, list["JsonValue"]]


class DiffError(DllmKgError):
    """A list to compare holds no table to compare."""


@dataclass(frozen=True)
class Value:
    """One value of a field.

    :param key: what compares: the term in N-Triples (a blank node by what it holds).
    :param data: the value in the JSON report.
    :param text: the value as the text report shows it (a node by its name).
    """

    key: str
    data: JsonValue
    text: str


@dataclass(frozen=True)
class Field:
    """What a graph says about an entry with one property."""

    name: str
    #: The property's IRI (for ``listed in`` and ``annotated by``, the link's).
    property: str
    #: Sorted by key; a value may be there twice (a paper listed twice in one table).
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Entry:
    """A paper, model or repository, and everything its graph says about it."""

    iri: str
    kind: str
    name: str
    #: By property IRI.
    fields: Mapping[str, Field]


@dataclass(frozen=True)
class FieldChange:
    """A field whose values differ between the versions (no values: the field is absent)."""

    name: str
    property: str
    old: tuple[Value, ...]
    new: tuple[Value, ...]

    @property
    def added(self) -> tuple[Value, ...]:
        """The values of the new version that the old one lacks."""
        return _beyond(self.new, self.old)

    @property
    def removed(self) -> tuple[Value, ...]:
        """The values of the old version that the new one lacks."""
        return _beyond(self.old, self.new)


@dataclass(frozen=True)
class EntryChange:
    """An entry in both versions whose fields differ; named as the new version names it."""

    iri: str
    kind: str
    name: str
    fields: tuple[FieldChange, ...]


_Item = TypeVar("_Item", Entry, EntryChange)


@dataclass(frozen=True)
class ListDiff:
    """What changed from the list ``old`` to the list ``new`` (their names as given)."""

    old: str
    new: str
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[EntryChange, ...]

    @property
    def unchanged(self) -> bool:
        """True when both versions say the same about the same entries."""
        return not (self.added or self.removed or self.changed)


def diff_lists(old: Path, new: Path) -> ListDiff:
    """Build two versions of the list and compare them (:func:`diff_stores`).

    :raises dllm_kg.listfile.ListError: when a file cannot be read as a list.
    :raises DiffError: when a file has no paper or model table.
    """
    return diff_stores(_graph_of(old), _graph_of(new), str(old), str(new))


def _graph_of(path: Path) -> ox.Store:
    """A list's whole graph, refused when the list has no table to compare."""
    from dllm_kg.pipeline import load

    parsed, store = load(path, str(path))
    for finding in parsed.findings:
        if finding.code == "no-tables":
            raise DiffError(f"{path}:{finding.line}: {finding.message}")
    return store


def diff_stores(old: ox.Store, new: ox.Store, old_name: str, new_name: str) -> ListDiff:
    """Compare the entries of two graphs by IRI.

    >>> same = ox.Store()
    >>> diff_stores(same, same, "a.md", "b.md").unchanged
    True
    """
    before, after = entries(old), entries(new)
    kept = sorted(before.keys() & after.keys())
    changes = (_entry_change(before[iri], after[iri]) for iri in kept)
    return ListDiff(
        old_name,
        new_name,
        added=_in_order(after[iri] for iri in after.keys() - before.keys()),
        removed=_in_order(before[iri] for iri in before.keys() - after.keys()),
        changed=_in_order(change for change in changes if change.fields),
    )


def entries(store: ox.Store) -> dict[str, Entry]:
    """Every paper, model and repository of a graph, by IRI."""
    reader = _Reader(store)
    return {
        node.value: reader.entry(node, kind)
        for klass, kind in ENTRY_KINDS.items()
        for node in _subjects(store, ox.NamedNode(klass))
    }


def _subjects(store: ox.Store, klass: ox.NamedNode) -> Iterator[ox.NamedNode]:
    """The IRIs of a class's nodes (a blank node is no entry: it has no IRI to compare by)."""
    for quad in store.quads_for_pattern(None, _TYPE, klass, None):
        if isinstance(quad.subject, ox.NamedNode):
            yield quad.subject


def _entry_change(old: Entry, new: Entry) -> EntryChange:
    """How the fields of one entry differ between the versions."""
    fields = []
    for prop in sorted(old.fields.keys() | new.fields.keys()):
        before, after = old.fields.get(prop), new.fields.get(prop)
        old_values = before.values if before else ()
        new_values = after.values if after else ()
        if [v.key for v in old_values] != [v.key for v in new_values]:
            name = after.name if after else before.name if before else prop
            fields.append(FieldChange(name, prop, old_values, new_values))
    fields.sort(key=lambda field: (field.name, field.property))
    return EntryChange(new.iri, new.kind, new.name, tuple(fields))


def _in_order(items: Iterable[_Item]) -> tuple[_Item, ...]:
    """Entries in the report's order: by kind (:data:`ENTRY_KINDS`), name, then IRI."""
    kinds = list(ENTRY_KINDS.values())
    return tuple(
        sorted(items, key=lambda item: (kinds.index(item.kind), item.name.casefold(), item.iri))
    )


def _beyond(values: tuple[Value, ...], others: tuple[Value, ...]) -> tuple[Value, ...]:
    """The values not among ``others`` (each as often as it is there more often)."""
    extra = Counter(value.key for value in values) - Counter(value.key for value in others)
    kept = []
    for value in values:
        if extra[value.key] > 0:
            extra[value.key] -= 1
            kept.append(value)
    return tuple(kept)


class _Reader:
    """Reads entries, fields and values from one graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.names: dict[str, str | None] = {}

    def entry(self, node: ox.NamedNode, kind: str) -> Entry:
        """One entry and its fields."""
        found: dict[str, tuple[str, list[tuple[object, Value]]]] = {}
        for quad in self.store.quads_for_pattern(node, None, None, None):
            prop = quad.predicate.value
            if prop in SAID_ELSEWHERE:
                continue
            if prop in FOLLOWED:
                name, shown = FOLLOWED[prop]
                place = self._place(quad.object, ORDERED_BY.get(prop))
                values = [
                    (place, self.value(o)) for o in self._objects(quad.object, ox.NamedNode(shown))
                ]
            else:
                name, values = self.field_name(quad.predicate), [(0, self.value(quad.object))]
            found.setdefault(prop, (name, []))[1].extend(values)
        fields = {
            prop: Field(name, prop, tuple(v for _, v in sorted(values, key=_placed)))
            for prop, (name, values) in found.items()
        }
        return Entry(node.value, kind, self.name(node) or _compact(node.value), fields)

    def _place(self, node: object, prop: str | None) -> int:
        """A followed node's place (its integer value of ``prop``), or 0 when unordered."""
        places = self._objects(node, ox.NamedNode(prop)) if prop else []
        return int(places[0].value) if places else 0

    def field_name(self, prop: ox.NamedNode) -> str:
        """A property's label, else its local name in words (``alternateName``: alternate
        name)."""
        local = re.split(r"[#/]", prop.value.rstrip("#/"))[-1]
        return self.name(prop) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()

    def name(self, node: ox.NamedNode | ox.BlankNode) -> str | None:
        """A node's name (:data:`NAME_PROPERTIES`), or None."""
        key = str(node)
        if key not in self.names:
            self.names[key] = next(
                (name for prop in NAME_PROPERTIES if (name := self._label(node, prop))), None
            )
        return self.names[key]

    def _label(self, node: ox.NamedNode | ox.BlankNode, prop: ox.NamedNode) -> str | None:
        """The node's value of one naming property: English, else without language, else
        any; the first in order when there are several."""
        labels = [o for o in self._objects(node, prop) if isinstance(o, ox.Literal)]
        ranked = sorted(
            labels, key=lambda o: (o.language not in ("en", None), o.language or "", o.value)
        )
        return _one_line(ranked[0].value) if ranked else None

    def _objects(
        self, node: object, prop: ox.NamedNode
    ) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """The objects of a node's triples with one property (none for a literal)."""
        if isinstance(node, ox.Literal):
            return []
        return [quad.object for quad in self.store.quads_for_pattern(node, prop, None, None)]

    def value(self, term: object, seen: frozenset[str] = frozenset()) -> Value:
        """A term as a field's value."""
        if isinstance(term, ox.Literal):
            return Value(str(term), term.value, _literal_text(term))
        if isinstance(term, ox.NamedNode):
            return Value(str(term), term.value, self.name(term) or _compact(term.value))
        if isinstance(term, ox.BlankNode) and str(term) not in seen:
            return self._node_value(term, seen | {str(term)})
        return Value("[...]", "[...]", "[...]")  # a blank node within itself

    def _node_value(self, node: ox.BlankNode, seen: frozenset[str]) -> Value:
        """A blank node's value: its members in order (an RDF list or container), else what
        it says, property by property."""
        members = self._members(node)
        if members is not None:
            values = [self.value(member, seen) for member in members]
            key = "(" + " ".join(value.key for value in values) + ")"
            return Value(key, [value.data for value in values], ", ".join(v.text for v in values))
        pairs = sorted(
            ((quad.predicate, self.value(quad.object, seen)) for quad in self._quads(node)),
            key=lambda pair: (pair[0].value, pair[1].key),
        )
        key = "[" + "; ".join(f"{prop} {value.key}" for prop, value in pairs) + "]"
        data: dict[str, list[JsonValue]] = {}
        for prop, value in pairs:
            data.setdefault(prop.value, []).append(value.data)
        text = "; ".join(f"{self.field_name(prop)}: {value.text}" for prop, value in pairs)
        return Value(key, data, f"[{text}]")

    def _quads(self, node: ox.BlankNode) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(node, None, None, None))

    def _members(self, node: ox.BlankNode) -> list[object] | None:
        """The items of an RDF list (``rdf:first``/``rdf:rest``) or container (``rdf:_1``,
        ...) in order; None for another node."""
        if self._objects(node, _FIRST):
            items: list[object] = []
            seen: set[str] = set()
            current: object = node
            while current != _NIL and str(current) not in seen and self._objects(current, _FIRST):
                seen.add(str(current))
                items.extend(self._objects(current, _FIRST)[:1])
                rest = self._objects(current, _REST)
                current = rest[0] if rest else _NIL
            return items
        numbered = [
            (int(found[1]), quad.object)
            for quad in self._quads(node)
            if (found := _MEMBER.match(quad.predicate.value))
        ]
        if numbered:
            return [member for _, member in sorted(numbered, key=lambda pair: pair[0])]
        return None


def _placed(item: tuple[int, Value]) -> tuple[int, str]:
    """A field value's order: its place, then its key."""
    return item[0], item[1].key


def _literal_text(literal: ox.Literal) -> str:
    """A literal as the text report shows it: its text, integers with thousands separators."""
    if literal.datatype.value == _INTEGER and re.fullmatch(r"[+-]?[0-9]+", literal.value):
        return f"{int(literal.value):,}"
    return _one_line(literal.value)


def _one_line(text: str) -> str:
    """Text with each run of white space (line breaks too) as one space."""
    return " ".join(text.split())


def _compact(iri: str) -> str:
    """An IRI as a prefixed name where a prefix of the exports fits (``technique:lora``)."""
    fits = [(len(base), prefix) for prefix, base in PREFIXES.items() if iri.startswith(base)]
    if not fits:
        return iri
    length, prefix = max(fits)
    local = iri[length:]
    return f"{prefix}:{local}" if re.fullmatch(r"[\w.-]*", local) else iri


# Reports --------------------------------------------------------------------------------------


def render(diff: ListDiff, output_format: DiffFormat = DiffFormat.TEXT) -> str:
    """The report of a diff in a format: Markdown text or JSON."""
    return render_json(diff) if output_format is DiffFormat.JSON else render_text(diff)


def render_text(diff: ListDiff) -> str:
    """The report as Markdown that reads as plain text: a heading, a summary line, then the
    entries added, removed and changed, a bullet each (a changed one with a bullet per field).
    """
    lines = [f"## dllm-kg diff: {_code(diff.old)} → {_code(diff.new)}", ""]
    if diff.unchanged:
        return "\n".join([*lines, "No changes.", ""])
    counts = (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed))
    lines += [", ".join(f"{len(items)} {word}" for word, items in counts) + ".", ""]
    for word, items in counts:
        if items:
            lines += [f"### {word.capitalize()} ({len(items)})", ""]
            lines += [line for item in items for line in _item_lines(item)]
            lines.append("")
    return "\n".join(lines)


def _item_lines(item: Entry | EntryChange) -> list[str]:
    """An entry's bullet; a changed entry's in bold, with a bullet under it per field."""
    name = f"{item.kind}: {_markdown(item.name)}"
    if isinstance(item, Entry):
        return [f"- {name}"]
    return [f"- **{name}**", *(f"  - {_field_line(field)}" for field in item.fields)]


def _field_line(field: FieldChange) -> str:
    """``title: old → new`` for a field with one value in each version, else the values
    ``added`` and ``removed``."""
    shown = _markdown(field.name)
    if len(field.old) == 1 and len(field.new) == 1:
        return f"{shown}: {_shown(field.old[0])} → {_shown(field.new[0])}"
    parts = [
        f"{word} {', '.join(_shown(value) for value in values)}"
        for word, values in (("added", field.added), ("removed", field.removed))
        if values
    ]
    return f"{shown}: {'; '.join(parts)}"


def _shown(value: Value) -> str:
    """A value in Markdown: a web address as a link, other text with formatting escaped."""
    return f"<{value.text}>" if _AUTOLINK.match(value.text) else _markdown(value.text)


def _markdown(text: str) -> str:
    """Text with the characters that Markdown reads as formatting escaped.

    >>> _markdown("a_b *c* [d]")
    'a\\\\_b \\\\*c\\\\* \\\\[d\\\\]'
    """
    return _MARKDOWN.sub(r"\\\1", _one_line(text))


def _code(text: str) -> str:
    """Text as Markdown code: between backticks, more of them than any run in the text.

    >>> print(_code("data/list.md"), _code("a`b"))
    `data/list.md` ``a`b``
    """
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{_one_line(padded)}{fence}"


def render_json(diff: ListDiff) -> str:
    """The report as JSON (keys in a fixed order, two-space indent, UTF-8 as it is)."""
    document = {
        "version": JSON_VERSION,
        "old": diff.old,
        "new": diff.new,
        "unchanged": diff.unchanged,
        "counts": {
            "added": len(diff.added),
            "removed": len(diff.removed),
            "changed": len(diff.changed),
        },
        "added": [_entry_json(entry) for entry in diff.added],
        "removed": [_entry_json(entry) for entry in diff.removed],
        "changed": [
            {**_entry_json(change), "fields": [_field_json(field) for field in change.fields]}
            for change in diff.changed
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry_json(entry: Entry | EntryChange) -> dict[str, str]:
    return {"iri": entry.iri, "kind": entry.kind, "name": entry.name}


def _field_json(field: FieldChange) -> dict[str, object]:
    return {
        "field": field.name,
        "property": field.property,
        "old": [value.data for value in field.old],
        "new": [value.data for value in field.new],
        "added": [value.data for value in field.added],
        "removed": [value.data for value in field.removed],
    }
