"""The figure's networkx graph and its numbers: areas, bridges, central techniques, components."""

import re

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from dllm_kg.cli import app
from dllm_kg.namespaces import (
    ALGORITHMIC_FRAMEWORK,
    AREAS,
    DATA_LAYER,
    HARDWARE_INFRASTRUCTURE,
    SECURITY_AND_PRIVACY,
    TECHNIQUE,
)
from dllm_kg.stats import (
    Kind,
    connection_graph,
    core,
    figure_stats,
    iri_store,
    nodes_of,
    safe_link,
)

from .figures import (
    GOSSIP,
    PIPELINE,
    SECURE,
    SWARM,
    SWARM_REPO,
    TINYCLIP,
    WATCHLM,
    as_store,
    hostile_graph,
    rdflib_connection_graph,
    small_graph,
)


@pytest.fixture(scope="module")
def figure() -> nx.Graph:
    return connection_graph(as_store(small_graph()))


def same_graph(a: nx.Graph, b: nx.Graph) -> None:
    """Same nodes with the same attributes, same edges, each in the same order."""
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert [list(a[node].items()) for node in a] == [list(b[node].items()) for node in b]


@pytest.mark.parametrize("make", [small_graph, hostile_graph], ids=["small", "hostile"])
def test_the_store_reader_matches_the_rdflib_reader(make) -> None:
    graph = make()
    same_graph(connection_graph(as_store(graph)), rdflib_connection_graph(graph))


def test_the_store_reader_matches_the_rdflib_reader_on_the_bundled_list(
    bundled_graph: Graph,
) -> None:
    figure = connection_graph(as_store(bundled_graph))
    assert figure.number_of_nodes() > 250
    same_graph(figure, rdflib_connection_graph(bundled_graph))


def test_every_kind_of_node_is_drawn(figure: nx.Graph) -> None:
    counts = {kind: len(nodes_of(figure, kind)) for kind in Kind}
    assert counts == {
        Kind.AREA: 4,
        Kind.TECHNIQUE: 7,
        Kind.PAPER: 5,
        Kind.MODEL: 3,
        Kind.REPOSITORY: 2,
    }


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        (GOSSIP, TECHNIQUE["gossip-learning"], "usesTechnique"),
        (TECHNIQUE["gossip-learning"], DATA_LAYER, "belongsToArea"),
        (SWARM, WATCHLM, "usesModel"),
        (SWARM, SWARM_REPO, "hasCode"),
        (PIPELINE, SWARM_REPO, "hasCode"),
        (SECURE, DATA_LAYER, "hasArea"),
    ],
    ids=["paper-technique", "technique-area", "paper-model", "paper-repo", "shared-repo", "direct"],
)
def test_edges_carry_their_relation(figure: nx.Graph, a: str, b: str, relation: str) -> None:
    assert figure.edges[str(a), str(b)]["relation"] == relation


def test_paper_area_edge_only_where_no_technique_leads_there(figure: nx.Graph) -> None:
    """Every paper has its areas as dllm:hasArea; only Secure's Data Layer is drawn directly."""
    direct = [(a, b) for a, b, r in figure.edges(data="relation") if r == "hasArea"]
    assert direct == [(str(DATA_LAYER), str(SECURE))] or direct == [(str(SECURE), str(DATA_LAYER))]


def test_papers_know_the_areas_they_reach(figure: nx.Graph) -> None:
    assert figure.nodes[str(SECURE)]["areas"] == tuple(
        str(a) for a in (ALGORITHMIC_FRAMEWORK, DATA_LAYER, SECURITY_AND_PRIVACY)
    )
    assert figure.nodes[str(TINYCLIP)]["areas"] == ()


def test_names_and_links_are_read_as_plain_text(figure: nx.Graph) -> None:
    node = figure.nodes[str(SWARM)]
    assert node["name"] == "Swarm LoRA: Decentralised Adapters on Phones"
    assert node["links"] == (
        "https://arxiv.org/abs/2501.00002",
        "https://openreview.net/forum?id=Abc123XYZ",
    )
    assert figure.nodes[str(HARDWARE_INFRASTRUCTURE)]["name"] == "Hardware Infrastructure"


def test_the_four_areas_are_nodes_even_in_an_empty_graph() -> None:
    figure = connection_graph(iri_store([]))
    assert sorted(figure) == sorted(str(a) for a in AREAS)
    assert figure.nodes[str(SECURITY_AND_PRIVACY)]["name"] == "Security and Privacy"


def test_papers_per_area(figure: nx.Graph) -> None:
    stats = figure_stats(figure)
    assert {r.name: r.score for r in stats.papers_per_area} == {
        "Algorithmic Framework": 3,
        "Hardware Infrastructure": 1,
        "Data Layer": 2,
        "Security and Privacy": 2,
    }
    assert stats.papers_without_area == 1


def test_papers_that_bridge_most_areas_come_first(figure: nx.Graph) -> None:
    bridges = figure_stats(figure).bridges
    assert [(r.id, r.score) for r in bridges] == [
        (str(SECURE), 3),
        (str(SWARM), 2),
        (str(PIPELINE), 2),
        (str(GOSSIP), 1),
    ]
    assert bridges[0].detail == ("Algorithmic Framework", "Data Layer", "Security and Privacy")


def test_central_techniques_by_betweenness(figure: nx.Graph) -> None:
    ranking = figure_stats(figure).central_techniques
    expected = nx.betweenness_centrality(core(figure))
    assert [r.id for r in ranking] == sorted(
        (t for t in nodes_of(figure, Kind.TECHNIQUE) if expected.get(t, 0) > 0),
        key=lambda t: (-round(expected[t], 6), figure.nodes[t]["name"]),
    )
    assert ranking[0].detail[0].endswith("papers")


def test_largest_components_first(figure: nx.Graph) -> None:
    stats = figure_stats(figure)
    assert stats.component_count == nx.number_connected_components(figure)
    sizes = [c.size for c in stats.components]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 17  # all but Tiny CLIP with its repository and the two unused models
    assert stats.components[0].hub == str(ALGORITHMIC_FRAMEWORK)


def test_large_graphs_estimate_betweenness_from_a_seeded_sample() -> None:
    figure = nx.Graph()
    for i in range(2000):
        figure.add_node(f"p{i}", kind="paper", name=f"p{i}", links=(), areas=())
    figure.add_node("t", kind="technique", name="t", links=(), areas=())
    figure.add_edges_from((f"p{i}", "t") for i in range(2000))
    figure.add_edges_from((f"p{i}", f"p{i + 1}") for i in range(1999))
    first, second = figure_stats(figure), figure_stats(figure)
    assert first.sample > 0
    assert first == second


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "https://",
        "//x",
    ],
)
def test_only_http_links_are_safe(link: str) -> None:
    assert not safe_link(link)


def test_unsafe_links_never_reach_the_figure() -> None:
    figure = connection_graph(as_store(hostile_graph()))
    links = [link for _, data in figure.nodes(data=True) for link in data["links"]]
    assert links
    assert all(link.startswith(("http://", "https://")) for link in links)


def test_stats_command_prints_the_numbers() -> None:
    result = CliRunner().invoke(app, ["stats", "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"\d+ nodes, \d+ edges, 109 papers, \d+ connected components", lines[0])
    for title in (
        "Papers per area",
        "Papers that bridge most areas",
        "Most central techniques",
        "Largest connected components",
    ):
        assert title in result.output
    assert "Algorithmic Framework" in result.output
