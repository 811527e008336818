"""Graph building: one node per paper, model and repository, stable IRIs, source rows kept."""

import random
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from dllm_kg.namespaces import DLLM, MODEL, PAPER, REPOSITORY, SOURCE
from dllm_kg.parse import parse_file, parse_text
from tests.conftest import build_graph

from .conftest import DATA

LISTED_TWICE = {
    "federated-instruction-tuning-of-llms-with-domain-coverage-augmentation": {
        "distributed-llms.federated-instruction-tuning-of-llms-with-domain-coverage-augmentation",
        "vlms.federated-instruction-tuning-of-llms-with-domain-coverage-augmentation",
    },
    "distributed-foundation-models-for-multi-modal-learning-in-6g-wireless-networks": {
        "distributed-llms.distributed-foundation-models-for-multi-modal-learning-in-6g-wireless-networks",
        "distributed-llms.distributed-foundation-models-for-multi-modal-learning-in-6g-wireless-networks.2",
    },
    "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning": {
        "distributed-llms.flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning",
        "vlms.flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning",
    },
}


def instances(graph: Graph, klass: URIRef) -> set[URIRef]:
    return set(graph.subjects(RDF.type, klass))


def test_109_distinct_papers(bundled_graph: Graph) -> None:
    assert len(instances(bundled_graph, DLLM.Paper)) == 109


def test_paper_listed_twice_is_one_node_with_both_rows(bundled_graph: Graph) -> None:
    for key, rows in LISTED_TWICE.items():
        sources = set(bundled_graph.objects(PAPER[key], PROV.wasDerivedFrom))
        assert sources == {SOURCE[row] for row in rows}, key
    once = [
        paper
        for paper in instances(bundled_graph, DLLM.Paper)
        if len(set(bundled_graph.objects(paper, PROV.wasDerivedFrom))) == 1
    ]
    assert len(once) == 106


def test_source_row_says_where_it_stands(bundled_graph: Graph) -> None:
    row = SOURCE[
        "distributed-llms.distributed-foundation-models-for-multi-modal-learning-in-6g-wireless-networks.2"
    ]
    assert bundled_graph.value(row, DLLM.rowNumber) == Literal(99)
    assert bundled_graph.value(row, DLLM.sourceLine) == Literal(133)
    assert bundled_graph.value(row, DLLM.section) == Literal("I. Distributed LLMs")
    assert str(bundled_graph.value(row, DLLM.sourceText)).startswith(
        "| 99 | Distributed Foundation"
    )


def test_two_titles_sharing_a_link_stay_two_papers(bundled_graph: Graph) -> None:
    sharing = set(bundled_graph.subjects(DLLM.arxivId, Literal("2305.05920")))
    assert sharing == {
        PAPER["fast-distributed-inference-serving-for-large-language-models"],
        PAPER["distributed-inference-and-fine-tuning-of-large-language-models-over-the-internet"],
    }


def test_paper_carries_title_survey_flag_identifiers_and_code(bundled_graph: Graph) -> None:
    paper = PAPER["fwdllm-efficient-fedllm-using-forward-gradient"]
    assert bundled_graph.value(paper, DCTERMS.title) == Literal(
        "FwdLLM: Efficient FedLLM Using Forward Gradient"
    )
    assert bundled_graph.value(paper, DLLM.isSurvey) == Literal(False)
    assert bundled_graph.value(paper, DLLM.arxivId) == Literal("2308.13894")
    assert bundled_graph.value(paper, DLLM.link) == URIRef("https://arxiv.org/abs/2308.13894")
    repo = REPOSITORY["github/ubiquitouslearning/fwdllm"]
    assert bundled_graph.value(paper, DLLM.hasCode) == repo
    assert bundled_graph.value(repo, DLLM.githubId) == Literal("ubiquitouslearning/fwdllm")
    survey = PAPER["distributed-training-of-large-language-models"]
    assert bundled_graph.value(survey, DLLM.isSurvey) == Literal(True)
    assert bundled_graph.value(survey, DLLM.ieeeDocument) == Literal("10476280")


def test_other_identifier_kinds(bundled_graph: Graph) -> None:
    doi = PAPER["resource-allocation-for-stable-llm-training-in-mobile-edge-computing"]
    assert bundled_graph.value(doi, DLLM.doi) == Literal("10.1145/3641512.3686358")
    openreview = PAPER["distributed-fine-tuning-of-language-models-on-private-data"]
    assert bundled_graph.value(openreview, DLLM.openReviewId) == Literal("HkgNdt26Z")
    web = PAPER["quantized-distributed-training-of-large-models-with-convergence-guarantees"]
    assert bundled_graph.value(web, DLLM.link) == URIRef(
        "https://proceedings.mlr.press/v202/markov23a.html"
    )


def test_nested_link_and_its_duplicate_agree(bundled_graph: Graph) -> None:
    paper = PAPER["distributed-foundation-models-for-multi-modal-learning-in-6g-wireless-networks"]
    assert set(bundled_graph.objects(paper, DLLM.ieeeDocument)) == {Literal("10558825")}
    assert set(bundled_graph.objects(paper, DLLM.link)) == {
        URIRef("https://ieeexplore.ieee.org/document/10558825")
    }


def test_every_code_link_is_a_repository(bundled_graph: Graph) -> None:
    # Counted by hand: 31 GitHub links in table I (2 accounts listed twice), 5 in table II
    # (FLoRA's repeats table I's), and 2 github.io project pages: 35 distinct repositories,
    # 25 of them GitHub repositories and 8 GitHub accounts.
    repositories = instances(bundled_graph, DLLM.Repository)
    assert len(repositories) == 35
    assert len(set(bundled_graph.subjects(DLLM.githubId, None))) == 25
    accounts = {r for r in repositories if "/github/" in r and r.count("/") == 6}
    assert len(accounts) == 8
    assert REPOSITORY["github/fast-inference-serving"] in accounts
    assert REPOSITORY["github/alibaba/federatedscope"] in repositories
    shared = set(bundled_graph.subjects(DLLM.hasCode, REPOSITORY["github/edge-llm-inference"]))
    assert len(shared) == 2


def test_models_with_sizes_and_hugging_face_ids(bundled_graph: Graph) -> None:
    listed = {
        m
        for m in instances(bundled_graph, DLLM.Model)
        if (m, PROV.wasDerivedFrom, None) in bundled_graph
    }
    assert len(listed) == 23
    gpt2 = MODEL["gpt-2-small"]
    assert bundled_graph.value(gpt2, DLLM.parameterCount) == Literal(124_000_000)
    assert bundled_graph.value(gpt2, DLLM.huggingFaceId) == Literal("openai-community/gpt2")
    claude = MODEL["claude-instant"]
    assert bundled_graph.value(claude, DLLM.parameterCount) is None
    assert bundled_graph.value(claude, DLLM.maxParameterCount) == Literal(1_000_000_000)
    assert bundled_graph.value(MODEL["inybert"], DLLM.parameterCount) == Literal(14_500_000)
    # 5 of the 23 links are not Hugging Face models: two docs pages and three web pages.
    assert len(set(bundled_graph.subjects(DLLM.huggingFaceId, None))) == 18
    gemini = MODEL["gemini-nano"]
    assert bundled_graph.value(gemini, DLLM.link) == URIRef(
        "https://deepmind.google/technologies/gemini/nano/"
    )


def shuffled_list(text: str, seed: int) -> str:
    """The same list with each table's body rows in another order."""
    rng = random.Random(seed)
    out: list[str] = []
    body: list[str] = []
    in_body = False
    for line in text.splitlines():
        if in_body and line.startswith("|"):
            body.append(line)
            continue
        rng.shuffle(body)
        out.extend(body)
        body.clear()
        out.append(line)
        in_body = line.startswith("|-")
    rng.shuffle(body)
    return "\n".join(out + body)


def entity_iris(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}


def test_iris_do_not_change_when_rows_move_between_tables_positions(tmp_path: Path) -> None:
    text = (DATA / "custom-list.md").read_text(encoding="utf-8")
    original = build_graph(parse_text(text, "l.md"), vocabularies=())
    moved_text = shuffled_list(text, 1)
    assert moved_text != text
    moved = build_graph(parse_text(moved_text, "l.md"), vocabularies=())
    assert entity_iris(original) == entity_iris(moved)


def test_iris_do_not_change_when_the_list_grows() -> None:
    text = (DATA / "custom-list.md").read_text(encoding="utf-8")
    row = "| 6 | A Brand New Paper | [Link](https://arxiv.org/abs/2502.00001) | N/A |"
    grown = text.replace("| 5 | Swarm", row + "\n| 5 | Swarm")
    before = entity_iris(build_graph(parse_text(text, "l.md"), vocabularies=()))
    after = entity_iris(build_graph(parse_text(grown, "l.md"), vocabularies=()))
    assert after - before == {
        PAPER["a-brand-new-paper"],
        SOURCE["distributed-llms.a-brand-new-paper"],
    }


def test_custom_list_graph() -> None:
    graph = build_graph(parse_file(DATA / "custom-list.md"), vocabularies=())
    assert len(instances(graph, DLLM.Paper)) == 5
    swarm = PAPER["swarm-lora-decentralised-adapters-on-phones"]
    assert set(graph.objects(swarm, DLLM.hasCode)) == {REPOSITORY["github/swarm-lab/swarmlora"]}
    assert set(graph.objects(swarm, DLLM.openReviewId)) == {Literal("Abc123XYZ")}
    assert set(graph.objects(swarm, DLLM.arxivId)) == {Literal("2501.00002")}
    edge = PAPER["pipeline-parallel-inference-at-the-edge"]
    assert graph.value(edge, DLLM.hasCode) == REPOSITORY["github/swarm-lab/swarmlora"]
    gossip = PAPER["a-survey-of-gossip-learning-for-language-models"]
    assert graph.value(gossip, DLLM.isSurvey) == Literal(True)
    assert set(graph.objects(gossip, DLLM.arxivId)) == {Literal("2501.00001")}
    tiny = PAPER["tiny-clip-on-a-watch"]
    assert graph.value(tiny, DLLM.link) == URIRef("https://example.org/tinyclip?page=2")
    assert graph.value(MODEL["plain-1t"], DLLM.huggingFaceId) == Literal("big/plain-1t")
    assert graph.value(MODEL["bounded-1"], DLLM.maxParameterCount) == Literal(2_500_000_000)
