"""Curation: SKOS vocabularies, annotations of every paper, derived areas, provenance."""

from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from dllm_kg.constants import (
    ANNOTATIONS_PATH,
    AREAS_PATH,
    DEFAULT_SOURCE,
    MODELS_PATH,
    TASKS_PATH,
    TECHNIQUES_PATH,
)
from dllm_kg.curate import (
    CURATED,
    TAGGED,
    CurationError,
    load_annotations,
    load_held_out_titles,
    load_models,
    renamed_papers,
)
from dllm_kg.graph import group_papers
from dllm_kg.identifiers import slug
from dllm_kg.namespaces import AREA, DLLM, MODEL, PAPER, TASK, TECHNIQUE
from dllm_kg.pipeline import load
from dllm_kg.records import ParsedList
from dllm_kg.terms import rdflib_graph
from dllm_kg.validate import validate

from .conftest import DATA, load_rdflib

AF, HI, DL, SP = (
    AREA[a]
    for a in (
        "algorithmic-framework",
        "hardware-infrastructure",
        "data-layer",
        "security-and-privacy",
    )
)
VOCABULARIES = [AREAS_PATH, TECHNIQUES_PATH, TASKS_PATH]


def paper_titles(parsed: ParsedList) -> dict[str, str]:
    """Each paper's key and the title of its first listing."""
    return {key: rows[0].title for key, rows in group_papers(parsed.papers).items()}


def vocabulary(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


@pytest.mark.parametrize("path", VOCABULARIES, ids=lambda p: p.name)
def test_one_preflabel_per_language_and_a_definition(path: Path) -> None:
    graph = vocabulary(path)
    assert concepts(graph)
    for concept in concepts(graph):
        languages = [label.language for label in graph.objects(concept, SKOS.prefLabel)]
        assert len(languages) == len(set(languages)) == 1, f"{concept}: prefLabels {languages}"
        assert graph.value(concept, SKOS.definition), f"{concept} has no skos:definition"


@pytest.mark.parametrize("path", VOCABULARIES, ids=lambda p: p.name)
def test_no_broader_cycles(path: Path) -> None:
    graph = vocabulary(path)
    for concept in concepts(graph):
        seen, todo = set(), list(graph.objects(concept, SKOS.broader))
        while todo:
            current = todo.pop()
            assert current != concept, f"{concept} is broader than itself"
            if current not in seen:
                seen.add(current)
                todo += graph.objects(current, SKOS.broader)


def test_the_four_areas() -> None:
    graph = vocabulary(AREAS_PATH)
    labels = {
        str(graph.value(area, SKOS.prefLabel)) for area in graph.subjects(RDF.type, DLLM.Area)
    }
    assert labels == {
        "Algorithmic Framework",
        "Hardware Infrastructure",
        "Data Layer",
        "Security and Privacy",
    }


def test_every_technique_has_an_area_and_a_known_broader() -> None:
    graph = vocabulary(TECHNIQUES_PATH)
    techniques = set(graph.subjects(RDF.type, DLLM.Technique))
    assert len(techniques) > 50
    for technique in techniques:
        areas = set(graph.objects(technique, DLLM.belongsToArea))
        assert areas and areas <= {AF, HI, DL, SP}, technique
        assert set(graph.objects(technique, SKOS.broader)) <= techniques, technique


def test_annotations_cover_exactly_the_bundled_papers(bundled: ParsedList) -> None:
    annotations = load_annotations()
    titles = paper_titles(bundled)
    assert set(annotations) == set(titles)
    for key, annotation in annotations.items():
        assert annotation.title == titles[key], key


def test_annotations_use_only_defined_terms(bundled_graph: Graph) -> None:
    concepts = set(bundled_graph.subjects(SKOS.prefLabel, None))
    defined = {
        "technique": (TECHNIQUE, concepts),
        "task": (TASK, concepts),
        "area": (AREA, concepts),
        "model": (MODEL, set(bundled_graph.subjects(RDF.type, DLLM.Model))),
    }
    undefined = []
    for key, annotation in load_annotations().items():
        used = {
            "technique": annotation.techniques + annotation.title_shows,
            "task": annotation.tasks,
            "area": annotation.areas,
            "model": annotation.models,
        }
        for kind, ids in used.items():
            namespace, known = defined[kind]
            undefined += [f"{key}: {kind} {i}" for i in ids if namespace[i] not in known]
    assert undefined == []


def test_annotations_list_the_most_specific_techniques_only() -> None:
    techniques = vocabulary(TECHNIQUES_PATH)
    for key, annotation in load_annotations().items():
        for field in (annotation.techniques, annotation.title_shows):
            listed = {TECHNIQUE[t] for t in field}
            implied = {
                broader
                for technique in listed
                for broader in techniques.transitive_objects(technique, SKOS.broader)
                if broader != technique
            }
            assert not listed & implied, (key, sorted(listed & implied))


def test_what_a_title_shows_is_curated_or_broader() -> None:
    techniques = vocabulary(TECHNIQUES_PATH)
    for key, annotation in load_annotations().items():
        allowed = {
            broader
            for technique in annotation.techniques
            for broader in techniques.transitive_objects(TECHNIQUE[technique], SKOS.broader)
        }
        assert {TECHNIQUE[t] for t in annotation.title_shows} <= allowed, key


def test_held_out_titles_are_outside_the_list_and_use_defined_techniques(
    bundled: ParsedList,
) -> None:
    defined = set(vocabulary(TECHNIQUES_PATH).subjects(SKOS.prefLabel, None))
    listed = {slug(row.title) for row in bundled.papers}
    papers = load_held_out_titles()
    titles = [paper.title for paper in papers]
    assert len(papers) >= 50
    assert titles == sorted(titles, key=str.lower) and len(set(titles)) == len(titles)
    for paper in papers:
        assert slug(paper.title) not in listed, paper.title
        assert {TECHNIQUE[t] for t in paper.techniques} <= defined, paper.title


@pytest.mark.parametrize("path", [ANNOTATIONS_PATH, MODELS_PATH], ids=lambda p: p.name)
def test_curated_files_are_sorted(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    keys = list(next(iter(data.values())))
    assert keys == sorted(keys), f"{path.name}: keep the entries sorted by key"


def test_broken_annotation_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "annotations.yaml"
    path.write_text("papers:\n  x:\n    title: X\n    techniques: []\n")
    with pytest.raises(CurationError, match=r"annotations.yaml: papers.x.techniques: "):
        load_annotations(path)
    path.write_text(
        "papers:\n  x:\n    title: X\n    techniques: [lora]\n    title_shows: []\n"
        "    tecniques: [a]\n"
    )
    with pytest.raises(CurationError, match="tecniques"):
        load_annotations(path)


def test_curated_models_are_model_nodes(bundled_graph: Graph) -> None:
    assert set(load_models()) >= {"clip", "llama", "llava", "blip"}
    assert (MODEL["clip"], RDF.type, DLLM.Model) in bundled_graph


def test_every_paper_has_a_technique_and_an_area(bundled_graph: Graph) -> None:
    for paper in bundled_graph.subjects(RDF.type, DLLM.Paper):
        assert (paper, DLLM.usesTechnique, None) in bundled_graph, paper
        assert (paper, DLLM.hasArea, None) in bundled_graph, paper


# Facts worked out by reading the titles (and knowing the papers), across all three tables.
def uses(graph: Graph, key: str) -> set[str]:
    """A paper's techniques with every broader one, as ids."""
    found = set()
    todo = list(graph.objects(PAPER[key], DLLM.usesTechnique))
    while todo:
        technique = todo.pop()
        found.add(str(technique).removeprefix(str(TECHNIQUE)))
        todo += graph.objects(technique, SKOS.broader)
    return found


def areas(graph: Graph, key: str) -> set[URIRef]:
    return set(graph.objects(PAPER[key], DLLM.hasArea))


def models(graph: Graph, key: str) -> set[str]:
    return {str(m).removeprefix(str(MODEL)) for m in graph.objects(PAPER[key], DLLM.usesModel)}


FEDERATED_LORA = [
    "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning",
    "flora-federated-fine-tuning-large-language-models-with-heterogeneous-low-rank-adaptations",
    "improving-lora-in-privacy-preserving-federated-learning",
    "fdlora-personalized-federated-learning-of-large-language-model-via-dual-lora-tuning",
    "towards-robust-and-efficient-federated-low-rank-adaptation-with-heterogeneous-clients",
    "why-gradient-subspace-identifying-and-mitigating-lora-s-bottlenecks-in-federated-fine-tuning-of-large-language-models",
]
EDGE_INFERENCE_NOT_FEDERATED = [
    "tpi-llm-serving-70b-scale-llms-efficiently-on-low-resource-edge-devices",
    "decentralized-llm-inference-over-edge-networks-with-energy-harvesting",
    "edgellm-a-highly-efficient-cpu-fpga-heterogeneous-edge-accelerator-for-large-language-models",
    "collm-a-collaborative-llm-inference-framework-for-resource-constrained-devices",
]


@pytest.mark.parametrize("key", FEDERATED_LORA)
def test_federated_lora_papers(bundled_graph: Graph, key: str) -> None:
    assert {"federated-learning", "lora", "parameter-efficient-fine-tuning"} <= uses(
        bundled_graph, key
    )
    assert {AF, DL} <= areas(bundled_graph, key)


@pytest.mark.parametrize("key", EDGE_INFERENCE_NOT_FEDERATED)
def test_edge_inference_is_not_federated(bundled_graph: Graph, key: str) -> None:
    assert "federated-learning" not in uses(bundled_graph, key)
    assert HI in areas(bundled_graph, key)
    assert (PAPER[key], DLLM.task, TASK["inference"]) in bundled_graph or (
        PAPER[key],
        DLLM.task,
        TASK["serving"],
    ) in bundled_graph


@pytest.mark.parametrize(
    ("key", "techniques", "expected_models", "expected_areas"),
    [
        # Table II (VLMs): CLIP itself, LLaVA, FedCLIP, pFedPrompt, BLIP.
        (
            "learning-transferable-visual-models-from-natural-language-supervision",
            {"contrastive-learning"},
            {"clip"},
            {AF},
        ),
        ("visual-instruction-tuning", {"visual-instruction-tuning"}, {"llava", "clip"}, {AF, DL}),
        (
            "fedclip-fast-generalization-and-personalization-for-clip-in-federated-learning",
            {"personalized-federated-learning", "adapter"},
            {"clip"},
            {AF, DL},
        ),
        (
            "pfedprompt-learning-personalized-prompt-for-vision-language-models-in-federated-learning",
            {"prompt-tuning", "federated-learning"},
            {"clip"},
            {AF, DL},
        ),
        (
            "blip-bootstrapping-language-image-pre-training-for-unified-vision-language-understanding-and-generation",
            {"vision-language-pretraining"},
            {"blip"},
            {AF, DL},
        ),
        # Table I: one fact each, read from the title and the paper.
        ("hybridflow-a-flexible-and-efficient-rlhf-framework", {"rlhf"}, set(), {AF}),
        (
            "fwdllm-efficient-fedllm-using-forward-gradient",
            {"forward-gradient", "federated-learning"},
            set(),
            {AF, DL},
        ),
        (
            "privatelora-for-efficient-privacy-preserving-llm",
            {"lora", "privacy-preserving-learning"},
            set(),
            {AF, SP},
        ),
        (
            "splitlora-a-split-parameter-efficient-fine-tuning-framework-for-large-language-models",
            {"split-learning", "lora"},
            set(),
            {AF, SP},
        ),
        (
            "serverlessllm-low-latency-serverless-inference-for-large-language-models",
            {"serverless-computing", "inference-serving"},
            set(),
            {HI},
        ),
        (
            "cg-fedllm-how-to-compress-gradients-in-federated-fine-tuning-for-large-language-models",
            {"gradient-compression", "federated-fine-tuning"},
            set(),
            {AF, HI, DL},
        ),
        (
            "frag-toward-federated-vector-database-management-for-collaborative-and-secure-retrieval-augmented-generation",
            {"retrieval-augmented-generation", "vector-database"},
            set(),
            {DL, SP},
        ),
        (
            "emerging-safety-attack-and-defense-in-federated-instruction-tuning-of-large-language-models",
            {"poisoning-attack", "federated-instruction-tuning"},
            set(),
            {SP, AF},
        ),
        (
            "distflashattn-distributed-memory-efficient-attention-for-long-context-llms-training",
            {"sequence-parallelism", "memory-efficient-attention"},
            set(),
            {AF, HI},
        ),
        # Table III models reached from papers: LLaMA-2 7B and TinyLlama in FLoRA,
        # Flan-T5 Small on the very edge.
        (
            "flora-federated-fine-tuning-large-language-models-with-heterogeneous-low-rank-adaptations",
            {"lora"},
            {"llama-2-7b", "tinyllama-1-1b"},
            {AF},
        ),
        (
            "federated-fine-tuning-of-llms-on-the-very-edge-the-good-the-bad-the-ugly",
            {"federated-fine-tuning", "edge-computing"},
            {"flan-t5-small"},
            {HI, DL},
        ),
        (
            "openfedllm-training-large-language-models-on-decentralized-private-data-via-federated-learning",
            {"federated-instruction-tuning"},
            {"llama-2-7b"},
            {DL},
        ),
    ],
)
def test_hand_checked_papers(
    bundled_graph: Graph,
    key: str,
    techniques: set[str],
    expected_models: set[str],
    expected_areas: set[URIRef],
) -> None:
    assert techniques <= uses(bundled_graph, key)
    assert expected_models <= models(bundled_graph, key)
    assert expected_areas <= areas(bundled_graph, key)


def test_slm_rows_and_curated_models_are_shared_nodes(bundled_graph: Graph) -> None:
    llama2 = MODEL["llama-2-7b"]
    assert (llama2, PROV.wasDerivedFrom, None) in bundled_graph
    users = set(bundled_graph.subjects(DLLM.usesModel, llama2))
    assert (
        PAPER[
            "openfedllm-training-large-language-models-on-decentralized-private-data-via-federated-learning"
        ]
        in users
    )


def test_areas_follow_from_techniques(bundled_graph: Graph) -> None:
    for paper in bundled_graph.subjects(RDF.type, DLLM.Paper):
        derived = {
            area
            for t in bundled_graph.objects(paper, DLLM.usesTechnique)
            for area in bundled_graph.objects(t, DLLM.belongsToArea)
        }
        assert areas(bundled_graph, str(paper).removeprefix(str(PAPER))) == derived, paper


def attribution(graph: Graph, key: str) -> URIRef | None:
    record = graph.value(PAPER[key], DLLM.annotation)
    return graph.value(record, PROV.wasAttributedTo)


def test_an_edited_title_keeps_its_curated_annotation_as_a_flagged_guess(tmp_path: Path) -> None:
    listed = DEFAULT_SOURCE.read_text(encoding="utf-8")
    edited = listed.replace(
        "FwdLLM: Efficient FedLLM Using Forward Gradient |",
        "FwdLLM: Efficient FedLLM Using Forward Gradients |",
    )
    assert edited != listed
    (tmp_path / "list.md").write_text(edited, encoding="utf-8")
    parsed, store = load(tmp_path / "list.md")
    graph = rdflib_graph(store)
    key = "fwdllm-efficient-fedllm-using-forward-gradients"
    direct = {
        str(t).removeprefix(str(TECHNIQUE)) for t in graph.objects(PAPER[key], DLLM.usesTechnique)
    }
    assert direct == {
        "federated-fine-tuning",
        "forward-gradient",
        "parameter-efficient-fine-tuning",
        "on-device-execution",
    }
    assert attribution(graph, key) == TAGGED
    record = graph.value(PAPER[key], DLLM.annotation)
    curated = "fwdllm-efficient-fedllm-using-forward-gradient"
    assert graph.value(record, DLLM.editedTitleOf) == PAPER[curated]
    [finding] = [f for f in validate(store, parsed.findings)[2] if f.code == "edited-title"]
    assert finding.line == 50
    assert curated in finding.message


def test_an_edited_title_takes_the_closest_curated_paper_and_each_once() -> None:
    annotations = load_annotations()
    fwd = "fwdllm-efficient-fedllm-using-forward-gradient"
    titles = {
        "a": "FwdLLM: Efficient FedLLM Using the Forward Gradient",
        "b": "FwdLLM: Efficient FedLLM Using Forward Gradients",
    }
    assert renamed_papers(titles, annotations) == {"b": fwd}
    assert renamed_papers({"a": titles["a"]}, annotations) == {"a": fwd}


def test_a_different_title_does_not_take_a_curated_annotation(tmp_path: Path) -> None:
    listed = DEFAULT_SOURCE.read_text(encoding="utf-8")
    edited = listed.replace(
        "FwdLLM: Efficient FedLLM Using Forward Gradient |", "Forward Gradients for Edge LLMs |"
    )
    (tmp_path / "list.md").write_text(edited, encoding="utf-8")
    _, graph = load_rdflib(tmp_path / "list.md")
    record = graph.value(PAPER["forward-gradients-for-edge-llms"], DLLM.annotation)
    assert (record, DLLM.editedTitleOf, None) not in graph


def test_every_bundled_annotation_is_curated(bundled_graph: Graph) -> None:
    papers = set(bundled_graph.subjects(RDF.type, DLLM.Paper))
    curated = {
        p
        for p in papers
        if bundled_graph.value(bundled_graph.value(p, DLLM.annotation), PROV.wasAttributedTo)
        == CURATED
    }
    assert curated == papers


def test_unseen_papers_are_all_tagged_and_say_so() -> None:
    parsed, graph = load_rdflib(DATA / "custom-list.md")
    keys = paper_titles(parsed)
    assert len(keys) == 5
    for key in keys:
        assert attribution(graph, key) == TAGGED, key
        assert (PAPER[key], DLLM.usesTechnique, None) in graph, key
        assert (PAPER[key], DLLM.hasArea, None) in graph, key
    swarm = "swarm-lora-decentralised-adapters-on-phones"
    assert "lora" in uses(graph, swarm)
    secure = "secure-aggregation-for-federated-prompt-tuning"
    assert {"secure-aggregation", "prompt-tuning", "federated-learning"} <= uses(graph, secure)
    assert SP in areas(graph, secure)
    edge = "pipeline-parallel-inference-at-the-edge"
    assert {"pipeline-parallelism", "edge-computing"} <= uses(graph, edge)
    assert "federated-learning" not in uses(graph, edge)
    survey = "a-survey-of-gossip-learning-for-language-models"
    assert (PAPER[survey], DLLM.task, TASK["survey"]) in graph
    evidence = {
        str(o) for o in graph.objects(graph.value(PAPER[swarm], DLLM.annotation), DLLM.matchedText)
    }
    assert any("lora" in line.lower() for line in evidence), evidence
    # No label is in the gossip survey's title: its techniques are borrowed from a curated
    # paper, and the record says which one; a title with labels borrows nothing.
    [borrowed] = graph.objects(graph.value(PAPER[survey], DLLM.annotation), DLLM.borrowedFrom)
    assert str(borrowed).removeprefix(str(PAPER)) in load_annotations()
    assert (graph.value(PAPER[secure], DLLM.annotation), DLLM.borrowedFrom, None) not in graph


def test_a_query_can_separate_curated_from_tagged() -> None:
    _, graph = load_rdflib(DATA / "custom-list.md")
    rows = graph.query(
        """SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE {
             ?paper dllm:usesTechnique ?t ; dllm:annotation/prov:wasAttributedTo ?agent }""",
        initNs={"dllm": DLLM, "prov": PROV},
        initBindings={"agent": TAGGED},
    )
    assert [row[0] for row in rows] == [Literal(5)]
