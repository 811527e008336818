"""The connection figure's page in a real headless Chromium: drawn, offline, searchable, safe.

Needs Debian's chromium (``/usr/bin/chromium``, installed by ``bash scripts/test``) and
Playwright for Python (the ``test`` extra). Playwright drives the system browser; it never
downloads one. Without the browser these tests fail, with the command that installs it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from dllm_kg.pipeline import load
from dllm_kg.query import KnowledgeGraph, run_query
from dllm_kg.render import OVERVIEW_PAPERS, render_page
from dllm_kg.render import PAPER_PAGE as RENDER_PAGE
from dllm_kg.stats import Kind, connection_graph, figure_stats, neighbours_of, nodes_of

from .conftest import DATA
from .figures import HOSTILE_TITLES, SWARM, as_store, hostile_graph

#: How long a page may take to draw, in milliseconds: a deadline for a stuck page, not a pace.
DRAW_TIMEOUT = 120_000
FWDLLM = "https://w3id.org/dllm-kg/paper/fwdllm-efficient-fedllm-using-forward-gradient"
LORA = "https://w3id.org/dllm-kg/technique/lora"
SECURITY = "https://w3id.org/dllm-kg/area/security-and-privacy"


@dataclass
class Opened:
    """A page opened from a file, with every request and console message it made."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.messages if kind in ("error", "pageerror")]

    def visible(self, kind: str | None = None) -> set[str]:
        """The ids of the nodes the page shows now (of one kind, if given)."""
        return set(
            self.page.evaluate(
                """kind => network.body.data.nodes.get({
                    filter: n => !n.hidden && (!kind || n.group === kind)
                }).map(n => n.id)""",
                kind,
            )
        )


def frames(page: object, count: int) -> None:
    """Wait until the page has drawn ``count`` more animation frames (a condition, not a time)."""
    page.evaluate(
        """count => new Promise(done => {
            let drawn = 0;
            const tick = () => (++drawn >= count ? done() : requestAnimationFrame(tick));
            requestAnimationFrame(tick);
        })""",
        count,
    )


def open_page(
    browser: object, path: Path, width: int = 1400, height: int = 900, script: str | None = None
) -> Iterator[Opened]:
    """A page opened from a file, drawn, at a window size; ``script`` runs before the page's."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if script:
        context.add_init_script(script)
    page = context.new_page()
    opened = Opened(page, path.as_uri())
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda message: opened.messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: opened.messages.append(("pageerror", str(error))))
    page.goto(opened.url)
    page.wait_for_selector("body[data-drawn]", state="attached", timeout=DRAW_TIMEOUT)
    yield opened
    context.close()


@pytest.fixture
def bundled(browser: object, bundled_page: Path) -> Iterator[Opened]:
    yield from open_page(browser, bundled_page)


@pytest.fixture
def hostile(browser: object, tmp_path: Path) -> Iterator[Opened]:
    path = tmp_path / "hostile.html"
    path.write_bytes(render_page(as_store(hostile_graph())))
    yield from open_page(browser, path)


def test_draws_every_node_and_edge(bundled: Opened, bundled_figure: nx.Graph) -> None:
    page = bundled.page
    counts = page.evaluate(
        """() => ({
            nodes: network.body.data.nodes.length,
            edges: network.body.data.edges.length,
            placed: Object.keys(network.getPositions()).length,
            drawnEdges: network.body.edgeIndices.length
        })"""
    )
    n, m = bundled_figure.number_of_nodes(), bundled_figure.number_of_edges()
    assert counts == {"nodes": n, "edges": m, "placed": n, "drawnEdges": m}
    assert bundled.visible() == set(bundled_figure)
    for kind in Kind:
        assert bundled.visible(kind.value) == set(nodes_of(bundled_figure, kind)), kind
    assert page.get_attribute("body", "data-visible") == str(n)
    pixels = page.evaluate(
        """() => {
            const canvas = document.querySelector('#mynetwork canvas');
            const { width, height } = canvas;
            const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) { if (data[i + 3] > 0) inked++; }
            return inked;
        }"""
    )
    assert pixels > 10_000  # the canvas holds a drawing, not a blank


def test_opens_offline_with_no_errors(bundled: Opened) -> None:
    frames(bundled.page, 20)  # time for a late request or error to show
    assert bundled.requests == [bundled.url]
    assert bundled.errors() == []
    assert bundled.messages == []


def test_is_still_once_drawn(bundled: Opened) -> None:
    page = bundled.page
    before = page.evaluate("network.getPositions()")
    frames(page, 30)
    assert page.evaluate("network.getPositions()") == before
    assert page.evaluate("network.physics.physicsEnabled") is False
    page.click("#physics")
    assert page.evaluate("network.physics.physicsEnabled") is True
    assert page.text_content("#physics") == "Physics: on"
    page.click("#physics")
    assert page.evaluate("network.physics.physicsEnabled") is False


def test_search_finds_a_paper_by_title_words_and_focuses_it(bundled: Opened) -> None:
    page = bundled.page
    page.fill("#search", "forward gradient fedllm")
    first = page.locator("#results button").first
    assert first.get_attribute("data-node") == FWDLLM
    page.press("#search", "Enter")
    page.wait_for_selector(f'body[data-selected="{FWDLLM}"]', state="attached")
    assert page.evaluate("network.getSelectedNodes()") == [FWDLLM]
    assert page.text_content("#details h2") == "FwdLLM: Efficient FedLLM Using Forward Gradient"
    links = page.eval_on_selector_all("#details a", "as => as.map(a => a.href)")
    assert "https://arxiv.org/abs/2308.13894" in links
    assert "https://github.com/ubiquitouslearning/fwdllm" in links
    techniques = page.eval_on_selector_all(
        "#details section:has(h3:text-is('Techniques')) button", "bs => bs.length"
    )
    assert techniques >= 1
    # The focus animation ends with the paper in the middle of the view.
    page.wait_for_function(
        """id => {
            const centre = network.getViewPosition();
            const position = network.getPositions([id])[id];
            return Math.abs(centre.x - position.x) < 5 && Math.abs(centre.y - position.y) < 5;
        }""",
        arg=FWDLLM,
        timeout=DRAW_TIMEOUT,
    )


def test_search_with_no_match_says_so(bundled: Opened) -> None:
    bundled.page.fill("#search", "no such paper zzzz")
    assert bundled.page.text_content("#results") == "Nothing found"


def test_technique_filter_shows_its_papers_only(bundled: Opened, bundled_figure: nx.Graph) -> None:
    page = bundled.page
    page.select_option("#technique-filter", LORA)
    papers = set(neighbours_of(bundled_figure, LORA, Kind.PAPER))
    assert len(papers) > 5
    assert bundled.visible("paper") == papers
    assert bundled.visible("technique") == {LORA}
    things = {n for p in papers for n in bundled_figure[p]} - set(
        nodes_of(bundled_figure, Kind.TECHNIQUE)
    )
    assert bundled.visible("repository") | bundled.visible("model") <= things
    page.click("#reset")
    assert bundled.visible() == set(bundled_figure)


def test_area_and_kind_filters(bundled: Opened, bundled_figure: nx.Graph) -> None:
    page = bundled.page
    for area in nodes_of(bundled_figure, Kind.AREA):
        if area != SECURITY:
            page.uncheck(f'#area-filter input[value="{area}"]')
    papers = {
        p
        for p in nodes_of(bundled_figure, Kind.PAPER)
        if SECURITY in bundled_figure.nodes[p]["areas"]
    }
    assert bundled.visible("paper") == papers
    assert bundled.visible("area") == {SECURITY}
    page.uncheck('#legend input[value="repository"]')
    assert bundled.visible("repository") == set()
    page.click("#reset")
    assert bundled.visible() == set(bundled_figure)


def test_side_panel_shows_the_numbers(bundled: Opened, bundled_figure: nx.Graph) -> None:
    stats = figure_stats(bundled_figure)
    rows = bundled.page.eval_on_selector_all(
        "#stats-areas tr", "rows => rows.map(r => [r.cells[0].innerText, r.cells[1].innerText])"
    )
    assert rows == [[r.name, str(int(r.score))] for r in stats.papers_per_area]
    bridges = bundled.page.eval_on_selector_all(
        "#stats-bridges button", "bs => bs.map(b => b.dataset.node)"
    )
    assert bridges == [r.id for r in stats.bridges]
    central = bundled.page.eval_on_selector_all(
        "#stats-techniques button", "bs => bs.map(b => b.dataset.node)"
    )
    assert central == [r.id for r in stats.central_techniques]
    assert bundled.page.locator("#stats-components li").count() == len(stats.components)


def test_hostile_titles_run_no_script_and_read_as_text(hostile: Opened) -> None:
    page = hostile.page
    for paper, title in HOSTILE_TITLES.items():
        page.evaluate("id => dllm.focus(id)", str(paper))
        assert page.text_content("#details h2") == title
        page.fill("#search", "")
    page.fill("#search", "Swarm")
    assert page.text_content("#results button").startswith(HOSTILE_TITLES[SWARM])
    page.hover("#mynetwork")
    frames(page, 20)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert (
        page.evaluate(
            "document.querySelectorAll('#details img, #details svg, #details script').length"
        )
        == 0
    )
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert hostile.requests == [hostile.url]
    assert hostile.errors() == []


def test_hostile_list_end_to_end(browser: object, tmp_path: Path) -> None:
    """tests/data/hostile-list.md, read by the parser (which refuses its unsafe links)."""
    store = load(DATA / "hostile-list.md")[1]
    figure = connection_graph(store)
    path = tmp_path / "graph.html"
    path.write_bytes(render_page(store))
    names = {paper: figure.nodes[paper]["name"] for paper in nodes_of(figure, Kind.PAPER)}
    assert any("<svg onload=window.__pwned=1>" in name for name in names.values())
    for opened in open_page(browser, path):
        page = opened.page
        for paper, name in names.items():
            page.evaluate("id => dllm.focus(id)", paper)
            assert page.text_content("#details h2") == name
        assert page.evaluate("typeof window.__pwned") == "undefined"
        hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        assert all(href.startswith("https://") for href in hrefs)
        assert opened.requests == [opened.url]
        assert opened.errors() == []


def test_a_broken_address_is_ignored(browser: object, bundled_page: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(bundled_page.as_uri() + "#%")
    page.wait_for_selector("body[data-drawn]", state="attached", timeout=DRAW_TIMEOUT)
    assert errors == []
    context.close()


# The overview: a synthetic list above the threshold --------------------------------------------

#: Entries of the synthetic list: about 2,800 papers, above render.OVERVIEW_PAPERS.
OVERVIEW_ENTRIES = 3000


@pytest.fixture(scope="module")
def overview_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = tmp_path_factory.mktemp("overview")
    source = folder / "list.md"
    synthetic = Path(__file__).parents[1] / "benchmarks" / "synthetic.py"
    command = [sys.executable, str(synthetic), "--entries", str(OVERVIEW_ENTRIES)]
    subprocess.run([*command, "--out", str(source)], check=True)
    return load(source)[1]


@pytest.fixture(scope="module")
def overview_figure(overview_store: ox.Store) -> nx.Graph:
    figure = connection_graph(overview_store)
    figure.graph["store"] = overview_store
    assert len(nodes_of(figure, Kind.PAPER)) > OVERVIEW_PAPERS
    return figure


@pytest.fixture
def overview(
    browser: object, tmp_path: Path, overview_store: ox.Store, overview_figure: nx.Graph
) -> Iterator[Opened]:
    path = tmp_path / "graph.html"
    path.write_bytes(render_page(overview_store))
    yield from open_page(browser, path)


def busiest_technique(figure: nx.Graph) -> tuple[str, list[str]]:
    """The technique with most direct papers, and the titles of its papers in the page's order
    (by name): those of narrower techniques included, as ``papers-by-technique`` finds them."""
    technique = max(
        nodes_of(figure, Kind.TECHNIQUE),
        key=lambda t: (len(neighbours_of(figure, t, Kind.PAPER)), t),
    )
    return technique, titles_of(figure, reach_of(figure, technique))


def reach_of(figure: nx.Graph, technique: str) -> set[str]:
    """A technique's papers by the canned query (narrower techniques included)."""
    store = figure.graph["store"]
    key = technique.rsplit("/", 1)[1]
    rows = run_query(KnowledgeGraph(store), "papers-by-technique", {"technique": key}).records()
    return {row["paper"] for row in rows}


def titles_of(figure: nx.Graph, papers: set[str]) -> list[str]:
    ordered = sorted(papers, key=lambda p: (figure.nodes[p]["name"].lower(), p))
    return [figure.nodes[p]["name"] for p in ordered]


def listed_papers(page: object) -> list[str]:
    return page.eval_on_selector_all(
        "#details ul.papers button[data-paper]", "bs => bs.map(b => b.textContent)"
    )


def test_overview_draws_areas_and_techniques_offline(
    overview: Opened, overview_figure: nx.Graph
) -> None:
    drawn = set(nodes_of(overview_figure, Kind.AREA)) | set(
        nodes_of(overview_figure, Kind.TECHNIQUE)
    )
    assert overview.visible() == drawn
    assert overview.page.evaluate("Object.keys(network.getPositions()).length") == len(drawn)
    assert overview.requests == [overview.url]
    assert overview.errors() == []


def test_clicking_a_technique_lists_its_papers(overview: Opened, overview_figure: nx.Graph) -> None:
    page = overview.page
    technique, titles = busiest_technique(overview_figure)
    assert len(titles) > RENDER_PAGE
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", technique)
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector(f'body[data-selected="{technique}"]', state="attached")
    assert page.text_content("#details h2") == overview_figure.nodes[technique]["name"]
    assert listed_papers(page) == titles[:RENDER_PAGE]
    page.click("#details button.more")
    assert listed_papers(page) == titles[: 2 * RENDER_PAGE]
    first = sorted(
        reach_of(overview_figure, technique),
        key=lambda p: (overview_figure.nodes[p]["name"].lower(), p),
    )[0]
    links = page.eval_on_selector_all(
        "#details ul.papers li:first-child a", "as => as.map(a => a.href)"
    )
    assert links == list(overview_figure.nodes[first]["links"]) and links


def test_searching_a_technique_or_a_paper_shows_it(
    overview: Opened, overview_figure: nx.Graph
) -> None:
    page = overview.page
    technique, titles = busiest_technique(overview_figure)
    name = overview_figure.nodes[technique]["name"]
    page.fill("#search", name)
    assert page.locator("#results button").first.get_attribute("data-node") == technique
    page.press("#search", "Enter")
    page.wait_for_selector(f'body[data-selected="{technique}"]', state="attached")
    assert listed_papers(page) == titles[:RENDER_PAGE]
    paper = titles_of(overview_figure, neighbours_of(overview_figure, technique, Kind.PAPER))[-1]
    page.fill("#search", paper)
    button = page.locator("#results button[data-paper]").first
    assert button.text_content().startswith(paper)
    button.click()
    page.wait_for_selector('body[data-selected^="paper:"]', state="attached")
    assert page.text_content("#details h2") == paper
    techniques = page.eval_on_selector_all(
        "#details section:has(h3:text-is('Techniques')) button", "bs => bs.map(b => b.dataset.node)"
    )
    assert technique in techniques
    assert set(page.evaluate("network.getSelectedNodes()")) == set(techniques)


def test_choosing_a_technique_shows_it_alone_with_its_papers(
    overview: Opened, overview_figure: nx.Graph
) -> None:
    page = overview.page
    technique, titles = busiest_technique(overview_figure)
    page.select_option("#technique-filter", technique)
    page.wait_for_selector(f'body[data-selected="{technique}"]', state="attached")
    assert overview.visible("technique") == {technique}
    assert listed_papers(page) == titles[:RENDER_PAGE]
    page.click("#reset")
    assert overview.visible("technique") == set(nodes_of(overview_figure, Kind.TECHNIQUE))
    assert overview.errors() == []


def test_overview_counts_narrower_techniques_like_the_query(
    overview: Opened, overview_figure: nx.Graph
) -> None:
    options = overview.page.eval_on_selector_all(
        "#technique-filter option", "os => os.map(o => [o.value, o.textContent])"
    )
    counts = {value: int(text.rsplit("(", 1)[1][:-1]) for value, text in options if value}
    expected = {t: len(reach_of(overview_figure, t)) for t in counts}
    assert counts == expected
    assert any(n > len(neighbours_of(overview_figure, t, Kind.PAPER)) for t, n in counts.items())
    assert "narrower techniques" in overview.page.text_content("#technique-note")
