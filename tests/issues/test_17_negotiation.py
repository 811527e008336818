"""#17 item 2: an entity's IRI resolves by content negotiation, on `dllm-kg serve` as on w3id.

A real server on 127.0.0.1, asked by httpx: the IRI path answers 303 See Other to the page or
to a data file by the Accept header, and what it points to is the site's own file. The w3id
rules (`publish.htaccess`) redirect the same paths to the same files of the published site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld

from dllm_kg.namespaces import BASE
from dllm_kg.ontodoc import ontology_page
from dllm_kg.pipeline import stored_graph
from dllm_kg.publish import DEFAULT_SITE_URL, PAGE_KINDS, htaccess
from dllm_kg.site import render_site
from tests.serving import Server, served

PAPER = "paper/fwdllm-efficient-fedllm-using-forward-gradient"
TECHNIQUE = "technique/federated-learning"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with served() as running:
        yield running


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    """The bundled list's site, made here, apart from the server's."""
    return render_site(stored_graph().store)


def resolve(server: Server, path: str, accept: str | None) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return httpx.get(f"{server.url}/{path}", headers=headers, follow_redirects=False)


@pytest.mark.parametrize(
    ("accept", "suffix", "media_type"),
    [
        (None, ".html", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html", "text/html"),
        ("text/turtle", ".ttl", "text/turtle"),
        ("application/ld+json", ".jsonld", "application/ld+json"),
        ("text/turtle;q=0.5, application/ld+json", ".jsonld", "application/ld+json"),
        ("text/html;q=0.1, text/turtle", ".ttl", "text/turtle"),
    ],
)
def test_an_iri_redirects_to_the_document_the_client_accepts(
    server: Server, site: dict[str, bytes], accept: str | None, suffix: str, media_type: str
) -> None:
    for path in (PAPER, TECHNIQUE):
        answer = resolve(server, path, accept)
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == f"/site/{path}{suffix}"
        assert "Accept" in answer.headers["vary"]
        document = httpx.get(f"{server.url}{answer.headers['location']}")
        assert document.status_code == 200
        assert document.headers["content-type"].split(";")[0] == media_type
        assert document.content == site[f"{path}{suffix}"]


def test_the_data_documents_hold_the_same_triples(server: Server) -> None:
    url = f"{server.url}/{PAPER}"
    turtle = httpx.get(url, headers={"Accept": "text/turtle"}, follow_redirects=True)
    as_json = httpx.get(url, headers={"Accept": "application/ld+json"}, follow_redirects=True)
    from_turtle = set(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    from_json = set(ox.parse(as_json.content, format=ox.RdfFormat.JSON_LD))
    assert from_turtle == from_json
    assert ox.NamedNode(BASE + PAPER) in {quad.subject for quad in from_turtle}
    expanded = jsonld.expand(as_json.json())  # no document loader: the context is inline
    assert any(node.get("@id") == BASE + PAPER for node in expanded)


def test_an_unknown_entity_or_kind_is_404_and_an_unoffered_type_406(server: Server) -> None:
    assert resolve(server, "paper/no-such-paper", None).status_code == 404
    assert resolve(server, "agent/anyone", None).status_code == 404
    answer = resolve(server, PAPER, "image/png")
    assert answer.status_code == 406
    assert "text/turtle" in answer.text


def test_the_w3id_rules_send_each_kind_to_the_same_documents_on_the_site() -> None:
    rules = htaccess("https://example.org/kg")
    assert "RewriteEngine on" in rules
    targets = re.findall(
        r"^RewriteRule \^\(([^)]*)\)/\(\[\^/\]\+\)\$ (\S+) \[R=303,L\]$", rules, re.M
    )
    assert [target for _, target in targets] == [
        "https://example.org/kg/$1/$2.ttl",
        "https://example.org/kg/$1/$2.jsonld",
        "https://example.org/kg/$1/$2.html",
    ]
    assert all(kinds.split("|") == list(PAGE_KINDS) for kinds, _ in targets)
    conditions = re.findall(r"^RewriteCond %\{HTTP_ACCEPT\} (\S+)$", rules, re.M)
    assert conditions == ["text/turtle", "application/ld\\+json"]
    assert DEFAULT_SITE_URL in htaccess()


def test_the_site_holds_the_ontology_page_and_the_w3id_rules(site: dict[str, bytes]) -> None:
    assert site["ontology/index.html"] == ontology_page(stored_graph().store)
    assert site["w3id.htaccess"] == htaccess().encode("utf-8")
    assert b'href="ontology/index.html"' in site["index.html"]
