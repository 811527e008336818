"""The list's research-directions figure as a SKOS concept scheme, matched to the techniques."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from dllm_kg.constants import (
    DIRECTION_MATCHES_PATH,
    DIRECTIONS_PATH,
    TECHNIQUES_PATH,
    UPSTREAM_LICENSE_URL,
)
from dllm_kg.errors import DllmKgError
from dllm_kg.graph import Triple, vocabulary_triples
from dllm_kg.identifiers import slug
from dllm_kg.namespaces import DIRECTION, DLLM, TECHNIQUE
from dllm_kg.terms import nt_iri, nt_literal

#: The concept scheme of the research directions, and its label.
SCHEME = str(DIRECTION)
SCHEME_LABEL = "Research directions"
#: Where a loaded file's key or item stands: its position in the YAML, as pydantic gives it.
Location = tuple[str | int, ...]
_TYPE, _IN_SCHEME, _PREF_LABEL = nt_iri(RDF.type), nt_iri(SKOS.inScheme), nt_iri(SKOS.prefLabel)


class DirectionsError(DllmKgError):
    """A research-directions file cannot be read or breaks its schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrintedLabel(_Strict):
    """A label the figure prints wrongly: as printed, and corrected."""

    printed: str = Field(min_length=1)
    label: str = Field(min_length=1)


class Topic(_Strict):
    """A topic of a branch and its sub-topics (plain labels, or printed and corrected)."""

    topic: str = Field(min_length=1)
    subtopics: tuple[str | PrintedLabel, ...] = Field(min_length=1)


class Branch(_Strict):
    """A branch of an era: (M)LLM or Distributed Learning."""

    branch: str = Field(min_length=1)
    topics: tuple[Topic, ...] = Field(min_length=1)


class Era(_Strict):
    """One of the figure's three eras: prior works, recent works, future directions."""

    era: str = Field(min_length=1)
    branches: tuple[Branch, ...] = Field(min_length=1)


class DirectionsFile(_Strict):
    """The schema of data/research-directions.yaml."""

    source: str = Field(pattern=r"^https?://[^\s<>\"{}|\\^`]+$")
    license: str
    eras: tuple[Era, ...] = Field(min_length=1)


class Match(_Strict):
    """The techniques a research direction means, and why."""

    techniques: tuple[str, ...] = Field(min_length=1)
    why: str = Field(min_length=1)


class MatchFile(_Strict):
    """The schema of data/research-directions-techniques.yaml."""

    matches: dict[str, Match]


@dataclass(frozen=True)
class Direction:
    """A concept of the scheme: an era, a branch, a topic or a sub-topic.

    :param key: the IRI ending (:data:`dllm_kg.namespaces.DIRECTION`).
    :param notation: its place in the figure, as era.branch.topic.sub-topic numbers (``1.2.3``).
    :param broader: the key of the direction it belongs to; None for an era.
    :param printed: the label as the figure prints it, where that is wrong.
    :param where: where the YAML file holds it.
    """

    key: str
    label: str
    notation: str
    broader: str | None
    printed: str | None
    where: Location

    @property
    def iri(self) -> str:
        """The direction's IRI."""
        return f"{DIRECTION}{self.key}"


def load_directions(path: Path = DIRECTIONS_PATH) -> tuple[DirectionsFile, tuple[Direction, ...]]:
    """The figure as read from its file, and its directions in figure order.

    :raises DirectionsError: when the file cannot be read, breaks the schema, or two directions
        get the same key; the message names the file and line.
    """
    figure, node = _load(path, DirectionsFile)
    directions = tuple(_directions_of(figure))
    seen: dict[str, Direction] = {}
    for direction in directions:
        if direction.key in seen:
            line = _line_of(node, direction.where)
            raise DirectionsError(
                f"{path.name}:{line}: {direction.label!r} gets the id {direction.key}, "
                f"as {seen[direction.key].label!r} does: rename one"
            )
        seen[direction.key] = direction
    return figure, directions


def _directions_of(figure: DirectionsFile) -> Iterator[Direction]:
    """Every era, branch, topic and sub-topic, each after the direction it belongs to."""
    for e, era in enumerate(figure.eras, 1):
        era_key = slug(era.era)
        yield Direction(era_key, era.era, f"{e}", None, None, ("eras", e - 1))
        for b, branch in enumerate(era.branches, 1):
            at = ("eras", e - 1, "branches", b - 1)
            branch_key = slug(f"{era.era} {branch.branch}")
            label = f"{era.era}: {branch.branch}"
            yield Direction(branch_key, label, f"{e}.{b}", era_key, None, at)
            for t, topic in enumerate(branch.topics, 1):
                topic_at = (*at, "topics", t - 1)
                topic_key = slug(topic.topic)
                yield Direction(topic_key, topic.topic, f"{e}.{b}.{t}", branch_key, None, topic_at)
                for s, sub in enumerate(topic.subtopics, 1):
                    label, printed = _labels_of(sub)
                    yield Direction(
                        slug(label),
                        label,
                        f"{e}.{b}.{t}.{s}",
                        topic_key,
                        printed,
                        (*topic_at, "subtopics", s - 1),
                    )


def _labels_of(subtopic: str | PrintedLabel) -> tuple[str, str | None]:
    """A sub-topic's label, and the label the figure prints where that differs."""
    if isinstance(subtopic, str):
        return subtopic, None
    return subtopic.label, subtopic.printed


def load_matches(
    directions: tuple[Direction, ...],
    path: Path = DIRECTION_MATCHES_PATH,
    techniques: frozenset[str] | None = None,
) -> dict[str, Match]:
    """The techniques each matched direction means, by direction key.

    :raises DirectionsError: when the file cannot be read, breaks the schema, or names a
        direction or technique that does not exist; the message names the file and line.
    """
    matches, node = _load(path, MatchFile)
    known = technique_keys() if techniques is None else techniques
    keys = {direction.key for direction in directions}
    for key, match in matches.matches.items():
        if key not in keys:
            line = _line_of(node, ("matches", key), key_line=True)
            raise DirectionsError(f"{path.name}:{line}: no research direction has the id {key}")
        for index, technique in enumerate(match.techniques):
            if technique not in known:
                line = _line_of(node, ("matches", key, "techniques", index))
                raise DirectionsError(
                    f"{path.name}:{line}: {key}: no technique {technique} in data/techniques.ttl"
                )
    return matches.matches


@cache
def technique_keys(path: Path = TECHNIQUES_PATH) -> frozenset[str]:
    """The ids of the techniques of data/techniques.ttl."""
    technique = nt_iri(DLLM.Technique)
    return frozenset(
        subject[len(TECHNIQUE) + 1 : -1]
        for subject, predicate, value in vocabulary_triples((path,))
        if predicate == _TYPE and value == technique and subject.startswith(f"<{TECHNIQUE}")
    )


def _load(path: Path, schema: type[_Strict]) -> tuple:
    """A YAML file held to a schema, and its node tree (for the lines of what it holds)."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _refuse_repeated_keys(node, path)
        return schema.model_validate(yaml.safe_load(text)), node
    except OSError as error:
        raise DirectionsError(f"{path.name}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise DirectionsError(f"{path.name}: not UTF-8 text (byte {error.start})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "cannot be read"
        raise DirectionsError(f"{path.name}{where}: not valid YAML: {problem}") from None
    except ValidationError as error:
        first = error.errors()[0]
        line = _line_of(node, first["loc"])
        what = ".".join(str(part) for part in first["loc"])
        raise DirectionsError(f"{path.name}:{line}: {what}: {first['msg']}") from None


def _refuse_repeated_keys(node: yaml.Node | None, path: Path) -> None:
    """A key given twice in one mapping is an error (YAML readers keep the last silently)."""
    stack = [node]
    while stack:
        here = stack.pop()
        if isinstance(here, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in here.value:
                if key.value in seen:
                    line = key.start_mark.line + 1
                    raise DirectionsError(f"{path.name}:{line}: {key.value} is given twice")
                seen.add(key.value)
                stack.append(value)
        elif isinstance(here, yaml.SequenceNode):
            stack.extend(here.value)


def _line_of(node: yaml.Node | None, where: Location, key_line: bool = False) -> int:
    """The line (from 1) of what ``where`` names in a YAML node tree: the deepest part found.

    Parts that name no key or item (pydantic's names of union members) are passed over.
    :param key_line: the line of the last key itself, not of its value.
    """
    line = 1 if node is None else node.start_mark.line + 1
    for part in where:
        if isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if k.value == str(part)]
            if not pairs:
                continue
            key, node = pairs[0]
            line = (key if key_line else node).start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


def direction_triples(
    directions_path: Path = DIRECTIONS_PATH, matches_path: Path = DIRECTION_MATCHES_PATH
) -> list[Triple]:
    """The scheme, every direction in it, and the techniques the directions match."""
    figure, directions = load_directions(directions_path)
    matches = load_matches(directions, matches_path)
    return [*_scheme_triples(figure, directions), *_concept_triples(directions, matches)]


def _scheme_triples(figure: DirectionsFile, directions: tuple[Direction, ...]) -> Iterator[Triple]:
    """The concept scheme: its label, source, licence and top concepts (the eras)."""
    scheme = nt_iri(SCHEME)
    yield scheme, _TYPE, nt_iri(SKOS.ConceptScheme)
    yield scheme, nt_iri(DCTERMS.title), nt_literal(SCHEME_LABEL, "en")
    yield scheme, nt_iri(RDFS.label), nt_literal(SCHEME_LABEL, "en")
    yield (
        scheme,
        nt_iri(RDFS.comment),
        nt_literal(
            "The list's figure of selected prior, current and future research directions: three "
            "eras, two branches in each ((M)LLM and Distributed Learning), their topics and "
            "sub-topics, transcribed by the dllm-kg project.",
            "en",
        ),
    )
    yield scheme, nt_iri(DCTERMS.source), nt_iri(figure.source)
    yield scheme, nt_iri(DCTERMS.license), nt_iri(UPSTREAM_LICENSE_URL)
    for direction in directions:
        if direction.broader is None:
            yield scheme, nt_iri(SKOS.hasTopConcept), nt_iri(direction.iri)


def _concept_triples(
    directions: tuple[Direction, ...], matches: Mapping[str, Match]
) -> Iterator[Triple]:
    """Each direction as a concept: label, place, broader direction and matching techniques."""
    for direction in directions:
        concept = nt_iri(direction.iri)
        yield concept, _TYPE, nt_iri(SKOS.Concept)
        yield concept, _IN_SCHEME, nt_iri(SCHEME)
        yield concept, _PREF_LABEL, nt_literal(direction.label, "en")
        yield concept, nt_iri(SKOS.notation), nt_literal(direction.notation)
        if direction.broader is None:
            yield concept, nt_iri(SKOS.topConceptOf), nt_iri(SCHEME)
        else:
            yield concept, nt_iri(SKOS.broader), nt_iri(f"{DIRECTION}{direction.broader}")
        if direction.printed:
            yield concept, nt_iri(SKOS.hiddenLabel), nt_literal(direction.printed, "en")
            note = f"The figure prints this label as '{direction.printed}'."
            yield concept, nt_iri(SKOS.editorialNote), nt_literal(note, "en")
        match = matches.get(direction.key)
        for technique in match.techniques if match else ():
            yield concept, nt_iri(SKOS.closeMatch), nt_iri(f"{TECHNIQUE}{technique}")
