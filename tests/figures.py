"""Small graphs for the connection figure's tests: a list of our own, with techniques and areas
added by hand (so the tests do not depend on the tagger), and a list with hostile titles."""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from dllm_kg.constants import ONTOLOGY_PATH
from dllm_kg.namespaces import (
    ALGORITHMIC_FRAMEWORK,
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
    graph.add((SWARM_REPO, DLLM.link, URIRef("data:text/html,<b>x</b>")))
    return graph
