"""#16, research directions as data: the list's second figure as a SKOS concept scheme in every
build, its directions matched to the techniques, and a canned query for their papers.

Expected values come from the YAML files read here with PyYAML alone, from data/techniques.ttl
read by rdflib, and from the hierarchy written out by hand.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from dllm_kg.constants import DIRECTION_MATCHES_PATH, DIRECTIONS_PATH, TECHNIQUES_PATH
from dllm_kg.directions import (
    DirectionsError,
    direction_triples,
    load_directions,
    load_matches,
)
from dllm_kg.namespaces import DIRECTION, DLLM, SH, TECHNIQUE
from dllm_kg.query import KnowledgeGraph
from dllm_kg.validate import validate

SCHEME = URIRef(str(DIRECTION))
FIGURE = yaml.safe_load(DIRECTIONS_PATH.read_text(encoding="utf-8"))
MATCHES = yaml.safe_load(DIRECTION_MATCHES_PATH.read_text(encoding="utf-8"))["matches"]


def concepts_of(graph: Graph) -> set[URIRef]:
    """The concepts of the research-directions scheme."""
    return {
        c for c in graph.subjects(SKOS.inScheme, SCHEME) if (c, RDF.type, SKOS.Concept) in graph
    }


def at_depth(graph: Graph, depth: int) -> set[URIRef]:
    """The concepts ``depth`` broader steps below an era (0: the eras)."""
    level = set(graph.subjects(SKOS.topConceptOf, SCHEME))
    for _ in range(depth):
        level = {child for parent in level for child in graph.subjects(SKOS.broader, parent)}
    return level


def labels(graph: Graph, concepts: set[URIRef]) -> list[str]:
    return sorted(str(graph.value(concept, SKOS.prefLabel)) for concept in concepts)


# The scheme holds every era, branch, topic and sub-topic of the YAML ----------------------------


def test_the_scheme_is_labelled_research_directions(bundled_graph: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in bundled_graph
    assert Literal("Research directions", lang="en") in set(bundled_graph.objects(SCHEME, None))


def test_every_level_of_the_yaml_is_in_the_scheme(bundled_graph: Graph) -> None:
    eras = FIGURE["eras"]
    branches = [branch for era in eras for branch in era["branches"]]
    topics = [topic for branch in branches for topic in branch["topics"]]
    subtopics = [sub for topic in topics for sub in topic["subtopics"]]
    assert (len(eras), len(branches), len(topics), len(subtopics)) == (3, 6, 21, 81)
    assert len(concepts_of(bundled_graph)) == 3 + 6 + 21 + 81
    assert labels(bundled_graph, at_depth(bundled_graph, 0)) == sorted(e["era"] for e in eras)
    assert len(at_depth(bundled_graph, 1)) == 6
    assert labels(bundled_graph, at_depth(bundled_graph, 2)) == sorted(t["topic"] for t in topics)
    corrected = [sub if isinstance(sub, str) else sub["label"] for sub in subtopics]
    assert labels(bundled_graph, at_depth(bundled_graph, 3)) == sorted(corrected)
    assert not at_depth(bundled_graph, 4)


def test_every_era_is_a_top_concept_and_nothing_else_is(bundled_graph: Graph) -> None:
    tops = set(bundled_graph.objects(SCHEME, SKOS.hasTopConcept))
    assert tops == set(bundled_graph.subjects(SKOS.topConceptOf, SCHEME))
    assert {str(top).removeprefix(str(DIRECTION)) for top in tops} == {
        "prior-works",
        "recent-works",
        "future-directions",
    }
    assert all(bundled_graph.value(top, SKOS.broader) is None for top in tops)


@pytest.mark.parametrize(
    "path",
    [
        ["feature-squeezing", "model-compression-efficiency", "prior-works-m-llm", "prior-works"],
        [
            "remote-direct-memory-access",
            "distributed-memory-management",
            "future-directions-distributed-learning",
            "future-directions",
        ],
        [
            "split-learning",
            "edge-centric-mllm",
            "recent-works-distributed-learning",
            "recent-works",
        ],
        ["flamingo", "unified-multi-modal-llms", "recent-works-m-llm", "recent-works"],
    ],
    ids=lambda path: path[0],
)
def test_hierarchy_checked_by_hand(bundled_graph: Graph, path: list[str]) -> None:
    nodes = [DIRECTION[key] for key in path]
    for narrower, broader in itertools.pairwise(nodes):
        assert list(bundled_graph.objects(narrower, SKOS.broader)) == [broader]
    assert (nodes[-1], SKOS.topConceptOf, SCHEME) in bundled_graph


def test_the_branch_names_its_era(bundled_graph: Graph) -> None:
    label = bundled_graph.value(DIRECTION["future-directions-m-llm"], SKOS.prefLabel)
    assert label == Literal("Future directions: (M)LLM", lang="en")


def test_a_misprinted_label_is_corrected_and_the_printed_one_kept(bundled_graph: Graph) -> None:
    node = DIRECTION["feature-squeezing"]
    assert list(bundled_graph.objects(node, SKOS.prefLabel)) == [
        Literal("Feature Squeezing", lang="en")
    ]
    assert list(bundled_graph.objects(node, SKOS.hiddenLabel)) == [
        Literal("Feature Queezing", lang="en")
    ]
    assert "Feature Queezing" in str(bundled_graph.value(node, SKOS.editorialNote))
    hidden = {s for s, _ in bundled_graph.subject_objects(SKOS.hiddenLabel)}
    assert {s for s in hidden if str(s).startswith(str(DIRECTION))} == {node}


def test_notations_follow_the_figure(bundled_graph: Graph) -> None:
    def notation(key: str) -> str:
        return str(bundled_graph.value(DIRECTION[key], SKOS.notation))

    assert notation("prior-works") == "1"
    assert notation("recent-works-distributed-learning") == "2.2"
    assert notation("early-language-models") == "1.1.1"
    assert notation("green-edge-ai") == "3.2.4.4"


# Matches with the techniques ----------------------------------------------------------------


def test_close_matches_are_the_curated_ones(bundled_graph: Graph) -> None:
    found = defaultdict(set)
    for direction, technique in bundled_graph.subject_objects(SKOS.closeMatch):
        if str(direction).startswith(str(DIRECTION)):
            found[str(direction).removeprefix(str(DIRECTION))].add(
                str(technique).removeprefix(str(TECHNIQUE))
            )
    assert dict(found) == {key: set(match["techniques"]) for key, match in MATCHES.items()}


def test_close_match_targets_are_techniques_of_the_vocabulary(bundled_graph: Graph) -> None:
    vocabulary = Graph().parse(TECHNIQUES_PATH, format="turtle")
    techniques = set(vocabulary.subjects(RDF.type, DLLM.Technique))
    targets = {
        t
        for d, t in bundled_graph.subject_objects(SKOS.closeMatch)
        if d in concepts_of(bundled_graph)
    }
    assert len(targets) > 20
    assert targets <= techniques
    assert all(MATCHES[key]["why"].strip() for key in MATCHES)


def test_every_match_key_is_a_direction(bundled_graph: Graph) -> None:
    concepts = concepts_of(bundled_graph)
    assert {DIRECTION[key] for key in MATCHES} <= concepts


# The canned query -----------------------------------------------------------------------------


def expected_direction_papers(graph: Graph) -> set[tuple[str, str]]:
    """(direction, paper) pairs worked out in Python: the closure of skos:broader over the
    techniques of data/techniques.ttl, and the papers' technique annotations."""
    vocabulary = Graph().parse(TECHNIQUES_PATH, format="turtle")
    broader = defaultdict(set)
    for narrower, wider in vocabulary.subject_objects(SKOS.broader):
        broader[str(narrower)].add(str(wider))

    def ancestors(technique: str) -> set[str]:
        seen, todo = {technique}, [technique]
        while todo:
            for wider in broader[todo.pop()] - seen:
                seen.add(wider)
                todo.append(wider)
        return seen

    papers_under = defaultdict(set)
    for paper, technique in graph.subject_objects(DLLM.usesTechnique):
        for wider in ancestors(str(technique)):
            papers_under[wider].add(str(paper))
    return {
        (str(DIRECTION[key]), paper)
        for key, match in MATCHES.items()
        for technique in match["techniques"]
        for paper in papers_under[str(TECHNIQUE[technique])]
    }


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_query_gives_each_direction_its_papers(
    bundled_kg: KnowledgeGraph, bundled_graph: Graph, engine: str
) -> None:
    rows = bundled_kg.run("papers-by-research-direction", engine=engine).records()
    found = {(row["direction"], row["paper"]) for row in rows}
    expected = expected_direction_papers(bundled_graph)
    assert len(expected) > 200
    assert found == expected


def test_the_query_by_direct_sparql_over_one_technique(
    bundled_kg: KnowledgeGraph, bundled_store: ox.Store
) -> None:
    """Split learning: the papers of the direction equal those a direct query finds under the
    technique, and the row names the era."""
    path = f"<{DLLM.usesTechnique}>/<{SKOS.broader}>*"
    sparql = f"SELECT ?paper WHERE {{ ?paper {path} <{TECHNIQUE['split-learning']}> }}"
    direct = {row["paper"].value for row in bundled_store.query(sparql)}
    rows = [
        row
        for row in bundled_kg.run("papers-by-research-direction").records()
        if row["direction"] == str(DIRECTION["split-learning"])
    ]
    assert len(direct) >= 3
    assert {row["paper"] for row in rows} == direct
    assert {row["era"] for row in rows} == {"Recent works"}


def test_unmatched_directions_are_left_out(bundled_kg: KnowledgeGraph) -> None:
    rows = bundled_kg.run("papers-by-research-direction").records()
    directions = {row["direction"] for row in rows}
    assert str(DIRECTION["mixture-of-experts"]) not in directions
    assert str(DIRECTION["feature-squeezing"]) not in directions
    assert str(DIRECTION["split-learning"]) in directions


# SHACL ----------------------------------------------------------------------------------------


def focus_nodes(report: Graph) -> set[str]:
    return {str(node) for node in report.objects(None, SH.focusNode)}


def test_the_shapes_find_nothing_in_the_scheme(bundled_store: ox.Store) -> None:
    _, report, _ = validate(bundled_store)
    assert not {node for node in focus_nodes(report) if node.startswith(str(DIRECTION))}


def test_the_shapes_cover_the_directions(bundled_store: ox.Store) -> None:
    """The same check finds a direction that has lost its label: the shapes do reach them."""
    store = ox.Store()
    store.bulk_load(
        bundled_store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
        format=ox.RdfFormat.N_TRIPLES,
    )
    node = ox.NamedNode(str(DIRECTION["split-learning"]))
    store.remove(next(iter(store.quads_for_pattern(node, ox.NamedNode(str(SKOS.prefLabel)), None))))
    _, report, _ = validate(store)
    assert str(DIRECTION["split-learning"]) in focus_nodes(report)


# Bad files: one line naming the file and line ------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FIGURE_TEXT = """\
source: https://example.org/figure.jpg
license: CC-BY-4.0
eras:
  - era: Then
    branches:
      - branch: Only
        topics:
          - topic: A topic
            subtopics: [Quantization, {printed: Prunning, label: Pruning}]
"""


def test_a_small_figure_gives_its_triples(tmp_path: Path) -> None:
    figure = write(tmp_path, "figure.yaml", FIGURE_TEXT)
    matches = write(
        tmp_path, "matches.yaml", "matches:\n  pruning:\n    techniques: [pruning]\n    why: same\n"
    )
    graph = Graph()
    for s, p, o in direction_triples(figure, matches):
        graph.parse(data=f"{s} {p} {o} .", format="nt")
    assert len(concepts_of(graph)) == 5
    assert (DIRECTION["pruning"], SKOS.closeMatch, TECHNIQUE["pruning"]) in graph
    assert (DIRECTION["pruning"], SKOS.hiddenLabel, Literal("Prunning", lang="en")) in graph
    assert (DIRECTION["then-only"], SKOS.broader, DIRECTION["then"]) in graph


@pytest.mark.parametrize(
    ("figure", "matches", "expected"),
    [
        (
            FIGURE_TEXT,
            "matches:\n  pruning:\n    techniques: [pruning, warp-drive]\n    why: x\n",
            "matches.yaml:3: pruning: no technique warp-drive in data/techniques.ttl",
        ),
        (
            FIGURE_TEXT,
            "matches:\n  pruning:\n    techniques: [pruning]\n    why: x\n  nothing:\n"
            "    techniques: [pruning]\n    why: x\n",
            "matches.yaml:5: no research direction has the id nothing",
        ),
        (
            FIGURE_TEXT,
            "matches:\n  pruning:\n    techniques: [pruning]\n",
            "matches.yaml:3: matches.pruning.why: Field required",
        ),
        (
            FIGURE_TEXT,
            "matches:\n  pruning:\n    techniques: [pruning]\n    why: x\n  pruning:\n"
            "    techniques: [lora]\n    why: y\n",
            "matches.yaml:5: pruning is given twice",
        ),
        (
            FIGURE_TEXT.replace("[Quantization, ", "[A topic, "),
            "matches: {}\n",
            "figure.yaml:9: 'A topic' gets the id a-topic, as 'A topic' does: rename one",
        ),
        (
            FIGURE_TEXT.replace(
                "            subtopics: [Quantization, {printed: Prunning, label: Pruning}]\n",
                "            subtopics: []\n",
            ),
            "matches: {}\n",
            "figure.yaml:9: eras.0.branches.0.topics.0.subtopics: Tuple should have at least 1",
        ),
        (
            FIGURE_TEXT.replace("topic: A topic", "topic: [A topic"),
            "matches: {}\n",
            "figure.yaml:9: not valid YAML:",
        ),
    ],
    ids=["technique", "direction", "why", "twice", "same-id", "empty", "yaml"],
)
def test_bad_files_are_named_by_line(
    tmp_path: Path, figure: str, matches: str, expected: str
) -> None:
    figure_path = write(tmp_path, "figure.yaml", figure)
    matches_path = write(tmp_path, "matches.yaml", matches)
    with pytest.raises(DirectionsError) as error:
        _, directions = load_directions(figure_path)
        load_matches(directions, matches_path)
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DirectionsError, match=r"^nowhere.yaml: cannot be read \("):
        load_directions(tmp_path / "nowhere.yaml")
