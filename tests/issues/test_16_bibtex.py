"""Issue #16, items 1, 2 and 5: both list versions give the same IRIs; the May 2025 list's
BibTeX block enriches its papers with authors, years and venues; `dllm-kg bibtex` writes
every paper back as BibTeX.

The expected authors, years and venues below were read by hand from the ```bibtex block of
data/awesome-distributed-LLM-2025-05.md (the line of each entry is given), not produced by
running the reader.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pyoxigraph as ox
import pytest
from bibtexparser import middlewares

from dllm_kg.bibtex import citation_key, match_citations, render_bibtex, summary
from dllm_kg.constants import DATA_DIR, DEFAULT_SOURCE
from dllm_kg.namespaces import PAPER, PREFIXES, REFERENCE
from dllm_kg.parse import parse_text
from dllm_kg.pipeline import graph_of, load
from dllm_kg.query import KnowledgeGraph
from dllm_kg.records import ParsedList, Severity

MAY_2025 = DATA_DIR / "awesome-distributed-LLM-2025-05.md"


@pytest.fixture(scope="module")
def newer() -> tuple[ParsedList, ox.Store]:
    """The May 2025 list, parsed and built once for this module."""
    return load(MAY_2025)


@pytest.fixture(scope="module")
def older() -> tuple[ParsedList, ox.Store]:
    return load(DEFAULT_SOURCE)


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(query, prefixes=PREFIXES)
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def values(store: ox.Store, query: str) -> list[str]:
    return [row[0].value for row in store.query(query, prefixes=PREFIXES)]


def authors(store: ox.Store, key: str) -> list[str]:
    """A paper's author names, ordered by their place on its author list."""
    return values(
        store,
        f"SELECT ?name WHERE {{ <{PAPER[key]}> dllm:authorship ?place . "
        "?place schema:position ?position ; dllm:author/foaf:name ?name } ORDER BY ?position",
    )


def one(store: ox.Store, key: str, prop: str) -> list[str]:
    return values(store, f"SELECT ?v WHERE {{ <{PAPER[key]}> {prop} ?v }}")


# 1. Both versions give the same IRIs ------------------------------------------------------------


@pytest.mark.parametrize("klass", ["Paper", "Model", "Repository"])
def test_both_versions_give_the_same_iris(older, newer, klass: str) -> None:
    query = f"SELECT ?node WHERE {{ ?node a dllm:{klass} }} ORDER BY ?node"
    old, new = values(older[1], query), values(newer[1], query)
    assert old == new and len(old) == {"Paper": 109, "Model": 36, "Repository": 35}[klass]


def test_bibtex_keys_are_the_same_in_both_versions(older, newer) -> None:
    old = re.findall(r"^@\w+\{([^,]+),", render_bibtex(older[1]), re.MULTILINE)
    new = re.findall(r"^@\w+\{([^,]+),", render_bibtex(newer[1]), re.MULTILINE)
    assert old == new and len(old) == len(set(old)) == 109


# 2. Enrichment, checked by hand -----------------------------------------------------------------

#: Paper key -> its authors, in order, as the entry the reader should choose gives them.
BY_HAND = {
    # line 405, 2wu2023fastLLM (the list's link 2305.05920 is also row 7's: the title decides)
    "fast-distributed-inference-serving-for-large-language-models": [
        "Bingyang Wu",
        "Yinmin Zhong",
        "Zili Zhang",
        "Gang Huang",
        "Xuanzhe Liu",
        "Xin Jin",
    ],
    # line 435, 7borzunov2024distributedLLM
    "distributed-inference-and-fine-tuning-of-large-language-models-over-the-internet": [
        "Alexander Borzunov",
        "Max Ryabinin",
        "Artem Chumachenko",
        "Dmitry Baranchuk",
        "Tim Dettmers",
        "Younes Belkada",
        "Pavel Samygin",
        "Colin A Raffel",
    ],
    # line 490, 16xu2023fwdllmLLM
    "fwdllm-efficient-fedllm-using-forward-gradient": [
        "Mengwei Xu",
        "Dongqi Cai",
        "Yaozong Wu",
        "Xiang Li",
        "Shangguang Wang",
    ],
    # line 577, 30chua2023fedpeatLLM: no commas, so BibTeX reads "First ... Last" names; the
    # title differs ("AI" for "Artificial Intelligence"), the arXiv id (shared with row 29) decides
    "fedpeat-convergence-of-federated-learning-parameter-efficient-fine-tuning-and-emulator-"
    "assisted-tuning-for-artificial-intelligence-foundation-models-with-mobile-edge-computing": [
        "Chua Terence Jie",
        "Liang Chen",
        "Yuan Xuesong",
        "Zhao Xudong",
        "Feng Bo",
    ],
    # line 411, 3li2024distflashattnLLM
    "distflashattn-distributed-memory-efficient-attention-for-long-context-llms-training": [
        "Dacheng Li",
        "Rulin Shao",
        "Anze Xie",
        "Eric P Xing",
        "Xuezhe Ma",
        "Ion Stoica",
        "Joseph E Gonzalez",
        "Hao Zhang",
    ],
    # line 1289, 102vlmliu2024visual (four authors; liu2023llava at line 645 has "and others")
    "visual-instruction-tuning": ["Haotian Liu", "Chunyuan Li", "Qingyang Wu", "Yong Jae Lee"],
    # line 633, alayrac2022flamingo: three names and "others" (left out)
    "flamingo-a-visual-language-model-for-few-shot-learning": [
        "Jean-Baptiste Alayrac",
        "Adria Recasens",
        "Raphaël Schneider",
    ],
    # line 1153, 100nguyen2024flora: "Munoz, J Pablo"; the block spells him "Mu{\~n}oz" first
    # (line 721), and one person is one node with one name
    "flora-enhancing-vision-language-models-with-parameter-efficient-federated-learning": [
        "Duy Phuong Nguyen",
        "J Pablo Muñoz",
        "Ali Jannesari",
    ],
    # line 953, 76huang2024edgellm
    "edgellm-a-highly-efficient-cpu-fpga-heterogeneous-edge-accelerator-for-large-language-"
    "models": [
        "Mingqiang Huang",
        "Ao Shen",
        "Kai Li",
        "Haoxiang Peng",
        "Boyu Li",
        "Hao Yu",
    ],
    # line 1308, 105vlmimteaj2024tripleplay
    "tripleplay-enhancing-federated-learning-with-clip-for-non-iid-data-and-resource-efficiency": [
        "Ahmed Imteaj",
        "Md Zarif Hossain",
        "Saika Zaman",
        "Abdur R Shahid",
    ],
    # line 1327, 108vlmradford2021learning: ten names and "others"
    "learning-transferable-visual-models-from-natural-language-supervision": [
        "Alec Radford",
        "Jong Wook Kim",
        "Chris Hallacy",
        "Aditya Ramesh",
        "Gabriel Goh",
        "Sandhini Agarwal",
        "Girish Sastry",
        "Amanda Askell",
        "Pamela Mishkin",
        "Jack Clark",
    ],
    # line 1302, 104vlmzhuminigpt (five authors; Zhu2023minigpt4 at line 1247 has "Zhu, D. and
    # others" only)
    "minigpt-4-enhancing-vision-language-understanding-with-advanced-large-language-models": [
        "Deyao Zhu",
        "Jun Chen",
        "Xiaoqian Shen",
        "Xiang Li",
        "Mohamed Elhoseiny",
    ],
    # line 996, 83friha2024llm
    "llm-based-edge-intelligence-a-comprehensive-survey-on-architectures-applications-security-"
    "and-trustworthiness": [
        "Othmane Friha",
        "Mohamed Amine Ferrag",
        "Burak Kantarci",
        "Burak Cakmak",
        "Arda Ozgun",
        "Nassira Ghoualmi-Zine",
    ],
}


@pytest.mark.parametrize("key", BY_HAND, ids=lambda key: key[:40])
def test_authors_in_order_as_the_bibtex_block_gives_them(newer, key: str) -> None:
    assert authors(newer[1], key) == BY_HAND[key]
    creators = one(newer[1], key, "dcterms:creator/foaf:name")
    assert sorted(creators) == sorted(set(BY_HAND[key]))


@pytest.mark.parametrize(
    ("key", "year", "venue"),
    [
        # line 435: journal and year 2024 (its arXiv id, 2305.05920, would say 2023)
        (
            "distributed-inference-and-fine-tuning-of-large-language-models-over-the-internet",
            "2024",
            "Advances in Neural Information Processing Systems",
        ),
        # line 1302: booktitle
        (
            "minigpt-4-enhancing-vision-language-understanding-with-advanced-large-language-models",
            "2024",
            "The Twelfth International Conference on Learning Representations",
        ),
        # line 490
        (
            "fwdllm-efficient-fedllm-using-forward-gradient",
            "2023",
            "arXiv preprint arXiv:2308.13894",
        ),
        # line 1308
        (
            "tripleplay-enhancing-federated-learning-with-clip-for-non-iid-data-and-resource-"
            "efficiency",
            "2024",
            "2024 IEEE Conference on Big Data",
        ),
    ],
)
def test_year_and_venue(newer, key: str, year: str, venue: str) -> None:
    store = newer[1]
    assert one(store, key, "dcterms:issued") == [year]
    assert one(store, key, "dllm:venue") == [venue]
    datatypes = values(store, f"SELECT (DATATYPE(?y) AS ?t) {{ <{PAPER[key]}> dcterms:issued ?y }}")
    assert datatypes == ["http://www.w3.org/2001/XMLSchema#gYear"]


def test_unmatched_papers_get_their_year_from_the_arxiv_id(newer, older) -> None:
    # Row 95 (line 125): 2402.11505, which no entry of the block gives.
    key = (
        "federated-fine-tuning-of-large-language-models-under-heterogeneous-tasks-and-client-"
        "resources"
    )
    assert authors(newer[1], key) == []
    assert one(newer[1], key, "dcterms:issued") == ["2024"]
    # The bundled list has no BibTeX block: every paper with an arXiv link has its year.
    query = "SELECT ?p WHERE { ?p dllm:arxivId ?a FILTER NOT EXISTS { ?p dcterms:issued ?y } }"
    assert values(older[1], query) == []
    assert len(values(older[1], "SELECT ?p WHERE { ?p a dllm:Paper ; dcterms:issued ?y }")) == 83
    assert values(older[1], "SELECT ?p WHERE { ?p a dllm:Paper ; dcterms:creator ?a }") == []


def test_how_many_matched_and_which_papers_not(newer) -> None:
    parsed = newer[0]
    matching = match_citations(parsed)
    titles = {key: rows[0].title for key, rows in _groups(parsed).items()}
    unmatched = sorted(titles[key] for key in set(titles) - set(matching.papers))
    assert unmatched == [
        "CLIP-Guided Federated Learning on Heterogeneity and Long-Tailed Data",
        "Federated Fine-tuning of Large Language Models under Heterogeneous Tasks and Client "
        "Resources",
    ]
    # 360 entries in the block, two of them a key used a second time (lines 2398 and 2427).
    assert len(parsed.citations) == 358
    assert summary(parsed).startswith("358 entries, ")
    assert f"({len(matching.papers)} papers enriched)" in summary(parsed)
    dupes = [f for f in parsed.findings if f.code == "bibtex-duplicate-key"]
    assert [(f.line, f.severity) for f in dupes] == [
        (2398, Severity.WARNING),
        (2427, Severity.WARNING),
    ]


def _groups(parsed: ParsedList) -> dict:
    from dllm_kg.graph import group_papers

    return group_papers(parsed.papers)


def test_entries_that_match_nothing_are_references_not_papers(newer) -> None:
    store = newer[1]
    # Line 208, shannon1951prediction: no listed paper.
    shannon = REFERENCE["prediction-and-entropy-of-printed-english"]
    rows = select(
        store,
        f"SELECT ?title ?year ?venue WHERE {{ <{shannon}> a dllm:Reference ; "
        "dcterms:title ?title ; dcterms:issued ?year ; dllm:venue ?venue }",
    )
    assert rows == [
        {
            "title": "Prediction and entropy of printed English",
            "year": "1951",
            "venue": "Bell system technical journal",
        }
    ]
    names = values(
        store,
        f"SELECT ?n WHERE {{ <{shannon}> dllm:authorship/dllm:author/foaf:name ?n }}",
    )
    assert names == ["Claude E Shannon"]
    both = values(store, "SELECT ?r WHERE { ?r a dllm:Reference , dllm:Paper }")
    assert both == []
    assert len(values(store, "SELECT ?r WHERE { ?r a dllm:Reference }")) == len(
        match_citations(newer[0]).references
    )


def test_papers_by_author_and_describe_paper(newer) -> None:
    kg = KnowledgeGraph(newer[1])
    rows = kg.run("papers-by-author", author="Mengwei Xu").records()
    # Lines 509 (FedRDMA, 2024, fourth of six) and 490 (FwdLLM, 2023, first); newest first.
    assert [(str(r["title"]), int(str(r["position"])), str(r["year"])) for r in rows] == [
        (
            "FedRDMA: Communication-Efficient Cross-Silo Federated LLM via Chunked RDMA "
            "Transmission",
            4,
            "2024",
        ),
        ("FwdLLM: Efficient FedLLM Using Forward Gradient", 1, "2023"),
    ]
    on_rdflib = kg.run("papers-by-author", author="mengwei xu", engine="rdflib").rows
    assert on_rdflib == kg.run("papers-by-author", author="mengwei xu").rows
    described = kg.run("describe-paper")
    names = {str(o) for _, p, o in described.triples if str(p).endswith("/0.1/name")}
    assert names == set(BY_HAND["fwdllm-efficient-fedllm-using-forward-gradient"])


# A small list written for the test ---------------------------------------------------------------

SMALL = """# I. Distributed LLMs
| No. | Paper Title | Url | Code |
|-|-|-|-|
| 1 | Alpha: Federated Things | [Link](https://arxiv.org/pdf/2401.00001.pdf) | N/A |
| 2 | Beta & Gamma: 50% Faster LoRA | [Link](https://example.org/beta) | N/A |
| 3 | Delta Without Citation | [Link](https://arxiv.org/abs/2402.00002) | N/A |

## Citation

```bibtex
@article{alpha,
  title={A title the list does not use},
  author={M{\\"u}ller, Jo and van der Berg, Jan and others},
  journal={arXiv preprint arXiv:2401.00001},
  year={2023}
}
@inproceedings{beta,
  title={Beta \\& {Gamma}: 50\\% faster {LoRA}},
  author={Doe, Jane},
  booktitle={Proc. of Things},
  year={2024}
}
@book{other,
  title={A Book Nobody Listed},
  author={{The Team}},
  year={1999}
}
@article{broken,
  title={never closed,
@misc{after, title={Read After A Broken Entry}, author={Roe, Rick}, year={2020}}
```
"""


@pytest.fixture(scope="module")
def small() -> tuple[ParsedList, ox.Store]:
    parsed = parse_text(SMALL, "small.md")
    return parsed, graph_of(parsed)[1]


def test_small_list_match_by_id_by_title_and_none(small) -> None:
    parsed, store = small
    matching = match_citations(parsed)
    assert {key: c.key for key, c in matching.papers.items()} == {
        "alpha-federated-things": "alpha",  # by arXiv id (the titles differ)
        "beta-gamma-50-faster-lora": "beta",  # by title (no identifier)
    }
    assert sorted(matching.references) == ["a-book-nobody-listed", "read-after-a-broken-entry"]
    assert authors(store, "alpha-federated-things") == ["Jo Müller", "Jan van der Berg"]
    assert one(store, "alpha-federated-things", "dcterms:issued") == ["2023"]
    assert one(store, "beta-gamma-50-faster-lora", "dllm:venue") == ["Proc. of Things"]
    assert one(store, "delta-without-citation", "dcterms:issued") == ["2024"]  # 2402.
    team = values(
        store,
        f"SELECT ?n WHERE {{ <{REFERENCE['a-book-nobody-listed']}> dcterms:creator/foaf:name ?n }}",
    )
    assert team == ["The Team"]


def test_a_bad_entry_is_a_finding_with_its_line(small) -> None:
    parsed, _ = small
    [finding] = [f for f in parsed.findings if f.code.startswith("bibtex")]
    line = SMALL.splitlines().index("@article{broken,") + 1
    assert (finding.file, finding.line, finding.severity) == ("small.md", line, Severity.WARNING)
    assert str(finding).startswith(f"small.md:{line}: warning: BibTeX entry not read: ")


def test_the_command_line_names_a_bad_block_without_a_traceback(tmp_path: Path) -> None:
    listed = tmp_path / "list.md"
    listed.write_text(SMALL.replace("@misc{after", "@misc{{{after"), encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, "-m", "dllm_kg", "check", str(listed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in ran.stderr + ran.stdout
    assert re.search(rf"{re.escape(str(listed))}:\d+: warning: BibTeX entry not read", ran.stdout)


# 5. dllm-kg bibtex -----------------------------------------------------------------------------

READ_BACK = (
    middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
    middlewares.SeparateCoAuthors(),
    middlewares.SplitNameParts(),
)


def plain(value: object) -> str:
    return " ".join(str(value).replace("{", "").replace("}", "").split())


def name_of(parts: middlewares.NameParts) -> str:
    return plain(" ".join([*parts.first, *parts.von, *parts.last]))


def graph_entries(store: ox.Store) -> dict[str, dict[str, object]]:
    """What the graph holds of each paper, worked out with SPARQL of its own."""
    found: dict[str, dict[str, object]] = {}
    for row in select(
        store,
        "SELECT ?p ?title ?year ?venue WHERE { ?p a dllm:Paper . "
        "OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p dcterms:issued ?year } "
        "OPTIONAL { ?p dllm:venue ?venue } }",
    ):
        key = citation_key(row["p"])
        found[key] = {
            "title": row.get("title", ""),
            "year": row.get("year", ""),
            "venue": row.get("venue", ""),
            "author": authors(store, row["p"].rsplit("/", 1)[-1]),
        }
    return found


@pytest.mark.parametrize("version", ["older", "newer", "small"])
def test_bibtex_output_read_back_equals_the_graph(request, version: str) -> None:
    store = request.getfixturevalue(version)[1]
    text = render_bibtex(store)
    library = bibtexparser.parse_string(text, append_middleware=READ_BACK)
    assert library.failed_blocks == []
    read = {
        entry.key: {
            "title": plain(entry.get("title").value) if entry.get("title") else "",
            "year": entry.get("year").value if entry.get("year") else "",
            "venue": plain((entry.get("journal") or entry.get("booktitle")).value)
            if (entry.get("journal") or entry.get("booktitle"))
            else "",
            "author": [name_of(p) for p in entry.get("author").value]
            if entry.get("author")
            else [],
        }
        for entry in library.entries
    }
    assert read == graph_entries(store)


def test_bibtex_output_is_valid_for_bibtex_itself(newer, small) -> None:
    """BibTeX needs balanced braces in every field, and LaTeX needs & % $ # _ escaped."""
    for store in (newer[1], small[1]):
        for entry in bibtexparser.parse_string(render_bibtex(store)).entries:
            assert re.fullmatch(r"[a-z0-9-]+", entry.key)
            for field in entry.fields:
                value = str(field.value)
                depth = 0
                for char in re.sub(r"\\[{}]", "", value):
                    depth += {"{": 1, "}": -1}.get(char, 0)
                    assert depth >= 0, (entry.key, field.key)
                assert depth == 0, (entry.key, field.key)
                if field.key not in ("url", "doi", "eprint"):
                    assert not re.search(r"(?<!\\)[&%$#_]", value), (entry.key, field.key)
    small_text = render_bibtex(small[1])
    assert "title = {Beta \\& Gamma: 50\\% Faster {LoRA}}" in small_text
    assert 'author = {M\\"uller, Jo and van der Berg, Jan}' in small_text


def test_the_bibtex_command_writes_the_same_bytes_each_time(tmp_path: Path) -> None:
    out = tmp_path / "papers.bib"
    command = [sys.executable, "-m", "dllm_kg", "bibtex", str(MAY_2025), "-o", str(out)]
    ran = subprocess.run(command, capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == f"wrote {out} (109 entries)"
    first = out.read_bytes()
    subprocess.run(command, capture_output=True, check=True)
    assert out.read_bytes() == first
    printed = subprocess.run(command[:5], capture_output=True, check=True).stdout
    assert printed == first
