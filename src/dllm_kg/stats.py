"""The connection figure read from a store: its tables, its networkx graph, and its numbers."""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property
from urllib.parse import urlsplit

import networkx as nx
import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from dllm_kg.identifiers import ALLOWED_SCHEMES
from dllm_kg.namespaces import AREAS, DLLM, SCHEMA


class Kind(StrEnum):
    """The kinds of node the figure draws, each an ontology class."""

    AREA = "area"
    TECHNIQUE = "technique"
    PAPER = "paper"
    MODEL = "model"
    REPOSITORY = "repository"


#: The ontology class of each kind of node.
KIND_CLASSES = {
    Kind.AREA: DLLM.Area,
    Kind.TECHNIQUE: DLLM.Technique,
    Kind.PAPER: DLLM.Paper,
    Kind.MODEL: DLLM.Model,
    Kind.REPOSITORY: DLLM.Repository,
}
#: The figure's edges: each property with the kinds of its subject and object.
RELATIONS = {
    DLLM.usesTechnique: (Kind.PAPER, Kind.TECHNIQUE),
    DLLM.belongsToArea: (Kind.TECHNIQUE, Kind.AREA),
    DLLM.usesModel: (Kind.PAPER, Kind.MODEL),
    DLLM.hasCode: (Kind.PAPER, Kind.REPOSITORY),
    DLLM.hasArea: (Kind.PAPER, Kind.AREA),
}
#: Where a node's name is read from, by kind, first found first.
NAME_PROPERTIES = {
    Kind.AREA: (SKOS.prefLabel, RDFS.label),
    Kind.TECHNIQUE: (SKOS.prefLabel, RDFS.label),
    Kind.PAPER: (DCTERMS.title, RDFS.label),
    Kind.MODEL: (RDFS.label, SKOS.prefLabel),
    Kind.REPOSITORY: (RDFS.label,),
}
#: Above this many nodes (leaves left out), betweenness is estimated from a sample of sources.
EXACT_BETWEENNESS_LIMIT = 1500
#: How many source nodes the estimate uses (seeded, so the same graph gives the same numbers).
BETWEENNESS_SAMPLE = 48
#: An http(s) address with a host and no space or control character: safe at a glance.
_PLAIN_HTTP = re.compile(r"https?://[^/?#\x00-\x20][^\x00-\x20]*\Z", re.IGNORECASE)
#: The year and month that begin an arXiv identifier: ``2402.01234`` or ``cs/9905010``.
_ARXIV_DATE = re.compile(
    r"^(?:[a-z-]+(?:\.[A-Z]{2})?/)?(?P<year>\d{2})(?P<month>\d{2})(?:\.|\d{3}\b)"
)
#: Words left in lower case when a name is made from an IRI.
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on"})


@dataclass(frozen=True)
class FigureTables:
    """What the figure is drawn from, read from the store in a few set-at-a-time passes.

    :param kinds: each node's kind, by IRI; the four areas always among them.
    :param names: each node's name (title or label, plain text), by IRI.
    :param links: each node's http(s) links, sorted, by IRI.
    :param edges: the drawn edges (subject, object) with their relation, sorted.
    :param technique_areas: each technique's areas (its ``belongsToArea``), sorted.
    :param paper_areas: each paper's areas, direct or through techniques, in area order.
    :param direct: the ``hasArea`` edges drawn: a paper's area that none of its techniques
        reaches, sorted.
    :param broader: each technique's broader techniques (``skos:broader``), sorted.
    :param facts: what a node's card shows besides its name and links, by IRI: a paper's
        ``arxiv`` id, ``year``, ``authors`` (in order, comma-separated) and ``venue``; a
        model's ``parameters`` (124M) and ``huggingface`` id.
    """

    kinds: dict[str, Kind]
    names: dict[str, str]
    links: dict[str, tuple[str, ...]]
    edges: list[tuple[str, str, str]]
    technique_areas: dict[str, tuple[str, ...]]
    paper_areas: dict[str, tuple[str, ...]]
    direct: list[tuple[str, str]]
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facts: dict[str, dict[str, str]] = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> list[str]:
        """The nodes of one kind, sorted."""
        return list(self._by_kind[kind])

    @cached_property
    def _by_kind(self) -> dict[Kind, tuple[str, ...]]:
        nodes: dict[Kind, list[str]] = {kind: [] for kind in Kind}
        for node in sorted(self.kinds):
            nodes[self.kinds[node]].append(node)
        return {kind: tuple(found) for kind, found in nodes.items()}

    @cached_property
    def technique_papers(self) -> dict[str, list[str]]:
        """Each technique's papers (sorted), every technique included."""
        papers: dict[str, list[str]] = {t: [] for t in self.of_kind(Kind.TECHNIQUE)}
        for subject, obj, relation in self.edges:
            if relation == "usesTechnique":
                papers[obj].append(subject)
        return papers

    @cached_property
    def narrower(self) -> dict[str, list[str]]:
        """Each technique's narrower techniques, at any depth (``skos:broader*``), sorted."""
        below: dict[str, set[str]] = {t: set() for t in self.of_kind(Kind.TECHNIQUE)}
        for technique, parents in self.broader.items():
            for parent in parents:
                below[parent].add(technique)
        closed: dict[str, list[str]] = {}
        for technique in below:
            seen: set[str] = set()
            todo = list(below[technique])
            while todo:
                child = todo.pop()
                if child not in seen and child != technique:
                    seen.add(child)
                    todo.extend(below[child])
            closed[technique] = sorted(seen)
        return closed

    @cached_property
    def technique_reach(self) -> dict[str, list[str]]:
        """Each technique's papers, those of its narrower techniques included (as
        ``queries/papers-by-technique.rq`` finds them), sorted."""
        direct = self.technique_papers
        return {
            technique: sorted({p for t in (technique, *below) for p in direct[t]})
            for technique, below in self.narrower.items()
        }


def figure_tables(store: ox.Store) -> FigureTables:
    """Read the figure's nodes, names, links and edges from the store (default graph).

    One pass per property: the class of each node (``rdf:type``), each relation, each name
    property and ``dllm:link``. Blank nodes and literals never become nodes.
    """
    kinds = _kinds(store)
    edges: dict[tuple[str, str], str] = {}
    direct: list[tuple[str, str]] = []
    for prop, (subject_kind, object_kind) in RELATIONS.items():
        relation = prop.split("#")[-1]
        found = direct if prop == DLLM.hasArea else None
        for subject, obj in _pairs(store, prop):
            if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode):
                continue
            s, o = subject.value, obj.value
            own = kinds.setdefault(s, subject_kind) == subject_kind
            if not (kinds.setdefault(o, object_kind) == object_kind and own):
                continue
            if found is not None:
                found.append((s, o))
            else:
                edges[(s, o)] = relation
    technique_areas, paper_areas, drawn = _reach(kinds, edges, direct)
    return FigureTables(
        kinds=kinds,
        names=_names_of(store, kinds),
        links=_links_of(store, kinds),
        edges=[(s, o, relation) for (s, o), relation in sorted(edges.items())],
        technique_areas=technique_areas,
        paper_areas=paper_areas,
        direct=drawn,
        broader=_broader_of(store, kinds),
        facts=_facts_of(store, kinds),
    )


def connection_graph(store: ox.Store) -> nx.Graph:
    """The figure's graph: areas, techniques, papers, models and repositories, and their links.

    Nodes are IRIs (strings) with the attributes ``kind`` (a :class:`Kind` value), ``name``
    (title or label, plain text), ``links`` (the node's http(s) links) and, on papers and
    techniques, ``areas`` (the areas they reach, directly or through techniques). Edges carry
    ``relation``: ``usesTechnique``, ``belongsToArea``, ``usesModel``, ``hasCode``, or
    ``hasArea`` where a paper's area is given directly and none of its techniques lead there.
    The four areas are always nodes. Nodes and edges are added in sorted order.

    >>> from dllm_kg.namespaces import PAPER, TECHNIQUE, DATA_LAYER
    >>> store = iri_store([
    ...     (PAPER.p, DLLM.usesTechnique, TECHNIQUE.t),
    ...     (TECHNIQUE.t, DLLM.belongsToArea, DATA_LAYER),
    ... ])
    >>> figure = connection_graph(store)
    >>> figure.number_of_nodes(), figure.nodes[str(PAPER.p)]["areas"]
    (6, ('https://w3id.org/dllm-kg/area/data-layer',))
    """
    return figure_graph(figure_tables(store))


def figure_graph(tables: FigureTables) -> nx.Graph:
    """The tables as a networkx graph (see :func:`connection_graph`)."""
    areas = {**tables.technique_areas, **tables.paper_areas}
    figure = nx.Graph()
    for node in sorted(tables.kinds):
        extra = {"areas": areas[node]} if node in areas else {}
        figure.add_node(
            node,
            kind=tables.kinds[node].value,
            name=tables.names[node],
            links=tables.links.get(node, ()),
            **extra,
        )
    for subject, obj, relation in tables.edges:
        figure.add_edge(subject, obj, relation=relation)
    for paper, area in tables.direct:
        figure.add_edge(paper, area, relation="hasArea")
    return figure


def iri_store(triples: Iterable[tuple[str, str, str]]) -> ox.Store:
    """A store holding these triples of IRIs in its default graph (for examples and tests)."""
    store = ox.Store()
    store.extend(ox.Quad(*(ox.NamedNode(str(term)) for term in triple)) for triple in triples)
    return store


def nodes_of(figure: nx.Graph, kind: Kind) -> list[str]:
    """The nodes of one kind, sorted."""
    return sorted(node for node, data in figure.nodes(data=True) if data["kind"] == kind.value)


def neighbours_of(figure: nx.Graph, node: str, kind: Kind) -> list[str]:
    """A node's neighbours of one kind, sorted."""
    return sorted(n for n in figure[node] if figure.nodes[n]["kind"] == kind.value)


def safe_link(link: str) -> bool:
    """Whether a link may be shown: an absolute http or https address.

    The parser already refuses every other link; this is a second guard for graphs read
    from elsewhere.

    >>> safe_link("https://arxiv.org/abs/2308.13894"), safe_link("javascript:alert(1)")
    (True, False)
    """
    if _PLAIN_HTTP.match(link):  # the usual case, decided without splitting the address
        return True
    parts = urlsplit(link)
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.netloc)


def area_name(area: str) -> str:
    """A readable name for an area (or any node) from its IRI, for graphs without labels.

    >>> area_name("https://w3id.org/dllm-kg/area/security-and-privacy")
    'Security and Privacy'
    """
    words = area.rstrip("/").rsplit("/", 1)[-1].split("-")
    return " ".join(w if w in _SMALL_WORDS and i else w.capitalize() for i, w in enumerate(words))


@dataclass(frozen=True)
class Ranked:
    """A node in a ranking: its IRI, its name, the score, and what the score is made of."""

    id: str
    name: str
    score: float
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    """A connected component: its size, its nodes by kind, and its best-connected node."""

    size: int
    kinds: dict[str, int]
    hub: str
    hub_name: str


@dataclass(frozen=True)
class Stats:
    """What the figure's graph tells: areas, bridges, central techniques, components.

    :param sample: how many source nodes the betweenness estimate used; 0 when exact.
    """

    nodes: int
    edges: int
    papers: int
    papers_per_area: tuple[Ranked, ...]
    papers_without_area: int
    bridges: tuple[Ranked, ...]
    central_techniques: tuple[Ranked, ...]
    components: tuple[Component, ...]
    component_count: int
    sample: int

    def as_json(self) -> dict[str, object]:
        """The numbers as plain JSON data (lists and dicts)."""
        return asdict(self)


def figure_stats(figure: nx.Graph, top: int = 10, components: int = 5) -> Stats:
    """The figure's numbers: papers per area, the papers bridging most areas, the most central
    techniques (betweenness centrality), and the largest connected components.

    >>> from dllm_kg.namespaces import PAPER, TECHNIQUE, DATA_LAYER, SECURITY_AND_PRIVACY
    >>> store = iri_store([
    ...     (PAPER.p, DLLM.usesTechnique, TECHNIQUE.t),
    ...     (PAPER.p, DLLM.hasArea, SECURITY_AND_PRIVACY),
    ...     (TECHNIQUE.t, DLLM.belongsToArea, DATA_LAYER),
    ... ])
    >>> stats = figure_stats(connection_graph(store))
    >>> [(r.name, r.score) for r in stats.bridges]
    [('P', 2)]
    >>> [(r.name, r.score) for r in stats.papers_per_area if r.score]
    [('Data Layer', 1), ('Security and Privacy', 1)]
    """
    papers = nodes_of(figure, Kind.PAPER)
    names = nx.get_node_attributes(figure, "name")
    per_area = Counter(area for paper in papers for area in figure.nodes[paper]["areas"])
    areas = sorted(nodes_of(figure, Kind.AREA), key=_area_order)
    bridges = sorted(
        (p for p in papers if figure.nodes[p]["areas"]),
        key=lambda p: (-len(figure.nodes[p]["areas"]), -figure.degree(p), names[p], p),
    )
    return Stats(
        nodes=figure.number_of_nodes(),
        edges=figure.number_of_edges(),
        papers=len(papers),
        papers_per_area=tuple(Ranked(a, names[a], per_area[a]) for a in areas),
        papers_without_area=sum(1 for p in papers if not figure.nodes[p]["areas"]),
        bridges=tuple(
            Ranked(p, names[p], len(figure.nodes[p]["areas"]), _names(figure, _areas(figure, p)))
            for p in bridges[:top]
        ),
        central_techniques=_central_techniques(figure, top),
        components=tuple(_component(figure, nodes) for nodes in _components(figure)[:components]),
        component_count=nx.number_connected_components(figure),
        sample=_sample_size(figure),
    )


def overview_graph(tables: FigureTables) -> nx.Graph:
    """The overview's graph: areas and techniques, and which area each technique belongs to.

    Techniques carry ``papers`` (how many papers use them) and are named with that count,
    e.g. ``LoRA (1,204)``, so the layout leaves room for the count in their labels.
    """
    counts = {t: len(papers) for t, papers in tables.technique_papers.items()}
    overview = nx.Graph()
    for node in sorted(tables.of_kind(Kind.AREA) + tables.of_kind(Kind.TECHNIQUE)):
        kind = tables.kinds[node]
        name = tables.names[node]
        extra: dict[str, object] = {}
        if kind is Kind.TECHNIQUE:
            name = f"{name} ({counts[node]:,})"
            extra = {"areas": tables.technique_areas[node], "papers": counts[node]}
        overview.add_node(
            node, kind=kind.value, name=name, links=tables.links.get(node, ()), **extra
        )
    for subject, obj, relation in tables.edges:
        if relation == "belongsToArea":
            overview.add_edge(subject, obj, relation=relation)
    return overview


def overview_stats(tables: FigureTables, top: int = 10, components: int = 5) -> Stats:
    """The figure's numbers without a networkx graph of every node, for figures of any size.

    Counts, areas, bridges and components are those of :func:`figure_stats` on the same
    figure. Betweenness is exact, on the techniques' projection: techniques and areas, a
    technique joined to its areas and to every technique or area a paper shares with it
    (:func:`technique_projection`), so it costs as little at 100,000 papers as at 100.
    """
    papers = tables.of_kind(Kind.PAPER)
    degree = _degrees(tables)
    per_area = Counter(area for paper in papers for area in tables.paper_areas[paper])
    bridges = heapq.nsmallest(
        top,
        (p for p in papers if tables.paper_areas[p]),
        key=lambda p: (-len(tables.paper_areas[p]), -degree[p], tables.names[p], p),
    )
    groups = _union_components(tables)
    return Stats(
        nodes=len(tables.kinds),
        edges=len(tables.edges) + len(tables.direct),
        papers=len(papers),
        papers_per_area=tuple(
            Ranked(a, tables.names[a], per_area[a])
            for a in sorted(tables.of_kind(Kind.AREA), key=_area_order)
        ),
        papers_without_area=sum(1 for p in papers if not tables.paper_areas[p]),
        bridges=tuple(
            Ranked(
                p,
                tables.names[p],
                len(tables.paper_areas[p]),
                tuple(tables.names[a] for a in tables.paper_areas[p]),
            )
            for p in bridges
        ),
        central_techniques=_projected_central(tables, top),
        components=tuple(_table_component(tables, nodes, degree) for nodes in groups[:components]),
        component_count=len(groups),
        sample=0,
    )


def technique_projection(tables: FigureTables) -> nx.Graph:
    """Techniques and areas; a technique joined to its areas, and to each technique or area
    that one of its papers also has (a paper's techniques and directly drawn areas)."""
    projection = nx.Graph()
    projection.add_nodes_from(tables.of_kind(Kind.TECHNIQUE) + tables.of_kind(Kind.AREA))
    around: dict[str, set[str]] = {}
    for subject, obj, relation in tables.edges:
        if relation == "belongsToArea":
            projection.add_edge(subject, obj)
        elif relation == "usesTechnique":
            around.setdefault(subject, set()).add(obj)
    for paper, area in tables.direct:
        around.setdefault(paper, set()).add(area)
    pairs = {pair for near in around.values() for pair in itertools.combinations(sorted(near), 2)}
    projection.add_edges_from(sorted(pairs))
    return projection


def _projected_central(tables: FigureTables, top: int) -> tuple[Ranked, ...]:
    projection = technique_projection(tables)
    centrality = nx.betweenness_centrality(projection)
    counts = {t: len(papers) for t, papers in tables.technique_papers.items()}
    techniques = [t for t in counts if centrality.get(t, 0) > 0]
    ranked = sorted(techniques, key=lambda t: (-round(centrality[t], 6), tables.names[t]))
    return tuple(
        Ranked(t, tables.names[t], round(centrality[t], 4), (f"{counts[t]} papers",))
        for t in ranked[:top]
    )


def _degrees(tables: FigureTables) -> Counter[str]:
    degree: Counter[str] = Counter()
    for subject, obj, _ in tables.edges:
        degree[subject] += 1
        degree[obj] += 1
    for paper, area in tables.direct:
        degree[paper] += 1
        degree[area] += 1
    return degree


def _union_components(tables: FigureTables) -> list[list[str]]:
    """The connected components (nodes sorted), largest first: union-find over the edges."""
    parent = {node: node for node in tables.kinds}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs = [(s, o) for s, o, _ in tables.edges] + tables.direct
    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[str]] = {}
    for node in sorted(tables.kinds):
        groups.setdefault(root(node), []).append(node)
    return sorted(groups.values(), key=lambda nodes: (-len(nodes), nodes[0]))


def _table_component(tables: FigureTables, nodes: list[str], degree: Counter[str]) -> Component:
    kinds = Counter(tables.kinds[node] for node in nodes)
    hub = min(nodes, key=lambda node: (-degree[node], node))
    return Component(
        size=len(nodes),
        kinds={kind.value: kinds[kind] for kind in Kind if kinds[kind]},
        hub=hub,
        hub_name=tables.names[hub],
    )


def _pairs(store: ox.Store, prop: str) -> Iterator[tuple[ox.Term, ox.Term]]:
    """The (subject, object) pairs of one property in the default graph."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None, ox.DefaultGraph()):
        yield quad.subject, quad.object


def _kinds(store: ox.Store) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {str(area): Kind.AREA for area in AREAS}
    kind_of = {ox.NamedNode(str(klass)): kind for kind, klass in KIND_CLASSES.items()}
    typed: dict[str, Kind] = {}
    for klass, kind in kind_of.items():
        quads = store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), klass, ox.DefaultGraph())
        for quad in quads:
            if isinstance(quad.subject, ox.NamedNode):
                typed.setdefault(quad.subject.value, kind)
    for node in sorted(typed):
        kinds.setdefault(node, typed[node])
    return kinds


def _names_of(store: ox.Store, kinds: Mapping[str, Kind]) -> dict[str, str]:
    """Each node's name: the first name property of its kind that it has, else one from its IRI.

    Among several values of one property, an untagged or English one comes first, then the
    lowest by language tag and text.
    """
    values: dict[str, dict[str, ox.Literal]] = {}
    for prop in {prop for props in NAME_PROPERTIES.values() for prop in props}:
        best = values.setdefault(str(prop), {})
        for node, value in _pairs(store, prop):
            key = node.value
            if not isinstance(value, ox.Literal) or key not in kinds:
                continue
            if key not in best or _name_order(value) < _name_order(best[key]):
                best[key] = value
    order = {kind: [values[str(prop)] for prop in props] for kind, props in NAME_PROPERTIES.items()}
    names = {}
    for node, kind in kinds.items():
        for found in order[kind]:
            literal = found.get(node)
            if literal is not None:
                names[node] = literal.value
                break
        else:
            names[node] = area_name(node)
    return names


def _broader_of(store: ox.Store, kinds: Mapping[str, Kind]) -> dict[str, tuple[str, ...]]:
    """Each technique's broader techniques (``skos:broader`` between two techniques)."""
    broader: dict[str, set[str]] = {}
    for node, parent in _pairs(store, SKOS.broader):
        key, value = node.value, parent.value
        if kinds.get(key) is Kind.TECHNIQUE and kinds.get(value) is Kind.TECHNIQUE:
            broader.setdefault(key, set()).add(value)
    return {technique: tuple(sorted(parents)) for technique, parents in sorted(broader.items())}


def _facts_of(store: ox.Store, kinds: Mapping[str, Kind]) -> dict[str, dict[str, str]]:
    """What the cards show besides names and links: a paper's arXiv id, year (dcterms:issued,
    else from the arXiv id), authors and venue; a model's size and Hugging Face id."""
    facts: dict[str, dict[str, str]] = {}

    def literals(prop: str, kind: Kind) -> Iterator[tuple[str, str]]:
        for node, value in sorted(_pairs(store, prop), key=lambda pair: str(pair)):
            if kinds.get(node.value) is kind and isinstance(value, ox.Literal):
                yield node.value, value.value

    for paper, year in literals(DCTERMS.issued, Kind.PAPER):
        facts.setdefault(paper, {}).setdefault("year", year)
    for paper, names in _authors_of(store, kinds).items():
        facts.setdefault(paper, {})["authors"] = ", ".join(names)
    for paper, venue in literals(DLLM.venue, Kind.PAPER):
        facts.setdefault(paper, {}).setdefault("venue", venue)
    for paper, arxiv in literals(DLLM.arxivId, Kind.PAPER):
        found = facts.setdefault(paper, {})
        found.setdefault("arxiv", arxiv)
        year = arxiv_year(arxiv)
        if year and "year" not in found:
            found["year"] = year
    for prop, prefix in ((DLLM.maxParameterCount, "≤"), (DLLM.parameterCount, "")):
        for model, count in literals(prop, Kind.MODEL):
            if count.isdigit() and int(count) > 0:
                facts.setdefault(model, {})["parameters"] = prefix + parameter_size(int(count))
    for model, hub in literals(DLLM.huggingFaceId, Kind.MODEL):
        facts.setdefault(model, {}).setdefault("huggingface", hub)
    return dict(sorted(facts.items()))


def _authors_of(store: ox.Store, kinds: Mapping[str, Kind]) -> dict[str, list[str]]:
    """Each paper's author names, in the order of its author list (schema:position)."""
    author = {place.value: person.value for place, person in _pairs(store, DLLM.author)}
    position = {place.value: value.value for place, value in _pairs(store, SCHEMA.position)}
    name = {person.value: value.value for person, value in _pairs(store, FOAF.name)}
    places: dict[str, list[tuple[int, str]]] = {}
    for paper, place in _pairs(store, DLLM.authorship):
        who = author.get(place.value)
        if kinds.get(paper.value) is Kind.PAPER and who in name:
            order = int(position.get(place.value, "0") or 0)
            places.setdefault(paper.value, []).append((order, name[who]))
    return {paper: [n for _, n in sorted(found)] for paper, found in places.items()}


def arxiv_year(arxiv: str) -> str:
    """The year an arXiv identifier was given (its first two digits of ``YYMM``), or "".

    >>> arxiv_year("2402.01234"), arxiv_year("cs/9905010"), arxiv_year("doi:10.1")
    ('2024', '1999', '')
    """
    match = _ARXIV_DATE.search(arxiv)
    if not match or not 1 <= int(match["month"]) <= 12:
        return ""
    year = int(match["year"])
    return str(1900 + year if year >= 91 else 2000 + year)


def parameter_size(count: int) -> str:
    """A parameter count as the list writes it.

    >>> parameter_size(124_000_000), parameter_size(1_100_000_000), parameter_size(7 * 10**9)
    ('124M', '1.1B', '7B')
    """
    for scale, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + unit
    return str(count)


def _name_order(value: ox.Literal) -> tuple[bool, str, str]:
    return (value.language not in (None, "en"), value.language or "", value.value)


def _links_of(store: ox.Store, kinds: Mapping[str, Kind]) -> dict[str, tuple[str, ...]]:
    first: dict[str, str] = {}
    more: dict[str, set[str]] = {}
    for node, link in _pairs(store, DLLM.link):
        key, value = node.value, link.value
        if key in kinds and (_PLAIN_HTTP.match(value) or safe_link(value)):
            if key not in first:
                first[key] = value
            else:
                more.setdefault(key, {first[key]}).add(value)
    links = {node: (link,) for node, link in first.items()}
    links.update((node, tuple(sorted(found))) for node, found in more.items())
    return links


def _reach(
    kinds: Mapping[str, Kind],
    edges: Mapping[tuple[str, str], str],
    direct: Iterable[tuple[str, str]],
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    """The areas of techniques and papers, and the direct paper-area edges still to draw.

    A technique's areas are those it belongs to (sorted); a paper's, those of its techniques
    and those given directly (in area order). A direct area is drawn as an edge only where
    none of the paper's techniques leads there.
    """
    technique_areas: dict[str, list[str]] = {t: [] for t, k in kinds.items() if k is Kind.TECHNIQUE}
    for (subject, obj), relation in edges.items():
        if relation == "belongsToArea":
            technique_areas[subject].append(obj)
    techniques = {t: tuple(sorted(areas)) for t, areas in technique_areas.items()}
    reached: dict[str, set[str]] = {p: set() for p, k in kinds.items() if k is Kind.PAPER}
    for (subject, obj), relation in edges.items():
        if relation == "usesTechnique":
            reached[subject].update(techniques[obj])
    drawn = [(paper, area) for paper, area in sorted(direct) if area not in reached[paper]]
    papers = {paper: set(areas) for paper, areas in reached.items()}
    for paper, area in drawn:
        papers[paper].add(area)
    return (
        techniques,
        {paper: tuple(sorted(areas, key=_area_order)) for paper, areas in papers.items()},
        drawn,
    )


def _area_order(area: str) -> tuple[int, str]:
    order = [str(a) for a in AREAS]
    return (order.index(area) if area in order else len(order), area)


def _areas(figure: nx.Graph, node: str) -> tuple[str, ...]:
    return figure.nodes[node].get("areas", ())


def _names(figure: nx.Graph, nodes: Iterable[str]) -> tuple[str, ...]:
    return tuple(figure.nodes[node]["name"] for node in nodes)


def core(figure: nx.Graph) -> nx.Graph:
    """The figure without its leaves (a paper's own repository or model, unused nodes).

    A leaf lies on no shortest path between two other nodes, so leaving the leaves out keeps
    betweenness about what connects papers, techniques and areas, and makes it cheaper.
    """
    return nx.Graph(figure.subgraph(node for node in figure if figure.degree(node) > 1))


def _sample_size(figure: nx.Graph) -> int:
    n = sum(1 for node in figure if figure.degree(node) > 1)
    return BETWEENNESS_SAMPLE if n > EXACT_BETWEENNESS_LIMIT else 0


def _central_techniques(figure: nx.Graph, top: int) -> tuple[Ranked, ...]:
    """Techniques by betweenness centrality in the core: how often they lie on shortest paths."""
    techniques = [t for t in nodes_of(figure, Kind.TECHNIQUE) if figure.degree(t) > 1]
    if not techniques:
        return ()
    sample = _sample_size(figure)
    centrality = nx.betweenness_centrality(core(figure), k=sample or None, seed=0)
    ranked = sorted(techniques, key=lambda t: (-round(centrality[t], 6), figure.nodes[t]["name"]))
    return tuple(
        Ranked(
            t,
            figure.nodes[t]["name"],
            round(centrality[t], 4),
            (f"{len(neighbours_of(figure, t, Kind.PAPER))} papers",),
        )
        for t in ranked[:top]
        if centrality[t] > 0
    )


def _components(figure: nx.Graph) -> list[list[str]]:
    components = [sorted(nodes) for nodes in nx.connected_components(figure)]
    return sorted(components, key=lambda nodes: (-len(nodes), nodes[0]))


def _component(figure: nx.Graph, nodes: list[str]) -> Component:
    kinds = Counter(figure.nodes[node]["kind"] for node in nodes)
    hub = min(nodes, key=lambda node: (-figure.degree(node), node))
    return Component(
        size=len(nodes),
        kinds={kind.value: kinds[kind.value] for kind in Kind if kinds[kind.value]},
        hub=hub,
        hub_name=figure.nodes[hub]["name"],
    )
