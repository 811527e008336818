"""Small graphs for the connection figure's tests: a list of our own, with techniques and areas
added by hand (so the tests do not depend on the tagger), and a list with hostile titles; and
the figure's graph as the rdflib code before pyoxigraph read it, to compare with."""

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from dllm_kg.constants import ONTOLOGY_PATH
from dllm_kg.namespaces import (
    ALGORITHMIC_FRAMEWORK,
    AREAS,
    DATA_LAYER,
    DLLM,
    HARDWARE_INFRASTRUCTURE,
    MODEL,
    PAPER,
    REPOSITORY,
    SECURITY_AND_PRIVACY,
    TECHNIQUE,
)
from dllm_kg.parse import parse_file
from dllm_kg.stats import KIND_CLASSES, NAME_PROPERTIES, RELATIONS, Kind, area_name, safe_link
from tests.conftest import build_graph

from .conftest import DATA

GOSSIP = PAPER["a-survey-of-gossip-learning-for-language-models"]
SWARM = PAPER["swarm-lora-decentralised-adapters-on-phones"]
PIPELINE = PAPER["pipeline-parallel-inference-at-the-edge"]
SECURE = PAPER["secure-aggregation-for-federated-prompt-tuning"]
TINYCLIP = PAPER["tiny-clip-on-a-watch"]
SWARM_REPO = REPOSITORY["github/swarm-lab/swarmlora"]
WATCHLM = MODEL["watchlm-3m"]

#: Techniques by hand: IRI, label, areas.
TECHNIQUES = {
    TECHNIQUE["gossip-learning"]: ("Gossip learning", (DATA_LAYER,)),
    TECHNIQUE["lora"]: ("Low-rank adaptation", (ALGORITHMIC_FRAMEWORK,)),
    TECHNIQUE["pipeline-parallelism"]: (
        "Pipeline parallelism",
        (ALGORITHMIC_FRAMEWORK, HARDWARE_INFRASTRUCTURE),
    ),
    TECHNIQUE["secure-aggregation"]: ("Secure aggregation", (SECURITY_AND_PRIVACY,)),
    TECHNIQUE["prompt-tuning"]: ("Prompt tuning", (ALGORITHMIC_FRAMEWORK,)),
    TECHNIQUE["trusted-hardware"]: ("Trusted hardware", (HARDWARE_INFRASTRUCTURE,)),
    TECHNIQUE["privacy-audit"]: ("Privacy audit", (ALGORITHMIC_FRAMEWORK, SECURITY_AND_PRIVACY)),
}
#: Which paper uses which techniques (Tiny CLIP uses none: it reaches no area).
USES = {
    GOSSIP: ("gossip-learning",),
    SWARM: ("lora", "privacy-audit"),
    PIPELINE: ("pipeline-parallelism",),
    SECURE: ("secure-aggregation", "prompt-tuning"),
}
AREA_LABELS = {
    ALGORITHMIC_FRAMEWORK: "Algorithmic Framework",
    HARDWARE_INFRASTRUCTURE: "Hardware Infrastructure",
    DATA_LAYER: "Data Layer",
    SECURITY_AND_PRIVACY: "Security and Privacy",
}
#: Titles that must stay text wherever they are shown.
HOSTILE_TITLES = {
    GOSSIP: "</script><script>window.__pwned=1</script>Gossip",
    SWARM: '<img src=x onerror="window.__pwned=1"> Swarm "LoRA" {{7*7}} ${x} & \'quotes\'',
    PIPELINE: "Pipeline <svg onload=window.__pwned=1> }}{{ \\u003c/script\\u003e",
}


def small_graph() -> Graph:
    """tests/data/custom-list.md with techniques, areas and a model use added by hand.

    The Secure Aggregation paper is also given the Data Layer area directly (none of its
    techniques leads there), and the Swarm LoRA paper uses the WatchLM model.
    """
    graph = build_graph(parse_file(DATA / "custom-list.md"), vocabularies=(ONTOLOGY_PATH,))
    for area, label in AREA_LABELS.items():
        graph.add((area, RDF.type, DLLM.Area))
        graph.add((area, SKOS.prefLabel, Literal(label, lang="en")))
    for technique, (label, areas) in TECHNIQUES.items():
        graph.add((technique, RDF.type, DLLM.Technique))
        graph.add((technique, SKOS.prefLabel, Literal(label, lang="en")))
        for area in areas:
            graph.add((technique, DLLM.belongsToArea, area))
    for paper, techniques in USES.items():
        for name in techniques:
            graph.add((paper, DLLM.usesTechnique, TECHNIQUE[name]))
            for area in TECHNIQUES[TECHNIQUE[name]][1]:
                graph.add((paper, DLLM.hasArea, area))
    graph.add((SECURE, DLLM.hasArea, DATA_LAYER))
    graph.add((SWARM, DLLM.usesModel, WATCHLM))
    return graph


def hostile_graph() -> Graph:
    """The small graph with hostile titles, and unsafe links that only a bad builder would add."""
    graph = small_graph()
    for paper, title in HOSTILE_TITLES.items():
        graph.set((paper, DCTERMS.title, Literal(title)))
    graph.add((SECURE, DLLM.link, URIRef("javascript:window.__pwned=1")))
    # Not a valid IRI (a store refuses it), so given as a literal.
    graph.add((SWARM_REPO, DLLM.link, Literal("data:text/html,<b>x</b>")))
    return graph


def as_store(graph: Graph) -> ox.Store:
    """The graph in a pyoxigraph store's default graph, as the pipeline will hand it over."""
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def rdflib_connection_graph(graph: Graph) -> nx.Graph:
    """The figure's graph as ``stats.connection_graph`` built it from rdflib before 0.5.

    Kept here, unchanged but for names, as the independent reference that the store reader
    must match node for node, edge for edge, attribute for attribute and in the same order.
    """
    kinds = {str(area): Kind.AREA for area in AREAS}
    for kind, klass in KIND_CLASSES.items():
        for node in graph.subjects(RDF.type, klass, unique=True):
            if isinstance(node, URIRef):
                kinds.setdefault(str(node), kind)
    edges: dict[tuple[str, str], str] = {}
    direct: list[tuple[str, str]] = []
    for prop, (subject_kind, object_kind) in RELATIONS.items():
        for subject, obj in graph.subject_objects(prop):
            if not isinstance(subject, URIRef) or not isinstance(obj, URIRef):
                continue
            kinds.setdefault(str(subject), subject_kind)
            kinds.setdefault(str(obj), object_kind)
            if kinds[str(subject)] != subject_kind or kinds[str(obj)] != object_kind:
                continue
            if prop == DLLM.hasArea:
                direct.append((str(subject), str(obj)))
            else:
                edges[(str(subject), str(obj))] = prop.split("#")[-1]
    figure = nx.Graph()
    for node in sorted(kinds):
        links = {str(link) for link in graph.objects(URIRef(node), DLLM.link)}
        figure.add_node(
            node,
            kind=kinds[node].value,
            name=_rdflib_name(graph, URIRef(node), kinds[node]),
            links=tuple(sorted(link for link in links if safe_link(link))),
        )
    for (subject, obj), relation in sorted(edges.items()):
        figure.add_edge(subject, obj, relation=relation)
    _rdflib_add_areas(figure, direct)
    return figure


def _rdflib_name(graph: Graph, node: URIRef, kind: Kind) -> str:
    for prop in NAME_PROPERTIES[kind]:
        values = [value for value in graph.objects(node, prop) if isinstance(value, Literal)]
        if values:
            values.sort(key=lambda v: (v.language not in (None, "en"), v.language or "", str(v)))
            return str(values[0])
    return area_name(str(node))


def _rdflib_add_areas(figure: nx.Graph, direct: list[tuple[str, str]]) -> None:
    canonical = [str(a) for a in AREAS]

    def area_order(area: str) -> tuple[int, str]:
        return (canonical.index(area) if area in canonical else len(canonical), area)

    def around(node: str, kind: Kind) -> list[str]:
        return sorted(n for n in figure[node] if figure.nodes[n]["kind"] == kind.value)

    def of(kind: Kind) -> list[str]:
        return sorted(n for n, data in figure.nodes(data=True) if data["kind"] == kind.value)

    for technique in of(Kind.TECHNIQUE):
        figure.nodes[technique]["areas"] = tuple(around(technique, Kind.AREA))
    reached: dict[str, set[str]] = {}
    for paper in of(Kind.PAPER):
        techniques = around(paper, Kind.TECHNIQUE)
        reached[paper] = {a for t in techniques for a in figure.nodes[t]["areas"]}
    for paper, area in sorted(direct):
        if area not in reached[paper]:
            figure.add_edge(paper, area, relation="hasArea")
    for paper, areas in reached.items():
        areas |= set(around(paper, Kind.AREA))
        figure.nodes[paper]["areas"] = tuple(sorted(areas, key=area_order))
