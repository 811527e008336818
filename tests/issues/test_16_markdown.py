"""#16, item 4: ``dllm-kg markdown`` writes the list again from its graph.

A list without defects comes out byte for byte (LF, and CRLF with a byte-order mark); a list
with defects (tracking parameters, a nested link, odd spacing, a stray cell) comes out as a
hand-written normalised text that builds to the same graph; ``--check`` exits 0 or 1; both
shipped versions regenerate to files that build to the same graph as the originals, with
every line outside the tables kept.

"The same graph" leaves out what records how the source *wrote* a row, not what it says:
``dllm:sourceText`` (the row's raw text), ``dllm:listedLink`` (a link as written, where it is
not canonical) and ``dllm:strippedParameter`` (tracking parameters removed). Fixing the
writing must change them; the tests check how they change. ``dllm:sourceFile`` names the
file: both builds get the same label, so it is the same.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import DCTERMS

from dllm_kg.cli import main
from dllm_kg.namespaces import DLLM
from dllm_kg.parse import parse_text, table_columns
from dllm_kg.pipeline import graph_of, read
from dllm_kg.records import Size
from dllm_kg.regenerate import regenerate, regenerated_text, size_text

DATA = Path(__file__).parents[2] / "data"
SHIPPED = ("awesome-distributed-LLM.md", "awesome-distributed-LLM-2025-05.md")
#: The label both builds of a comparison get, so that dllm:sourceFile is the same.
LABEL = "list.md"
#: The properties that record how the source wrote a row (see the module docstring).
WRITING = tuple(f"<{p}>" for p in (DLLM.sourceText, DLLM.listedLink, DLLM.strippedParameter))

CLEAN = """\
# awesome-test-list
An evolving list written for the markdown round trip.

This work is licensed under a Creative Commons Attribution 4.0 International License.

You are free to:
- Share — copy and redistribute the material in any medium or format.

Full license text: https://creativecommons.org/licenses/by/4.0/
---

## **I. Distributed LLMs** <a name="i-llms"></a>

| No. | Paper Title | Url | Code |
|----|-------------|------------|-------------|
| 1 | ✅[Survey Article]Distributed Training of Large Language Models | \
[Link](https://ieeexplore.ieee.org/abstract/document/10476280) | N/A |
| 2 | Fast Distributed Inference Serving for Large Language Models | \
[Link](https://arxiv.org/pdf/2305.05920.pdf) | \
[GitHub](https://github.com/LLM-serving/FastServe.git) |
| 3 | Pipes \\| and * Stars: A Title with Markup Characters | \
[Paper](https://openreview.net/forum?id=HkgNdt26Z&noteId=abc) | \
[Code](https://gitlab.com/group/project) |
| 4 | A Paper Without Code | [Link](https://dl.acm.org/doi/pdf/10.1145/3641512.3686358) |  |
---

> A note between the tables.

## **III. SLMs** <a name="iii-slms"></a>

| Model Name | Parameters | URL |
|------------|------------|------------|
| **Qwen2 0.5B** | 0.5B | [link](https://huggingface.co/Qwen/Qwen2-0.5B) |
| **Claude Instant** | <=1B | [link](https://aibusiness.com/nlp/claude-instant) |
| Plain Name | 124M | N/A |
---
The following is a list of papers to be considered for future revisions:

[1] Li, Huaxia. "Applying large language models in accounting." 2024.

## Citation

```bibtex
@article{li2024applying,
  title={Applying large language models in accounting},
  year={2024}
}
| not | a | row |
```
## License

[Full license text](https://creativecommons.org/licenses/by/4.0/)
"""

DEFECTIVE = """\
# Test list

## I. Papers

| No. | Paper Title | Url | Code |
|---|---|---|---|
|1|  Tracked   Title | \
[Link](https://arxiv.org/pdf/2401.00001.pdf?utm_source=newsletter&utm_medium=email) | \
[GitHub](https://github.com/owner/repo?utm_campaign=x&tab=readme) |
| 2 |✅ [Survey Article] Nested Survey | \
[Link]([https://arxiv.org/pdf/2401.00002.pdf]\
(https://ieeexplore.ieee.org/abstract/document/10558825?casa_token=AbC:dEf)) | N/A |
| 3 | Extra Cell | [Link](https://arxiv.org/abs/2401.00003) | N/A | stray |
  | 4 | **Bold Title** | [Link](https://example.org/paper?id=7&fbclid=xyz) | - |

## III. SLMs

| Model Name | Parameters | URL |
|---|---|---|
| **Gemini Nano** |1.8B| \
[link](https://deepmind.google/technologies/gemini/nano/?utm_source=chatgpt.com) |
|Tiny   Model | 0.5B | [HF](https://huggingface.co/org/tiny) |

Text after the tables, kept: [a link](https://example.org/?utm_source=prose) stays as it is.
"""

#: DEFECTIVE normalised, written by hand.
NORMALISED = """\
# Test list

## I. Papers

| No. | Paper Title | Url | Code |
|---|---|---|---|
| 1 | Tracked Title | [Link](https://arxiv.org/pdf/2401.00001.pdf) | \
[GitHub](https://github.com/owner/repo?tab=readme) |
| 2 | ✅[Survey Article]Nested Survey | \
[Link](https://ieeexplore.ieee.org/abstract/document/10558825) | N/A |
| 3 | Extra Cell | [Link](https://arxiv.org/abs/2401.00003) | N/A |
  | 4 | **Bold Title** | [Link](https://example.org/paper?id=7) | - |

## III. SLMs

| Model Name | Parameters | URL |
|---|---|---|
| **Gemini Nano** | 1.8B | [link](https://deepmind.google/technologies/gemini/nano/) |
| Tiny Model | 0.5B | [HF](https://huggingface.co/org/tiny) |

Text after the tables, kept: [a link](https://example.org/?utm_source=prose) stays as it is.
"""


def written(folder: Path, text: str, name: str = "list.md") -> Path:
    """A list file with exactly this text (no newline translation)."""
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def graph_lines(path: Path) -> set[str]:
    """The N-Triples lines of a list's whole graph, built with the label :data:`LABEL`."""
    _, ntriples, _ = read(path, LABEL)
    return set(ntriples.decode("utf-8").splitlines())


def what_it_says(lines: set[str], path: Path) -> set[str]:
    """The lines that say what the list says: without :data:`WRITING` and without any line
    naming the file's digest (a build may record it, #16 item 7)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {line for line in lines if line.split(" ", 2)[1] not in WRITING and digest not in line}


def values(lines: set[str], prop: str) -> set[str]:
    """The objects of one property in a graph's lines."""
    return {line.split(" ", 2)[2].removesuffix(" .") for line in lines if f" <{prop}> " in line}


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The console script's ``main`` in this process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# A list without defects: byte for byte ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [CLEAN, "\ufeff" + CLEAN.replace("\n", "\r\n"), CLEAN.removesuffix("\n")],
    ids=["lf", "crlf-and-bom", "no-final-newline"],
)
def test_a_list_without_defects_comes_out_byte_for_byte(tmp_path: Path, text: str) -> None:
    path = written(tmp_path, text)
    result = regenerate(path)
    assert result.regenerated.encode("utf-8") == path.read_bytes()
    assert not result.changed


def test_the_clean_list_is_read_as_written(tmp_path: Path) -> None:
    """The test list really has the rows the round trip claims to keep (no row was lost)."""
    parsed = parse_text(CLEAN)
    title = "Pipes | and * Stars: A Title with Markup Characters"
    assert [row.title for row in parsed.papers][2] == title
    assert [(m.name, m.size) for m in parsed.models] == [
        ("Qwen2 0.5B", Size(500_000_000)),
        ("Claude Instant", Size(10**9, exact=False)),
        ("Plain Name", Size(124_000_000)),
    ]
    assert len(parsed.papers) == 4
    assert not [f for f in parsed.findings if f.code in ("row-not-read", "nested-link")]


def test_check_exits_0_on_a_list_without_defects(tmp_path: Path, capsys) -> None:
    path = written(tmp_path, CLEAN)
    code, out, _ = run_main(["markdown", str(path), "--check"], capsys)
    assert code == 0
    assert "unchanged" in out and "---" not in out


# The rows come from the graph ----------------------------------------------------------------

FAST = "Fast Distributed Inference Serving for Large Language Models"


def paper_with_title(store: ox.Store, title: str) -> ox.NamedNode:
    """The paper node that has this title."""
    quads = store.quads_for_pattern(None, ox.NamedNode(str(DCTERMS.title)), ox.Literal(title))
    return next(iter(quads)).subject


def test_a_title_changed_in_the_graph_is_the_title_written() -> None:
    store = graph_of(parse_text(CLEAN, "list.md"))[1]
    paper, title = paper_with_title(store, FAST), ox.NamedNode(str(DCTERMS.title))
    store.remove(ox.Quad(paper, title, ox.Literal(FAST), ox.DefaultGraph()))
    store.add(ox.Quad(paper, title, ox.Literal("Fast *Serving* | Corrected"), ox.DefaultGraph()))
    expected = CLEAN.replace(f"| 2 | {FAST} |", "| 2 | Fast \\*Serving\\* \\| Corrected |")
    assert regenerated_text(CLEAN, store) == expected


def test_of_two_titles_in_the_graph_a_row_keeps_the_one_it_shows() -> None:
    """A second title (a curator's, say) that is part of the row's: the row's own is kept."""
    store = graph_of(parse_text(CLEAN, "list.md"))[1]
    paper = paper_with_title(store, FAST)
    title = ox.NamedNode(str(DCTERMS.title))
    store.add(ox.Quad(paper, title, ox.Literal("Fast Distributed"), ox.DefaultGraph()))
    assert regenerated_text(CLEAN, store) == CLEAN


# A list with defects: normalised, the same graph -------------------------------------------


def test_a_list_with_defects_comes_out_normalised(tmp_path: Path) -> None:
    result = regenerate(written(tmp_path, DEFECTIVE))
    assert result.regenerated == NORMALISED
    assert result.summary() == "list.md: would change (6 lines)"


def test_the_normalised_list_builds_to_the_same_graph(tmp_path: Path) -> None:
    old_path = written(tmp_path, DEFECTIVE, "old.md")
    new_path = written(tmp_path, regenerate(old_path).regenerated, "new.md")
    old, new = graph_lines(old_path), graph_lines(new_path)
    assert what_it_says(old, old_path) == what_it_says(new, new_path)
    # what records the writing changed as the fixes say: no tracking parameter is left
    stripped = values(old, DLLM.strippedParameter)
    assert stripped == {f'"{p}"' for p in ("utm_source", "utm_medium", "utm_campaign")} | {
        '"casa_token"',
        '"fbclid"',
    }
    assert values(new, DLLM.strippedParameter) == set()
    # canonical web links (example.org, deepmind.google) are no longer listed apart
    assert values(new, DLLM.listedLink) == {
        '"https://arxiv.org/pdf/2401.00001.pdf"',
        '"https://github.com/owner/repo?tab=readme"',
        '"https://ieeexplore.ieee.org/abstract/document/10558825"',
    }
    rows = table_columns(NORMALISED)
    lines = enumerate(NORMALISED.splitlines(), start=1)
    assert values(new, DLLM.sourceText) == {f'"{line}"' for i, line in lines if i in rows}


def test_the_normalised_list_has_none_of_the_defects(tmp_path: Path) -> None:
    before = {finding.code for finding in parse_text(DEFECTIVE).findings}
    after = {finding.code for finding in parse_text(NORMALISED).findings}
    assert {"nested-link", "extra-cells"} <= before
    assert not {"nested-link", "extra-cells"} & after


def test_regenerating_twice_changes_nothing(tmp_path: Path) -> None:
    once = regenerate(written(tmp_path, DEFECTIVE, "old.md")).regenerated
    twice = regenerate(written(tmp_path, once, "new.md"))
    assert twice.regenerated == once and not twice.changed


def test_check_exits_1_with_a_diff_when_the_list_would_change(tmp_path: Path, capsys) -> None:
    path = written(tmp_path, DEFECTIVE)
    code, out, _ = run_main(["markdown", str(path), "--check"], capsys)
    assert code == 1
    assert "-|1|  Tracked   Title |" in out
    assert "+| 1 | Tracked Title | [Link](https://arxiv.org/pdf/2401.00001.pdf) |" in out
    assert out.rstrip().endswith("would change (6 lines)")
    assert path.read_text(encoding="utf-8") == DEFECTIVE  # --check writes nothing


def test_without_o_it_writes_to_stdout(tmp_path: Path, capsys) -> None:
    code, out, _ = run_main(["markdown", str(written(tmp_path, DEFECTIVE))], capsys)
    assert (code, out) == (0, NORMALISED)


def test_o_writes_the_file_and_keeps_its_permissions(tmp_path: Path, capsys) -> None:
    path = written(tmp_path, DEFECTIVE)
    path.chmod(0o640)
    code, _, _ = run_main(["markdown", str(path), "-o", str(path)], capsys)
    assert code == 0
    assert path.read_bytes() == NORMALISED.encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.md"]  # no temporary file left


def test_a_file_that_cannot_be_written_is_one_line_and_leaves_nothing(
    tmp_path: Path, capsys
) -> None:
    path = written(tmp_path, DEFECTIVE)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "kept.txt").write_text("kept")
    code, out, err = run_main(["markdown", str(path), "-o", str(tmp_path / "folder")], capsys)
    assert code == 2 and out == ""
    assert err.startswith("dllm-kg: error: ") and str(tmp_path / "folder") in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["folder", "kept.txt", "list.md"]


def test_check_and_o_together_are_refused(tmp_path: Path, capsys) -> None:
    path = written(tmp_path, DEFECTIVE)
    code, _, err = run_main(["markdown", str(path), "--check", "-o", str(path)], capsys)
    assert code == 2 and "--check writes nothing" in err
    assert path.read_text(encoding="utf-8") == DEFECTIVE


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (Size(124_000_000), "124M"),
        (Size(1_100_000_000), "1.1B"),
        (Size(500_000_000), "500M"),
        (Size(10**9, exact=False), "<=1B"),
        (Size(2 * 10**12), "2T"),
        (Size(14_500), "14.5K"),
    ],
)
def test_a_size_the_row_does_not_spell_is_written_in_the_largest_unit(
    size: Size, text: str
) -> None:
    assert size_text(size) == text


# The shipped versions ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_version_regenerates_to_the_same_graph(tmp_path: Path, name: str) -> None:
    original = DATA / name
    result = regenerate(original)
    regenerated = written(tmp_path, result.regenerated, name)
    old, new = graph_lines(original), graph_lines(regenerated)
    assert what_it_says(old, original) == what_it_says(new, regenerated)
    assert values(old, DLLM.strippedParameter) and not values(new, DLLM.strippedParameter)
    assert "utm_" not in "".join(values(new, DLLM.listedLink))
    # every line outside the tables' rows is kept: headings, introduction, licence, BibTeX
    rows = table_columns(result.text)
    old_lines, new_lines = result.text.split("\n"), result.regenerated.split("\n")
    assert len(old_lines) == len(new_lines)
    kept = [i for i in range(len(old_lines)) if i + 1 not in rows]
    assert [old_lines[i] for i in kept] == [new_lines[i] for i in kept]
    assert "casa_token" not in "\n".join(new_lines[i - 1] for i in rows)
    assert "]([" not in result.regenerated
