"""A static linked-data site: an index, one page per entity, each with its data beside it.

Every area, technique, paper, model, repository and author gets a page at its IRI's path under
:data:`~dllm_kg.namespaces.BASE` (``paper/<slug>.html``), so that the w3id redirects map one
to one, with its data beside it as ``paper/<slug>.ttl`` and ``paper/<slug>.jsonld``. The page
embeds the same JSON-LD, byte for byte, in a ``<script type="application/ld+json">`` block.
An entity's data is a concise bounded description: its outgoing triples, those of its blank
nodes and of its authorships (the order of its authors), and the labels of what it links to.
Pages are plain HTML with one style sheet and no scripts; only ``graph.html`` has scripts.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from dllm_kg.constants import (
    FIGURE_FILE,
    PAGE_FILE,
    TEMPLATES_DIR,
    UPSTREAM_ATTRIBUTION,
    UPSTREAM_LICENSE_URL,
    UPSTREAM_URL,
)
from dllm_kg.export import (
    CONTEXT_FILE,
    DOWNLOAD_BASE,
    JSONLD_FILE,
    NOTICE,
    NTRIPLES_FILE,
    PREFIXES,
    TURTLE_FILE,
    VOID_FILE,
    comment_block,
    compact,
    json_ld,
    render_exports,
    sorted_ntriples,
    turtle,
)
from dllm_kg.listversion import ListVersion
from dllm_kg.namespaces import AUTHORSHIP, BASE, DLLM, SCHEMA

#: The site's templates and style sheet.
SITE_TEMPLATES_DIR = TEMPLATES_DIR / "site"
#: The style sheet every page links to.
STYLE_FILE = "style.css"
#: The ontology's documentation page (:mod:`dllm_kg.ontodoc`), where ``ontology`` resolves.
ONTOLOGY_PAGE = "ontology/index.html"
#: The redirect rules for the w3id.org repository (:func:`dllm_kg.publish.htaccess`); a
#: static host serves them as a file, for the maintainer to copy there.
W3ID_RULES = "w3id.htaccess"
#: The downloads, in the folder the VoID description names (``dist/``).
DOWNLOADS_DIR = DOWNLOAD_BASE.removeprefix(BASE).rstrip("/")
#: The downloads the index offers, with what each is.
DOWNLOADS = {
    TURTLE_FILE: "the whole graph, Turtle",
    NTRIPLES_FILE: "the whole graph, N-Triples",
    JSONLD_FILE: "the whole graph, JSON-LD (context inline)",
    CONTEXT_FILE: "the JSON-LD context",
    VOID_FILE: "the VoID/DCAT description of the dataset",
    FIGURE_FILE: "the connection figure, SVG",
}


@dataclass(frozen=True)
class Kind:
    """A kind of entity that gets pages: its class, IRI folder and names."""

    name: str
    klass: str
    folder: str
    plural: str


#: The kinds of entity, in the order the index lists them.
KINDS = (
    Kind("area", str(DLLM.Area), "area", "areas"),
    Kind("technique", str(DLLM.Technique), "technique", "techniques"),
    Kind("paper", str(DLLM.Paper), "paper", "papers"),
    Kind("model", str(DLLM.Model), "model", "models"),
    Kind("repository", str(DLLM.Repository), "repository", "repositories"),
    Kind("author", str(FOAF.Person), "author", "authors"),
)
#: What names a node, best first.
LABEL_PREDICATES = (str(SKOS.prefLabel), str(DCTERMS.title), str(FOAF.name), str(RDFS.label))
#: Outgoing links shown as sections of their own, with their headings.
LINK_SECTIONS = {
    str(DCTERMS.creator): "Authors",
    str(DLLM.usesTechnique): "Techniques",
    str(DLLM.hasArea): "Areas",
    str(DLLM.belongsToArea): "Areas",
    str(DLLM.usesModel): "Models",
    str(DLLM.hasCode): "Code",
    str(SKOS.broader): "Broader techniques",
}
#: Outgoing links not listed under "Data": the authorships give the Authors section's order.
_NOT_FACTS = {*LINK_SECTIONS, str(DLLM.authorship)}
_TYPE = str(RDF.type)


@dataclass(frozen=True)
class Entity:
    """A node that gets a page."""

    iri: str
    kind: Kind
    label: str

    @property
    def path(self) -> str:
        """The IRI's path under the base, without an extension (``paper/<slug>``)."""
        return self.iri.removeprefix(BASE)


@dataclass(frozen=True)
class Link:
    """A hyperlink on a page (``href`` relative), or plain text when ``href`` is empty."""

    text: str
    href: str = ""
    note: str = ""


@dataclass
class Section:
    """A heading and its links."""

    title: str
    anchor: str
    links: list[Link] = field(default_factory=list)
    note: str = ""


class Graph:
    """The store's default graph, indexed by subject and by object (the graph is small)."""

    def __init__(self, store: ox.Store) -> None:
        self.outgoing: dict[str, list[ox.Quad]] = defaultdict(list)
        self.incoming: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            self.outgoing[_key(quad.subject)].append(quad)
            if not isinstance(quad.object, ox.Literal):
                self.incoming[_key(quad.object)].append(quad)

    def objects(self, node: str, predicate: str) -> list[str]:
        """The IRIs a node links to by one predicate."""
        return sorted(
            _key(quad.object)
            for quad in self.outgoing.get(node, ())
            if quad.predicate.value == predicate and not isinstance(quad.object, ox.Literal)
        )

    def subjects(self, predicate: str, node: str) -> list[str]:
        """The IRIs that link to a node by one predicate."""
        return sorted(
            _key(quad.subject)
            for quad in self.incoming.get(node, ())
            if quad.predicate.value == predicate
        )

    def label(self, node: str) -> str:
        """A node's name: its first label by :data:`LABEL_PREDICATES`, else its compact IRI."""
        for predicate in LABEL_PREDICATES:
            values = sorted(
                quad.object.value
                for quad in self.outgoing.get(node, ())
                if quad.predicate.value == predicate
            )
            if values:
                return values[0]
        return compact(node)


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A node's key in :class:`Graph`: an IRI as it is, a blank node as ``_:id``."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def entities(graph: Graph) -> dict[str, Entity]:
    """Every node that gets a page, by IRI, in page order (kind, then label, then IRI)."""
    found = []
    for kind in KINDS:
        members = {
            _key(quad.subject)
            for quad in graph.incoming.get(kind.klass, ())
            if quad.predicate.value == _TYPE
        }
        named = [
            Entity(iri, kind, graph.label(iri))
            for iri in members
            if iri.startswith(BASE + kind.folder + "/")
        ]
        found.extend(sorted(named, key=lambda entity: (entity.label.casefold(), entity.iri)))
    return {entity.iri: entity for entity in found}


def description(graph: Graph, iri: str) -> list[ox.Triple]:
    """An entity's data: outgoing triples, with those of its blank nodes and authorships, and
    the labels of the nodes these link to."""
    triples, parts, seen = [], [iri], {iri}
    while parts:
        for quad in graph.outgoing.get(parts.pop(), ()):
            triples.append(quad.triple)
            target = _key(quad.object)
            is_part = isinstance(quad.object, ox.BlankNode) or target.startswith(str(AUTHORSHIP))
            if is_part and target not in seen:
                seen.add(target)
                parts.append(target)
    linked = {_key(triple.object) for triple in triples if isinstance(triple.object, ox.NamedNode)}
    for node in sorted(linked - seen):
        triples.extend(
            quad.triple
            for quad in graph.outgoing.get(node, ())
            if quad.predicate.value in LABEL_PREDICATES
        )
    return triples


def data_files(triples: Iterable[ox.Triple]) -> tuple[bytes, bytes]:
    """An entity's data as Turtle (with the prefixes it uses) and as self-contained JSON-LD.

    The JSON-LD writes ``<`` as ``\\u003c``, so that it stands unchanged inside a ``<script>``.
    """
    ntriples = sorted_ntriples(triples)
    text = ntriples.decode("utf-8")
    used = {prefix: ns for prefix, ns in PREFIXES.items() if f"<{ns}" in text}
    parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    document = comment_block(NOTICE) + turtle(parsed, used)
    return document, json_ld(ntriples).replace(b"<", b"\\u003c")


def render_site(store: ox.Store, version: ListVersion | None = None) -> dict[str, bytes]:
    """Every file of the site, by path: pages, data files, style, downloads, the figure, the
    ontology's documentation and the w3id redirect rules to this site."""
    from dllm_kg.ontodoc import ontology_page
    from dllm_kg.publish import htaccess
    from dllm_kg.render import render_figures

    graph = Graph(store)
    pages = entities(graph)
    site = _Site(graph, pages, _environment())
    files = {STYLE_FILE: (SITE_TEMPLATES_DIR / STYLE_FILE).read_bytes()}
    figures = render_figures(store)
    exports = render_exports(store, version=version)
    for name in DOWNLOADS:
        files[f"{DOWNLOADS_DIR}/{name}"] = {**exports, **figures}[name]
    files[PAGE_FILE] = figures[PAGE_FILE]
    files[ONTOLOGY_PAGE] = ontology_page(store)
    files[W3ID_RULES] = htaccess().encode("utf-8")
    files["index.html"] = site.index()
    for kind in KINDS:
        files[f"{kind.folder}/index.html"] = site.kind_index(kind)
    for entity in pages.values():
        files.update(site.entity_files(entity))
    return files


def write_site(
    source: Path | None,
    out_dir: Path,
    label: str | None = None,
    list_date: date | None = None,
) -> list[Path]:
    """Read a list (the bundled one by default) and write its site into ``out_dir``.

    The folder is a build folder (:mod:`dllm_kg.buildfolder`): the site replaces only the
    files an earlier site wrote there, and leaves every other file as it is.

    :raises dllm_kg.errors.DllmKgError: for an unusable folder or an unreadable list.
    """
    from dllm_kg.buildfolder import check_output_folder, write_build
    from dllm_kg.pipeline import list_version_of, load

    check_output_folder(out_dir)
    version = list_version_of(source, label, list_date)
    _, store = load(source, label)
    return write_build(render_site(store, version), out_dir)


class _Site:
    """Renders the pages of one graph."""

    def __init__(self, graph: Graph, pages: dict[str, Entity], environment: Environment):
        self.graph = graph
        self.pages = pages
        self.environment = environment

    def index(self) -> bytes:
        counts = {kind.plural: 0 for kind in KINDS}
        for entity in self.pages.values():
            counts[entity.kind.plural] += 1
        areas = [self.link("index.html", e.iri) for e in self.pages.values() if e.kind is KINDS[0]]
        return self.render(
            "index.html.j2",
            "index.html",
            counts=counts,
            areas=areas,
            downloads={f"{DOWNLOADS_DIR}/{name}": what for name, what in DOWNLOADS.items()},
            graph_page=PAGE_FILE,
            ontology_page=ONTOLOGY_PAGE,
        )

    def kind_index(self, kind: Kind) -> bytes:
        path = f"{kind.folder}/index.html"
        links = [self.link(path, e.iri) for e in self.pages.values() if e.kind is kind]
        return self.render("list.html.j2", path, kind=kind, links=links)

    def entity_files(self, entity: Entity) -> dict[str, bytes]:
        """The page of an entity and its two data files."""
        ttl, jsonld = data_files(description(self.graph, entity.iri))
        page = f"{entity.path}.html"
        sections = [*self.outgoing_sections(entity, page), *self.incoming_sections(entity, page)]
        html = self.render(
            "entity.html.j2",
            page,
            entity=entity,
            facts=self.facts(entity, page),
            sections=[section for section in sections if section.links],
            jsonld=jsonld.decode("utf-8"),
            data_name=posixpath.basename(entity.path),
        )
        return {page: html, f"{entity.path}.ttl": ttl, f"{entity.path}.jsonld": jsonld}

    def outgoing_sections(self, entity: Entity, page: str) -> Iterator[Section]:
        for predicate, title in LINK_SECTIONS.items():
            targets = self.graph.objects(entity.iri, predicate)
            if predicate == str(DCTERMS.creator):
                targets = self.authors_in_order(entity.iri, targets)
            links = [self.link(page, target) for target in targets]
            yield Section(title, compact(predicate).replace(":", "-"), links)

    def authors_in_order(self, paper: str, authors: list[str]) -> list[str]:
        """A paper's authors in the order of its author list (``schema:position``)."""
        position = {}
        for authorship in self.graph.objects(paper, str(DLLM.authorship)):
            for quad in self.graph.outgoing.get(authorship, ()):
                if quad.predicate.value == str(SCHEMA.position):
                    for author in self.graph.objects(authorship, str(DLLM.author)):
                        position[author] = int(quad.object.value)
        return sorted(authors, key=lambda author: (position.get(author, 0), author))

    def incoming_sections(self, entity: Entity, page: str) -> Iterator[Section]:
        graph, iri = self.graph, entity.iri
        if entity.kind.name == "technique":
            narrower = self.narrower(iri)
            yield self.section("Narrower techniques", "narrower", page, narrower[1:])
            papers = {p for t in narrower for p in graph.subjects(str(DLLM.usesTechnique), t)}
            note = "Papers that use this technique or a narrower one." if narrower[1:] else ""
            yield self.section("Papers", "papers", page, self.in_order(papers), note)
        elif entity.kind.name == "area":
            techniques = graph.subjects(str(DLLM.belongsToArea), iri)
            yield self.section("Techniques", "techniques", page, self.in_order(techniques))
            yield self.section("Papers", "papers", page, graph.subjects(str(DLLM.hasArea), iri))
        elif entity.kind.name in ("model", "repository"):
            predicate = DLLM.usesModel if entity.kind.name == "model" else DLLM.hasCode
            yield self.section("Papers", "papers", page, graph.subjects(str(predicate), iri))
        elif entity.kind.name == "author":
            works = graph.subjects(str(DCTERMS.creator), iri)
            yield self.section("Papers in the list", "papers", page, self.in_order(works))
            others = sorted(self.graph.label(work) for work in works if work not in self.pages)
            yield Section("Other works cited by the survey", "cited", [Link(t) for t in others])

    def narrower(self, technique: str) -> list[str]:
        """A technique and every technique below it (``skos:broader``, transitively)."""
        found, todo = [technique], [technique]
        while todo:
            for below in self.graph.subjects(str(SKOS.broader), todo.pop()):
                if below not in found:
                    found.append(below)
                    todo.append(below)
        return [technique, *self.in_order(found[1:])]

    def in_order(self, iris: Iterable[str]) -> list[str]:
        """The IRIs that have pages, in page order."""
        wanted = set(iris)
        return [iri for iri in self.pages if iri in wanted]

    def section(
        self, title: str, anchor: str, page: str, targets: Iterable[str], note: str = ""
    ) -> Section:
        links = [self.link(page, target) for target in self.in_order(targets)]
        return Section(title, anchor, links, note)

    def facts(self, entity: Entity, page: str) -> list[tuple[str, Link]]:
        """The entity's other outgoing triples: property and value (linked where it can be)."""
        rows = []
        for quad in self.graph.outgoing.get(entity.iri, ()):
            predicate = quad.predicate.value
            if predicate in _NOT_FACTS:
                continue
            rows.append((compact(predicate), self.value(page, quad.object)))
        return sorted(rows, key=lambda row: (row[0], row[1].text, row[1].href))

    def value(self, page: str, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Link:
        if isinstance(term, ox.Literal):
            return Link(term.value)
        if isinstance(term, ox.NamedNode) and not term.value.startswith(BASE):
            return Link(compact(term.value), term.value)
        return self.link(page, _key(term))

    def link(self, page: str, target: str) -> Link:
        """A link from one page to a node's page; plain text when the node has none."""
        entity = self.pages.get(target)
        if entity is None:
            return Link(self.graph.label(target))
        return Link(entity.label, relative(page, f"{entity.path}.html"))

    def render(self, template: str, path: str, **context: object) -> bytes:
        """A page; ``root`` is the relative path from it to the site's top folder."""
        root = posixpath.relpath(".", posixpath.dirname(path) or ".")
        text = self.environment.get_template(template).render(
            root="" if root == "." else root + "/",
            attribution=UPSTREAM_ATTRIBUTION,
            licence=UPSTREAM_LICENSE_URL,
            upstream=UPSTREAM_URL,
            base=BASE,
            kinds=KINDS,
            **context,
        )
        return text.encode("utf-8")


def relative(page: str, target: str) -> str:
    """The href from one page of the site to another file of it, percent-encoded.

    >>> relative("paper/a.html", "technique/lora.html")
    '../technique/lora.html'
    """
    return quote(posixpath.relpath(target, posixpath.dirname(page) or "."), safe="/")


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(SITE_TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
