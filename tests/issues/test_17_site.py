"""Issue 17: `dllm-kg site` writes a static site with a page for every entity, and its links hold.

The sites of the bundled list and of the 2025-05 list (whose BibTeX block gives authors) are
written once for the module. Entities are found here by SPARQL on the list's graph, links by
Python's own HTML parser, validity by html5lib's strict parser, and each page's data is read
by pyld (JSON-LD) and pyoxigraph (Turtle) to compare the two.
"""

from __future__ import annotations

import json
import posixpath
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pyoxigraph as ox
import pytest
from pyld import jsonld

from dllm_kg.buildfolder import write_build
from dllm_kg.cli import main
from dllm_kg.constants import DATA_DIR
from dllm_kg.namespaces import BASE, DLLM, FOAF, PAPER, TECHNIQUE
from dllm_kg.pipeline import load
from dllm_kg.site import write_site

#: The list of May 2025, with its BibTeX block (authors).
LIST_2025_05 = DATA_DIR / "awesome-distributed-LLM-2025-05.md"
#: The classes whose every member gets a page, by the folder of their IRIs.
CLASSES = {
    "area": DLLM.Area,
    "technique": DLLM.Technique,
    "paper": DLLM.Paper,
    "model": DLLM.Model,
    "repository": DLLM.Repository,
    "author": FOAF.Person,
}
SOURCES = {"bundled": None, "2025-05": LIST_2025_05}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def name(request: pytest.FixtureRequest) -> str:
    """Which list: the bundled one, or that of May 2025."""
    return request.param


@pytest.fixture(scope="module")
def site(name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list's site, written once for the module, as `dllm-kg site [SOURCE]` writes it (the
    command names the list by its path as given, in the graph's ``dllm:sourceFile``)."""
    out = tmp_path_factory.mktemp(f"site-{name}") / "site"
    source = SOURCES[name]
    write_site(source, out, label=str(source) if source else None)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Page]:
    """Every HTML page of the site, parsed, by its path in the site."""
    return {
        path.relative_to(site).as_posix(): Page.read(path) for path in sorted(site.rglob("*.html"))
    }


class Page(HTMLParser):
    """A page's links, ids and scripts, as Python's HTML parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[str | None, str]] = []
        self._script: str | None = None
        self.text = b""

    @classmethod
    def read(cls, path: Path) -> Page:
        page = cls()
        page.text = path.read_bytes()
        page.feed(page.text.decode("utf-8"))
        page.close()
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])
        if tag == "script":
            self._script = values.get("type")
            self.scripts.append((self._script, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def internal_targets(page: str, href: str) -> tuple[str, str] | None:
    """A link's target in the site (path, fragment), or None for a link that leaves it."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return (page if not parts.path else path), parts.fragment


def members(source: Path | None) -> dict[str, list[str]]:
    """The IRIs of each class's members, by SPARQL on the list's graph."""
    store = load(source)[1]
    return {
        folder: [
            row["x"].value
            for row in store.query(f"SELECT DISTINCT ?x WHERE {{ ?x a <{klass}> }}")
            if row["x"].value.startswith(BASE)
        ]
        for folder, klass in CLASSES.items()
    }


def test_every_entity_has_a_page_with_its_data_beside_it(name: str, site: Path) -> None:
    found = members(SOURCES[name])
    assert found["paper"] and found["technique"] and len(found["area"]) == 4
    if name == "2025-05":
        assert len(found["author"]) == 1731  # the BibTeX block's people
    for folder, iris in found.items():
        for iri in iris:
            path = iri.removeprefix(BASE)
            assert path.startswith(folder + "/"), iri
            for suffix in (".html", ".ttl", ".jsonld"):
                assert (site / (path + suffix)).is_file(), f"{iri}: no {suffix}"
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    expected = {iri.removeprefix(BASE) + ".html" for iris in found.values() for iri in iris}
    indexes = {"index.html", "graph.html", "ontology/index.html"}
    indexes |= {f"{folder}/index.html" for folder in CLASSES}
    assert pages == expected | indexes


def test_no_internal_link_is_broken(site: Path, pages: dict[str, Page]) -> None:
    checked = 0
    for path, page in pages.items():
        for href in page.links:
            target = internal_targets(path, href)
            if target is None:
                continue
            file, fragment = target
            assert (site / file).is_file(), f"{path}: {href} -> {file} is missing"
            if fragment:
                assert fragment in pages[file].ids, f"{path}: {href}: no id {fragment}"
            checked += 1
    assert checked > 3 * len(pages)


def test_every_page_is_within_three_clicks_of_the_index(pages: dict[str, Page]) -> None:
    depth = {"index.html": 0}
    queue = deque(["index.html"])
    while queue:
        path = queue.popleft()
        for href in pages[path].links:
            target = internal_targets(path, href)
            if target and target[0] in pages and target[0] not in depth:
                depth[target[0]] = depth[path] + 1
                queue.append(target[0])
    assert set(depth) == set(pages)
    assert max(depth.values()) <= 3


def test_pages_are_valid_html(pages: dict[str, Page]) -> None:
    parser = html5lib.HTMLParser(strict=True)
    for path, page in pages.items():
        if path == "graph.html":
            continue  # the figure's page, written by render.py and tested there
        try:
            parser.parse(page.text)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: {error}")


def test_only_the_graph_page_has_scripts(pages: dict[str, Page]) -> None:
    for path, page in pages.items():
        if path != "graph.html":
            kinds = {kind for kind, _ in page.scripts}
            assert kinds <= {"application/ld+json"}, path
    assert any(kind != "application/ld+json" for kind, _ in pages["graph.html"].scripts)


def test_pages_read_on_a_phone(site: Path, pages: dict[str, Page]) -> None:
    for path, page in pages.items():
        if path != "graph.html":
            assert b'name="viewport" content="width=device-width' in page.text, path
    assert b"@media (max-width:" in (site / "style.css").read_bytes()


def test_embedded_json_ld_is_the_data_file_and_the_turtle_graph(
    site: Path, pages: dict[str, Page]
) -> None:
    entity_pages = [path for path in pages if (site / path).with_suffix(".jsonld").is_file()]
    assert len(entity_pages) == len(pages) - 9  # not the index, six lists, graph, ontology
    for path in entity_pages:
        (script,) = (text for kind, text in pages[path].scripts if kind == "application/ld+json")
        data = (site / path).with_suffix(".jsonld").read_bytes()
        assert script.encode("utf-8") == data, path
        nquads = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
        from_jsonld = {q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
        ttl = (site / path).with_suffix(".ttl").read_bytes()
        from_turtle = {q.triple for q in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}
        assert from_jsonld == from_turtle, path
        iri = ox.NamedNode(BASE + path.removesuffix(".html"))
        assert any(triple.subject == iri for triple in from_turtle), path


def test_a_paper_page_links_its_techniques_and_a_technique_its_papers(site: Path) -> None:
    store = load(None)[1]
    query = f"SELECT ?p ?t WHERE {{ ?p <{DLLM.usesTechnique}> ?t }}"
    pairs = {(row["p"].value, row["t"].value) for row in store.query(query)}
    for paper, technique in sorted(pairs)[:40]:
        paper_page = (site / paper.removeprefix(BASE)).with_suffix(".html").read_text()
        href = "../" + technique.removeprefix(BASE) + ".html"
        assert f'href="{href}"' in paper_page, (paper, technique)
        technique_page = (site / technique.removeprefix(BASE)).with_suffix(".html").read_text()
        assert f'href="../{paper.removeprefix(BASE)}.html"' in technique_page


def test_the_index_counts_and_offers_the_downloads(site: Path, pages: dict[str, Page]) -> None:
    index = pages["index.html"]
    for name in ("dllm-kg.ttl", "dllm-kg.nt", "dllm-kg.jsonld", "void.ttl", "figure.svg"):
        assert f"dist/{name}" in index.links
        assert (site / "dist" / name).stat().st_size > 0
    assert "graph.html" in index.links
    text = index.text.decode("utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    papers = len(list((site / "paper").glob("*.html"))) - 1
    assert f"papers</a></td><td>{papers}</td>" in text


def test_a_second_run_by_the_command_is_byte_identical(
    name: str, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = tmp_path / "two"
    source = [] if SOURCES[name] is None else [str(SOURCES[name])]
    with pytest.raises(SystemExit) as exit_code:
        main(["site", *source, "-o", str(second)])
    assert exit_code.value.code in (None, 0)
    assert f"files to {second}/" in capsys.readouterr().out
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for path in files:
        assert (site / path).read_bytes() == (second / path).read_bytes(), path


def test_the_site_keeps_other_files_and_refuses_a_foreign_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(None, site)
    (site / "CNAME").write_text("example.org\n")
    write_site(None, site)
    assert (site / "CNAME").read_text() == "example.org\n"
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit):
        main(["site", "-o", str(foreign)])
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_a_browser_clicks_from_the_index_to_a_paper_and_its_technique(
    browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = tmp_path_factory.mktemp("browsed") / "site"
    write_site(None, site)
    store = load(None)[1]
    query = f"""SELECT ?p ?title ?t WHERE {{
        ?p <{DLLM.usesTechnique}> ?t ; <http://purl.org/dc/terms/title> ?title
    }} ORDER BY ?p ?t LIMIT 1"""
    (row,) = list(store.query(query))
    paper, title, technique = row["p"].value, row["title"].value, row["t"].value
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    try:
        page.goto((site / "index.html").as_uri())
        page.click("main a[href='paper/index.html']")
        page.get_by_role("link", name=title, exact=True).click()
        assert page.url.endswith(paper.removeprefix(str(PAPER)) + ".html")
        page.click(f"#dllm-usesTechnique a[href$='/{technique.removeprefix(str(TECHNIQUE))}.html']")
        assert page.url == (site / (technique.removeprefix(BASE) + ".html")).as_uri()
        embedded = page.locator("script[type='application/ld+json']").text_content()
        data = (site / (technique.removeprefix(BASE) + ".jsonld")).read_text(encoding="utf-8")
        assert embedded == data
        assert json.loads(embedded)["@graph"]
    finally:
        context.close()


def test_a_build_folder_takes_files_in_folders_and_drops_folders_it_empties(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write_build({"index.html": b"i", "paper/a.html": b"a", "paper/deep/b.ttl": b"b"}, out)
    assert (out / "paper" / "deep" / "b.ttl").read_bytes() == b"b"
    (out / "paper" / "mine.txt").write_text("mine")
    write_build({"index.html": b"j"}, out)
    assert not (out / "paper" / "a.html").exists()
    assert not (out / "paper" / "deep").exists()  # emptied, so removed
    assert (out / "paper" / "mine.txt").read_text() == "mine"  # not the build's: kept
