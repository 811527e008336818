"""Curated knowledge: annotations and base models from data/, areas derived by a rule."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rdflib import Graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from dllm_kg.constants import (
    ANNOTATIONS_PATH,
    DEFAULT_SOURCE,
    HELD_OUT_TITLES_PATH,
    MODELS_PATH,
    RULES_DIR,
)
from dllm_kg.errors import DllmKgError
from dllm_kg.graph import (
    VOCABULARY_PATHS,
    Triple,
    group_models,
    group_papers,
)
from dllm_kg.namespaces import AGENT, ANNOTATION, AREA, DLLM, MODEL, PAPER, SCHEMA, TASK, TECHNIQUE
from dllm_kg.parse import parse_file
from dllm_kg.records import ParsedList
from dllm_kg.tagger import (
    Evaluation,
    Tagger,
    held_out_proposals,
    score,
    vocabulary_rules,
    words_of,
)
from dllm_kg.terms import nt_iri, nt_literal

#: A title nearly equals a curated one when this share of the words is common to both ...
RENAMED_WORDS = 0.8
#: ... and their characters are this similar (difflib's ratio).
RENAMED_RATIO = 0.9
#: Who made an annotation: the curators (from data/annotations.yaml) or the title tagger.
CURATED = AGENT["curation"]
TAGGED = AGENT["tagger"]
# The properties and classes annotations are written with, as N-Triples terms.
_TYPE, _LABEL, _COMMENT = nt_iri(RDF.type), nt_iri(RDFS.label), nt_iri(RDFS.comment)
_ENTITY, _ATTRIBUTED_TO = nt_iri(PROV.Entity), nt_iri(PROV.wasAttributedTo)
_ANNOTATION, _MATCHED_TEXT = nt_iri(DLLM.annotation), nt_iri(DLLM.matchedText)
_USES_TECHNIQUE, _USES_MODEL = nt_iri(DLLM.usesTechnique), nt_iri(DLLM.usesModel)
_TASK, _HAS_AREA = nt_iri(DLLM.task), nt_iri(DLLM.hasArea)
_EDITED_TITLE_OF, _BORROWED_FROM = nt_iri(DLLM.editedTitleOf), nt_iri(DLLM.borrowedFrom)


class CurationError(DllmKgError):
    """A curated data file cannot be read or breaks its schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Annotation(_Strict):
    """What a paper is about: techniques, models, tasks, and areas beyond its techniques'."""

    title: str
    techniques: tuple[str, ...] = Field(min_length=1)
    title_shows: tuple[str, ...]
    models: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    note: str | None = None


class AnnotationFile(_Strict):
    """The schema of data/annotations.yaml."""

    papers: dict[str, Annotation]


class HeldOutTitle(_Strict):
    """A real paper outside the list and the techniques its title shows."""

    title: str
    arxiv: str | None = None
    techniques: tuple[str, ...]


class HeldOutFile(_Strict):
    """The schema of data/held-out-titles.yaml."""

    papers: tuple[HeldOutTitle, ...] = Field(min_length=1)


class CuratedModel(_Strict):
    """A base model that papers build on, from data/models.yaml."""

    label: str
    labels: tuple[str, ...] = ()
    description: str | None = None


class ModelFile(_Strict):
    """The schema of data/models.yaml."""

    models: dict[str, CuratedModel]


def load_annotations(path: Path = ANNOTATIONS_PATH) -> dict[str, Annotation]:
    """The curated annotations, keyed by paper key.

    :raises CurationError: when the file is missing, not YAML, or breaks the schema.
    """
    return _load(path, AnnotationFile).papers


def load_held_out_titles(path: Path = HELD_OUT_TITLES_PATH) -> tuple[HeldOutTitle, ...]:
    """Real papers outside the list, never used to fit the tagger, only to score it."""
    return _load(path, HeldOutFile).papers


def load_models(path: Path = MODELS_PATH) -> dict[str, CuratedModel]:
    """The curated base models, keyed by model key."""
    return _load(path, ModelFile).models


def _load(path: Path, schema: type[_Strict]) -> _Strict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return schema.model_validate(data)
    except OSError as error:
        raise CurationError(f"{path.name}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise CurationError(f"{path.name}: not valid YAML: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CurationError(f"{path.name}: {where}: {first['msg']}") from None


def agent_triples() -> Iterator[Triple]:
    """The two agents that annotations are attributed to."""
    yield nt_iri(CURATED), _TYPE, nt_iri(PROV.Agent)
    yield nt_iri(CURATED), _LABEL, nt_literal("dllm-kg curators (data/annotations.yaml)", "en")
    yield nt_iri(TAGGED), _TYPE, nt_iri(PROV.SoftwareAgent)
    yield nt_iri(TAGGED), _LABEL, nt_literal("dllm-kg title tagger", "en")


def model_triples(models: Mapping[str, CuratedModel]) -> Iterator[Triple]:
    """Base models from data/models.yaml as Model nodes."""
    for key, model in models.items():
        node = nt_iri(f"{MODEL}{key}")
        yield node, _TYPE, nt_iri(DLLM.Model)
        yield node, _LABEL, nt_literal(model.label)
        for label in model.labels:
            if label != model.label:
                yield node, nt_iri(SCHEMA.alternateName), nt_literal(label)
        if model.description:
            yield node, nt_iri(DCTERMS.description), nt_literal(model.description, "en")


def annotation_triples(
    key: str,
    techniques: Iterable[str],
    models: Iterable[str] = (),
    tasks: Iterable[str] = (),
    areas: Iterable[str] = (),
    agent: str = CURATED,
    note: str | None = None,
    evidence: Iterable[str] = (),
) -> Iterator[Triple]:
    """A paper's annotation triples, and the annotation record that says who made them.

    Every annotation triple of a paper comes from one agent, so the record
    ``paper dllm:annotation [ prov:wasAttributedTo agent ]`` tells for each of them whether it
    is curated or tagged.
    """
    paper, record = nt_iri(f"{PAPER}{key}"), nt_iri(f"{ANNOTATION}{key}")
    yield paper, _ANNOTATION, record
    yield record, _TYPE, _ENTITY
    yield record, _ATTRIBUTED_TO, nt_iri(agent)
    if note:
        yield record, _COMMENT, nt_literal(note, "en")
    for words in evidence:
        yield record, _MATCHED_TEXT, nt_literal(words)
    yield from ((paper, _USES_TECHNIQUE, nt_iri(f"{TECHNIQUE}{t}")) for t in techniques)
    yield from ((paper, _USES_MODEL, nt_iri(f"{MODEL}{m}")) for m in models)
    yield from ((paper, _TASK, nt_iri(f"{TASK}{t}")) for t in tasks)
    yield from ((paper, _HAS_AREA, nt_iri(f"{AREA}{a}")) for a in areas)


def curated_triples(annotations: Mapping[str, Annotation], keys: Iterable[str]) -> Iterator[Triple]:
    """Annotation triples for the papers in ``keys`` that have a curated annotation."""
    for key in keys:
        if key in annotations:
            yield from _annotation_of(key, annotations[key], CURATED, annotations[key].note)


def _annotation_of(
    key: str,
    annotation: Annotation,
    agent: str,
    note: str | None = None,
    evidence: Iterable[str] = (),
) -> Iterator[Triple]:
    """A curated annotation's triples, for the paper ``key``, attributed to ``agent``."""
    yield from annotation_triples(
        key,
        annotation.techniques,
        annotation.models,
        annotation.tasks,
        annotation.areas,
        agent,
        note,
        evidence,
    )


def derived_triples(store: ox.Store) -> list[Triple]:
    """What the rules in queries/rules/ construct from a graph (the areas of each paper)."""
    return [
        _triple(line)
        for rule in rule_queries()
        for line in ox.serialize(store.query(rule), format=ox.RdfFormat.N_TRIPLES).splitlines()
    ]


def _triple(line: bytes) -> Triple:
    """One N-Triples line as its three terms (subjects and predicates hold no space)."""
    subject, predicate, rest = line.decode("utf-8").split(" ", 2)
    return subject, predicate, rest.removesuffix(" .")


@cache
def rule_queries() -> tuple[str, ...]:
    """The text of every CONSTRUCT rule, in file name order."""
    return tuple(path.read_text(encoding="utf-8") for path in sorted(RULES_DIR.glob("*.rq")))


def annotation_triples_of(parsed: ParsedList) -> list[Triple]:
    """Every paper's annotation (curated, else tagged), the agents and the base models."""
    annotations = load_annotations()
    papers = group_papers(parsed.papers)
    titles = {key: rows[0].title for key, rows in papers.items()}
    surveys = {key for key, rows in papers.items() if any(row.survey for row in rows)}
    tagger = tagger_for(model_labels(parsed), annotations)
    renamed = renamed_papers(titles, annotations)
    tagged = (
        renamed_triples(key, renamed[key], annotations[renamed[key]])
        if key in renamed
        else tagged_triples(tagger, key, title, key in surveys)
        for key, title in titles.items()
        if key not in annotations
    )
    return [
        *agent_triples(),
        *model_triples(load_models()),
        *curated_triples(annotations, titles),
        *chain.from_iterable(tagged),
    ]


def draft_annotations(parsed: ParsedList) -> str:
    """Entries of data/annotations.yaml, in its own form, for the papers of a list that have no
    curated annotation: what a build would tag them with, for a curator to check and correct.

    A list maintainer sends them to dllm-kg (an issue or pull request), since the curated
    annotations live there, not in the list.
    """
    annotations = load_annotations()
    papers = group_papers(parsed.papers)
    titles = {key: rows[0].title for key, rows in papers.items() if key not in annotations}
    surveys = {key for key in titles if any(row.survey for row in papers[key])}
    tagger = tagger_for(model_labels(parsed), annotations)
    renamed = renamed_papers(titles, annotations)
    lines = [
        f"# Draft annotations for {len(titles)} papers of {parsed.source}, by the title tagger",
        "# of dllm-kg. Check each against the paper, correct it, and send the entries to dllm-kg",
        "# (an issue or a pull request adding them to its data/annotations.yaml).",
        "papers:",
    ]
    for key, title in sorted(titles.items()):
        if key in renamed:
            entry = annotations[renamed[key]].model_copy(update={"title": title})
            why = f"the title of {renamed[key]}, edited: rename that entry to this key"
        else:
            entry, why = _drafted(tagger, title, key in surveys)
        lines += _draft_entry(key, entry, why)
    return "\n".join(lines) + "\n"


def _drafted(tagger: Tagger, title: str, survey: bool) -> tuple[Annotation, str]:
    """The tagger's annotation of a title, and a word on how much to trust it."""
    proposal = tagger.propose(title)
    techniques = tuple(sorted(proposal.techniques))
    tasks = tuple(sorted(set(proposal.tasks) | ({"survey"} if survey else set())))
    if proposal.borrowed_from:
        why = f"techniques borrowed from {proposal.borrowed_from}: none is named in the title"
    elif not techniques:
        why = "the tagger found no technique: add at least one"
    else:
        why = "the techniques named in the title"
    shown = () if proposal.borrowed_from else techniques
    return Annotation.model_construct(
        title=title,
        techniques=techniques,
        title_shows=shown,
        models=tuple(sorted(proposal.models)),
        tasks=tasks,
        areas=(),
        note=None,
    ), why


def _draft_entry(key: str, entry: Annotation, why: str) -> list[str]:
    """One entry in the form of data/annotations.yaml, after a comment."""

    def listed(ids: tuple[str, ...]) -> str:
        return f"[{', '.join(ids)}]"

    return [
        f"  # {why}",
        f"  {key}:",
        f"    title: {json.dumps(entry.title, ensure_ascii=False)}",
        f"    techniques: {listed(entry.techniques)}",
        f"    title_shows: {listed(entry.title_shows)}",
        f"    models: {listed(entry.models)}",
        f"    tasks: {listed(entry.tasks)}",
        f"    areas: {listed(entry.areas)}",
    ]


def renamed_papers(
    titles: Mapping[str, str], annotations: Mapping[str, Annotation]
) -> dict[str, str]:
    """Papers without an annotation whose title nearly equals that of a curated paper the list
    lacks (a title edited upstream), as paper key to curated key.

    Nearly equal: at least 80% of the words shared, and a character similarity of at least 0.9.
    The most similar pairs are taken first, and each curated paper is taken once.
    """
    unused = {
        key: (frozenset(words_of(a.title)), a.title.lower())
        for key, a in sorted(annotations.items())
        if key not in titles
    }
    by_word: dict[str, list[str]] = defaultdict(list)
    for key, (words, _) in unused.items():
        for word in words:
            by_word[word].append(key)
    pairs = []
    for key, title in titles.items():
        if key in annotations:
            continue
        words, lower = frozenset(words_of(title)), title.lower()
        for curated in _sharing_most_words(words, by_word):
            curated_words, curated_title = unused[curated]
            if len(words & curated_words) < RENAMED_WORDS * max(len(words), len(curated_words)):
                continue
            ratio = SequenceMatcher(None, lower, curated_title).ratio()
            if ratio >= RENAMED_RATIO:
                pairs.append((-ratio, key, curated))
    renamed: dict[str, str] = {}
    for _, key, curated in sorted(pairs):
        if key not in renamed and curated not in renamed.values():
            renamed[key] = curated
    return renamed


def _sharing_most_words(words: frozenset[str], by_word: Mapping[str, list[str]]) -> list[str]:
    """The curated papers that may share :data:`RENAMED_WORDS` of a title's words.

    A paper that shares that many words shares one of the title's ``n - ceil(0.8 n) + 1``
    words that the fewest curated titles hold, so only their papers need a closer look.
    """
    needed = len(words) - math.ceil(RENAMED_WORDS * len(words)) + 1
    rarest = sorted(words, key=lambda word: (len(by_word.get(word, ())), word))[:needed]
    return sorted({curated for word in rarest for curated in by_word.get(word, ())})


def renamed_triples(key: str, curated: str, annotation: Annotation) -> Iterator[Triple]:
    """The curated annotation of a paper whose title was edited, as the tagger's guess."""
    yield from _annotation_of(
        key, annotation, TAGGED, evidence=[f"like '{annotation.title}' (curated)"]
    )
    yield nt_iri(f"{ANNOTATION}{key}"), _EDITED_TITLE_OF, nt_iri(f"{PAPER}{curated}")


def tagged_triples(tagger: Tagger, key: str, title: str, survey: bool) -> Iterator[Triple]:
    """A paper's annotation as the tagger proposes it, attributed to the tagger."""
    proposal = tagger.propose(title)
    tasks = set(proposal.tasks) | ({"survey"} if survey else set())
    yield from annotation_triples(
        key,
        sorted(proposal.techniques),
        sorted(proposal.models),
        sorted(tasks),
        agent=TAGGED,
        evidence=proposal.evidence(),
    )
    if proposal.borrowed_from:
        yield (
            nt_iri(f"{ANNOTATION}{key}"),
            _BORROWED_FROM,
            nt_iri(f"{PAPER}{proposal.borrowed_from}"),
        )


def tagger_for(models: Mapping[str, list[str]], annotations: Mapping[str, Annotation]) -> Tagger:
    """The build's tagger: vocabulary and model labels, fitted on what curated titles show."""
    titles, shown, _ = training_set(annotations)
    return untrained_tagger(models).fit(titles, shown)


def untrained_tagger(models: Mapping[str, list[str]]) -> Tagger:
    """A tagger that knows only the labels of the vocabularies and of ``models``."""
    graph = vocabulary_graph()
    return Tagger(vocabulary_rules(graph, models), technique_broader(graph))


def training_set(
    annotations: Mapping[str, Annotation],
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Titles, the techniques the titles show, and all curated techniques, by paper key."""
    return (
        {key: annotation.title for key, annotation in annotations.items()},
        {key: annotation.title_shows for key, annotation in annotations.items()},
        {key: annotation.techniques for key, annotation in annotations.items()},
    )


@cache
def vocabulary_graph() -> Graph:
    """The ontology and the SKOS vocabularies, read once (the tagger reads their labels)."""
    graph = Graph(bind_namespaces="none")
    for path in VOCABULARY_PATHS:
        graph.parse(path, format="turtle")
    return graph


def load_tagger(source: Path = DEFAULT_SOURCE) -> Tagger:
    """The tagger as a build of ``source`` uses it (its small models come from the list too)."""
    return tagger_for(model_labels(parse_file(source)), load_annotations())


@dataclass(frozen=True)
class TaggerEvaluation:
    """The tagger's scores on titles it was not fitted on.

    :param folds: cross-validation folds over the curated papers.
    :param title_shows: held-out curated papers, against the techniques their titles show.
    :param all_curated: the same proposals, against every curated technique (titles and
        knowledge of the papers).
    :param outside: real papers outside the list (data/held-out-titles.yaml), tagged by the
        tagger fitted on every curated paper, against the techniques their titles show.
    """

    folds: int
    title_shows: Evaluation
    all_curated: Evaluation
    outside: Evaluation


def evaluate_tagger(folds: int = 5) -> TaggerEvaluation:
    """The tagger's held-out scores against the curated annotations and the outside titles."""
    models, annotations = model_labels(), load_annotations()
    titles, shown, curated = training_set(annotations)
    tagger = untrained_tagger(models)
    proposals = held_out_proposals(tagger, titles, shown, folds)
    outside = load_held_out_titles()
    fitted = tagger_for(models, annotations)
    outside_proposals = {
        paper.title: set(fitted.propose(paper.title).techniques) for paper in outside
    }
    return TaggerEvaluation(
        folds,
        score(tagger, proposals, shown),
        score(tagger, proposals, curated),
        score(tagger, outside_proposals, {paper.title: paper.techniques for paper in outside}),
    )


def model_labels(parsed: ParsedList | None = None) -> dict[str, list[str]]:
    """Each model's key and the names that signal it in a title: base models and the list's."""
    labels: dict[str, list[str]] = defaultdict(list)
    for key, model in load_models().items():
        labels[key] += dict.fromkeys((model.label, *model.labels))
    for key, rows in group_models(parsed.models if parsed else ()).items():
        if rows[0].name:
            labels[key].append(rows[0].name)
    return dict(labels)


def technique_broader(graph: Graph) -> dict[str, set[str]]:
    """Each technique's key and the keys of its broader techniques."""
    broader: dict[str, set[str]] = defaultdict(set)
    for narrower, wider in graph.subject_objects(SKOS.broader):
        if str(narrower).startswith(TECHNIQUE):
            broader[str(narrower)[len(TECHNIQUE) :]].add(str(wider)[len(TECHNIQUE) :])
    return dict(broader)
