"""Propose techniques, models and tasks for a paper from the words of its title."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import SKOS

from dllm_kg.namespaces import TASK, TECHNIQUE

#: The kinds of thing the tagger proposes.
KINDS = ("technique", "model", "task")
#: Words too common in this list's titles to signal anything on their own.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "under",
        "via",
        "with",
        "without",
        "towards",
        "toward",
        "is",
        "are",
        "be",
        "how",
        "what",
        "why",
        "when",
        "its",
        "their",
        "your",
        "our",
        "we",
        "large",
        "language",
        "model",
        "llm",
        "lm",
    ]
)
#: A vocabulary label that is right less often than this on training titles is dropped.
MIN_LABEL_PRECISION = 0.5

_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class Rule:
    """Words that signal a technique, model or task.

    :param words: normalised word tuple to look for (or one case-sensitive part of a word).
    :param kind: ``technique``, ``model`` or ``task``.
    :param target: the id it signals.
    :param text: the label as written, shown as evidence.
    :param in_word: match case-sensitively inside words too (``LoRA`` in ``FLoRA``); an
        all-capital label only inside a word that is not all capitals (``VLM`` in
        ``MobileVLM``, not ``TEE`` in ``STEER``).
    """

    words: tuple[str, ...]
    kind: str
    target: str
    text: str
    in_word: bool = False


@dataclass(frozen=True, slots=True)
class Example:
    """A training paper: its key, title, words and curated techniques."""

    key: str
    title: str
    words: frozenset[str]
    techniques: tuple[str, ...]


@dataclass
class Proposal:
    """What the tagger proposes for one title, with the words that made it do so."""

    techniques: dict[str, list[str]] = field(default_factory=dict)
    models: dict[str, list[str]] = field(default_factory=dict)
    tasks: dict[str, list[str]] = field(default_factory=dict)
    #: The training paper whose techniques were borrowed, when no rule matched.
    borrowed_from: str | None = None

    def add(self, kind: str, target: str, why: str) -> None:
        """Record one match."""
        found = getattr(self, f"{kind}s").setdefault(target, [])
        if why not in found:
            found.append(why)

    def evidence(self) -> list[str]:
        """Every match as ``words -> kind id``, sorted."""
        return sorted(
            f"{why} -> {kind} {target}"
            for kind in KINDS
            for target, whys in getattr(self, f"{kind}s").items()
            for why in whys
        )


def normalise_word(word: str) -> str:
    """Lower case, and a plural ``s`` removed, so that ``Networks`` matches ``network``.

    >>> normalise_word("Networks"), normalise_word("LLMs"), normalise_word("bias")
    ('network', 'llm', 'bias')
    """
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


def words_of(text: str) -> tuple[str, ...]:
    """The normalised words of a text.

    >>> words_of("Fine-Tuning LLMs on Edge Devices")
    ('fine', 'tuning', 'llm', 'on', 'edge', 'device')
    """
    return tuple(normalise_word(word) for word in _WORD.findall(text))


def label_rule(kind: str, target: str, label: str) -> Rule | None:
    """The rule for one vocabulary label; acronyms such as ``LoRA`` also match inside words."""
    words = words_of(label)
    if not words:
        return None
    acronym = len(words) == 1 and len(label) >= 3 and label.isalnum() and not label.islower()
    return Rule(words, kind, target, label, in_word=acronym)


def vocabulary_rules(graph: Graph, model_labels: Mapping[str, Iterable[str]]) -> list[Rule]:
    """Rules from the techniques' and tasks' SKOS labels and the models' labels."""
    rules = []
    for kind, namespace in (("technique", TECHNIQUE), ("task", TASK)):
        for concept, label in graph.subject_objects(SKOS.prefLabel | SKOS.altLabel):
            if str(concept).startswith(str(namespace)):
                rules.append(label_rule(kind, str(concept)[len(namespace) :], str(label)))
    for model, labels in model_labels.items():
        rules += [label_rule("model", model, label) for label in labels]
    unique: dict[tuple, Rule] = {}
    for rule in sorted((r for r in rules if r), key=lambda r: (r.kind, r.target, r.text)):
        unique.setdefault((rule.kind, rule.target, rule.words, rule.in_word), rule)
    return list(unique.values())


def _inside(label: str, word: str) -> bool:
    """Whether an acronym inside a longer word stands out by its case, as in ``MobileVLM``."""
    return not (label.isupper() and word.isupper())


class Tagger:
    """Matches rule words in titles; ``fit`` keeps the reliable rules and titles to borrow from."""

    def __init__(
        self,
        rules: Iterable[Rule],
        broader: Mapping[str, set[str]] | None = None,
        examples: Iterable[Example] = (),
    ):
        self.rules = list(rules)
        self.broader = dict(broader or {})
        self.examples = list(examples)
        self._by_words: dict[tuple[str, ...], list[Rule]] = defaultdict(list)
        self._in_word: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            self._by_words[rule.words].append(rule)
            if rule.in_word:
                self._in_word[rule.text].append(rule)
        self._longest = max((len(words) for words in self._by_words), default=1)
        self._in_word_lengths = sorted({len(text) for text in self._in_word})
        self._inside_of: dict[str, list[str]] = {}

    def propose(self, title: str) -> Proposal:
        """Techniques, models and tasks signalled by the title's words.

        >>> tagger = Tagger([label_rule("technique", "lora", "LoRA")])
        >>> tagger.propose("FLoRA: Federated Fine-Tuning").techniques
        {'lora': ['LoRA (in FLoRA)']}
        """
        proposal = Proposal()
        for rule, why in self.matches(title):
            proposal.add(rule.kind, rule.target, why)
        if not proposal.techniques:
            self._borrow_from_nearest(title, proposal)
        self._drop_broader(proposal)
        return proposal

    def matches(self, title: str) -> Iterator[tuple[Rule, str]]:
        """Every rule the title matches, with the words that matched it."""
        words = words_of(title)
        for start in range(len(words)):
            for size in range(1, self._longest + 1):
                for rule in self._by_words.get(words[start : start + size], ()):
                    yield rule, rule.text
        for word in _WORD.findall(title):
            normal = normalise_word(word)
            for text in self._texts_inside(word):
                for rule in self._in_word[text]:
                    whole = normal == rule.words[0]  # matched as a word above already
                    if not whole and _inside(rule.text, word):
                        yield rule, f"{rule.text} (in {word})"

    def _texts_inside(self, word: str) -> list[str]:
        """The texts of in-word rules that stand inside a word, each once, in rule order.

        Looks up the word's substrings of the rules' lengths: a few dozen dictionary look-ups
        per word, however many rules there are, once per distinct word.
        """
        if word not in self._inside_of:
            self._inside_of[word] = self._find_inside(word)
        return self._inside_of[word]

    def _find_inside(self, word: str) -> list[str]:
        found = {
            word[start : start + length]
            for length in self._in_word_lengths
            for start in range(len(word) - length + 1)
        }
        return sorted(found & self._in_word.keys())

    def _borrow_from_nearest(self, title: str, proposal: Proposal) -> None:
        """No rule matched: borrow the techniques of the training title sharing most words.

        Only training titles that show a technique are borrowed from.

        A title that shares no word with any training title gets nothing: guessing would hide
        the ``missing-technique`` finding that asks a curator to annotate it.
        """
        words = set(words_of(title)) - STOPWORDS
        best, closest = None, 0.0
        for example in self.examples:
            shared = len(words & example.words)
            overlap = shared / len(words | example.words) if shared else 0.0
            if overlap > closest:
                best, closest = example, overlap
        if best is not None:
            proposal.borrowed_from = best.key
            for technique in best.techniques:
                proposal.add("technique", technique, f"like '{best.title}'")

    def _drop_broader(self, proposal: Proposal) -> None:
        """Keep the most specific techniques: a broader one is implied by its narrower one."""
        implied = set().union(*(self.ancestors(t) for t in proposal.techniques))
        for technique in implied & proposal.techniques.keys():
            del proposal.techniques[technique]

    def ancestors(self, technique: str) -> set[str]:
        """Every technique broader than this one."""
        seen: set[str] = set()
        todo = list(self.broader.get(technique, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += self.broader.get(current, ())
        return seen

    def closure(self, techniques: Iterable[str]) -> set[str]:
        """The techniques with all their broader ones."""
        techniques = set(techniques)
        return techniques.union(*(self.ancestors(t) for t in techniques))

    def fit(self, titles: Mapping[str, str], truth: Mapping[str, Iterable[str]]) -> Tagger:
        """A tagger tuned on training papers: labels that are wrong on them more often than
        right are dropped, and their titles are kept to borrow from.

        :param titles: paper key to title, for the training papers only.
        :param truth: paper key to the techniques its title shows.
        """
        expected = {key: self.closure(truth[key]) for key in titles}
        hits: dict[Rule, list[str]] = defaultdict(list)
        for key, title in titles.items():
            for rule in {rule for rule, _ in self.matches(title)}:
                hits[rule].append(key)
        kept = [rule for rule in self.rules if _reliable(rule, hits[rule], expected)]
        examples = [
            Example(key, title, frozenset(words_of(title)) - STOPWORDS, tuple(sorted(truth[key])))
            for key, title in sorted(titles.items())
            if truth[key]
        ]
        return Tagger(kept, self.broader, examples)


def _reliable(rule: Rule, hits: list[str], expected: Mapping[str, set[str]]) -> bool:
    """Whether a technique rule is right often enough on the training papers it matches."""
    if rule.kind != "technique" or len(hits) < 2:
        return True
    right = sum(rule.target in expected[key] for key in hits)
    return right / len(hits) >= MIN_LABEL_PRECISION


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 from counts of true positives, false positives, false negatives."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of proposals that are right."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of curated techniques that were proposed."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Evaluation:
    """Scores against one reference: micro-averaged and per technique."""

    papers: int
    micro: Scores
    per_technique: dict[str, Scores]


def fold_of(key: str, folds: int) -> int:
    """A paper's fold: stable, from its key alone, so that folds never change with order.

    >>> fold_of("fwdllm-efficient-fedllm-using-forward-gradient", 5) in range(5)
    True
    """
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % folds


def held_out_proposals(
    tagger: Tagger,
    titles: Mapping[str, str],
    truth: Mapping[str, Iterable[str]],
    folds: int = 5,
) -> dict[str, set[str]]:
    """Cross-validate: each fold is tagged by a tagger fitted on the other folds only.

    :returns: each paper's proposed techniques, with their broader ones added.
    """
    proposals = {}
    for fold in range(folds):
        held_out = {key for key in titles if fold_of(key, folds) == fold}
        training = {key: title for key, title in titles.items() if key not in held_out}
        fitted = tagger.fit(training, truth)
        for key in sorted(held_out):
            proposals[key] = tagger.closure(fitted.propose(titles[key]).techniques)
    return proposals


def score(
    tagger: Tagger,
    proposals: Mapping[str, set[str]],
    reference: Mapping[str, Iterable[str]],
) -> Evaluation:
    """Compare proposals with a reference, per technique and micro-averaged.

    Both sides are compared with their broader techniques added (hierarchical precision and
    recall), so that proposing "LoRA" for a curated "LoRA" counts once for LoRA and once for
    parameter-efficient fine-tuning, and proposing only the broader one earns partial credit.
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key, proposed in proposals.items():
        proposed = tagger.closure(proposed)
        expected = tagger.closure(reference[key])
        for technique in proposed | expected:
            slot = 0 if technique in proposed & expected else 1 if technique in proposed else 2
            counts[technique][slot] += 1
    per_technique = {t: Scores(*c) for t, c in sorted(counts.items())}
    micro = Scores(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return Evaluation(len(proposals), micro, per_technique)
