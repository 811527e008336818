"""Write a synthetic awesome-distributed-LLM list of any size, in the real list's format.

Usage::

    python benchmarks/synthetic.py --entries 10000 --out /tmp/list-10k.md [--seed 0]

The file has the real list's header (licence text, figures, table of contents) and its three
tables: I. Distributed LLMs (about 80% of the entries), II. VLMs (about 12%) and III. SLMs
(about 8%), with at least one row in each table when there are three entries or more.

Every entry is distinct: titles and model names are unique after lower-casing and collapsing
non-alphanumerics to ``-``, and every paper link, code repository and model link is unique.
Identifiers (arXiv ids, DOIs, IEEE document numbers, ...) are derived from the entry's index,
so they never collide. Rows carry the real list's harmless quirks (``| 4|``, ``title|``,
two spaces before ``[GitHub]``, ``|125M |``) but never one that loses data.

Only the standard library is used, and the output depends only on the arguments: the same
``--entries`` and ``--seed`` give a byte-identical file.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import math
import random
import re
import string
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

#: Largest supported ``--entries``; identifier spaces below are bijective up to this size.
MAX_ENTRIES = 5_000_000

#: Share of the entries that go to table II (VLMs) and table III (SLMs); the rest is table I.
VLM_SHARE = 0.12
SLM_SHARE = 0.08

#: Share of table-I titles that carry the survey marker.
SURVEY_SHARE = 0.05
SURVEY_MARKER = "✅[Survey Article]"

#: Chance of each cosmetic row quirk seen in the real list.
QUIRK_RATE = 0.01

#: Fraction of the modulus used as multiplier in :func:`scramble` (Fibonacci hashing).
_GOLDEN_FRACTION = 0.6180339887498949

#: The real list's header, verbatim (line 16 and the table of contents end in spaces).
HEADER_LINES: tuple[str, ...] = (
    "# awesome-distributed-LLM",
    "An Evolving List of Distributed LLM and Multimodal LLM Papers and Repositories",
    "",
    "This work is licensed under a Creative Commons Attribution 4.0 International License.",
    "",
    "You are free to:",
    "- Share — copy and redistribute the material in any medium or format.",
    "- Adapt — remix, transform, and build upon the material for any purpose, even commercially.",
    "",
    "Under the following terms:",
    "- **Attribution** — You must give appropriate credit, provide a link to the license, "
    "and indicate if changes were made.",
    "- **No additional restrictions** — You may not apply legal terms or technological "
    "measures that legally restrict others from doing anything the license permits.",
    "",
    "Full license text: https://creativecommons.org/licenses/by/4.0/",
    "---",
    "The following figure shows the connection of some of the 100 papers and how they "
    "contribute to various aspects of decentralizing the LLM pipeline. This figure shows four "
    "primary areas of research focus: Algorithmic Framework, Hardware Infrastructure, "
    "Data Layer, and Security and Privacy. ",
    "![Algorithmic Framework](https://github.com/solidlabnetwork/awesome-distributed-LLM/"
    "blob/main/Figures/figint_001.jpg)",
    "---",
    "The following figure shows an overview of selected prior, current, and future "
    "research directions.",
    "![Research Directions](https://github.com/solidlabnetwork/awesome-distributed-LLM/"
    "blob/main/Figures/figfuture_001.jpg)",
    "---",
    "**Link to access source file of figures:** [drive](https://drive.google.com/drive/"
    "folders/1ioSrvUvg2t2ulwOKisY_g-h_Ns9BDCfF?usp=drive_link)",
    "",
    "# **Table of Contents**  ",
    "**I.** [Surveyed Papers on Distributed LLMs](#i-llms-surveys)  ",
    "**II.** [Surveyed Papers on VLMs](#ii-vlms-surveys)  ",
    "**III.** [Small Language Models (SLMs)](#iii-slms-surveys)  ",
    "",
    "---",
    "",
)

#: Heading and table head of each table, as in the real list.
LLM_TABLE_HEAD: tuple[str, ...] = (
    '# **I. Distributed LLMs** <a name="i-llms-surveys"></a>',
    "",
    "| No. | Paper Title | Url | Code |",
    "|----|-------------|------------|-------------|",
)
VLM_TABLE_HEAD: tuple[str, ...] = (
    '# **II. VLMs** <a name="ii-vlms-surveys"></a>',
    "",
    "| Paper Title | Url | Code |",
    "|-------------|------------|-------------|",
)
SLM_TABLE_HEAD: tuple[str, ...] = (
    '# **III. SLMs** <a name="iii-slms-surveys"></a>',
    "",
    "| Model Name | Parameters | URL |",
    "|------------|------------|------------|",
)

# --- Title vocabularies -------------------------------------------------------------------

ADJECTIVES: tuple[str, ...] = (
    "Communication-Efficient", "Memory-Efficient", "Resource-Aware", "Privacy-Preserving",
    "Scalable", "Robust", "Adaptive", "Asynchronous", "Personalized", "Energy-Efficient",
    "Heterogeneity-Aware", "Fault-Tolerant", "Secure", "Lightweight", "Low-Latency",
    "Hierarchical", "Decentralized", "Collaborative", "Elastic", "Straggler-Resilient",
    "Bandwidth-Aware", "Cost-Effective", "Topology-Aware", "Verifiable", "Zeroth-Order",
    "Gradient-Free", "Sparse", "Dynamic", "Fair", "Byzantine-Robust",
)  # fmt: skip

LLM_TECHNIQUES: tuple[str, ...] = (
    "Federated Fine-Tuning", "Split Learning", "Pipeline Parallelism", "Tensor Parallelism",
    "Low-Rank Adaptation", "Quantization", "Knowledge Distillation", "Prompt Tuning",
    "Instruction Tuning", "Mixture-of-Experts Routing", "Speculative Decoding",
    "KV-Cache Offloading", "Gradient Compression", "Model Partitioning",
    "Parameter-Efficient Fine-Tuning", "Federated Pre-Training", "Activation Checkpointing",
    "Structured Pruning", "Local SGD", "Differential Privacy", "Secure Aggregation",
    "Proxy Tuning", "Inference Scheduling", "Edge Inference", "Data Parallelism",
    "Sequence Parallelism", "Continual Learning", "Retrieval-Augmented Generation",
    "Adapter Tuning", "Collaborative Inference", "Model Merging", "Early Exiting",
    "Serverless Serving", "Token Pruning", "Federated Distillation", "Swarm Training",
    "Over-the-Air Aggregation", "Forward-Gradient Training", "Federated Split Learning",
    "Reinforcement Learning from Human Feedback",
)  # fmt: skip

LLM_OBJECTS: tuple[str, ...] = (
    "Large Language Models", "LLMs", "Foundation Models", "Small Language Models",
    "Transformer Models", "Billion-Scale Language Models", "Code Language Models",
    "Multilingual Language Models", "Mixture-of-Experts Models", "Long-Context LLMs",
    "Personal LLM Agents", "On-Device Language Models", "Generative Pre-trained Transformers",
    "Open-Weight LLMs", "Domain-Specific LLMs", "Instruction-Following Models",
    "Speech Language Models", "Time-Series Foundation Models",
)  # fmt: skip

LLM_SETTINGS: tuple[str, ...] = (
    "over Heterogeneous Clients", "on Edge Devices", "in Mobile Edge Computing",
    "across Geo-Distributed Data Centers", "on Consumer GPUs", "in 6G Wireless Networks",
    "with Non-IID Data", "under Bandwidth Constraints", "on Resource-Constrained Devices",
    "in Cross-Silo Federations", "over the Internet", "on Commodity Clusters",
    "in Vehicular Networks", "with Untrusted Participants", "at the Network Edge",
    "in Satellite Networks", "on Heterogeneous GPU Clusters", "with Limited Memory",
    "under Differential Privacy", "in Healthcare Federations", "on CPUs",
    "in Serverless Environments", "across the Cloud-Edge Continuum", "with Straggling Workers",
    "in Low-Earth-Orbit Constellations", "on FPGA Accelerators", "in Decentralized Networks",
    "with Energy Harvesting", "on Smartphones", "in Multi-Tenant Clusters",
)  # fmt: skip

VLM_TECHNIQUES: tuple[str, ...] = (
    "Federated Prompt Learning", "Visual Instruction Tuning", "Contrastive Pre-Training",
    "Cross-Modal Alignment", "Vision-Language Adapter Tuning", "Multimodal Federated Learning",
    "Image-Text Retrieval", "Visual Token Pruning", "Multimodal Knowledge Distillation",
    "Federated CLIP Fine-Tuning", "Split Multimodal Inference", "Visual Prompt Tuning",
    "Multimodal Mixture-of-Experts", "Vision Encoder Quantization", "Cross-Modal Distillation",
    "Multimodal Instruction Tuning", "Vision-Language Pre-Training", "Federated Image Captioning",
    "Test-Time Prompt Adaptation", "Zero-Shot Transfer",
)  # fmt: skip

VLM_OBJECTS: tuple[str, ...] = (
    "Vision-Language Models", "Multimodal Large Language Models", "CLIP Models",
    "Vision Transformers", "Multimodal Foundation Models", "Large Vision-Language Models",
    "Visual Question Answering Models", "Text-to-Image Diffusion Models",
    "Video-Language Models", "Medical Vision-Language Models", "Document Understanding Models",
    "Embodied Multimodal Agents",
)  # fmt: skip

VLM_SETTINGS: tuple[str, ...] = (
    "with Long-Tailed Data", "on Heterogeneous Modalities", "with Missing Modalities",
    "in Autonomous Driving", "in Remote Sensing", "in Medical Imaging Federations",
    "on Edge Devices", "with Non-IID Data", "over Heterogeneous Clients",
    "under Bandwidth Constraints", "on Smartphones", "in Cross-Silo Federations",
)  # fmt: skip

ACRONYM_PREFIXES: tuple[str, ...] = (
    "Fed", "Split", "Dist", "Edge", "Pipe", "Het", "Q", "Tiny", "Swarm", "Co", "Priv", "Mobi",
    "Cloud", "Geo", "Sparse", "Async", "Zero", "Flex", "Hyper", "Meta", "Deca", "Orbit",
    "Shard", "Lite", "Turbo", "Nano", "Omni", "Safe", "Green", "Elastic",
)  # fmt: skip
LLM_ACRONYM_CORES: tuple[str, ...] = (
    "LoRA", "LLM", "Tune", "Serve", "Infer", "Prompt", "MoE", "Adapt", "Train", "Sched",
    "Quant", "Comp", "Attn", "KV", "Mix", "GPT", "Bench", "Distill", "Scope", "Gen", "Sync",
    "Flow", "Rank", "Merge",
)  # fmt: skip
VLM_ACRONYM_CORES: tuple[str, ...] = (
    "CLIP", "VLM", "VQA", "Vis", "Prompt", "MM", "DAT", "Cap", "Align", "ViT", "LLaVA",
)  # fmt: skip
ACRONYM_SUFFIXES: tuple[str, ...] = (
    "", "", "", "", "", "", "++", "-2", "X", "-Lite", "Pro", "Net", "Hub", "Fusion", "-V", "3",
)  # fmt: skip

VERBS: tuple[str, ...] = (
    "Serving", "Training", "Fine-Tuning", "Deploying", "Pre-Training", "Compressing",
    "Personalizing", "Scaling", "Accelerating", "Orchestrating",
)  # fmt: skip
PROPERTIES: tuple[str, ...] = (
    "Convergence", "Robustness", "Privacy Leakage", "Communication Complexity",
    "Scalability", "Fairness", "Limits", "Energy Cost",
)  # fmt: skip

#: Paper-title templates; fields: acr, adj, tech, tech2, obj, setting, verb, prop.
PAPER_TEMPLATES: tuple[str, ...] = (
    "{acr}: {adj} {tech} for {obj} {setting}",
    "{acr}: {adj} {tech} for {obj} {setting}",
    "{acr}: {adj} {tech} for {obj} {setting}",
    "{acr}: {verb} {obj} {setting} via {adj} {tech}",
    "{acr}: {tech} Meets {tech2} for {adj} {obj}",
    "{acr}: A Benchmark for {adj} {tech} of {obj}",
    "{adj} {tech} of {obj} {setting}",
    "{adj} {tech} of {obj} {setting}",
    "Towards {adj} {tech} for {obj} {setting}",
    "On the {prop} of {adj} {tech} for {obj}",
    "{verb} {obj} {setting} using {adj} {tech}",
    "Is {tech} All You Need for {adj} {obj}?",
)
SURVEY_TEMPLATES: tuple[str, ...] = (
    "{tech} for {obj}: A Survey",
    "A Survey on {adj} {tech} for {obj}",
    "{adj} {tech} for {obj} {setting}: A Comprehensive Survey",
    "{tech} and {tech2} in the Era of {obj}: A Survey",
    "{obj} {setting}: Challenges, Solutions, and Future Directions",
    "{adj} {obj}: A Position Paper",
    "A Survey: {adj} {tech} for {obj} {setting}",
)

# --- Names used in links ------------------------------------------------------------------

SURNAMES: tuple[str, ...] = (
    "li", "wang", "zhang", "chen", "liu", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "hu", "guo", "lin", "he", "luo", "gao", "smith", "garcia", "kumar", "singh",
    "mueller", "rossi", "tanaka", "kim", "park", "nguyen", "ahmed", "markov", "fu", "amini",
    "mia", "imteaj", "hossain", "silva", "novak", "cohen", "okafor",
)  # fmt: skip
CODE_OWNERS: tuple[str, ...] = (
    "edge-ai-lab", "FedSys-Group", "DistLLM-Lab", "NetAI", "mlsys-uni", "PrivML",
    "GreenLLM-Team", "hpc-lab", "ai-at-edge", "WirelessAI", "tinyml-research", "SolidLab-X",
    "UbiquitousLearningLab", "CloudEdge-AI", "open-fedllm", "ScaleSys", "decentral-ml",
    "MobileLLM-Group", "6G-AI-Lab", "trustworthy-fl",
)  # fmt: skip
USUAL_BRANCHES: tuple[str, ...] = ("main", "master", "llm", "dev")
HF_ORGS: tuple[str, ...] = (
    "tiny-models", "edge-lm", "open-slm", "small-lab", "nano-ai", "MobileLM-Org",
    "compact-ai", "pocket-llm", "efficient-nlp", "OnDeviceAI",
)  # fmt: skip

SLM_FAMILIES: tuple[str, ...] = (
    "GPT-Neo", "Pythia", "TinyLlama", "Phi", "Gemma", "Qwen", "SmolLM", "MobileLLaMA", "OPT",
    "BLOOMZ", "Flan-T5", "MiniCPM", "DistilBERT", "ALBERT", "TinyBERT", "Cerebras-GPT",
    "OpenELM", "StableLM", "H2O-Danube", "MobileBERT", "ByT5", "Galactica", "NanoGPT", "T5",
    "LaMini-GPT", "Orca-Mini", "RWKV", "Mamba", "Zephyr", "DeBERTa",
)  # fmt: skip
SLM_VERSIONS: tuple[str, ...] = (
    "", "", "", "", "-2", "-3", " 1.5", " v2", "-1.1", "-3.5", " 2.5", "-4", " v1.5", "2",
    "3", " 0.5", " v0.1", " v0.3", "-2.1", " 4.1",
)  # fmt: skip
SLM_VARIANTS: tuple[str, ...] = (
    "", "", "", "", "Instruct", "Chat", "Base", "Code", "Math", "Edge", "Distilled", "Small",
    "Tiny", "Mini", "(Quantized)", "Multilingual", "Vision", "Medical", "Legal", "Finance",
    "Reasoning", "Function-Calling", "SFT", "DPO",
)  # fmt: skip
SLM_CONTEXTS: tuple[str, ...] = ("", "", "", "", "", "", "", "4k", "8k", "32k", "128k")
SLM_MILLIONS: tuple[str, ...] = (
    "11", "14.5", "25.3", "33", "60", "66", "80", "82", "110", "124", "125", "135", "160",
    "256", "300", "350", "360", "410", "500", "560", "770",
)  # fmt: skip
SLM_BILLIONS: tuple[str, ...] = ("1", "1.1", "1.2", "1.5", "1.8", "2", "2.7", "3", "3.8", "7")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TOKEN_CHARS = string.ascii_letters + string.digits + "-_"
_BASE62 = string.digits + string.ascii_letters


# --- Small helpers ------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case ``text`` and collapse every run of non-alphanumerics to ``-``."""
    return _NON_ALNUM.sub("-", text.lower()).strip("-")


@functools.cache
def _multiplier(modulus: int) -> int:
    """A multiplier near ``modulus`` times 0.618 and coprime with it."""
    multiplier = int(modulus * _GOLDEN_FRACTION) | 1
    while math.gcd(multiplier, modulus) != 1:
        multiplier += 2
    return multiplier


def scramble(index: int, modulus: int, salt: int) -> int:
    """Map ``index`` to a number below ``modulus``; distinct indexes give distinct numbers.

    The map is affine with a multiplier coprime with ``modulus``, hence a bijection on
    ``0..modulus-1``, and consecutive indexes land far apart.

    >>> sorted(scramble(i, 10, 3) for i in range(10)) == list(range(10))
    True
    """
    return (index * _multiplier(modulus) + salt) % modulus


def base26(number: int) -> str:
    """Spell ``number`` in lower-case letters (0 -> ``a``, 25 -> ``z``, 26 -> ``ba``)."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = string.ascii_lowercase[digit] + letters
        if number == 0:
            return letters


def base62(number: int, width: int) -> str:
    """Spell ``number`` in ``width`` base-62 digits (enough width keeps it injective)."""
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits))


def split_sizes(entries: int) -> tuple[int, int, int]:
    """Return the number of rows of tables I, II and III for ``entries`` entries."""
    if entries < 3:
        return entries, 0, 0
    vlm = max(1, round(entries * VLM_SHARE))
    slm = max(1, round(entries * SLM_SHARE))
    return entries - vlm - slm, vlm, slm


def add_tracking(url: str, rng: random.Random) -> str:
    """Append ``utm_*`` tracking parameters to ``url``."""
    params = rng.choice(("utm_source=chatgpt.com", "utm_source=twitter&utm_medium=social"))
    return f"{url}{'&' if '?' in url else '?'}{params}"


# --- Titles -------------------------------------------------------------------------------


class UniqueNames:
    """Draw names until one is new, comparing them as slugs."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, draw: Callable[[], str], index: int, numbered: str = "{}, Part {}") -> str:
        """Return the first name from ``draw`` not seen before.

        After 50 clashes (rare below a million entries), ``numbered`` is filled with a
        drawn name and the entry's number; no vocabulary holds "Part" or "Revision" followed
        by a number, so that name is new.
        """
        for _ in range(50):
            name = draw()
            if self._claim(name):
                return name
        name = numbered.format(draw(), index + 1)
        if not self._claim(name):
            raise RuntimeError(f"cannot make a unique name for entry {index}")
        return name

    def _claim(self, name: str) -> bool:
        key = slugify(name)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def draw_acronym(rng: random.Random, cores: Sequence[str]) -> str:
    """Compose a system name such as ``FedLoRA``, ``SplitMoE++`` or ``DISTATTN``."""
    acronym = rng.choice(ACRONYM_PREFIXES) + rng.choice(cores) + rng.choice(ACRONYM_SUFFIXES)
    return acronym.upper() if rng.random() < 0.1 else acronym


def draw_title(rng: random.Random, survey: bool, vlm: bool) -> str:
    """Compose one paper title from the LLM or VLM vocabulary."""
    techniques = VLM_TECHNIQUES if vlm else LLM_TECHNIQUES
    tech, tech2 = rng.sample(techniques, 2)
    fields = {
        "acr": draw_acronym(rng, VLM_ACRONYM_CORES if vlm else LLM_ACRONYM_CORES),
        "adj": rng.choice(ADJECTIVES),
        "tech": tech,
        "tech2": tech2,
        "obj": rng.choice(VLM_OBJECTS if vlm else LLM_OBJECTS),
        "setting": rng.choice(VLM_SETTINGS if vlm else LLM_SETTINGS),
        "verb": rng.choice(VERBS),
        "prop": rng.choice(PROPERTIES),
    }
    return rng.choice(SURVEY_TEMPLATES if survey else PAPER_TEMPLATES).format(**fields)


# --- Paper links --------------------------------------------------------------------------


class PaperLinks:
    """Make one paper link per entry; the identifiers inside derive from the entry index."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        kinds = ("arxiv", "ieee", "acm", "openreview", "neurips")
        self.salt = {kind: rng.randrange(1 << 30) for kind in kinds}

    def link(self, index: int, title: str, vlm: bool) -> str:
        """Return a paper URL for entry ``index`` (arXiv most often, as in the real list)."""
        kinds = (self.arxiv, self.ieee, self.acm, self.openreview, self.web)
        weights = (45, 5, 8, 10, 32) if vlm else (66, 9, 6, 4, 15)
        return self.rng.choices(kinds, weights)[0](index, title)

    def arxiv(self, index: int, title: str) -> str:
        """``https://arxiv.org/pdf/YYMM.NNNNN.pdf`` and its ``/pdf/ID`` and ``/abs/IDvN`` forms."""
        number = scramble(index, 96 * 99_999, self.salt["arxiv"])
        month, serial = number % 96, number // 96 + 1
        arxiv_id = f"{18 + month // 12:02d}{month % 12 + 1:02d}.{serial:05d}"
        form = self.rng.choices(("pdf.pdf", "pdf", "abs"), (75, 15, 10))[0]
        if form == "pdf.pdf":
            return f"https://arxiv.org/pdf/{arxiv_id}.pdf"
        if form == "pdf":
            return f"https://arxiv.org/pdf/{arxiv_id}"
        return f"https://arxiv.org/abs/{arxiv_id}v{self.rng.randint(1, 3)}"

    def ieee(self, index: int, title: str) -> str:
        """IEEE Xplore ``/abstract/document/N?casa_token=...``, ``/abstract/document/N``, ..."""
        document = 10_000_000 + scramble(index, 90_000_000, self.salt["ieee"])
        form = self.rng.choices(("casa", "abstract", "document"), (55, 15, 30))[0]
        if form == "document":
            return f"https://ieeexplore.ieee.org/document/{document}"
        url = f"https://ieeexplore.ieee.org/abstract/document/{document}"
        return f"{url}?casa_token={self.casa_token()}" if form == "casa" else url

    def casa_token(self) -> str:
        """A random token shaped like IEEE's ``casa_token`` session parameter."""
        head = "".join(self.rng.choices(string.ascii_letters + string.digits, k=11))
        tail = "".join(self.rng.choices(_TOKEN_CHARS, k=70))
        return f"{head}AAAAA:{tail}"

    def acm(self, index: int, title: str) -> str:
        """ACM DL ``/doi/pdf/10.1145/...`` or ``/doi/abs/10.1145/...``."""
        article = 3_000_000 + scramble(index, 7_000_000, self.salt["acm"])
        proceedings = self.rng.randint(3_580_000, 3_699_999)
        form = "pdf" if self.rng.random() < 0.6 else "abs"
        return f"https://dl.acm.org/doi/{form}/10.1145/{proceedings}.{article}"

    def openreview(self, index: int, title: str) -> str:
        """OpenReview ``pdf?id=`` or ``forum?id=`` with a 10-character id."""
        paper_id = base62(scramble(index, 62**10, self.salt["openreview"]), 10)
        form = "pdf" if self.rng.random() < 0.7 else "forum"
        return f"https://openreview.net/{form}?id={paper_id}"

    def web(self, index: int, title: str) -> str:
        """A plain web page: proceedings, USENIX, blogs, technical reports, ..."""
        makers = (self.pmlr, self.usenix, self.neurips, self.blog, self.report, self.acl_aaai)
        url = self.rng.choices(makers, (25, 15, 15, 15, 15, 15))[0](index, title)
        return add_tracking(url, self.rng) if self.rng.random() < 0.08 else url

    def pmlr(self, index: int, title: str) -> str:
        """PMLR ``/v202/name23a.html`` or ``/v139/name21a/name21a.pdf``."""
        volume, year = self.rng.choice(((139, 21), (162, 22), (202, 23), (235, 24)))
        name = f"{self.rng.choice(SURNAMES)}{year}{base26(index)}"
        if self.rng.random() < 0.5:
            return f"https://proceedings.mlr.press/v{volume}/{name}.html"
        return f"https://proceedings.mlr.press/v{volume}/{name}/{name}.pdf"

    def usenix(self, index: int, title: str) -> str:
        """USENIX presentation page or ``/system/files/osdi24-name.pdf``."""
        conference = self.rng.choice(("osdi", "nsdi", "atc", "fast", "sec"))
        year = self.rng.randint(20, 25)
        name = f"{self.rng.choice(SURNAMES)}-{base26(index)}"
        if self.rng.random() < 0.5:
            return f"https://www.usenix.org/conference/{conference}{year}/presentation/{name}"
        return f"https://www.usenix.org/system/files/{conference}{year}-{name}.pdf"

    def neurips(self, index: int, title: str) -> str:
        """NeurIPS proceedings PDF; the hash starts with a scrambled index, so it is unique."""
        unique = scramble(index, 16**8, self.salt["neurips"])
        filler = hashlib.md5(title.encode("utf-8"), usedforsecurity=False).hexdigest()[:24]
        digest = f"{unique:08x}{filler}"
        year = self.rng.randint(2019, 2024)
        return (
            f"https://proceedings.neurips.cc/paper_files/paper/{year}/file/"
            f"{digest}-Paper-Conference.pdf"
        )

    def blog(self, index: int, title: str) -> str:
        """A blog post named after the (unique) title."""
        host = self.rng.choice(
            (
                "https://developer.nvidia.com/blog/",
                "https://www.microsoft.com/en-us/research/blog/",
                "https://research.google/blog/",
            )
        )
        return f"{host}{slugify(title)}/"

    def report(self, index: int, title: str) -> str:
        """A university technical report PDF."""
        year = self.rng.randint(2020, 2025)
        return self.rng.choice(
            (
                f"https://www2.eecs.berkeley.edu/Pubs/TechRpts/{year}/EECS-{year}-{index + 1}.pdf",
                f"http://reports-archive.adm.cs.cmu.edu/anon/{year}/CMU-CS-{year % 100}-"
                f"{index + 1}.pdf",
                f"https://www.diva-portal.org/smash/get/diva2:{1_000_000 + index}/FULLTEXT01.pdf",
            )
        )

    def acl_aaai(self, index: int, title: str) -> str:
        """An ACL Anthology PDF or an AAAI article page."""
        if self.rng.random() < 0.5:
            venue = self.rng.choice(("findings-acl", "acl-long", "emnlp-main", "naacl-long"))
            year = self.rng.randint(2020, 2025)
            return f"https://aclanthology.org/{year}.{venue}.{index + 1}.pdf"
        return f"https://ojs.aaai.org/index.php/AAAI/article/view/{20_000 + index}"


# --- Code links ---------------------------------------------------------------------------


class CodeLinks:
    """Make the Code cell: ``N/A`` or a ``[GitHub](...)`` link to a repository of its own."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Owners are taken, so an organisation-only link never names an owner of another row.
        self.seen: set[str] = {owner.lower() for owner in CODE_OWNERS}
        self.last_number: dict[str, int] = {}

    def cell(self, title: str, missing_share: float) -> str:
        """Return ``N/A`` (with probability ``missing_share``) or a code link for ``title``."""
        if self.rng.random() < missing_share:
            return "N/A"
        return f"[GitHub]({self.url(title)})"

    def url(self, title: str) -> str:
        """A GitHub repository URL in one of the real list's spellings, or a project page."""
        repo = self.claim(self.rng.choice(CODE_OWNERS), self.repo_name(title))
        owner, name = repo.split("/")
        form = self.rng.choices(
            ("plain", "git", "slash", "tree", "owner", "pages", "gitlab"),
            (72, 7, 6, 6, 2, 5, 2),
        )[0]
        if form == "owner":
            return f"https://github.com/{name}"  # An organisation named after the project.
        if form == "pages":
            return f"https://{name.lower()}.github.io/"
        if form == "gitlab":
            return f"https://gitlab.com/{owner}/{name}"
        suffix = {"plain": "", "git": ".git", "slash": "/"}.get(form)
        if suffix is None:
            suffix = f"/tree/{self.rng.choice(USUAL_BRANCHES)}"
        return f"https://github.com/{owner}/{name}{suffix}"

    def repo_name(self, title: str) -> str:
        """Name the repository after the title's system name, else after its first words."""
        head, _, rest = title.partition(": ")
        name = head if rest and " " not in head else "-".join(title.split()[:3])
        return re.sub(r"[^A-Za-z0-9-]+", "", name.replace("++", "PP")) or "project"

    def claim(self, owner: str, name: str) -> str:
        """Return ``owner/name`` made unique (case-insensitively, also by ``name`` alone)."""
        candidate, number = name, self.last_number.get(name.lower(), 1)
        while candidate.lower() in self.seen:
            number += 1
            candidate = f"{name}-v{number}"
        self.seen.add(candidate.lower())
        self.last_number[name.lower()] = number
        return f"{owner}/{candidate}"


# --- Rows ---------------------------------------------------------------------------------


def llm_row(number: int, title: str, link: str, code: str, rng: random.Random) -> str:
    """A table-I row, sometimes with one of the real list's spacing quirks."""
    quirk = rng.random()
    number_cell = f"| {number}|" if quirk < QUIRK_RATE else f"| {number} |"
    title_cell = f"{title}|" if QUIRK_RATE <= quirk < 2 * QUIRK_RATE else f"{title} |"
    lead = "" if 2 * QUIRK_RATE <= quirk < 3 * QUIRK_RATE else " "
    code_lead = "  " if 3 * QUIRK_RATE <= quirk < 4 * QUIRK_RATE and code != "N/A" else " "
    return f"{number_cell}{lead}{title_cell} [Link]({link}) |{code_lead}{code} |"


def vlm_row(title: str, link: str, code: str, rng: random.Random) -> str:
    """A table-II row, sometimes with two spaces before the code link."""
    code_lead = "  " if rng.random() < QUIRK_RATE and code != "N/A" else " "
    return f"| {title} | [Link]({link}) |{code_lead}{code} |"


def slm_row(name: str, size: str, link: str, rng: random.Random) -> str:
    """A table-III row, sometimes with no space before the size (``|125M |``)."""
    size_cell = f"|{size} |" if rng.random() < QUIRK_RATE else f"| {size} |"
    return f"| **{name}** {size_cell} [link]({link}) |"


def draw_size(rng: random.Random) -> str:
    """A parameter count such as ``124M``, ``14.5M``, ``1.1B``, ``7B`` or ``<=1B``."""
    roll = rng.random()
    if roll < 0.55:
        return f"{rng.choice(SLM_MILLIONS)}M"
    if roll < 0.97:
        return f"{rng.choice(SLM_BILLIONS)}B"
    return rng.choice(("<=1B", "<=3B", "<=500M"))


def draw_model_name(rng: random.Random, size: str) -> str:
    """A model name such as ``Pythia-2 160M``, ``Gemma (2B)`` or ``Qwen 1.5 Chat 32k``."""
    name = rng.choice(SLM_FAMILIES) + rng.choice(SLM_VERSIONS)
    if not size.startswith("<") and rng.random() < 0.7:
        name += f" ({size})" if rng.random() < 0.15 else f" {size}"
    parts = (name, rng.choice(SLM_VARIANTS), rng.choice(SLM_CONTEXTS))
    return " ".join(part for part in parts if part)


def model_link(name: str, rng: random.Random) -> str:
    """A Hugging Face model URL for ``name`` (unique as names are), or another page."""
    path = re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-")
    roll = rng.random()
    if roll < 0.9:
        return f"https://huggingface.co/{rng.choice(HF_ORGS)}/{path}"
    slug = slugify(name)
    if roll < 0.94:
        return f"https://huggingface.co/docs/transformers/en/model_doc/{slug}"
    if roll < 0.97:
        return add_tracking(f"https://deepmind.google/technologies/{slug}/", rng)
    return f"https://www.microsoft.com/en-us/research/blog/{slug}-small-language-model/"


# --- Document -----------------------------------------------------------------------------


def llm_table(
    count: int, rng: random.Random, names: UniqueNames, links: PaperLinks, code: CodeLinks
) -> list[str]:
    """Rows of table I, numbered 1..count, for entry indexes 0..count-1."""
    rows = []
    for index in range(count):
        survey = rng.random() < SURVEY_SHARE
        title = names.take(lambda s=survey: draw_title(rng, s, vlm=False), index)
        cell = f"{SURVEY_MARKER}{title}" if survey else title
        link = links.link(index, title, vlm=False)
        code_cell = "N/A" if survey else code.cell(title, missing_share=0.6)
        rows.append(llm_row(index + 1, cell, link, code_cell, rng))
    return rows


def vlm_table(
    first: int,
    count: int,
    rng: random.Random,
    names: UniqueNames,
    links: PaperLinks,
    code: CodeLinks,
) -> list[str]:
    """Rows of table II, for entry indexes first..first+count-1."""
    rows = []
    for index in range(first, first + count):
        title = names.take(lambda: draw_title(rng, survey=False, vlm=True), index)
        link = links.link(index, title, vlm=True)
        rows.append(vlm_row(title, link, code.cell(title, missing_share=0.35), rng))
    return rows


def slm_table(first: int, count: int, rng: random.Random, names: UniqueNames) -> list[str]:
    """Rows of table III, for entry indexes first..first+count-1."""
    rows = []
    for index in range(first, first + count):
        size = draw_size(rng)
        name = names.take(lambda s=size: draw_model_name(rng, s), index, "{} Revision {}")
        rows.append(slm_row(name, size, model_link(name, rng), rng))
    return rows


def generate(entries: int, seed: int = 0) -> str:
    """Return the text of a synthetic list with ``entries`` entries.

    >>> text = generate(10)
    >>> text.count("| [Link](http"), text.count("| [link](http")
    (9, 1)
    >>> generate(10) == text
    True
    """
    if not 0 <= entries <= MAX_ENTRIES:
        raise ValueError(f"entries must be between 0 and {MAX_ENTRIES}, not {entries}")
    rng = random.Random(seed)
    names, links, code = UniqueNames(), PaperLinks(rng), CodeLinks(rng)
    n_llm, n_vlm, n_slm = split_sizes(entries)
    lines = [*HEADER_LINES, *LLM_TABLE_HEAD]
    lines += llm_table(n_llm, rng, names, links, code)
    lines += ["---", "", *VLM_TABLE_HEAD]
    lines += vlm_table(n_llm, n_vlm, rng, names, links, code)
    lines += ["---", "", *SLM_TABLE_HEAD]
    lines += slm_table(n_llm + n_vlm, n_slm, rng, names)
    lines.append("---")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and write the list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, required=True, help="number of entries")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    try:
        text = generate(args.entries, args.seed)
    except ValueError as error:
        parser.error(str(error))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    n_llm, n_vlm, n_slm = split_sizes(args.entries)
    print(f"wrote {args.out}: {n_llm} + {n_vlm} + {n_slm} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
