"""Citations: the list's BibTeX block read (bibtexparser 2), matched to the listed papers,
turned into authors, years and venues, and every paper written back as a BibTeX entry."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import bibtexparser
import pyoxigraph as ox
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from dllm_kg.graph import DATASET_IRI, Triple, group_papers, paper_iri
from dllm_kg.identifiers import Scheme, normalise, slug
from dllm_kg.namespaces import AUTHOR, AUTHORSHIP, DLLM, REFERENCE, SCHEMA
from dllm_kg.records import Citation, Finding, PaperRow, ParsedList, Person, Severity
from dllm_kg.terms import nt_iri, nt_literal

#: Finding codes of the BibTeX reader.
BAD_ENTRY, DUPLICATE_KEY = "bibtex-not-read", "bibtex-duplicate-key"
#: An arXiv identifier anywhere in a field: ``arXiv:2305.05920``, ``1812.06127``, an abs URL.
_ARXIV = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d.]*\d)")
#: A DOI anywhere in a field, up to a space or a closing brace; an arXiv DOI is its arXiv id.
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s{}\"]+)")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
#: Fields that may hold an identifier.
_IDENTIFIER_FIELDS = ("eprint", "doi", "url", "journal", "booktitle", "note", "howpublished")
#: A year as BibTeX gives it.
_YEAR = re.compile(r"\d{4}")
#: How long an output key may be before it is cut and given a hash of the paper key.
MAX_KEY = 48
# The terms the citations are written with, as N-Triples terms.
_TYPE, _TITLE, _PART_OF = nt_iri(RDF.type), nt_iri(DCTERMS.title), nt_iri(DCTERMS.isPartOf)
_CREATOR, _ISSUED = nt_iri(DCTERMS.creator), nt_iri(DCTERMS.issued)
_PERSON, _NAME = nt_iri(FOAF.Person), nt_iri(FOAF.name)
_GIVEN, _FAMILY = nt_iri(FOAF.givenName), nt_iri(FOAF.familyName)
_AUTHORSHIP, _AUTHORSHIP_CLASS = nt_iri(DLLM.authorship), nt_iri(DLLM.Authorship)
_AUTHOR, _POSITION = nt_iri(DLLM.author), nt_iri(SCHEMA.position)
_VENUE, _CITATION_KEY = nt_iri(DLLM.venue), nt_iri(DLLM.citationKey)
_CITATION_TYPE, _REFERENCE = nt_iri(DLLM.citationType), nt_iri(DLLM.Reference)
_ARXIV_ID, _DOI_ID = nt_iri(DLLM.arxivId), nt_iri(DLLM.doi)
_GYEAR = nt_iri(XSD.gYear)


# Reading ---------------------------------------------------------------------------------------


def read_bibtex(text: str, file: str, first_line: int = 1) -> tuple[list[Citation], list[Finding]]:
    """The entries of a BibTeX text, and a warning for each entry that cannot be read.

    :param first_line: the line of the list file that holds the text's first line.

    >>> citations, findings = read_bibtex(
    ...     "@article{k, title={Fed{LoRA}}, author={M{\\\\\\"u}ller, Jo and others},"
    ...     " journal={arXiv preprint arXiv:2401.00001}, year={2024}}\\n@misc{bad,", "l.md", 10)
    >>> citations[0].title, citations[0].authors[0].name, citations[0].identifiers
    ('FedLoRA', 'Jo Müller', ('arxiv:2401.00001',))
    >>> print(findings[0])
    l.md:11: warning: BibTeX entry not read: ...
    """
    with _quiet_latex():
        library = bibtexparser.parse_string(text, append_middleware=_READING)
    citations = [_citation(entry, first_line) for entry in library.entries]
    first = {citation.key: citation.line for citation in citations}
    findings = [_failure(block, file, first_line, first) for block in library.failed_blocks]
    return citations, sorted(findings, key=lambda finding: finding.line)


#: After splitting: LaTeX to text (braces kept, so that ``{The Vicuna Team}`` stays one name),
#: authors split at ``and``, each name into its parts.
_READING = (
    middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
    middlewares.SeparateCoAuthors(),
    middlewares.SplitNameParts(),
)


@contextmanager
def _quiet_latex() -> Iterator[None]:
    """Keep bibtexparser from logging each entry it cannot read (the findings name them) and
    pylatexenc each character it has no LaTeX for (CJK, emoji)."""
    loggers = [logging.getLogger(name) for name in ("bibtexparser", "pylatexenc")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _citation(entry: Entry, first_line: int) -> Citation:
    fields = {field.key.lower(): field.value for field in entry.fields}
    year = _YEAR.search(_text(fields.get("year", "")))
    return Citation(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        line=first_line + (entry.start_line or 0),
        title=_text(fields.get("title", "")),
        authors=tuple(_people(fields.get("author", []))),
        year=year[0] if year else "",
        venue=_text(fields.get("journal") or fields.get("booktitle") or ""),
        identifiers=tuple(dict.fromkeys(_identifiers(fields))),
    )


def _text(value: object) -> str:
    """A field's value as plain text: braces gone, spaces collapsed."""
    return " ".join(str(value).replace("{", "").replace("}", "").split())


def _people(names: object) -> Iterator[Person]:
    """The authors of a split name list; ``others`` (BibTeX's "et al.") is left out."""
    for parts in names if isinstance(names, list) else []:
        if not isinstance(parts, middlewares.NameParts):
            continue
        family = _text(" ".join([*parts.von, *parts.last]))
        if parts.jr:
            family += ", " + _text(" ".join(parts.jr))
        given = _text(" ".join(parts.first))
        if family.lower() != "others" and (family or given):
            yield Person(given, family)


def _identifiers(fields: Mapping[str, object]) -> Iterator[str]:
    """Every arXiv id and DOI the entry's fields hold, as ``arxiv:ID`` and ``doi:DOI``."""
    for name in _IDENTIFIER_FIELDS:
        value = str(fields.get(name, ""))
        for doi in _DOI.findall(value):
            arxiv = _ARXIV_DOI.match(doi)
            yield f"arxiv:{arxiv[1]}" if arxiv else f"doi:{doi.lower().rstrip('.,;')}"
        without_dois = _DOI.sub(" ", value)
        yield from (f"arxiv:{found}" for found in _ARXIV.findall(without_dois))


def _failure(
    block: ParsingFailedBlock, file: str, first_line: int, first: Mapping[str, int]
) -> Finding:
    line = first_line + (block.start_line or 0)
    if isinstance(block, DuplicateBlockKeyBlock):
        key = block.key
        message = (
            f"BibTeX key {key!r} is used twice (first at line {first.get(key, '?')}); "
            "this entry is left out"
        )
        return Finding(Severity.WARNING, DUPLICATE_KEY, message, file, line)
    error = block.error
    why = " ".join(str(getattr(error, "abort_reason", None) or error).split())
    message = f"BibTeX entry not read: {why}" if why else "BibTeX entry not read"
    return Finding(Severity.WARNING, BAD_ENTRY, message, file, line)


# Matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matching:
    """Which BibTeX entries match which listed papers.

    :param papers: the entry chosen for each matched paper, by paper key: the one with the
        most authors (the survey cites some papers twice, once as "Zhu, D. and others"), then
        an identifier match before a title match, then the first.
    :param matched: every entry that matches a listed paper, chosen or not.
    :param references: the entries that match no listed paper, one per title, by their key
        in the ``reference/`` namespace.
    """

    papers: dict[str, Citation]
    matched: tuple[Citation, ...]
    references: dict[str, Citation]


def match_citations(parsed: ParsedList) -> Matching:
    """Match the list's BibTeX entries to its papers: by arXiv id or DOI, else by title.

    An identifier that two papers' links share (a defect of the list) matches the one whose
    title is closer; a title matches when its slug is the paper's key (case, punctuation and
    LaTeX aside).
    """
    groups = group_papers(parsed.papers)
    by_identifier = _identifier_holders(groups)
    titles = {key: rows[0].title for key, rows in groups.items()}
    found: dict[str, list[tuple[int, int, int, Citation]]] = defaultdict(list)
    matched, references = [], {}
    for citation in parsed.citations:
        key, rank = _match(citation, by_identifier, titles)
        if key is None:
            references.setdefault(_reference_key(citation), citation)
            continue
        matched.append(citation)
        found[key].append((-len(citation.authors), rank, citation.line, citation))
    papers = {key: min(options, key=lambda option: option[:3])[3] for key, options in found.items()}
    return Matching(dict(sorted(papers.items())), tuple(matched), references)


def _match(
    citation: Citation, by_identifier: Mapping[str, tuple[str, ...]], titles: Mapping[str, str]
) -> tuple[str | None, int]:
    """The paper an entry matches and how: 0 by identifier, 1 by title (None, 2: no match)."""
    for identifier in citation.identifiers:
        holders = by_identifier.get(identifier, ())
        if len(holders) == 1:
            return holders[0], 0
        if holders:  # a link that several rows share (a defect): the title decides between them
            closest = _closest_title(citation.title, holders, titles)
            if closest:
                return closest, 0
    key = slug(citation.title)
    return (key, 1) if key and key in titles else (None, 2)


def _closest_title(title: str, keys: Iterable[str], titles: Mapping[str, str]) -> str | None:
    """Of papers that share an identifier, the one whose title shares most of the entry's
    title words (at least half of each), or None when none or two do equally."""
    words = set(slug(title).split("-"))
    scores: dict[int, list[str]] = defaultdict(list)
    for key in keys:
        theirs = set(slug(titles[key]).split("-"))
        shared = len(words & theirs)
        if shared * 2 >= max(len(words), len(theirs)):
            scores[shared].append(key)
    best = scores[max(scores)] if scores else []
    return best[0] if len(best) == 1 else None


def _identifier_holders(groups: Mapping[str, list[PaperRow]]) -> dict[str, tuple[str, ...]]:
    """The papers whose links give each arXiv id and DOI (two where rows share a link)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for key, rows in groups.items():
        for identifier in _paper_identifiers(rows):
            holders[identifier].add(key)
    return {identifier: tuple(sorted(keys)) for identifier, keys in holders.items()}


def _paper_identifiers(rows: Iterable[PaperRow]) -> Iterator[str]:
    """A paper's arXiv ids and DOIs from its links, as ``arxiv:ID`` and ``doi:DOI``."""
    for row in rows:
        if row.link:
            identifier = normalise(row.link)
            if identifier.scheme in (Scheme.ARXIV, Scheme.DOI):
                yield f"{identifier.scheme.value}:{identifier.value.lower()}"


def _reference_key(citation: Citation) -> str:
    """A cited work's key: the slug of its title, else of its BibTeX key."""
    return slug(citation.title) or slug(citation.key) or f"line-{citation.line}"


# Triples ---------------------------------------------------------------------------------------


def citation_triples(parsed: ParsedList) -> Iterator[Triple]:
    """Authors, year, venue and identifiers of the matched papers; the year from the arXiv id
    of the others; and the survey's other cited works as ``dllm:Reference`` nodes."""
    matching = match_citations(parsed)
    groups = group_papers(parsed.papers)
    claimed = _claimed(groups)
    names = spellings(parsed.citations)
    for key, rows in groups.items():
        own = set(_paper_identifiers(rows))
        citation = matching.papers.get(key)
        node = nt_iri(paper_iri(key))
        if citation is not None:
            yield from work_triples(node, f"paper.{key}", citation, names)
            yield from _new_identifiers(node, citation, own, claimed)
        year = (citation.year if citation else "") or _arxiv_year(own | _cited(citation))
        if year:
            yield node, _ISSUED, year_literal(year)
    for key, citation in matching.references.items():
        node = nt_iri(REFERENCE[key])
        yield node, _TYPE, _REFERENCE
        yield node, _PART_OF, nt_iri(DATASET_IRI)
        if citation.title:
            yield node, _TITLE, nt_literal(citation.title)
        if citation.year:
            yield node, _ISSUED, year_literal(citation.year)
        yield from work_triples(node, f"reference.{key}", citation, names)


def spellings(citations: Iterable[Citation]) -> dict[str, Person]:
    """Each author's name as the block first spells it, by author IRI: "Muñoz" and "Munoz"
    are one person (one slug), named once."""
    found: dict[str, Person] = {}
    for citation in citations:
        for person in citation.authors:
            found.setdefault(author_iri(person), person)
    return found


def work_triples(
    node: str, name: str, citation: Citation, names: Mapping[str, Person]
) -> Iterator[Triple]:
    """What a BibTeX entry says of a work: its authors in order, venue, type and key.

    :param name: the work's name among the authorship nodes (``paper.KEY``).
    :param names: each author's name by IRI (:func:`spellings`).
    """
    for position, person in enumerate(citation.authors, start=1):
        iri = author_iri(person)
        person = names.get(iri, person)
        author = nt_iri(iri)
        place = nt_iri(f"{AUTHORSHIP}{name}.{position}")
        yield node, _CREATOR, author
        yield node, _AUTHORSHIP, place
        yield place, _TYPE, _AUTHORSHIP_CLASS
        yield place, _AUTHOR, author
        yield place, _POSITION, nt_literal(position)
        yield from person_triples(author, person)
    if citation.venue:
        yield node, _VENUE, nt_literal(citation.venue)
    yield node, _CITATION_TYPE, nt_literal(citation.entry_type)
    yield node, _CITATION_KEY, nt_literal(citation.key)


def person_triples(author: str, person: Person) -> Iterator[Triple]:
    """An author node: a ``foaf:Person`` with a name, and its given and family names."""
    yield author, _TYPE, _PERSON
    yield author, _NAME, nt_literal(person.name)
    if person.given:
        yield author, _GIVEN, nt_literal(person.given)
    yield author, _FAMILY, nt_literal(person.family)


def author_iri(person: Person) -> str:
    """An author's IRI: the slug of the name, given names first (one node per spelling).

    >>> author_iri(Person("Martin", "Karafiát"))
    'https://w3id.org/dllm-kg/author/martin-karafiat'
    """
    return f"{AUTHOR}{slug(person.name) or 'unnamed'}"


def year_literal(year: str) -> str:
    """A year as an ``xsd:gYear`` literal (an N-Triples term)."""
    return f'"{year}"^^{_GYEAR}'


def _claimed(groups: Mapping[str, list[PaperRow]]) -> set[str]:
    return {identifier for rows in groups.values() for identifier in _paper_identifiers(rows)}


def _cited(citation: Citation | None) -> set[str]:
    return set(citation.identifiers) if citation else set()


def _new_identifiers(
    node: str, citation: Citation, own: set[str], claimed: set[str]
) -> Iterator[Triple]:
    """The entry's first arXiv id and DOI, for a paper whose links give none of that kind,
    when no listed paper's link claims it."""
    for scheme, prop in (("arxiv", _ARXIV_ID), ("doi", _DOI_ID)):
        if any(identifier.startswith(scheme + ":") for identifier in own):
            continue
        new = [i for i in citation.identifiers if i.startswith(scheme + ":") and i not in claimed]
        if new:
            yield node, prop, nt_literal(new[0].split(":", 1)[1])


def _arxiv_year(identifiers: Iterable[str]) -> str:
    """The year of the first new-style arXiv id (``YYMM.NNNNN`` -> 20YY), or ""."""
    for identifier in sorted(identifiers):
        if identifier.startswith("arxiv:") and re.match(r"arxiv:\d{4}\.", identifier):
            month = int(identifier[8:10])
            if 1 <= month <= 12:
                return f"20{identifier[6:8]}"
    return ""


def summary(parsed: ParsedList) -> str:
    """The build summary's line on the BibTeX block, or "" when the list has none.

    >>> from dllm_kg.parse import parse_text
    >>> summary(parse_text("| Paper Title | Url | Code |\\n|-|-|-|\\n| A | N/A | N/A |\\n"))
    ''
    """
    if not parsed.citations:
        return ""
    matching = match_citations(parsed)
    return (
        f"{len(parsed.citations)} entries, {len(matching.matched)} matched listed papers "
        f"({len(matching.papers)} papers enriched), {len(matching.references)} other works"
    )


# Writing ---------------------------------------------------------------------------------------

#: Each paper's fields for its BibTeX entry (one value each, the least where there are more).
_PAPERS_QUERY = """
SELECT ?paper (MIN(?t) AS ?title) (MIN(?y) AS ?year) (MIN(?v) AS ?venue) (MIN(?c) AS ?type)
       (MIN(?a) AS ?arxiv) (MIN(?d) AS ?doi) (MIN(STR(?l)) AS ?link)
WHERE {
  ?paper a dllm:Paper .
  OPTIONAL { ?paper dcterms:title ?t }
  OPTIONAL { ?paper dcterms:issued ?y }
  OPTIONAL { ?paper dllm:venue ?v }
  OPTIONAL { ?paper dllm:citationType ?c }
  OPTIONAL { ?paper dllm:arxivId ?a }
  OPTIONAL { ?paper dllm:doi ?d }
  OPTIONAL { ?paper dllm:link ?l }
}
GROUP BY ?paper
"""
#: Each paper's authors, in order.
_AUTHORS_QUERY = """
SELECT ?paper ?position ?given ?family
WHERE {
  ?paper a dllm:Paper ; dllm:authorship ?place .
  ?place schema:position ?position ; dllm:author ?author .
  ?author foaf:familyName ?family .
  OPTIONAL { ?author foaf:givenName ?given }
}
ORDER BY ?paper ?position
"""
_FIELDS = ("title", "year", "venue", "type", "arxiv", "doi", "link")


@dataclass(frozen=True)
class PaperCitation:
    """What the graph holds for one paper's BibTeX entry ("" where it holds nothing)."""

    paper: str
    title: str
    year: str
    venue: str
    entry_type: str
    arxiv: str
    doi: str
    link: str
    authors: tuple[Person, ...]

    @property
    def key(self) -> str:
        """The entry's key, from the paper's IRI (:func:`citation_key`)."""
        return citation_key(self.paper)


def paper_citations(store: ox.Store) -> list[PaperCitation]:
    """Every paper of a graph with what its BibTeX entry shows, in key order."""
    from dllm_kg.namespaces import PREFIXES

    authors: dict[str, list[Person]] = defaultdict(list)
    for row in store.query(_AUTHORS_QUERY, prefixes=PREFIXES):
        given = row["given"].value if row["given"] is not None else ""
        authors[row["paper"].value].append(Person(given, row["family"].value))
    citations = []
    for row in store.query(_PAPERS_QUERY, prefixes=PREFIXES):
        paper = row["paper"].value
        values = {name: row[name].value if row[name] is not None else "" for name in _FIELDS}
        citations.append(
            PaperCitation(
                paper,
                values["title"],
                values["year"],
                values["venue"],
                values["type"],
                values["arxiv"],
                values["doi"],
                values["link"],
                tuple(authors[paper]),
            )
        )
    return sorted(citations, key=lambda citation: citation.key)


def citation_key(paper: str) -> str:
    """A paper's BibTeX key: its IRI's slug, the same in every version of the list. A slug
    longer than :data:`MAX_KEY` characters, or with characters other than ASCII letters,
    digits and hyphens, is cut at a word and given the start of its SHA-1, so that keys
    stay short, ASCII and unique.

    >>> citation_key(paper_iri("fwdllm-efficient-fedllm-using-forward-gradient"))
    'fwdllm-efficient-fedllm-using-forward-gradient'
    >>> citation_key("https://w3id.org/dllm-kg/paper/\u03c3-net-federated-learning")
    'net-federated-learning-b85be52e'
    """
    key = paper.rsplit("/", 1)[-1]
    if len(key) <= MAX_KEY and re.fullmatch(r"[a-z0-9-]+", key):
        return key
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    ascii_key = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "", key)).strip("-")
    if len(ascii_key) > MAX_KEY - 9:
        ascii_key = ascii_key[: MAX_KEY - 8].rsplit("-", 1)[0]
    return f"{ascii_key}-{digest}" if ascii_key else f"paper-{digest}"


def render_bibtex(store: ox.Store) -> str:
    """A BibTeX entry for every paper of a graph: authors, venue and year where the graph has
    them, else title, year and link; LaTeX's special characters escaped."""
    entries = [_entry(citation) for citation in paper_citations(store)]
    return bibtexparser.write_string(Library(entries))


def _entry(citation: PaperCitation) -> Entry:
    """A paper's entry: text fields in LaTeX (words with inner capitals braced, so that styles
    keep LoRA as it is), links as they are."""
    fields = [Field("title", _protected(latex(citation.title)))] if citation.title else []
    if citation.authors:
        fields.append(Field("author", " and ".join(map(_bibtex_name, citation.authors))))
    entry_type = "misc"
    if citation.venue:
        proceedings = citation.entry_type == "inproceedings"
        entry_type = "inproceedings" if proceedings else "article"
        fields.append(Field("booktitle" if proceedings else "journal", latex(citation.venue)))
    if citation.year:
        fields.append(Field("year", citation.year))
    if citation.arxiv:
        fields += [Field("eprint", citation.arxiv), Field("archiveprefix", "arXiv")]
    if citation.doi:
        fields.append(Field("doi", citation.doi))
    if citation.link:
        fields.append(Field("url", citation.link))
    return Entry(entry_type, citation.key, fields)


def latex(text: str) -> str:
    """Text in LaTeX, as bibtexparser's encoder writes it: ``&`` as ``\\&``, ``é`` as ``\\'e``.

    >>> print(latex("50% of Müller & Co"))
    50\\% of M\\"uller \\& Co
    """
    library = Library([Entry("misc", "x", [Field("text", text)])])
    with _quiet_latex():
        encoder = middlewares.LatexEncodingMiddleware(keep_math=False, enclose_urls=False)
        return encoder.transform(library).entries[0]["text"]


def _bibtex_name(person: Person) -> str:
    """``Family, Given`` in LaTeX; a name without given names (a group) braced as one."""
    family = latex(person.family)
    if not person.given:
        return "{" + family + "}"
    if " and " in f" {family.lower()} ":
        family = "{" + family + "}"
    return f"{family}, {latex(person.given)}"


def _protected(text: str) -> str:
    """Braces around each word with a capital after its first letter (``{FwdLLM}``)."""
    return " ".join(
        "{" + word + "}" if any(c.isupper() for c in word[1:]) and _balanced(word) else word
        for word in text.split(" ")
    )


def _balanced(text: str) -> bool:
    depth = 0
    for char in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
