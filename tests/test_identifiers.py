"""Each normalisation rule of identifiers.py, table-driven."""

import random
import re
import string
import unicodedata
from pathlib import Path

import pytest

from dllm_kg import identifiers
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.identifiers import Scheme, iri_safe, normalise, slug, strip_tracking
from dllm_kg.parse import parse_file

from .conftest import DATA

ARXIV = [
    ("https://arxiv.org/pdf/2305.05920.pdf", "2305.05920"),
    ("https://arxiv.org/pdf/2402.11505", "2402.11505"),
    ("https://arxiv.org/abs/2401.09135v2", "2401.09135"),
    ("https://arxiv.org/pdf/2401.09135v3.pdf", "2401.09135"),
    ("http://www.arxiv.org/abs/2312.06353/", "2312.06353"),
    ("https://export.arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
]
DOI = [
    ("https://dl.acm.org/doi/pdf/10.1145/3641512.3686358", "10.1145/3641512.3686358"),
    ("https://dl.acm.org/doi/abs/10.1145/3673038.3673043", "10.1145/3673038.3673043"),
    ("https://dl.acm.org/doi/10.1145/3543507.3583518", "10.1145/3543507.3583518"),
    ("https://doi.org/10.1109/TPDS.2024.1", "10.1109/tpds.2024.1"),
]
IEEE = [
    ("https://ieeexplore.ieee.org/abstract/document/10476280?casa_token=qIdC:2mc", "10476280"),
    ("https://ieeexplore.ieee.org/document/10669603", "10669603"),
    ("https://ieeexplore.ieee.org/document/10669603/", "10669603"),
]
OPENREVIEW = [
    ("https://openreview.net/pdf?id=HkgNdt26Z", "HkgNdt26Z"),
    ("https://openreview.net/forum?id=HkgNdt26Z", "HkgNdt26Z"),
]
GITHUB = [
    ("https://github.com/OpenAI/CLIP", "openai/clip"),
    ("https://github.com/UbiquitousLearning/FwdLLM.git", "ubiquitouslearning/fwdllm"),
    ("https://github.com/alibaba/FederatedScope/tree/llm", "alibaba/federatedscope"),
    ("https://github.com/FDU-INC/Split_LoRA/", "fdu-inc/split_lora"),
    ("https://www.github.com/volcengine/verl/blob/main/README.md", "volcengine/verl"),
]
HUGGING_FACE = [
    ("https://huggingface.co/openai-community/gpt2", "openai-community/gpt2"),
    ("https://huggingface.co/google/flan-t5-small/", "google/flan-t5-small"),
    ("https://huggingface.co/gpt2", "gpt2"),
]
WEB = [
    "https://proceedings.mlr.press/v202/markov23a.html",
    "https://www.usenix.org/system/files/osdi24-fu.pdf",
    "https://huggingface.co/docs/transformers/en/model_doc/mobilebert",
    "https://llava-vl.github.io/",
    "https://github.com/",
]


@pytest.mark.parametrize(("link", "value"), ARXIV)
def test_arxiv_links_give_one_id_and_the_abstract_page(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.ARXIV, value)
    assert identifier.url == f"https://arxiv.org/abs/{value}"


@pytest.mark.parametrize(("link", "value"), DOI)
def test_doi_links_resolve_at_doi_org(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.DOI, value)
    assert identifier.url == f"https://doi.org/{value}"


@pytest.mark.parametrize(("link", "value"), IEEE)
def test_ieee_documents_drop_abstract_and_tokens(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.IEEE, value)
    assert identifier.url == f"https://ieeexplore.ieee.org/document/{value}"


@pytest.mark.parametrize(("link", "value"), OPENREVIEW)
def test_openreview_pdf_becomes_forum(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.OPENREVIEW, value)
    assert identifier.url == f"https://openreview.net/forum?id={value}"


@pytest.mark.parametrize(("link", "value"), GITHUB)
def test_github_variants_are_one_repository(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.GITHUB, value)
    assert identifier.url == f"https://github.com/{value}"


def test_github_account_is_not_a_repository() -> None:
    identifier = normalise("https://github.com/fast-inference-serving")
    assert (identifier.scheme, identifier.value) == (
        Scheme.GITHUB_ACCOUNT,
        "fast-inference-serving",
    )


@pytest.mark.parametrize(("link", "value"), HUGGING_FACE)
def test_hugging_face_model_ids(link: str, value: str) -> None:
    identifier = normalise(link)
    assert (identifier.scheme, identifier.value) == (Scheme.HUGGING_FACE, value)
    assert identifier.url == f"https://huggingface.co/{value}"


@pytest.mark.parametrize("link", WEB)
def test_other_links_stay_plain_web_links(link: str) -> None:
    identifier = normalise(link)
    assert identifier.scheme == Scheme.WEB
    assert identifier.url == link


@pytest.mark.parametrize(
    ("link", "clean", "stripped"),
    [
        (
            "https://deepmind.google/technologies/gemini/nano/?utm_source=chatgpt.com",
            "https://deepmind.google/technologies/gemini/nano/",
            ("utm_source",),
        ),
        (
            "https://a.org/p?id=3&utm_medium=x&utm_campaign=y",
            "https://a.org/p?id=3",
            ("utm_medium", "utm_campaign"),
        ),
        ("https://a.org/p?casa_token=AB:cd", "https://a.org/p", ("casa_token",)),
        ("https://a.org/p?id=3", "https://a.org/p?id=3", ()),
    ],
)
def test_tracking_parameters_are_stripped(link: str, clean: str, stripped: tuple[str, ...]) -> None:
    assert strip_tracking(link) == (clean, stripped)


def test_tracking_is_stripped_from_web_links_too() -> None:
    identifier = normalise(
        "https://deepmind.google/technologies/gemini/nano/?utm_source=chatgpt.com"
    )
    assert identifier.url == "https://deepmind.google/technologies/gemini/nano/"
    assert identifier.stripped == ("utm_source",)


def test_characters_not_allowed_in_iris_are_encoded() -> None:
    assert iri_safe('https://a.org/x y"<z>') == "https://a.org/x%20y%22%3Cz%3E"


def test_openreview_ids_are_encoded_in_the_forum_link() -> None:
    identifier = normalise("https://openreview.net/pdf?id=a%20b%3E%22c")
    assert identifier.url == "https://openreview.net/forum?id=a%20b%3E%22c"


# Slugs -----------------------------------------------------------------------------------------

SLUGS = [
    ("FLoRA: Enhancing Vision-Language Models", "flora-enhancing-vision-language-models"),
    ("Σ-Net: Federated Learning", "σ-net-federated-learning"),  # noqa: RUF001
    ("Ω-Net: Federated Learning", "ω-net-federated-learning"),
    ("联邦学习大模型综述", "联邦学习大模型综述"),
    ("Café — Straße", "cafe-strasse"),  # accents with an ASCII form go; the dash goes
    ("ガス: 分散学習", "ガス-分散学習"),  # the voicing mark stays: not カス
    ("분산 추론", "분산-추론"),  # Hangul syllables, not their letters one by one
    ("हिन्दी भाषा", "हिन्दी-भाषा"),  # vowel signs stay with their letters
    ("Ｆｉｎｅ-ﬁtting ＬＬＭｓ", "fine-fitting-llms"),  # noqa: RUF001 - full-width, ligature
    ("zero\u200bwidth \u202ebidi\u202c", "zerowidth-bidi"),  # invisible controls go
    ("✅ ***", ""),
]


@pytest.mark.parametrize(("text", "expected"), SLUGS)
def test_slugs_keep_letters_without_an_ascii_form(text: str, expected: str) -> None:
    assert slug(text) == expected
    assert slug(expected) == expected
    assert unicodedata.is_normalized("NFC", expected)


def ascii_slug(text: str) -> str:
    """The slug as it was before letters without an ASCII form were kept."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


@pytest.mark.parametrize(
    "source",
    [
        DEFAULT_SOURCE,
        DATA / "custom-list.md",
        DATA / "hostile-list.md",
        DATA / "validate/defects.md",
    ],
    ids=lambda source: source.name,
)
def test_slugs_of_ascii_titles_are_unchanged(source: Path) -> None:
    parsed = parse_file(source)
    for text in [row.title for row in parsed.papers] + [row.name for row in parsed.models]:
        assert slug(text) == ascii_slug(text), text


def test_the_ascii_fast_path_of_slug_equals_the_general_one() -> None:
    """slug() reads ASCII text in one pass; the general path must give the same slugs."""
    rng = random.Random(12)
    for _ in range(5000):
        text = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 30)))
        folded = unicodedata.normalize("NFKD", text.casefold())
        general = re.sub(r"-{2,}", "-", "".join(identifiers._slug_characters(folded))).strip("-")
        assert slug(text) == general, repr(text)
