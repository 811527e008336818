"""Issue #15, what a list maintainer sees from `dllm-kg check` and `dllm-kg build`: findings
named by a path that opens from where the command ran, an info for each row the title tagger
annotated, hints a maintainer can act on, "learning" no sign of training, no trailing spaces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dllm_kg.constants import DEFAULT_SOURCE, PROJECT_DIR
from dllm_kg.curate import AnnotationFile, load_annotations

from .lists import ARXIV, paper_list

#: Where the bundled list really is: data/ of this checkout (or an installed copy).
BUNDLED = Path(os.path.realpath(DEFAULT_SOURCE))


def row(number: int, title: str) -> str:
    """A row of table I with its own arXiv link and no code."""
    return f"| {number} | {title} | {ARXIV.format(number)} | N/A |"


CURATED = row(1, "FwdLLM: Efficient FedLLM Using Forward Gradient")
NEW = row(2, "Speculative Decoding on Edge Devices with Quantized Draft Models")
FEDERATED = row(3, "Personalized Federated Learning for Medical Question Answering")
GUESSED = row(4, "Motivations and Future Directions of Wombats")
NOTHING = row(5, "Quokka Zebra Axolotl")
HINT = (
    "confirm or correct them by suggesting an annotation to dllm-kg "
    "(`dllm-kg tag --draft LIST` writes one)"
)


def dllm_kg(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, run in ``cwd``, as a user runs it."""
    source = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "dllm_kg", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)


def located(output: str) -> list[tuple[str, int]]:
    """The ``file:line`` that starts each finding line of a text report."""
    found = []
    for line in output.splitlines():
        file, _, rest = line.partition(":")
        number, _, _ = rest.partition(":")
        if number.isdigit():
            found.append((file, int(number)))
    return found


@pytest.fixture
def maintained(tmp_path: Path) -> Path:
    """A list repository: a README.md (the list) with a curated row and four new ones."""
    folder = tmp_path / "awesome-list"
    folder.mkdir()
    (folder / "README.md").write_text(paper_list(CURATED, NEW, FEDERATED, GUESSED, NOTHING))
    return folder


# 1. Paths that open from where the user stands -------------------------------------------


@pytest.mark.skipif(
    not BUNDLED.is_relative_to(PROJECT_DIR), reason="the bundled list is an installed copy"
)
def test_check_names_the_bundled_list_by_its_path_from_the_checkout() -> None:
    done = dllm_kg("check", cwd=PROJECT_DIR)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith(
        "data/awesome-distributed-LLM.md:36: violation: row 2: arXiv identifier 2305.05920 "
    )
    assert lines[-1] == "data/awesome-distributed-LLM.md: 16 violations, 22 warnings, 9 infos"
    # Each finding's file:line opens, from here, at a row of the list's tables.
    text = (PROJECT_DIR / "data" / "awesome-distributed-LLM.md").read_text().splitlines()
    places = located(done.stdout)
    assert len(places) == 16 + 22 + 9
    assert {file for file, _ in places} == {"data/awesome-distributed-LLM.md"}
    assert all(text[line - 1].lstrip().startswith("|") for _, line in places if line)


def test_check_names_the_bundled_list_absolutely_from_another_folder(tmp_path: Path) -> None:
    done = dllm_kg("check", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith(f"{BUNDLED}:36: violation: row 2: ")
    assert done.stdout.endswith(f"\n{BUNDLED}: 16 violations, 22 warnings, 9 infos\n")


def test_a_list_is_named_relative_to_here_when_under_it_else_absolutely(maintained: Path) -> None:
    above = maintained.parent
    from_above = dllm_kg("check", maintained / "README.md", cwd=above)
    assert from_above.stdout.endswith(
        "\nawesome-list/README.md: 2 violations, 1 warning, 3 infos\n"
    )
    assert ("awesome-list/README.md", 6) in located(from_above.stdout)
    aside = above / "elsewhere"
    aside.mkdir()
    from_aside = dllm_kg("check", "../awesome-list/README.md", cwd=aside)
    absolute = f"{maintained / 'README.md'}"
    assert from_aside.stdout.endswith(f"\n{absolute}: 2 violations, 1 warning, 3 infos\n")
    assert {file for file, _ in located(from_aside.stdout)} == {absolute}
    # The JSON report, for scripts and editors, names the same path; the Turtle report (a SHACL
    # validation report) names nodes of the graph, no file.
    document = json.loads(dllm_kg("check", "-f", "json", "README.md", cwd=maintained).stdout)
    assert document["source"] == "README.md"
    assert {finding["file"] for finding in document["findings"]} == {"README.md"}
    document = json.loads(
        dllm_kg("check", "-f", "json", "../awesome-list/README.md", cwd=aside).stdout
    )
    assert {document["source"], *(f["file"] for f in document["findings"])} == {absolute}
    build = dllm_kg("build", "../awesome-list/README.md", "-o", "out", cwd=aside)
    assert build.stdout.splitlines()[0] == f"dllm-kg build {absolute}"


# 2. and 3. An info for each tagged row, and what a list maintainer can do about it -------


def test_check_names_each_row_the_tagger_annotated_with_what_it_proposed(maintained: Path) -> None:
    done = dllm_kg("check", "README.md", cwd=maintained)
    assert done.returncode == 1  # row 5 has no technique
    infos = [line for line in done.stdout.splitlines() if ": info: " in line]
    assert infos == [
        "README.md:6: info: row 2: tagged from its title, not curated: techniques "
        "edge-computing, quantization; areas algorithmic-framework, hardware-infrastructure; "
        f"tasks inference; {HINT}",
        "README.md:7: info: row 3: tagged from its title, not curated: techniques "
        f"personalized-federated-learning; areas algorithmic-framework, data-layer; {HINT}",
        "README.md:8: info: row 4: tagged from its title, not curated: techniques "
        f"federated-learning; areas algorithmic-framework, data-layer; {HINT}",
    ]
    # The curated row 1 gets no info; row 5, with nothing proposed, gets the violation.
    assert "README.md:5:" not in done.stdout
    assert (
        "README.md:9: violation: row 5: paper has no technique: it has no curated annotation and "
        "the title tagger found none in its title; suggest an annotation to dllm-kg "
        "(`dllm-kg tag --draft LIST` writes one)"
    ) in done.stdout.splitlines()
    # Nothing tells a list maintainer to edit a file of dllm-kg's own repository.
    assert "in data/annotations.yaml" not in done.stdout
    assert "of data/annotations.yaml" not in done.stdout


def test_build_counts_the_tagged_rows_in_its_summary(maintained: Path) -> None:
    done = dllm_kg("build", "README.md", "-o", "out", cwd=maintained)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "dllm-kg build README.md",
        "  rows read     5",
        "  papers        5",
        "  models        13 (0 listed)",
        "  repositories  0",
        done.stdout.splitlines()[5],  # triples: counted in tests/test_cli.py
        "  findings      2 violations, 1 warning, 3 infos",
        # rows 2 to 4; row 5, with nothing proposed, is a violation
        "  tagged        3 papers by the title tagger, not by a curator: confirm them",
        "  `dllm-kg check` on the same list names each one",
        "wrote 7 files to out/",
    ]


def test_tag_draft_writes_entries_of_the_annotation_file_to_suggest(maintained: Path) -> None:
    done = dllm_kg("tag", "--draft", "README.md", cwd=maintained)
    assert done.returncode == 0, done.stderr
    drafted = yaml.safe_load(done.stdout)["papers"]
    assert sorted(drafted) == [
        "motivations-and-future-directions-of-wombats",
        "personalized-federated-learning-for-medical-question-answering",
        "quokka-zebra-axolotl",
        "speculative-decoding-on-edge-devices-with-quantized-draft-models",
    ]
    assert drafted["speculative-decoding-on-edge-devices-with-quantized-draft-models"] == {
        "title": "Speculative Decoding on Edge Devices with Quantized Draft Models",
        "techniques": ["edge-computing", "quantization"],
        "title_shows": ["edge-computing", "quantization"],
        "models": [],
        "tasks": ["inference"],
        "areas": [],
    }
    # Borrowed techniques are not what the title shows; an empty draft must be filled in.
    assert drafted["motivations-and-future-directions-of-wombats"]["title_shows"] == []
    assert drafted["quokka-zebra-axolotl"]["techniques"] == []
    # Filled in, the entries hold to the schema of data/annotations.yaml, under new keys.
    drafted["quokka-zebra-axolotl"]["techniques"] = ["federated-learning"]
    assert AnnotationFile.model_validate({"papers": drafted})
    assert not set(drafted) & set(load_annotations())


def test_readme_tells_a_list_maintainer_what_to_do_with_the_infos() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### New rows and the tagger", 1)[1].split("\n## ", 1)[0]
    assert "dllm-kg tag --draft README.md" in section
    assert "README.md:6: info: row 2: tagged from its title, not curated" in section


# 4. "Federated Learning" is no sign of training ------------------------------------------


@pytest.mark.parametrize(
    ("title", "tasks"),
    [
        ("Personalized Federated Learning for Medical Question Answering", "tasks: -"),
        ("Federated Learning for Private Inference of Large Language Models", "tasks: inference"),
        ("Split Learning and In-Context Learning at the Edge", "tasks: -"),
        ("Federated Training of Large Language Models", "tasks: training"),
    ],
)
def test_learning_in_a_title_does_not_make_it_about_training(
    title: str, tasks: str, tmp_path: Path
) -> None:
    done = dllm_kg("tag", title, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert tasks in done.stdout.splitlines()


# 5. No trailing whitespace ----------------------------------------------------------------


def test_build_and_check_print_no_trailing_whitespace(maintained: Path) -> None:
    deep = maintained / ("a-folder-with-a-rather-long-name-" * 3) / "list"
    deep.mkdir(parents=True)
    (deep / "README.md").write_text((maintained / "README.md").read_text())
    runs = [
        dllm_kg("build", "-o", maintained / "bundled", cwd=maintained),
        dllm_kg("build", deep / "README.md", "-o", deep / "out", cwd=maintained),
        dllm_kg("check", deep / "README.md", cwd=maintained),
    ]
    for done in runs:
        assert done.stdout and done.returncode in (0, 1), done.stderr
        lines = done.stdout.splitlines()
        assert [line for line in lines if line != line.rstrip()] == []
    # A long path is one line: it opens with a click only when it is not wrapped.
    assert (
        runs[1].stdout.splitlines()[0] == f"dllm-kg build {deep.relative_to(maintained)}/README.md"
    )
    assert runs[1].stdout.splitlines()[-1] == f"wrote 7 files to {deep / 'out'}/"


def test_tag_prints_each_proposal_on_one_line(tmp_path: Path) -> None:
    done = dllm_kg(
        "tag", "Personalized Federated Learning for Medical Question Answering", cwd=tmp_path
    )
    assert done.stdout.splitlines() == [
        "techniques: personalized-federated-learning",
        "  personalized-federated-learning  <- personalized federated; Personalized federated "
        "learning",
        "models: -",
        "tasks: -",
    ]
