"""The title tagger: matching, learning on training papers only, and its command."""

import re
from pathlib import Path

from typer.testing import CliRunner

from dllm_kg.cli import app
from dllm_kg.constants import DEFAULT_SOURCE, PROJECT_DIR
from dllm_kg.curate import evaluate_tagger, load_tagger
from dllm_kg.identifiers import slug
from dllm_kg.namespaces import DLLM, MODEL, PAPER
from dllm_kg.tagger import (
    Rule,
    Scores,
    Tagger,
    fold_of,
    held_out_proposals,
    label_rule,
    score,
    words_of,
)
from tests.conftest import load_rdflib

runner = CliRunner()


def test_labels_match_whole_words_and_acronyms_inside_words() -> None:
    tagger = Tagger(
        [
            label_rule("technique", "lora", "LoRA"),
            label_rule("technique", "federated-learning", "federated learning"),
            label_rule("technique", "split-learning", "split learning"),
            label_rule("model", "clip", "CLIP"),
        ]
    )
    proposal = tagger.propose("FedCLIP and SplitLoRA: Federated Learning at Scale")
    assert set(proposal.techniques) == {"lora", "federated-learning"}
    assert proposal.models == {"clip": ["CLIP (in FedCLIP)"]}
    assert tagger.propose("Splitting the Learning Rate").techniques == {}


def test_plural_and_hyphen_variants_match() -> None:
    tagger = Tagger([label_rule("technique", "edge", "edge device")])
    assert "edge" in tagger.propose("Fine-Tuning on Edge-Devices").techniques
    assert words_of("Fine-Tuning") == ("fine", "tuning")


def test_broader_techniques_are_implied_not_proposed() -> None:
    rules = [
        label_rule("technique", "peft", "parameter-efficient fine-tuning"),
        label_rule("technique", "lora", "LoRA"),
    ]
    tagger = Tagger(rules, broader={"lora": {"peft"}})
    assert set(tagger.propose("LoRA: Parameter-Efficient Fine-Tuning").techniques) == {"lora"}


def test_fit_drops_unreliable_labels_and_borrows_from_training_titles() -> None:
    titles = {f"p{i}": f"Gossip Averaging Study {i}" for i in range(4)}
    titles |= {f"q{i}": f"Edge Survey {i}" for i in range(3)}
    truth = {key: ("gossip",) for key in titles if key.startswith("p")}
    truth |= {key: ("survey-x",) for key in titles if key.startswith("q")}
    base = Tagger([Rule(("edge",), "technique", "wrong", "edge")])
    fitted = base.fit(titles, truth)
    assert "wrong" in base.propose("Edge Everything").techniques
    assert "wrong" not in fitted.propose("Edge Everything").techniques
    borrowed = fitted.propose("Gossip Averaging for Everyone").techniques
    assert borrowed == {"gossip": ["like 'Gossip Averaging Study 0'"]}
    assert fitted.propose("Nothing In Common").techniques == {}


def test_titles_that_show_no_technique_are_not_borrowed_from() -> None:
    titles = {"a": "Swarm Training Paradigm", "b": "Gossip Averaging"}
    fitted = Tagger([]).fit(titles, {"a": (), "b": ("gossip",)})
    assert fitted.propose("Swarm Training for Gossip").techniques == {
        "gossip": ["like 'Gossip Averaging'"]
    }


def test_evaluation_never_scores_what_it_trained_on() -> None:
    # A tagger with no rules can only copy the techniques of the nearest training title. Each
    # title here shares its words with no other, so any score above zero would mean the
    # held-out title leaked into training.
    titles = {f"k{i}": f"alpha{i} beta{i} gamma{i}" for i in range(20)}
    truth = {key: (f"t{key}",) for key in titles}
    tagger = Tagger([])
    evaluation = score(tagger, held_out_proposals(tagger, titles, truth, folds=5), truth)
    assert evaluation.micro.tp == 0
    assert evaluation.micro.fn == 20


def test_capital_acronyms_match_inside_words_only_where_their_case_stands_out() -> None:
    tagger = Tagger(
        [label_rule("technique", "tee", "TEE"), label_rule("technique", "lora", "LoRA")]
    )
    assert tagger.propose("STEER: Guaranteed Edge Training").techniques == {}
    assert tagger.propose("TEEServe and FLoRA").techniques == {
        "tee": ["TEE (in TEEServe)"],
        "lora": ["LoRA (in FLoRA)"],
    }
    assert tagger.propose("TEEs for LLM Inference").techniques == {"tee": ["TEE"]}


def test_scores_are_hierarchical() -> None:
    # Worked by hand: curated LoRA under PEFT. Proposing only PEFT is right about PEFT and
    # misses LoRA; proposing LoRA for a paper about split learning is wrong twice.
    tagger = Tagger([], broader={"lora": {"peft"}})
    proposals = {"a": {"peft"}, "b": {"lora"}}
    reference = {"a": ["lora"], "b": ["split-learning"]}
    evaluation = score(tagger, proposals, reference)
    assert evaluation.papers == 2
    assert evaluation.micro == Scores(tp=1, fp=2, fn=2)
    assert evaluation.per_technique["peft"] == Scores(tp=1, fp=1, fn=0)
    assert evaluation.per_technique["lora"] == Scores(tp=0, fp=1, fn=1)
    assert evaluation.per_technique["split-learning"] == Scores(tp=0, fp=0, fn=1)


def test_folds_depend_on_the_key_alone() -> None:
    keys = [f"paper-{i}" for i in range(200)]
    assert [fold_of(k, 5) for k in keys] == [fold_of(k, 5) for k in reversed(keys)][::-1]
    assert {fold_of(k, 5) for k in keys} == set(range(5))


def test_tag_knows_the_small_models_of_the_lists_table_as_the_build_does(tmp_path: Path) -> None:
    title = "Quantizing MobileBert and DistilBERT for Smartphones"
    result = runner.invoke(app, ["tag", title])
    assert result.exit_code == 0, result.output
    models = next(line for line in result.output.splitlines() if line.startswith("models:"))
    assert models == "models: distilbert, mobilebert"
    listed = DEFAULT_SOURCE.read_text(encoding="utf-8").replace(
        "| 1 | ✅[Survey Article]Distributed Training of Large Language Models |",
        f"| 1 | {title} |",
    )
    (tmp_path / "list.md").write_text(listed, encoding="utf-8")
    _, graph = load_rdflib(tmp_path / "list.md")
    built = {
        str(m).removeprefix(str(MODEL)) for m in graph.objects(PAPER[slug(title)], DLLM.usesModel)
    }
    assert built == {"distilbert", "mobilebert"}


def test_build_tagger_proposes_with_reasons() -> None:
    proposal = load_tagger().propose(
        "Federated LoRA Fine-Tuning of Vision-Language Models with CLIP"
    )
    assert {"lora"} <= set(proposal.techniques)
    assert "clip" in proposal.models
    assert any("LoRA" in why for why in proposal.techniques["lora"])


def test_tag_command_prints_proposals_and_matched_words() -> None:
    result = runner.invoke(app, ["tag", "Pipeline Parallel Inference on Edge Devices"])
    assert result.exit_code == 0, result.output
    assert "pipeline-parallelism" in result.output
    assert "<- " in result.output


def test_tag_evaluate_prints_micro_average() -> None:
    result = runner.invoke(app, ["tag", "--evaluate", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "3-fold cross-validation, 109 papers" in result.output
    line = next(line for line in result.output.splitlines() if "micro-average" in line)
    precision, recall, f1 = (float(cell) for cell in line.replace("│", " ").split()[1:4])
    assert 0 < recall <= 1 and 0 < precision <= 1
    assert abs(f1 - 2 * precision * recall / (precision + recall)) < 0.002
    rows = [line.replace("│", " ").split() for line in result.output.splitlines()]
    scored = {" ".join(row[:-4]): row[-4:] for row in rows if len(row) > 4}
    assert {"micro, all curated", "micro, 60 new titles"} <= scored.keys()


def test_tag_without_title_is_an_error() -> None:
    result = runner.invoke(app, ["tag"])
    assert result.exit_code == 2
    assert "give a TITLE" in result.output


def test_a_title_sharing_no_word_gets_no_guess() -> None:
    titles = {"a": "Alpha Beta", "b": "Gamma Delta", "c": "Alpha Gamma"}
    truth = {"a": ("x",), "b": ("y",), "c": ("y",)}
    fitted = Tagger([]).fit(titles, truth)
    assert fitted.propose("Zeta Eta Theta").techniques == {}
    assert fitted.propose("Delta Zeta").techniques == {"y": ["like 'Gamma Delta'"]}


def test_readme_reports_the_measured_scores() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    reported = re.findall(r"^\| (.+?) \| (0\.\d{3}) \| (0\.\d{3}) \| (0\.\d{3}) \|$", readme, re.M)
    evaluation = evaluate_tagger()
    measured = [
        ("what the curated titles show", evaluation.title_shows.micro),
        ("every curated technique", evaluation.all_curated.micro),
        ("60 titles outside the list", evaluation.outside.micro),
    ]
    assert reported == [
        (name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}") for name, s in measured
    ]
