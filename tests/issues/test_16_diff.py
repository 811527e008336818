"""#16, item 3: `dllm-kg diff OLD NEW` names what changed between two versions of the list.

Small lists written for the test change one thing per entry (a title, a link, a code link, a
model's size, an annotation, the table a paper is in), add and remove entries; each change is
worked out here by reading the two lists. The two shipped versions of the list differ only
outside their tables (see :func:`test_the_shipped_versions_have_the_same_tables`), so the
diff reports no entry added, removed or changed there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from markdown_it import MarkdownIt
from rdflib.namespace import DCTERMS, RDF

from dllm_kg.cli import main
from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.diff import ListDiff, diff_lists, diff_stores, render_json, render_text
from dllm_kg.namespaces import BIBO, DLLM, MODEL, PAPER, REPOSITORY, TASK
from dllm_kg.pipeline import load

#: The newer shipped version of the list (May 2025, with a BibTeX block).
NEWER = DEFAULT_SOURCE.parent / "awesome-distributed-LLM-2025-05.md"
ARXIV = "[Link](https://arxiv.org/abs/{})"
CODE = "[GitHub](https://github.com/lab/{})"

OLD = f"""# I. Distributed LLMs

| No. | Paper Title | Url | Code |
|---|---|---|---|
| 1 | Fast Serving of Large Language Models | {ARXIV.format("2401.00001")} | N/A |
| 2 | Pipeline Parallel Training at Scale | {ARXIV.format("2401.00002")} | N/A |
| 3 | Federated Learning for Edge Devices | {ARXIV.format("2401.00004")} | N/A |
| 4 | Split Learning with Large Models | {ARXIV.format("2401.00005")} | N/A |
| 5 | Private Inference for LLMs | {ARXIV.format("2401.00006")} | N/A |
| 6 | Gradient Compression for Training | {ARXIV.format("2401.00007")} | {CODE.format("old-code")} |
| 7 | Visual Instruction Tuning at the Edge | {ARXIV.format("2401.00008")} | N/A |

# III. SLMs

| Model Name | Parameters | URL |
|---|---|---|
| **TinyThing** | 1.1B | [link](https://huggingface.co/lab/tinything) |
| **SmallThing** | <=1B | [link](https://huggingface.co/lab/smallthing) |
"""

NEW = f"""# I. Distributed LLMs

| No. | Paper Title | Url | Code |
|---|---|---|---|
| 1 | Fast serving of large language models | {ARXIV.format("2401.00001")} | N/A |
| 2 | Pipeline Parallel Training at Scale | {ARXIV.format("2401.00003")} | N/A |
| 3 | Federated Learning for Edge Devices | {ARXIV.format("2401.00004")} | {CODE.format("edge-fl")}|
| 4 | ✅[Survey Article]Private Inference for LLMs | {ARXIV.format("2401.00006")} | N/A |
| 5 | Gradient Compression for Training | {ARXIV.format("2401.00007")} | {CODE.format("new-code")} |
| 6 | Decentralized \\*Inference\\* over_Networks | {ARXIV.format("2401.00009")} | N/A |

# II. VLMs

| Paper Title | Url | Code |
|---|---|---|
| Visual Instruction Tuning at the Edge | {ARXIV.format("2401.00008")} | N/A |

# III. SLMs

| Model Name | Parameters | URL |
|---|---|---|
| **TinyThing** | 1.5B | [link](https://huggingface.co/lab/tinything) |
| **SmallThing** | <=1B | [link](https://huggingface.co/lab/smallthing) |
"""

#: The title of the added paper as the list shows it (Markdown's escapes read).
ADDED_TITLE = "Decentralized *Inference* over_Networks"

#: What changed from OLD to NEW, worked out by reading them: (kind, name) of each entry.
ADDED = [("paper", ADDED_TITLE), ("repository", "lab/edge-fl"), ("repository", "lab/new-code")]
REMOVED = [("paper", "Split Learning with Large Models"), ("repository", "lab/old-code")]
#: Each changed entry, with each changed field's values as shown: (old, new).
CHANGED = {
    ("paper", "Fast serving of large language models"): {
        "title": (
            ["Fast Serving of Large Language Models"],
            ["Fast serving of large language models"],
        )
    },
    ("paper", "Federated Learning for Edge Devices"): {"has code": ([], ["lab/edge-fl"])},
    ("paper", "Gradient Compression for Training"): {
        "has code": (["lab/old-code"], ["lab/new-code"])
    },
    ("paper", "Pipeline Parallel Training at Scale"): {
        "link": (["https://arxiv.org/abs/2401.00002"], ["https://arxiv.org/abs/2401.00003"]),
        "arXiv identifier": (["2401.00002"], ["2401.00003"]),
    },
    ("paper", "Private Inference for LLMs"): {
        "is survey": (["false"], ["true"]),
        "task": (None, "Survey"),  # the survey task is added to the annotation's tasks
    },
    ("paper", "Visual Instruction Tuning at the Edge"): {
        "listed in": (["I. Distributed LLMs"], ["II. VLMs"])
    },
    ("model", "TinyThing"): {"parameter count": (["1,100,000,000"], ["1,500,000,000"])},
}


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """OLD and NEW written to files."""
    folder = tmp_path_factory.mktemp("diff")
    (folder / "old.md").write_text(OLD, encoding="utf-8")
    (folder / "new.md").write_text(NEW, encoding="utf-8")
    return folder / "old.md", folder / "new.md"


@pytest.fixture(scope="module")
def diff(lists: tuple[Path, Path]) -> ListDiff:
    return diff_lists(*lists)


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The console script's ``main`` in this process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# Small lists -----------------------------------------------------------------------------------


def test_added_and_removed_entries_are_named(diff: ListDiff) -> None:
    assert [(entry.kind, entry.name) for entry in diff.added] == ADDED
    assert [(entry.kind, entry.name) for entry in diff.removed] == REMOVED


def test_each_changed_field_is_reported(diff: ListDiff) -> None:
    reported = {
        (change.kind, change.name): {field.name: field for field in change.fields}
        for change in diff.changed
    }
    assert {entry: set(fields) for entry, fields in reported.items()} == {
        entry: set(fields) for entry, fields in CHANGED.items()
    }
    for entry, fields in CHANGED.items():
        for name, (old, new) in fields.items():
            field = reported[entry][name]
            if old is None:  # a value added to others that stay
                assert [v.text for v in field.added] == [new] and not field.removed, name
                continue
            assert [value.text for value in field.old] == old, (entry, name)
            assert [value.text for value in field.new] == new, (entry, name)


def test_the_report_is_in_a_fixed_order(diff: ListDiff) -> None:
    # kinds in the order paper, model, repository; names alphabetically
    assert [(change.kind, change.name) for change in diff.changed] == list(CHANGED)


def test_diff_exits_1_and_prints_the_changes(
    lists: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(["diff", *map(str, lists)], capsys)
    assert (code, err) == (1, "")
    assert out == render_text(diff_lists(*lists))
    assert "3 added, 2 removed, 7 changed." in out.splitlines()
    assert "  - parameter count: 1,100,000,000 → 1,500,000,000" in out.splitlines()


def test_the_text_report_is_markdown(diff: ListDiff) -> None:
    html = MarkdownIt("commonmark").render(render_text(diff))
    assert f"<h2>dllm-kg diff: <code>{diff.old}</code> → <code>{diff.new}</code></h2>" in html
    headings = re.findall(r"<h3>(.*?)</h3>", html)
    assert headings == ["Added (3)", "Removed (2)", "Changed (7)"]
    # Markdown's characters in a title are shown as they are, not as formatting
    assert f"<li>paper: {ADDED_TITLE}</li>" in html
    # web addresses are links; a changed entry holds a list of its fields
    old_link, new_link = "https://arxiv.org/abs/2401.00002", "https://arxiv.org/abs/2401.00003"
    assert f'link: <a href="{old_link}">{old_link}</a> → <a href="{new_link}">' in html
    assert (
        "<li><strong>model: TinyThing</strong>\n<ul>\n"
        "<li>parameter count: 1,100,000,000 → 1,500,000,000</li>\n</ul>\n</li>"
    ) in html


def test_the_json_report_field_by_field(diff: ListDiff, lists: tuple[Path, Path]) -> None:
    report = json.loads(render_json(diff))
    assert list(report) == [
        "version", "old", "new", "unchanged", "counts", "added", "removed", "changed"
    ]  # fmt: skip
    assert report["version"] == 1
    assert (report["old"], report["new"]) == tuple(map(str, lists))
    assert report["unchanged"] is False
    assert report["counts"] == {"added": 3, "removed": 2, "changed": 7}
    assert report["added"] == [
        {"iri": f"{PAPER}decentralized-inference-over-networks", "kind": "paper",
         "name": ADDED_TITLE},
        {"iri": f"{REPOSITORY}github/lab/edge-fl", "kind": "repository", "name": "lab/edge-fl"},
        {"iri": f"{REPOSITORY}github/lab/new-code", "kind": "repository",
         "name": "lab/new-code"},
    ]  # fmt: skip
    assert report["removed"] == [
        {"iri": f"{PAPER}split-learning-with-large-models", "kind": "paper",
         "name": "Split Learning with Large Models"},
        {"iri": f"{REPOSITORY}github/lab/old-code", "kind": "repository",
         "name": "lab/old-code"},
    ]  # fmt: skip
    changed = {entry["name"]: entry for entry in report["changed"]}
    old_code, new_code = f"{REPOSITORY}github/lab/old-code", f"{REPOSITORY}github/lab/new-code"
    assert changed["Gradient Compression for Training"] == {
        "iri": f"{PAPER}gradient-compression-for-training",
        "kind": "paper",
        "name": "Gradient Compression for Training",
        "fields": [
            {"field": "has code", "property": str(DLLM.hasCode), "old": [old_code],
             "new": [new_code], "added": [new_code], "removed": [old_code]},
        ],
    }  # fmt: skip
    assert changed["TinyThing"] == {
        "iri": f"{MODEL}tinything",
        "kind": "model",
        "name": "TinyThing",
        "fields": [
            {"field": "parameter count", "property": str(DLLM.parameterCount),
             "old": ["1100000000"], "new": ["1500000000"], "added": ["1500000000"],
             "removed": ["1100000000"]},
        ],
    }  # fmt: skip
    private = {field["field"]: field for field in changed["Private Inference for LLMs"]["fields"]}
    assert private["is survey"]["old"] == ["false"] and private["is survey"]["new"] == ["true"]
    assert private["task"]["added"] == [f"{TASK}survey"] and private["task"]["removed"] == []
    assert set(private["task"]["new"]) == {*private["task"]["old"], f"{TASK}survey"}
    moved = changed["Visual Instruction Tuning at the Edge"]["fields"]
    assert [(f["field"], f["old"], f["new"]) for f in moved] == [
        ("listed in", ["I. Distributed LLMs"], ["II. VLMs"])
    ]


def test_json_from_the_command_line(
    lists: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(["diff", *map(str, lists), "--format", "json"], capsys)
    assert code == 1
    assert out == render_json(diff_lists(*lists))
    assert run_main(["diff", *map(str, lists), "-f", "json"], capsys)[1] == out  # deterministic


def test_backwards_is_the_mirror(diff: ListDiff, lists: tuple[Path, Path]) -> None:
    back = diff_lists(lists[1], lists[0])
    assert [(e.kind, e.name) for e in back.added] == REMOVED
    assert [(e.kind, e.name) for e in back.removed] == ADDED
    forth = {change.iri: [(f.name, f.old, f.new) for f in change.fields] for change in diff.changed}
    assert {c.iri: [(f.name, f.new, f.old) for f in c.fields] for c in back.changed} == forth


def test_identical_lists_exit_0_with_no_changes(
    lists: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.md"
    copy.write_text(NEW, encoding="utf-8")
    code, out, err = run_main(["diff", str(lists[1]), str(copy)], capsys)
    assert (code, err) == (0, "")
    assert out == f"## dllm-kg diff: `{lists[1]}` → `{copy}`\n\nNo changes.\n"
    code, out, _ = run_main(["diff", str(lists[1]), str(copy), "-f", "json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["unchanged"] is True
    assert report["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_line_numbers_and_file_names_are_not_changes(tmp_path: Path) -> None:
    # the same rows, three lines lower, in a file of another name
    moved = tmp_path / "moved.md"
    moved.write_text("Some words first.\n\nMore words.\n" + OLD, encoding="utf-8")
    (tmp_path / "old.md").write_text(OLD, encoding="utf-8")
    assert diff_lists(tmp_path / "old.md", moved).unchanged


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.md", "{path}: no such file"),
        (lambda folder: folder, "{path}: is a folder, not a list file"),
        (lambda folder: _written(folder / "prose.md", "Just words.\n"),
         "{path}:1: no paper or model table"),
        (lambda folder: _written(folder / "latin1.md", "caf\xe9\n", "latin-1"),
         "{path}: not UTF-8 text (byte 3)"),
    ],
    ids=["missing", "folder", "not-a-list", "not-utf-8"],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    make: object,
    message: str,
    lists: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    expected = f"dllm-kg: error: {message.format(path=path)}\n"
    for args in ([str(lists[0]), str(path)], [str(path), str(lists[0])]):
        assert run_main(["diff", *args], capsys) == (2, "", expected)


def test_one_list_is_a_usage_error(lists: tuple[Path, Path], capsys: pytest.CaptureFixture[str]):
    code, out, err = run_main(["diff", str(lists[0])], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Missing argument 'NEW'" in err


def _written(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def enriched(store: ox.Store) -> ox.Store:
    """A graph with what a later build may add to a paper: an abstract (a property the
    ontology does not label) and an ordered list of authors (blank nodes, new ones at each
    call)."""
    paper = ox.NamedNode(f"{PAPER}fast-serving-of-large-language-models")
    store.add(ox.Quad(paper, ox.NamedNode(f"{DCTERMS}abstract"), ox.Literal("Serving, fast.")))
    authors = [ox.BlankNode() for _ in range(2)]
    store.add(ox.Quad(paper, ox.NamedNode(f"{BIBO}authorList"), authors[0]))
    first, rest, nil = (ox.NamedNode(f"{RDF}{local}") for local in ("first", "rest", "nil"))
    for node, name, after in zip(
        authors, ("Ada Lovelace", "Alan Turing"), (authors[1], nil), strict=True
    ):
        store.add(ox.Quad(node, first, ox.Literal(name)))
        store.add(ox.Quad(node, rest, after))
    return store


def test_a_new_property_is_a_field_by_its_name(lists: tuple[Path, Path]) -> None:
    # what a later build adds (BibTeX's authors and year, say) needs no code in the diff
    (change,) = diff_stores(load(lists[0])[1], enriched(load(lists[0])[1]), "a", "b").changed
    assert change.name == "Fast Serving of Large Language Models"
    fields = {field.name: field for field in change.fields}
    assert set(fields) == {"abstract", "author list"}
    assert fields["abstract"].old == fields["author list"].old == ()
    assert [value.text for value in fields["abstract"].new] == ["Serving, fast."]
    assert [value.data for value in fields["author list"].new] == [["Ada Lovelace", "Alan Turing"]]
    assert [value.text for value in fields["author list"].new] == ["Ada Lovelace, Alan Turing"]


def test_blank_nodes_compare_by_what_they_hold(lists: tuple[Path, Path]) -> None:
    once, twice = enriched(load(lists[0])[1]), enriched(load(lists[0])[1])
    assert diff_stores(once, twice, "a", "b").unchanged


# The two shipped versions -----------------------------------------------------------------------

#: A heading's text without Markdown's marks: `# **I. Distributed LLMs** <a name="..."></a>`
#: and `## **I. Distributed LLMs** <a name="..."></a>` both read "I. Distributed LLMs".
HEADING_MARKS = re.compile(r"^#+\s*|\*\*|<a [^>]*></a>")


def table_rows(path: Path) -> list[tuple[str, str]]:
    """Each line of a list's tables, with the heading above it."""
    heading, rows = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = HEADING_MARKS.sub("", line).strip()
        elif line.startswith("|"):
            rows.append((heading, line))
    return rows


def test_the_shipped_versions_have_the_same_tables() -> None:
    # Read side by side, the May 2025 version changes the text around the tables (headings one
    # level lower, the licence text replaced by a note, links to the survey's PDF and LaTeX,
    # the research-directions figure moved below the tables, a BibTeX block added), but not
    # one table row: every row is the same, under the same heading, in the same order.
    old, new = table_rows(DEFAULT_SOURCE), table_rows(NEWER)
    assert len(old) == 135 + 3 * 2  # the rows, and the three tables' header and delimiter
    assert old == new


#: A year the arXiv id gives, and the year of publication the BibTeX entry gives.
YEARS = (["2023"], ["2024"])


def test_the_shipped_versions_diff_as_their_tables_do(capsys: pytest.CaptureFixture[str]) -> None:
    diff = diff_lists(DEFAULT_SOURCE, NEWER)
    assert diff.added == () and diff.removed == ()
    # The tables are the same; what a reader sees is the newer version's BibTeX block, which
    # gives 107 of the 109 papers their authors, citation and mostly a venue and year. Only
    # those fields are added, and the only value replaced is a year: four papers whose arXiv
    # id says 2023 were published in 2024, as their entries say (lines 575, 440, 1306, 1294).
    bibtex = {"authors", "citation key", "citation type", "venue", "issued"}
    # Flamingo is linked to NeurIPS; its first entry (line 636) gives its arXiv id.
    flamingo = "Flamingo: a Visual Language Model for Few-Shot Learning"
    replaced = {}
    for change in diff.changed:
        names = {field.name for field in change.fields}
        assert {"authors", "citation key"} <= names, change.name
        if change.name == flamingo:
            names.discard("arXiv identifier")
            (arxiv,) = [f for f in change.fields if f.name == "arXiv identifier"]
            assert [v.text for v in arxiv.new] == ["2204.14198"]
        assert names <= bibtex, change.name
        for field in change.fields:
            if field.old:
                replaced[change.name] = ([v.text for v in field.old], [v.text for v in field.new])
    assert len(diff.changed) == 107
    # authors in the entry's order (line 567), not sorted
    first = next(c for c in diff.changed if c.name.startswith("A Fast, Performant, Secure"))
    (authors,) = [field for field in first.fields if field.name == "authors"]
    assert [v.text for v in authors.new] == [
        "Huang Wei", "Zhang Yi", "Liu Jianjun", "Chen Zhiyuan", "Li Jie"
    ]  # fmt: skip
    assert replaced == {
        "Cloud-Edge Collaborative Large Model Services: Challenges and Solutions": YEARS,
        "Distributed Inference and Fine-Tuning of Large Language Models Over the Internet": YEARS,
        "MiniGPT-4: Enhancing Vision-Language Understanding with Advanced Large Language Models": (
            YEARS
        ),
        "Visual Instruction Tuning": YEARS,
    }
    code, _, _ = run_main(["diff", str(DEFAULT_SOURCE), str(NEWER)], capsys)
    assert code == 1


# The README's example -------------------------------------------------------------------------

README = Path(__file__).parents[2] / "README.md"
#: The edits of the README's example: a code link to an account made a repository's, a row
#: listed twice removed, a model's name corrected, and a paper added after row 100.
ROW_2 = "| 2 | Fast Distributed Inference Serving for Large Language Models |"
DUPLICATE = "| Federated Instruction Tuning of LLMs with Domain Coverage Augmentation |"
ROW_100 = "| 100 | FLoRA: Enhancing Vision-Language Models"
DILOCO = (
    "| 101 | DiLoCo: Distributed Low-Communication Training of Language Models "
    "| [Link](https://arxiv.org/abs/2311.08455) | N/A |"
)


def edited(line: str) -> list[str]:
    """A line of the bundled list as the README's example edits it."""
    if line.startswith(ROW_2):
        return [line.replace("github.com/fast-inference-serving", "github.com/LLMServe/FastServe")]
    if line.startswith(DUPLICATE):
        return []
    if line.startswith(ROW_100):
        return [line, DILOCO]
    return [line.replace("**inyBERT**", "**TinyBERT**")]


def test_the_readme_example_is_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    lines = [new for line in text.splitlines() for new in edited(line)]
    assert len(lines) == len(text.splitlines())  # one row added, one removed
    (tmp_path / "old.md").write_text(text, encoding="utf-8")
    (tmp_path / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_main(["diff", "old.md", "README.md"], capsys)
    shown = README.read_text(encoding="utf-8").split("$ dllm-kg diff old.md README.md\n")[1]
    assert code == 1
    assert out == shown.split("```\n")[0]
