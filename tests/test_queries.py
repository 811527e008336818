"""Every canned query on the bundled list: facts worked out by hand, the same on both engines.

The expected values below were derived by reading data/annotations.yaml (each paper's
techniques, models and tasks), data/techniques.ttl (each technique's skos:broader and
dllm:belongsToArea) and the list itself (links, code, survey markers), not by running the
queries. The comments say how. Area letters in the comments: A algorithmic framework,
H hardware infrastructure, D data layer, S security and privacy.
"""

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from dllm_kg.namespaces import AGENT, AREA, BIBO, DLLM, MODEL, PAPER, REPOSITORY, TASK, TECHNIQUE
from dllm_kg.query import (
    CannedQuery,
    KnowledgeGraph,
    QueryResult,
    list_queries,
    load_graph,
    run_query,
)

from .conftest import DATA

ENGINES = ("rdflib", "oxigraph")
QUERIES = list_queries()
#: Queries that read what a list's BibTeX block gives (authors): the bundled list has none, so
#: they find nothing there; tests/issues/test_16_bibtex.py runs them on the May 2025 list.
NEEDS_BIBTEX = {"papers-by-author"}


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each hand-worked test runs on both engines."""
    return request.param


def run(kg: KnowledgeGraph, name: str, engine: str, **params: object) -> QueryResult:
    return kg.run(name, engine=engine, **params)


def key(term: object) -> str:
    """The last segment of an IRI: a paper's, model's or technique's key."""
    return str(term).rsplit("/", 1)[-1]


def column(result: QueryResult, variable: str) -> list[object]:
    return [record[variable] for record in result.records()]


def papers(result: QueryResult, variable: str = "paper") -> set[str]:
    return {key(value) for value in column(result, variable)}


# Every query -----------------------------------------------------------------------------------


def test_there_are_at_least_fifteen_canned_queries() -> None:
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query.name)
def test_both_engines_give_the_same_result(bundled_kg: KnowledgeGraph, query: CannedQuery) -> None:
    on_rdflib = run_query(bundled_kg, query, engine="rdflib")
    on_oxigraph = run_query(bundled_kg, query, engine="oxigraph")
    assert on_rdflib.form == on_oxigraph.form == query.form
    assert on_rdflib.variables == on_oxigraph.variables
    assert on_rdflib.boolean == on_oxigraph.boolean
    assert on_rdflib.triples == on_oxigraph.triples
    if on_rdflib.rows is not None:
        # Rows are compared as RDF terms (COUNT gives xsd:integer on both); every ORDER BY of
        # the canned queries is a total order, so the order must agree too.
        assert Counter(on_rdflib.rows) == Counter(on_oxigraph.rows)
        assert on_rdflib.rows == on_oxigraph.rows
    if query.name not in NEEDS_BIBTEX:
        assert len(on_rdflib) > 0, f"{query.name} finds nothing with its defaults"


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query.name)
def test_header_says_what_the_query_does(query: CannedQuery) -> None:
    assert query.title and query.question.endswith("?"), query.name
    assert query.output, f"{query.name}: no '# output:' line"
    assert query.name == query.name.lower() and " " not in query.name
    for parameter in query.parameters:
        assert parameter.default and parameter.description, f"{query.name}: {parameter.name}"
        assert f"?{parameter.name}" in query.text, f"{query.name}: ?{parameter.name} unused"


@pytest.mark.parametrize(
    "query", [q for q in QUERIES if q.form == "SELECT"], ids=lambda query: query.name
)
def test_output_line_names_the_projected_columns(
    bundled_kg: KnowledgeGraph, query: CannedQuery
) -> None:
    # pyoxigraph binds only projected variables, so every parameter is an output column too.
    result = run_query(bundled_kg, query)
    assert query.output.split() == [f"?{variable}" for variable in result.variables]
    assert {p.name for p in query.parameters} <= set(result.variables)


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query.name)
def test_query_declares_its_own_prefixes(query: CannedQuery) -> None:
    # The API declares the project's prefixes for convenience; the files must not rely on it,
    # so that they run unchanged on any SPARQL endpoint.
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(query.text, initNs={})


# One test per query ----------------------------------------------------------------------------


def test_papers_per_area(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # By hand, paper by paper, from the areas of its techniques (no curated extra areas):
    # A: all but frag (data-management, vector DB, RAG, encryption) and llm-based-edge-
    #    intelligence (edge, trust and privacy techniques only): 107.
    # H: 42 papers use no hardware technique (the pure federated/PEFT ones, the VLM
    #    pre-training papers, ...): 109 - 42 = 67.
    # D: 68 papers use a data-layer technique (mostly anything federated, multimodal or
    #    data-heterogeneous). S: 26 use a security-and-privacy technique.
    # ?surveys counts the 16 papers marked in the list: 15 are in A (all but
    # llm-based-edge-intelligence), 10 in H, 9 in D, 7 in S.
    result = run(bundled_kg, "papers-per-area", engine)
    assert result.records(compact_iris=True) == [
        {"area": "area:algorithmic-framework", "label": "Algorithmic Framework",
         "papers": 107, "surveys": 15},
        {"area": "area:data-layer", "label": "Data Layer", "papers": 68, "surveys": 9},
        {"area": "area:hardware-infrastructure", "label": "Hardware Infrastructure",
         "papers": 67, "surveys": 10},
        {"area": "area:security-and-privacy", "label": "Security and Privacy",
         "papers": 26, "surveys": 7},
    ]  # fmt: skip


def test_papers_per_technique_rolls_up_narrower_techniques(
    bundled_kg: KnowledgeGraph, engine: str
) -> None:
    counts = {
        key(r["technique"]): (r["papers"], r["direct"])
        for r in run(bundled_kg, "papers-per-technique", engine).records()
    }
    # LoRA has no narrower technique: 20 papers list lora.
    assert counts["lora"] == (20, 20)
    # Federated learning: 6 papers list it; 58 list it or one below it (federated
    # fine-tuning, federated instruction tuning, cross-silo, cross-device, personalized,
    # split federated, multi-task and transfer federated learning).
    assert counts["federated-learning"] == (58, 6)
    # PEFT: 9 papers list it; 41 list it or adapter, tensorized adapter, LoRA, prompt tuning,
    # proxy tuning or emulator-assisted tuning.
    assert counts["parameter-efficient-fine-tuning"] == (41, 9)
    # Two levels: emulator-assisted tuning (FedBIoT, FederatedScope-LLM, FedPEAT, FedPFT)
    # is a kind of proxy tuning, which only FedPT lists itself.
    assert counts["proxy-tuning"] == (5, 1)
    assert counts["emulator-assisted-tuning"] == (4, 4)
    # Every technique is used, so each appears once; the counts never drop below the direct.
    assert len(counts) == 114
    assert all(papers >= direct for papers, direct in counts.values())


#: The 20 papers annotated with LoRA (data/annotations.yaml).
LORA_PAPERS = {
    "a-fast-performant-secure-distributed-training-framework-for-llm",
    "automated-federated-pipeline-for-parameter-efficient-fine-tuning-of-large-language-models",
    "communication-efficient-llm-training-for-federated-learning",
    "disllm-distributed-llms-for-privacy-assurance-in-resource-constrained-environments",
    "dlora-distributed-parameter-efficient-fine-tuning-solution-for-large-language-model",
    "fate-llm-an-industrial-grade-federated-learning-framework-for-large-language-models",
    "fdlora-personalized-federated-learning-of-large-language-model-via-dual-lora-tuning",
    "federated-fine-tuning-of-large-language-models-under-heterogeneous-tasks-and-client-resources",
    "federatedscope-llm-a-comprehensive-package-for-fine-tuning-large-language-models-in-federated-learning",
    "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning",
    "flora-federated-fine-tuning-large-language-models-with-heterogeneous-low-rank-adaptations",
    "improving-lora-in-privacy-preserving-federated-learning",
    "llm-adapters-an-adapter-family-for-parameter-efficient-fine-tuning-of-large-language-models",
    "mira-a-method-of-federated-multi-task-learning-for-large-language-models",
    "openfedllm-training-large-language-models-on-decentralized-private-data-via-federated-learning",
    "privatelora-for-efficient-privacy-preserving-llm",
    "splitlora-a-split-parameter-efficient-fine-tuning-framework-for-large-language-models",
    "towards-robust-and-efficient-federated-low-rank-adaptation-with-heterogeneous-clients",
    "tripleplay-enhancing-federated-learning-with-clip-for-non-iid-data-and-resource-efficiency",
    "why-gradient-subspace-identifying-and-mitigating-lora-s-bottlenecks-in-federated-fine-tuning-of-large-language-models",
}  # fmt: skip


def test_papers_by_technique(bundled_kg: KnowledgeGraph, engine: str) -> None:
    result = run(bundled_kg, "papers-by-technique", engine)  # default: LoRA, by its altLabel
    assert papers(result) == LORA_PAPERS
    assert set(column(result, "technique")) == {str(TECHNIQUE.lora)}
    assert set(column(result, "via")) == {str(TECHNIQUE.lora)}
    # Rolled up: PEFT is used by 41 papers (see above); a paper with LoRA and prompt tuning
    # gets one row for each.
    peft = run(
        bundled_kg, "papers-by-technique", engine, technique="parameter-efficient fine-tuning"
    )
    assert len(papers(peft)) == 41
    assert papers(peft) > LORA_PAPERS
    fast = "a-fast-performant-secure-distributed-training-framework-for-llm"
    assert {key(r["via"]) for r in peft.records() if key(r["paper"]) == fast} == {
        "lora",
        "prompt-tuning",
    }
    # Not a PEFT paper: pure pipeline-parallel training.
    assert (
        "acco-accumulate-while-you-communicate-hiding-communications-in-distributed-llm-training"
        not in papers(peft)
    )


def test_papers_combining_techniques(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Of the 20 LoRA papers, 16 also use federated learning or a narrower kind of it (not:
    # a-fast-performant (split learning), DLoRA, LLM-Adapters, PrivateLoRA). Of those 16, the
    # list gives code for six (the others' Code cell is N/A).
    result = run(bundled_kg, "papers-combining-techniques", engine)
    repositories = {key(r["paper"]): r["repository"] for r in result.records()}
    github = str(REPOSITORY) + "github/"
    assert repositories == {
        "fate-llm-an-industrial-grade-federated-learning-framework-for-large-language-models":
            github + "federatedai/fate-llm",
        "federatedscope-llm-a-comprehensive-package-for-fine-tuning-large-language-models-in-federated-learning":
            github + "alibaba/federatedscope",
        "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning":
            github + "dphuongn/flora",
        "flora-federated-fine-tuning-large-language-models-with-heterogeneous-low-rank-adaptations":
            github + "atp-1010/federatedllm",
        "openfedllm-training-large-language-models-on-decentralized-private-data-via-federated-learning":
            github + "rui-ye/openfedllm",
        "splitlora-a-split-parameter-efficient-fine-tuning-framework-for-large-language-models":
            github + "fdu-inc/split_lora",
    }  # fmt: skip
    assert set(column(result, "first")) == {str(TECHNIQUE["federated-learning"])}
    # Split learning (rolled up: split federated learning too) with LoRA: the secure
    # training framework, DisLLM and SplitLoRA; only SplitLoRA has code.
    split = run(bundled_kg, "papers-combining-techniques", engine, first="split-learning")
    assert papers(split) == {
        "splitlora-a-split-parameter-efficient-fine-tuning-framework-for-large-language-models"
    }


def test_papers_by_model(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # The ten papers annotated with CLIP.
    assert papers(run(bundled_kg, "papers-by-model", engine)) == {
        "clip-guided-federated-learning-on-heterogeneity-and-long-tailed-data",
        "distmm-accelerating-distributed-multimodal-model-training",
        "fair-federated-learning-with-biased-vision-language-models",
        "fedclip-fast-generalization-and-personalization-for-clip-in-federated-learning",
        "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning",
        "learning-transferable-visual-models-from-natural-language-supervision",
        "lightweight-unsupervised-federated-learning-with-pretrained-vision-language-model",
        "pfedprompt-learning-personalized-prompt-for-vision-language-models-in-federated-learning",
        "tripleplay-enhancing-federated-learning-with-clip-for-non-iid-data-and-resource-efficiency",
        "visual-instruction-tuning",
    }
    # Models have no hierarchy: the SLM row LLaMA-2 7B is not the LLaMA family.
    assert papers(run(bundled_kg, "papers-by-model", engine, model="LLaMA-2 7B")) == {
        "flora-federated-fine-tuning-large-language-models-with-heterogeneous-low-rank-adaptations",
        "openfedllm-training-large-language-models-on-decentralized-private-data-via-federated-learning",
    }  # fmt: skip
    assert len(run(bundled_kg, "papers-by-model", engine, model="GPT-2 Small")) == 0


def test_small_models(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # The SLM table, at most 1B parameters, by size then name (code-point order: "GPT-Neo"
    # before "Galactica"); Claude Instant is listed as <=1B, an upper bound within budget.
    # Not listed: LLaMA-2 7B, Phi-2 2.7B, Gemma 2B, Gemini Nano 1.8B, MiniCPM 1.2B,
    # TinyLlama 1.1B, and the curated models without a size.
    result = run(bundled_kg, "small-models", engine)
    assert [(key(r["model"]), r["parameters"], r["exact"]) for r in result.records()] == [
        ("albert-base", 11_000_000, True),
        ("inybert", 14_500_000, True),
        ("mobilebert", 25_300_000, True),
        ("t5-small", 60_000_000, True),
        ("distilbert", 66_000_000, True),
        ("flan-t5-small", 80_000_000, True),
        ("distilgpt-2", 82_000_000, True),
        ("reformer", 110_000_000, True),
        ("gpt-2-small", 124_000_000, True),
        ("gpt-neo-125m", 125_000_000, True),
        ("galactica-125m", 125_000_000, True),
        ("pythia-160m", 160_000_000, True),
        ("cerebras-gpt-256m", 256_000_000, True),
        ("byt5-small", 300_000_000, True),
        ("opt-350m", 350_000_000, True),
        ("bloomz-560m", 560_000_000, True),
        ("claude-instant", 1_000_000_000, False),
    ]
    records = {key(r["model"]): r for r in result.records()}
    assert records["gpt-2-small"]["huggingFaceId"] == "openai-community/gpt2"
    assert records["mobilebert"]["huggingFaceId"] is None  # a documentation page, not a model
    under_20m = run(bundled_kg, "small-models", engine, budget=20_000_000)
    assert [key(m) for m in column(under_20m, "model")] == ["albert-base", "inybert"]
    assert len(run(bundled_kg, "small-models", engine, budget=1)) == 0


#: The 16 papers the list marks as surveys.
MARKED_SURVEYS = {
    "distributed-training-of-large-language-models",
    "mobile-edge-intelligence-for-large-language-models-a-contemporary-survey",
    "efficient-training-of-large-language-models-on-distributed-infrastructures-a-survey",
    "large-language-model-inference-acceleration-a-comprehensive-hardware-perspective",
    "federated-large-language-models-current-progress-and-future-directions",
    "a-survey-of-resource-efficient-llm-and-multimodal-foundation-models",
    "cloud-edge-collaborative-large-model-services-challenges-and-solutions",
    "synergizing-foundation-models-and-federated-learning-a-survey",
    "federated-learning-driven-large-language-models-for-swarm-intelligence-a-survey",
    "federated-large-language-model-a-position-paper",
    "a-survey-on-efficient-federated-learning-methods-for-foundation-model-training",
    "federated-foundation-models-privacy-preserving-and-collaborative-learning-for-large-models",
    "when-foundation-model-meets-federated-learning-motivations-challenges-and-future-directions",
    "on-device-language-models-a-comprehensive-review",
    "a-survey-collaborative-hardware-and-software-design-in-the-era-of-large-language-models",
    "llm-based-edge-intelligence-a-comprehensive-survey-on-architectures-applications-security-and-trustworthiness",
}
#: Papers the curators tag with the survey task though the list does not mark them.
UNMARKED_SURVEYS = {
    "grounding-foundation-models-through-federated-transfer-learning-a-general-framework",
    "model-parallelism-on-distributed-infrastructure-a-literature-review-from-theory-to-llm-case-studies",
}


def test_surveys(bundled_kg: KnowledgeGraph, engine: str) -> None:
    result = run(bundled_kg, "surveys", engine)
    marked = {key(r["survey"]): r["marked"] for r in result.records()}
    assert marked == dict.fromkeys(MARKED_SURVEYS, True) | dict.fromkeys(UNMARKED_SURVEYS, False)
    coverage = {(key(r["survey"]), key(r["area"])): r["techniques"] for r in result.records()}
    # Distributed Training of LLMs: tensor and pipeline parallelism and sharded data
    # parallelism (data parallelism is implied by the latter), all three in A and in H.
    distributed = "distributed-training-of-large-language-models"
    assert {area: n for (s, area), n in coverage.items() if s == distributed} == {
        "algorithmic-framework": 3,
        "hardware-infrastructure": 3,
    }
    # LLM-based edge intelligence: edge-cloud collaboration and on-device execution (H; edge
    # computing is implied by both); trustworthy AI, privacy-preserving learning, adversarial
    # attack (S).
    (edge,) = (s for s in MARKED_SURVEYS if s.startswith("llm-based-edge-intelligence"))
    assert {area: n for (s, area), n in coverage.items() if s == edge} == {
        "hardware-infrastructure": 2,
        "security-and-privacy": 3,
    }


#: Papers that contribute to all four areas: each has a federated technique (A, D), a
#: hardware technique (H) and a security-and-privacy one (S).
FOUR_AREA_PAPERS = {
    "distributed-fine-tuning-of-language-models-on-private-data",
    "fedpeat-convergence-of-federated-learning-parameter-efficient-fine-tuning-and-emulator-assisted-tuning-for-artificial-intelligence-foundation-models-with-mobile-edge-computing",
    "mobile-edge-intelligence-for-large-language-models-a-contemporary-survey",
    "research-on-key-technologies-for-cross-cloud-federated-training-of-large-language-models",
}  # fmt: skip


def test_papers_bridging_areas(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Tallying each paper's areas by hand: 2 papers have one area (Asynchronous Local-SGD and
    # LLM-Adapters, A only), 59 two, 44 three and 4 all four; 2 + 118 + 132 + 16 = 268, the
    # sum of the per-area counts above.
    result = run(bundled_kg, "papers-bridging-areas", engine)
    assert len(result) == 48
    assert Counter(column(result, "areas")) == {3: 44, 4: 4}
    assert {key(r["paper"]) for r in result.records() if r["areas"] == 4} == FOUR_AREA_PAPERS
    # FRAG is in three areas without A (H, D, S); the position paper in A, D, S; an
    # edge-inference paper (CoLLM) in two only.
    assert (
        "frag-toward-federated-vector-database-management-for-collaborative-and-secure-retrieval-augmented-generation"
        in papers(result)
    )
    assert (
        "collm-a-collaborative-llm-inference-framework-for-resource-constrained-devices"
        not in papers(result)
    )
    assert papers(run(bundled_kg, "papers-bridging-areas", engine, min_areas=4)) == FOUR_AREA_PAPERS
    everything = run(bundled_kg, "papers-bridging-areas", engine, min_areas=1)
    assert len(everything) == 109


def test_technique_co_occurrence(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Counted from the annotations: federated fine-tuning (35 papers) with LoRA 12, with data
    # heterogeneity 10, with communication optimization 6, with privacy-preserving learning
    # 5; data heterogeneity with multimodal learning 6. Every other pair shares at most 4
    # papers.
    result = run(bundled_kg, "technique-co-occurrence", engine, min_papers=5)
    pairs = {(key(r["first"]), key(r["second"])): r["papers"] for r in result.records()}
    assert pairs == {
        ("federated-fine-tuning", "lora"): 12,
        ("data-heterogeneity", "federated-fine-tuning"): 10,
        ("communication-optimization", "federated-fine-tuning"): 6,
        ("data-heterogeneity", "multimodal-learning"): 6,
        ("federated-fine-tuning", "privacy-preserving-learning"): 5,
    }
    assert column(result, "papers") == [12, 10, 6, 6, 5]
    default = run(bundled_kg, "technique-co-occurrence", engine)  # at least 3 papers
    shared = {(key(r["first"]), key(r["second"])): r["papers"] for r in default.records()}
    assert shared[("activation-checkpointing", "sequence-parallelism")] == 3
    assert shared[("gpu-cluster", "hybrid-parallelism")] == 3
    assert ("lora", "parameter-efficient-fine-tuning") not in shared  # never both annotated


def test_papers_per_year_and_area(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # 83 papers have an arXiv id: 18 from 2023 (23xx.xxxxx) and 65 from 2024; the other 26
    # (IEEE, ACM, PMLR, USENIX, AAAI, reports, blogs) have no year. The 2023 papers' areas,
    # one by one: all 18 in A, 9 in H, 11 in D, 7 in S. For 2024: the per-area totals of the
    # papers with an arXiv id (A 82, H 49, D 54, S 21) minus 2023.
    result = run(bundled_kg, "papers-per-year-and-area", engine)
    assert [(r["year"], key(r["area"]), r["papers"]) for r in result.records()] == [
        (2023, "algorithmic-framework", 18),
        (2023, "data-layer", 11),
        (2023, "hardware-infrastructure", 9),
        (2023, "security-and-privacy", 7),
        (2024, "algorithmic-framework", 64),
        (2024, "data-layer", 43),
        (2024, "hardware-infrastructure", 40),
        (2024, "security-and-privacy", 14),
    ]


def test_shared_repositories(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Rows 2 and 3 of table I both link github.com/fast-inference-serving, rows 10 and 11
    # github.com/edge-LLM-inference. FLoRA's repository is given twice, for the same paper.
    result = run(bundled_kg, "shared-repositories", engine)
    assert [(r["label"], r["papers"]) for r in result.records()] == [
        ("edge-llm-inference", 2),
        ("fast-inference-serving", 2),
    ]


def test_annotation_sources(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # data/annotations.yaml annotates all 109 papers, so the tagger annotates none; the
    # technique links are those of the file.
    import yaml

    from dllm_kg.constants import ANNOTATIONS_PATH

    curated = yaml.safe_load(ANNOTATIONS_PATH.read_text("utf-8"))["papers"]
    links = sum(len(entry["techniques"]) for entry in curated.values())
    result = run(bundled_kg, "annotation-sources", engine)
    assert [(r["agent"], r["papers"], r["techniques"]) for r in result.records()] == [
        (str(AGENT.curation), 109, links),
        (str(AGENT.tagger), 0, 0),
    ]


def test_annotation_sources_on_a_list_the_curators_have_not_seen(engine: str) -> None:
    # None of the five papers of tests/data/custom-list.md is curated: the tagger does all.
    result = load_graph(DATA / "custom-list.md").run("annotation-sources", engine=engine)
    assert [(key(r["agent"]), r["papers"]) for r in result.records()] == [
        ("curation", 0),
        ("tagger", 5),
    ]


#: Titles that contain "edge", case-insensitively (read off the list).
EDGE_PAPERS = {
    "mobile-edge-intelligence-for-large-language-models-a-contemporary-survey",
    "decentralized-llm-inference-over-edge-networks-with-energy-harvesting",
    "cloud-edge-collaborative-large-model-services-challenges-and-solutions",
    "fedpeat-convergence-of-federated-learning-parameter-efficient-fine-tuning-and-emulator-assisted-tuning-for-artificial-intelligence-foundation-models-with-mobile-edge-computing",
    "empirical-guidelines-for-deploying-llms-onto-resource-constrained-edge-devices",
    "resource-allocation-for-stable-llm-training-in-mobile-edge-computing",
    "perllm-personalized-inference-scheduling-with-edge-cloud-collaboration-for-diverse-llm-services",
    "tpi-llm-serving-70b-scale-llms-efficiently-on-low-resource-edge-devices",
    "fedpt-federated-proxy-tuning-of-large-language-models-on-resource-constrained-edge-devices",
    "pluto-and-charon-a-time-and-memory-efficient-collaborative-edge-ai-framework-for-personal-llms-fine-tuning",
    "edgeqat-entropy-and-distribution-guided-quantization-aware-training-for-the-acceleration-of-lightweight-llms-on-the-edge",
    "confidant-customizing-transformer-based-llms-via-collaborative-edge-training",
    "edgellm-a-highly-efficient-cpu-fpga-heterogeneous-edge-accelerator-for-large-language-models",
    "federated-fine-tuning-of-llms-on-the-very-edge-the-good-the-bad-the-ugly",
    "llm-based-edge-intelligence-a-comprehensive-survey-on-architectures-applications-security-and-trustworthiness",
    "efficient-adapting-for-vision-language-foundation-model-in-edge-computing-based-on-personalized-and-multi-granularity-federated-learning",
}  # fmt: skip


def test_title_search(bundled_kg: KnowledgeGraph, engine: str) -> None:
    assert papers(run(bundled_kg, "title-search", engine)) == EDGE_PAPERS
    assert papers(run(bundled_kg, "title-search", engine, keyword="EDGE")) == EDGE_PAPERS
    clip = run(bundled_kg, "title-search", engine, keyword="clip")
    # CLIP-Guided Federated Learning..., FedCLIP: ..., TriplePlay: ... with CLIP ...
    assert [title.split()[0] for title in column(clip, "title")] == [
        "CLIP-Guided",
        "FedCLIP:",
        "TriplePlay:",
    ]
    assert column(clip, "link")[1] == "https://arxiv.org/abs/2302.13485"
    assert len(run(bundled_kg, "title-search", engine, keyword="blockchain")) == 0


#: The 26 papers with a security-and-privacy technique (split learning, split federated
#: learning, differential privacy, privacy-preserving learning, secure aggregation or
#: computation, emulator-assisted tuning, IP protection, attacks and defences, fairness,
#: trustworthy AI, federated data management).
SECURITY_PAPERS = {
    "a-fast-performant-secure-distributed-training-framework-for-llm",
    "disllm-distributed-llms-for-privacy-assurance-in-resource-constrained-environments",
    "distributed-fine-tuning-of-language-models-on-private-data",
    "dlora-distributed-parameter-efficient-fine-tuning-solution-for-large-language-model",
    "emerging-safety-attack-and-defense-in-federated-instruction-tuning-of-large-language-models",
    "fair-federated-learning-with-biased-vision-language-models",
    "fate-llm-an-industrial-grade-federated-learning-framework-for-large-language-models",
    "fedbiot-llm-local-fine-tuning-in-federated-learning-without-full-model",
    "federated-foundation-models-privacy-preserving-and-collaborative-learning-for-large-models",
    "federated-large-language-model-a-position-paper",
    "federated-large-language-models-current-progress-and-future-directions",
    "federatedscope-llm-a-comprehensive-package-for-fine-tuning-large-language-models-in-federated-learning",
    "fedpeat-convergence-of-federated-learning-parameter-efficient-fine-tuning-and-emulator-assisted-tuning-for-artificial-intelligence-foundation-models-with-mobile-edge-computing",
    "fedpft-federated-proxy-fine-tuning-of-foundation-models",
    "fedpit-towards-privacy-preserving-and-few-shot-federated-instruction-tuning",
    "frag-toward-federated-vector-database-management-for-collaborative-and-secure-retrieval-augmented-generation",
    "grounding-foundation-models-through-federated-transfer-learning-a-general-framework",
    "improving-lora-in-privacy-preserving-federated-learning",
    "llm-based-edge-intelligence-a-comprehensive-survey-on-architectures-applications-security-and-trustworthiness",
    "mobile-edge-intelligence-for-large-language-models-a-contemporary-survey",
    "privatelora-for-efficient-privacy-preserving-llm",
    "research-on-key-technologies-for-cross-cloud-federated-training-of-large-language-models",
    "safely-learning-with-private-data-a-federated-learning-framework-for-large-language-model",
    "splitlora-a-split-parameter-efficient-fine-tuning-framework-for-large-language-models",
    "synergizing-foundation-models-and-federated-learning-a-survey",
    "when-foundation-model-meets-federated-learning-motivations-challenges-and-future-directions",
}  # fmt: skip


def test_area_subgraph(bundled_kg: KnowledgeGraph, engine: str) -> None:
    result = run(bundled_kg, "area-subgraph", engine)  # default: Security and Privacy
    graph = result.graph()
    area = AREA["security-and-privacy"]
    assert {key(p) for p in graph.subjects(RDF.type, DLLM.Paper)} == SECURITY_PAPERS
    assert set(graph.objects(None, DLLM.hasArea)) == {area}
    assert set(graph.objects(None, DLLM.belongsToArea)) == {area}
    assert (area, SKOS.prefLabel, Literal("Security and Privacy", lang="en")) in graph
    # FRAG keeps its two S techniques; its vector database and RAG (D, H) are left out.
    frag = PAPER[
        "frag-toward-federated-vector-database-management-for-collaborative-and-secure-retrieval-augmented-generation"
    ]
    assert {key(t) for t in graph.objects(frag, DLLM.usesTechnique)} == {
        "federated-data-management",
        "homomorphic-encryption",
    }
    assert (frag, DLLM.arxivId, Literal("2410.13272")) in graph
    # Homomorphic encryption comes with its broader technique, secure computation.
    assert (
        TECHNIQUE["homomorphic-encryption"],
        SKOS.broader,
        TECHNIQUE["secure-computation"],
    ) in graph
    # Another area by id: hardware; the VLM pre-training paper CLIP has no hardware technique.
    hardware = run(bundled_kg, "area-subgraph", engine, area="hardware-infrastructure").graph()
    assert len(set(hardware.subjects(RDF.type, DLLM.Paper))) == 67
    assert (
        PAPER["learning-transferable-visual-models-from-natural-language-supervision"],
        None,
        None,
    ) not in hardware


def test_describe_paper(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Row 16 of table I (line 50), as the README shows it, with its curated annotation.
    result = run(bundled_kg, "describe-paper", engine)
    graph = result.graph()
    paper = PAPER["fwdllm-efficient-fedllm-using-forward-gradient"]
    source = URIRef(str(paper).replace("/paper/", "/source/distributed-llms."))
    record = URIRef(str(paper).replace("/paper/", "/annotation/"))
    assert set(graph.subjects()) == {paper, source, record}
    assert (paper, DLLM.arxivId, Literal("2308.13894")) in graph
    assert (paper, DLLM.usesModel, MODEL.llama) in graph
    assert (paper, DLLM.task, TASK["fine-tuning"]) in graph
    assert {key(t) for t in graph.objects(paper, DLLM.usesTechnique)} == {
        "federated-fine-tuning",
        "forward-gradient",
        "parameter-efficient-fine-tuning",
        "on-device-execution",
    }
    assert set(graph.objects(paper, DLLM.hasArea)) == {
        AREA["algorithmic-framework"],
        AREA["data-layer"],
        AREA["hardware-infrastructure"],
    }
    assert (source, DLLM.sourceLine, Literal(50)) in graph
    assert (source, DLLM.rowNumber, Literal(16)) in graph
    assert set(graph.objects(record, URIRef("http://www.w3.org/ns/prov#wasAttributedTo"))) == {
        AGENT.curation
    }
    # 19 statements about the paper (its year from the arXiv id among them), 8 about its row,
    # 2 about its annotation record; and 6 that restate the paper's in schema.org and BIBO
    # terms (dllm_kg.align): two types, name, url, code repository, the model it mentions.
    restated = [t for t in graph if str(t[1]).startswith(("https://schema.org/", BIBO))]
    restated += [t for t in graph.triples((paper, RDF.type, None)) if t[2] != DLLM.Paper]
    assert len(restated) == 6
    assert len(result) == 29 + 6
    # A paper listed twice is described with both of its rows; by title, case-insensitively.
    title = "distributed foundation models for multi-modal learning in 6G wireless networks"
    twice = run(bundled_kg, "describe-paper", engine, paper=title)
    lines = {int(o) for o in twice.graph().objects(None, DLLM.sourceLine)}
    assert lines == {108, 133}


def test_papers_per_task(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # From the annotations' task lists: fine-tuning 63 and pre-training 10 papers; 15 papers
    # do none of training, fine-tuning or pre-training (inference, serving, retrieval and
    # surveys of those), so training rolls up to 94. Inference: 21 papers plus 6 serving-only
    # papers. Surveys 18, benchmarks 5, serving 7, retrieval 1 (FRAG).
    result = run(bundled_kg, "papers-per-task", engine)
    assert [(key(r["task"]), r["papers"]) for r in result.records()] == [
        ("training", 94),
        ("fine-tuning", 63),
        ("inference", 27),
        ("survey", 18),
        ("pre-training", 10),
        ("serving", 7),
        ("benchmark", 5),
        ("retrieval", 1),
    ]


def test_models_by_use(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # CLIP 10 papers, LLaMA 9; BLOOM, ChatGLM, Vicuna and LLaMA-2 7B 2 each; ten more
    # models once each. Only the three SLM rows among them have a size.
    result = run(bundled_kg, "models-by-use", engine)
    uses = {key(r["model"]): r["papers"] for r in result.records()}
    assert uses == {
        "clip": 10, "llama": 9, "bloom": 2, "chatglm": 2, "vicuna": 2, "llama-2-7b": 2,
        "blip": 1, "blip-2": 1, "flamingo": 1, "flan-t5": 1, "flan-t5-small": 1,
        "gpt-4": 1, "gpt-j": 1, "llava": 1, "minigpt-4": 1, "tinyllama-1-1b": 1,
    }  # fmt: skip
    sizes = {key(r["model"]): r["parameters"] for r in result.records() if r["parameters"]}
    assert sizes == {"flan-t5-small": 80_000_000, "llama-2-7b": 7_000_000_000,
                     "tinyllama-1-1b": 1_100_000_000}  # fmt: skip
    assert column(result, "label")[:2] == ["CLIP", "LLaMA"]


def test_repeated_listings(bundled_kg: KnowledgeGraph, engine: str) -> None:
    # Read off the list: rows 74 and 99 of table I (lines 108, 133); FLoRA (VLM) as row 100
    # of table I and row 6 of table II; the domain-coverage paper as row 25 and row 12.
    result = run(bundled_kg, "repeated-listings", engine)
    listings = [(key(r["paper"])[:24], r["section"], r["row"], r["line"]) for r in result.records()]
    assert listings == [
        ("distributed-foundation-m", "I. Distributed LLMs", 74, 108),
        ("distributed-foundation-m", "I. Distributed LLMs", 99, 133),
        ("flora-enhancing-vision-l", "I. Distributed LLMs", 100, 134),
        ("flora-enhancing-vision-l", "II. VLMs", 6, 146),
        ("federated-instruction-tu", "I. Distributed LLMs", 25, 59),
        ("federated-instruction-tu", "II. VLMs", 12, 152),
    ]  # fmt: skip


def test_papers_in_area(bundled_kg: KnowledgeGraph, engine: str) -> None:
    result = run(bundled_kg, "papers-in-area", engine)  # default: Data Layer
    assert len(papers(result)) == 68  # as counted for papers-per-area
    rows = {(key(r["paper"]), key(r["technique"])) for r in result.records()}
    assert {t for p, t in rows if p.startswith("frag-")} == {
        "federated-data-management",
        "vector-database",
        "retrieval-augmented-generation",
    }
    # DistFlashAttn uses no data-layer technique.
    assert not any(p.startswith("distflashattn") for p, _ in rows)
    security = run(bundled_kg, "papers-in-area", engine, area="Security and Privacy")
    assert papers(security) == SECURITY_PAPERS
