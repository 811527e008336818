"""The connection figure as a networkx graph, and what networkx tells about it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from dllm_kg.identifiers import ALLOWED_SCHEMES
from dllm_kg.namespaces import AREAS, DLLM


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
#: Words left in lower case when a name is made from an IRI.
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on"})


def connection_graph(graph: Graph) -> nx.Graph:
    """The figure's graph: areas, techniques, papers, models and repositories, and their links.

    Nodes are IRIs (strings) with the attributes ``kind`` (a :class:`Kind` value), ``name``
    (title or label, plain text), ``links`` (the node's http(s) links) and, on papers and
    techniques, ``areas`` (the areas they reach, directly or through techniques). Edges carry
    ``relation``: ``usesTechnique``, ``belongsToArea``, ``usesModel``, ``hasCode``, or
    ``hasArea`` where a paper's area is given directly and none of its techniques lead there.
    The four areas are always nodes. Nodes and edges are added in sorted order.

    >>> from dllm_kg.namespaces import PAPER, TECHNIQUE, DATA_LAYER
    >>> g = Graph()
    >>> g += [(PAPER.p, DLLM.usesTechnique, TECHNIQUE.t)]
    >>> g += [(TECHNIQUE.t, DLLM.belongsToArea, DATA_LAYER)]
    >>> figure = connection_graph(g)
    >>> figure.number_of_nodes(), figure.nodes[str(PAPER.p)]["areas"]
    (6, ('https://w3id.org/dllm-kg/area/data-layer',))
    """
    kinds = _kinds(graph)
    edges: dict[tuple[str, str], str] = {}
    direct_areas: list[tuple[str, str]] = []
    for prop, (subject_kind, object_kind) in RELATIONS.items():
        for subject, obj in graph.subject_objects(prop):
            if not isinstance(subject, URIRef) or not isinstance(obj, URIRef):
                continue
            kinds.setdefault(str(subject), subject_kind)
            kinds.setdefault(str(obj), object_kind)
            if kinds[str(subject)] != subject_kind or kinds[str(obj)] != object_kind:
                continue
            if prop == DLLM.hasArea:
                direct_areas.append((str(subject), str(obj)))
            else:
                edges[(str(subject), str(obj))] = prop.split("#")[-1]
    figure = nx.Graph()
    for node in sorted(kinds):
        kind = kinds[node]
        figure.add_node(
            node, kind=kind.value, name=_name(graph, URIRef(node), kind), links=_links(graph, node)
        )
    for (subject, obj), relation in sorted(edges.items()):
        figure.add_edge(subject, obj, relation=relation)
    _add_areas(figure, direct_areas)
    return figure


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
    >>> g = Graph()
    >>> g += [(PAPER.p, DLLM.usesTechnique, TECHNIQUE.t)]
    >>> g += [(PAPER.p, DLLM.hasArea, SECURITY_AND_PRIVACY)]
    >>> g += [(TECHNIQUE.t, DLLM.belongsToArea, DATA_LAYER)]
    >>> stats = figure_stats(connection_graph(g))
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


def _kinds(graph: Graph) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {str(area): Kind.AREA for area in AREAS}
    for kind, klass in KIND_CLASSES.items():
        for node in graph.subjects(RDF.type, klass, unique=True):
            if isinstance(node, URIRef):
                kinds.setdefault(str(node), kind)
    return kinds


def _name(graph: Graph, node: URIRef, kind: Kind) -> str:
    for prop in NAME_PROPERTIES[kind]:
        values = [value for value in graph.objects(node, prop) if isinstance(value, Literal)]
        if values:
            values.sort(key=lambda v: (v.language not in (None, "en"), v.language or "", str(v)))
            return str(values[0])
    return area_name(str(node))


def _links(graph: Graph, node: str) -> tuple[str, ...]:
    links = {str(link) for link in graph.objects(URIRef(node), DLLM.link)}
    return tuple(sorted(link for link in links if safe_link(link)))


def _add_areas(figure: nx.Graph, direct: Iterable[tuple[str, str]]) -> None:
    """Set ``areas`` on techniques and papers; draw the direct paper-area edges still missing."""
    for technique in nodes_of(figure, Kind.TECHNIQUE):
        figure.nodes[technique]["areas"] = tuple(neighbours_of(figure, technique, Kind.AREA))
    reached: dict[str, set[str]] = {}
    for paper in nodes_of(figure, Kind.PAPER):
        techniques = neighbours_of(figure, paper, Kind.TECHNIQUE)
        reached[paper] = {a for t in techniques for a in figure.nodes[t]["areas"]}
    for paper, area in sorted(direct):
        if area not in reached[paper]:
            figure.add_edge(paper, area, relation="hasArea")
    for paper, areas in reached.items():
        areas |= set(neighbours_of(figure, paper, Kind.AREA))
        figure.nodes[paper]["areas"] = tuple(sorted(areas, key=_area_order))


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
