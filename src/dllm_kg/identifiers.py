"""Normalise the list's links into identifiers (arXiv, DOI, IEEE, OpenReview, GitHub, HF)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from dllm_kg.namespaces import (
    ARXIV_ABS,
    DOI_RESOLVER,
    GITHUB,
    HUGGING_FACE,
    IEEE_DOCUMENT,
    OPENREVIEW_FORUM,
)

#: Link schemes the list may use; any other link is refused.
ALLOWED_SCHEMES = frozenset({"http", "https"})
#: Query parameters that only track the reader; stripped from every link.
TRACKING_PARAMETERS = frozenset({"casa_token", "fbclid", "gclid", "mc_cid", "mc_eid", "_hsenc"})
TRACKING_PREFIXES = ("utm_",)

#: Characters kept as they are in a link; others are percent-encoded.
_IRI_SAFE = ":/?#@!$&'()*+,;=%~"
_ARXIV_ID = re.compile(
    r"^/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?(?:\.pdf)?/?$", re.I
)
_ACM_DOI = re.compile(r"^/doi/(?:(?:pdf|abs|full|epdf|book)/)?(?P<doi>10\.\d{4,9}/\S+?)/?$", re.I)
_DOI_PATH = re.compile(r"^/(?P<doi>10\.\d{4,9}/\S+?)/?$")
_IEEE_DOCUMENT = re.compile(r"^/(?:abstract/)?document/(?P<id>\d+)(?:/.*)?$")
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
#: GitHub paths that are not users or organisations.
_GITHUB_RESERVED = frozenset({"orgs", "topics", "search", "features", "about", "settings"})
#: Hugging Face paths that are not models.
_HF_RESERVED = frozenset({"docs", "datasets", "spaces", "blog", "papers", "collections", "tasks"})


class Scheme(StrEnum):
    """The kinds of identifier a link can carry."""

    ARXIV = "arxiv"
    DOI = "doi"
    IEEE = "ieee"
    OPENREVIEW = "openreview"
    GITHUB = "github"
    GITHUB_ACCOUNT = "github-account"
    HUGGING_FACE = "huggingface"
    WEB = "web"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised link.

    :param scheme: what kind of identifier it is.
    :param value: the identifier itself (``2305.05920``, ``10.1145/3641512.3686358``,
        ``owner/repo``), or the cleaned URL for plain web links.
    :param url: the one canonical URL for it.
    :param stripped: the tracking parameters removed from the original link.
    """

    scheme: Scheme
    value: str
    url: str
    stripped: tuple[str, ...] = ()


def normalise(link: str) -> Identifier:
    """Normalise one link.

    >>> normalise("https://arxiv.org/pdf/2305.05920.pdf").url
    'https://arxiv.org/abs/2305.05920'
    >>> normalise("https://github.com/OpenAI/CLIP.git/").value
    'openai/clip'
    """
    url, stripped = strip_tracking(iri_safe(link.strip()))
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    for hosts, rule in _RULES:
        if host in hosts:
            found = rule(parts.path, parts.query)
            if found:
                scheme, value, canonical = found
                return Identifier(scheme, value, canonical, stripped)
    return Identifier(Scheme.WEB, url, url, stripped)


#: Unicode categories that separate words in a slug, as ASCII punctuation does: dashes, spaces.
_SEPARATING = frozenset({"Pd", "Zs", "Zl", "Zp"})


#: A run of ASCII characters that are not letters or digits: one hyphen in a slug.
_NOT_ALNUM_ASCII = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case words joined by hyphens; letters without an ASCII form are kept.

    Accents on letters that have an ASCII form are dropped (``é`` -> ``e``); other letters and
    digits stay, case-folded, with their accents. Every run of other ASCII characters becomes
    one hyphen, and so does every other dash or space (en and em dashes); other characters
    (typographic quotes, emoji) are dropped, so "LLM\u2019s" stays ``llms``.

    >>> slug("FLoRA: Enhancing Vision-Language Models")
    'flora-enhancing-vision-language-models'
    >>> slug("Ж-Net: Fédéré"), slug("連合学習 (FL)"), slug("A\u2013B (en dash)")
    ('ж-net-federe', '連合学習-fl', 'a-b-en-dash')
    """
    if text.isascii():  # the common case, in one pass: the same result as the general one
        return _NOT_ALNUM_ASCII.sub("-", text.lower()).strip("-")
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    hyphenated = re.sub(r"-{2,}", "-", "".join(_slug_characters(folded))).strip("-")
    return unicodedata.normalize("NFC", hyphenated)


def _slug_characters(folded: str) -> Iterator[str]:
    """What a slug keeps of each character of a folded text: itself, ``-`` or nothing."""
    on_letter = False  # whether the character before is a letter kept (or an accent on one)
    for char in folded:
        if char.isascii():
            yield char if char.isalnum() else "-"
            on_letter = False
        elif char.isalnum() or (on_letter and unicodedata.category(char).startswith("M")):
            yield char  # a letter or digit, or an accent on one
            on_letter = True
        else:
            if unicodedata.category(char) in _SEPARATING:
                yield "-"
            on_letter = False


def link_problem(link: str) -> str | None:
    """Why a link cannot be read into the graph, or None when it can.

    Only http and https links are read, and their normalised form must be a valid IRI.

    >>> link_problem("javascript:alert(1)"), link_problem("https://x.org/a%zz")
    ('only http and https links are read', 'not a valid web address')
    >>> link_problem("https://arxiv.org/abs/2401.00001") is None
    True
    """
    try:
        scheme = urlsplit(link).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            return "only http and https links are read"
        ox.NamedNode(normalise(link).url)
    except ValueError:
        return "not a valid web address"
    return None


def iri_safe(url: str) -> str:
    """Percent-encode the characters that may not stand in an IRI (spaces, brackets, quotes).

    >>> iri_safe("https://example.org/a b[1]")
    'https://example.org/a%20b%5B1%5D'
    """
    return quote(url, safe=_IRI_SAFE)


def strip_tracking(url: str) -> tuple[str, tuple[str, ...]]:
    """Remove tracking parameters; return the clean URL and the names removed.

    >>> strip_tracking("https://example.org/a?utm_source=x&id=1")
    ('https://example.org/a?id=1', ('utm_source',))
    """
    parts = urlsplit(url)
    if not parts.query:
        return url, ()
    kept, stripped = [], []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        tracking = name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)
        (stripped if tracking else kept).append((name, value))
    if not stripped:
        return url, ()
    clean = urlunsplit(parts._replace(query=urlencode(kept, safe=":/")))
    return clean, tuple(name for name, _ in stripped)


_Found = tuple[Scheme, str, str] | None


def _arxiv(path: str, query: str) -> _Found:
    match = _ARXIV_ID.match(path)
    if not match:
        return None
    arxiv_id = match["id"]
    return Scheme.ARXIV, arxiv_id, ARXIV_ABS + arxiv_id


def _doi(pattern: re.Pattern[str]) -> Callable[[str, str], _Found]:
    def rule(path: str, query: str) -> _Found:
        match = pattern.match(path)
        if not match:
            return None
        doi = match["doi"].lower()
        return Scheme.DOI, doi, DOI_RESOLVER + doi

    return rule


def _ieee(path: str, query: str) -> _Found:
    match = _IEEE_DOCUMENT.match(path)
    if not match:
        return None
    return Scheme.IEEE, match["id"], f"{IEEE_DOCUMENT}{match['id']}"


def _openreview(path: str, query: str) -> _Found:
    forum = dict(parse_qsl(query)).get("id")
    if path.rstrip("/") not in ("/pdf", "/forum") or not forum:
        return None
    return Scheme.OPENREVIEW, forum, OPENREVIEW_FORUM + quote(forum, safe="")


def _github(path: str, query: str) -> _Found:
    segments = [segment for segment in path.split("/") if segment]
    if not segments or segments[0].lower() in _GITHUB_RESERVED:
        return None
    owner = segments[0].lower()
    if not _GITHUB_NAME.match(owner):
        return None
    if len(segments) == 1:
        return Scheme.GITHUB_ACCOUNT, owner, GITHUB + owner
    name = segments[1].lower().removesuffix(".git")
    if not _GITHUB_NAME.match(name):
        return None
    return Scheme.GITHUB, f"{owner}/{name}", f"{GITHUB}{owner}/{name}"


def _hugging_face(path: str, query: str) -> _Found:
    segments = [segment for segment in path.split("/") if segment]
    if not segments or segments[0].lower() in _HF_RESERVED or len(segments) > 2:
        return None
    model_id = "/".join(segments)
    return Scheme.HUGGING_FACE, model_id, HUGGING_FACE + model_id


#: Which rule reads which host, tried in order.
_RULES: tuple[tuple[frozenset[str], Callable[[str, str], _Found]], ...] = (
    (frozenset({"arxiv.org", "export.arxiv.org"}), _arxiv),
    (frozenset({"dl.acm.org"}), _doi(_ACM_DOI)),
    (frozenset({"doi.org", "dx.doi.org"}), _doi(_DOI_PATH)),
    (frozenset({"ieeexplore.ieee.org"}), _ieee),
    (frozenset({"openreview.net"}), _openreview),
    (frozenset({"github.com"}), _github),
    (frozenset({"huggingface.co"}), _hugging_face),
)
