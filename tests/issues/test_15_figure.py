"""Issue #15, the connection figure (graph.html) as a new user finds it, in headless Chromium.

Physics off restores the drawn layout; technique counts include narrower techniques, as the
query does; filters leave no empty caption or sector; search puts exact names and arXiv ids
first; papers are named at the first zoom and labels never overlap; cards show a paper's year
and a model's size; the page is usable 800 px wide; list markers sit on a name's first line.

The canvas is watched, not trusted: an init script records every ``fillText`` and ``arc``
call the page makes, with the transform in force, so the tests read what was drawn.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from dllm_kg.namespaces import DLLM
from dllm_kg.query import KnowledgeGraph, run_query
from dllm_kg.render import LABEL_LENGTH, TAG_LENGTH, page_data, short_label
from dllm_kg.stats import Kind, nodes_of

from ..test_browser import DRAW_TIMEOUT, FWDLLM, frames, open_page

BASE = "https://w3id.org/dllm-kg/"
QUANTIZATION = BASE + "technique/quantization"
DATA_LAYER = BASE + "area/data-layer"
#: Techniques whose papers the page counts, checked against the query: some used only through
#: narrower techniques, some with many below them, some with none below.
TECHNIQUES = (
    "backpropagation-free-training",
    "distributed-training",
    "federated-learning",
    "model-compression",
    "quantization",
    "lora",
)
#: Records what the page draws on its canvas: text with its box in screen pixels, and arcs.
RECORDER = """
window.__canvas = [];
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  proto.fillText = function (text, x, y) {
    const t = this.getTransform();
    const m = this.measureText(String(text));
    const left = x - m.actualBoundingBoxLeft, right = x + m.actualBoundingBoxRight;
    const top = y - m.actualBoundingBoxAscent, bottom = y + m.actualBoundingBoxDescent;
    window.__canvas.push({
      op: "text", text: String(text), font: this.font, rotated: t.b !== 0 || t.c !== 0,
      scale: t.a / window.devicePixelRatio,
      box: [t.a * left + t.e, t.d * top + t.f, t.a * right + t.e, t.d * bottom + t.f]
        .map(v => v / window.devicePixelRatio)
    });
    return fillText.apply(this, arguments);
  };
  const arc = proto.arc;
  proto.arc = function (x, y, r, a0, a1) {
    window.__canvas.push({ op: "arc", x: x, y: y, r: r, a0: a0, a1: a1 });
    return arc.apply(this, arguments);
  };
})();
"""
#: One frame drawn now, and what it drew.
DRAW = "() => { window.__canvas = []; network.redraw(); return window.__canvas; }"


@pytest.fixture(scope="module")
def data(bundled_store: ox.Store) -> dict:
    return page_data(bundled_store)


def opened(browser: object, path: Path, width: int = 1400, height: int = 900) -> Iterator[object]:
    """The page with the canvas recorder; no script error while it was open."""
    for shown in open_page(browser, path, width, height, RECORDER):
        yield shown.page
        assert [text for kind, text in shown.messages if kind == "pageerror"] == []


@pytest.fixture
def page(browser: object, bundled_page: Path) -> Iterator[object]:
    yield from opened(browser, bundled_page)


@pytest.fixture
def narrow(browser: object, bundled_page: Path) -> Iterator[object]:
    yield from opened(browser, bundled_page, width=800, height=900)


def visible(page: object, kind: str | None = None) -> set[str]:
    return set(
        page.evaluate(
            """kind => network.body.data.nodes.get({
                filter: n => !n.hidden && (!kind || n.group === kind)
            }).map(n => n.id)""",
            kind,
        )
    )


# 1. Physics ----------------------------------------------------------------------------------


def test_physics_off_puts_every_node_back_where_it_was_drawn(page: object, data: dict) -> None:
    drawn = page.evaluate("window.__drawn = network.getPositions()")
    assert {node["id"] for node in data["nodes"]} == set(drawn)
    page.click("#physics")
    page.wait_for_function(  # the simulation moves nodes
        """() => {
            const now = network.getPositions();
            return Object.keys(now).some(id =>
                Math.abs(now[id].x - __drawn[id].x) + Math.abs(now[id].y - __drawn[id].y) > 20);
        }""",
        timeout=DRAW_TIMEOUT,
    )
    page.click("#physics")
    assert page.text_content("#physics") == "Physics: off"
    assert page.evaluate("network.getPositions()") == drawn
    frames(page, 10)  # and they stay there
    assert page.evaluate("network.getPositions()") == drawn
    for node in data["nodes"]:  # the page's positions, to the pixel vis-network keeps
        assert (int(node["x"]), int(node["y"])) == (drawn[node["id"]]["x"], drawn[node["id"]]["y"])


# 2. Technique counts ---------------------------------------------------------------------------


def test_technique_counts_are_the_querys_and_choosing_one_shows_its_papers(
    page: object, bundled_kg: KnowledgeGraph
) -> None:
    options = page.eval_on_selector_all(
        "#technique-filter option", "os => os.map(o => [o.value, o.textContent])"
    )
    counts = {value: int(re.search(r"\((\d+)\)$", text)[1]) for value, text in options if value}
    for key in TECHNIQUES:
        technique = BASE + "technique/" + key
        rows = run_query(bundled_kg, "papers-by-technique", {"technique": key}).records()
        papers = {row["paper"] for row in rows}
        assert counts[technique] == len(papers), key
        page.select_option("#technique-filter", technique)
        assert visible(page, "paper") == papers, key
        assert technique in visible(page, "technique")
    assert counts[BASE + "technique/backpropagation-free-training"] == 3
    assert counts[BASE + "technique/distributed-training"] == 79  # the notebook's number
    rolled = {
        row["technique"]: row["papers"]
        for row in run_query(bundled_kg, "papers-per-technique").records()
    }
    assert {t: n for t, n in counts.items() if n} == rolled
    assert "narrower techniques" in page.text_content("#technique-note")


# 3. Empty captions and sectors -------------------------------------------------------------------


def test_filters_leave_no_empty_caption_or_sector(page: object, data: dict) -> None:
    groups = [r for r in data["regions"] if r["kind"] == "group"]
    caption = next(r["label"] for r in groups if r["label"].startswith("Models no paper uses"))
    sectors = {r["area"]: r for r in data["regions"] if r["kind"] == "sector"}

    def texts() -> set[str]:
        return {call["text"] for call in page.evaluate(DRAW) if call["op"] == "text"}

    def sectors_drawn() -> set[str]:
        arcs = [call for call in page.evaluate(DRAW) if call["op"] == "arc"]
        return {
            area
            for area, s in sectors.items()
            for a in arcs
            if a["x"] == 0 and abs(a["r"] - s["r1"]) < 0.01 and abs(a["a0"] - s["a0"]) < 1e-3
        }

    assert caption in texts()
    assert sectors_drawn() == set(sectors)
    page.uncheck('#legend input[value="model"]')
    assert caption not in texts()
    page.click("#reset")
    assert caption in texts()
    page.select_option("#technique-filter", BASE + "technique/lora")  # no unused model shows
    assert caption not in texts()
    page.click("#reset")
    page.uncheck(f'#area-filter input[value="{DATA_LAYER}"]')
    assert sectors_drawn() == set(sectors) - {DATA_LAYER}


# 4. Search ---------------------------------------------------------------------------------------


def first_found(page: object, text: str) -> str | None:
    page.fill("#search", text)
    return page.locator("#results button").first.get_attribute("data-node")


def test_an_exact_name_wins_and_enter_opens_it(page: object) -> None:
    page.fill("#search", "quantization")
    page.press("#search", "Enter")
    page.wait_for_selector(f'body[data-selected="{QUANTIZATION}"]', state="attached")
    assert page.text_content("#details h2") == "Quantization"


def test_search_finds_arxiv_ids_and_every_kind_by_name(
    page: object, bundled_figure: nx.Graph
) -> None:
    for text in ("2308.13894", "arXiv:2308.13894v2"):
        assert first_found(page, text) == FWDLLM, text
    names: dict[str, list[str]] = {}
    for node, name in bundled_figure.nodes(data="name"):
        names.setdefault(name.lower(), []).append(node)
    for kind in (Kind.TECHNIQUE, Kind.MODEL, Kind.REPOSITORY, Kind.PAPER):
        unique = [
            n
            for n in nodes_of(bundled_figure, kind)
            if len(names[bundled_figure.nodes[n]["name"].lower()]) == 1
        ]
        for node in unique[:: max(1, len(unique) // 6)]:
            assert first_found(page, bundled_figure.nodes[node]["name"]) == node, node


# 5. Labels, tooltips and cards -------------------------------------------------------------------


def paper_labels(page: object, figure: nx.Graph) -> list[dict]:
    """The paper labels the page draws now: flat text that is a paper's label or shorter tag."""
    labels = {
        short_label(figure.nodes[p]["name"], length)
        for p in nodes_of(figure, Kind.PAPER)
        for length in (LABEL_LENGTH, TAG_LENGTH)
    }
    return [
        call
        for call in page.evaluate(DRAW)
        if call["op"] == "text" and not call["rotated"] and call["text"] in labels
    ]


def overlapping(calls: list[dict]) -> list[tuple[str, str]]:
    boxes = [(call["text"], call["box"]) for call in calls]
    return [
        (a, b)
        for i, (a, p) in enumerate(boxes)
        for b, q in boxes[i + 1 :]
        if p[0] < q[2] - 0.5 and q[0] < p[2] - 0.5 and p[1] < q[3] - 0.5 and q[1] < p[3] - 0.5
    ]


def screen_font(call: dict) -> float:
    return float(re.search(r"([\d.]+)px", call["font"])[1]) * call["scale"]


def test_papers_are_named_at_the_first_zoom_and_labels_never_overlap(
    page: object, bundled_figure: nx.Graph
) -> None:
    first = paper_labels(page, bundled_figure)
    readable = [call for call in first if screen_font(call) >= 10]
    assert len(readable) >= 15
    assert overlapping(first) == []
    page.evaluate("network.moveTo({ position: { x: 0, y: 0 }, scale: 2 })")
    closer = paper_labels(page, bundled_figure)
    assert len(closer) >= 20
    assert overlapping(closer) == []


def test_a_paper_shows_its_year_in_its_card_and_tooltip(
    page: object, bundled_store: ox.Store
) -> None:
    found = bundled_store.query(
        f"SELECT ?paper ?id WHERE {{ ?paper <{DLLM.arxivId}> ?id }} ORDER BY ?paper"
    )
    arxiv = {row["paper"].value: row["id"].value for row in found}
    assert arxiv[FWDLLM] == "2308.13894"
    box = page.locator("#mynetwork").bounding_box()
    point = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", FWDLLM)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "2023 · arXiv 2308.13894" in page.text_content("#tooltip")
    for paper in [FWDLLM, *list(arxiv)[::25]]:
        page.evaluate("id => dllm.focus(id)", paper)
        year = "20" + arxiv[paper][:2]
        assert page.text_content("#details .facts") == f"{year} · arXiv {arxiv[paper]}", paper


def test_a_model_card_shows_its_size_and_hugging_face_link(
    page: object, bundled_store: ox.Store
) -> None:
    found = bundled_store.query(
        f"SELECT ?model ?count ?hub WHERE {{ ?model <{DLLM.parameterCount}> ?count ; "
        f"<{DLLM.huggingFaceId}> ?hub }} ORDER BY ?model"
    )
    models = [(row["model"].value, int(row["count"].value), row["hub"].value) for row in found]
    assert len(models) >= 5
    for model, count, hub in models[::4]:
        page.evaluate("id => dllm.focus(id)", model)
        size = f"{count / 1e9:g}B" if count >= 10**9 else f"{count / 1e6:g}M"
        assert page.text_content("#details .facts") == f"{size} parameters", model
        links = page.eval_on_selector_all(
            "#details section:has(h3:text-is('Hugging Face')) a", "as => as.map(a => a.href)"
        )
        assert links == [f"https://huggingface.co/{hub}"], model


# 6. Narrow screens and list markers ---------------------------------------------------------------


def test_the_figure_takes_the_width_of_a_narrow_screen(narrow: object, data: dict) -> None:
    box = narrow.locator("#mynetwork").bounding_box()
    assert box["width"] >= 780
    left, top, right, bottom = data["view"]
    fitted = min(box["width"] / (right - left), box["height"] / (bottom - top)) * 0.97
    assert narrow.evaluate("network.getScale()") == pytest.approx(fitted, rel=0.01)
    assert not narrow.locator("#controls").is_visible()
    narrow.click("#panel")
    assert narrow.locator("#controls").is_visible()
    narrow.select_option("#technique-filter", QUANTIZATION)
    assert QUANTIZATION in visible(narrow, "technique")


def test_a_wide_screen_keeps_the_panel_beside_the_figure(page: object) -> None:
    assert page.locator("#controls").is_visible()
    assert not page.locator("#panel").is_visible()


INK_ROWS = """async b64 => {
    const image = new Image();
    image.src = "data:image/png;base64," + b64;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
    const rows = [];
    for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
            const i = 4 * (y * image.width + x);
            if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 300) { rows.push(y); break; }
        }
    }
    return rows;
}"""


def test_a_list_marker_sits_on_the_first_line_of_a_wrapped_name(page: object) -> None:
    rows = page.eval_on_selector_all(
        "#stats-bridges li",
        """lis => lis.map(li => {
            const b = li.querySelector('button').getBoundingClientRect();
            const line = parseFloat(getComputedStyle(li).lineHeight);
            return { left: li.getBoundingClientRect().left, x: b.left, top: b.top,
                     bottom: b.bottom, line: line, lines: Math.round(b.height / line) };
        })""",
    )
    wrapped = [row for row in rows if row["lines"] >= 2]
    assert wrapped, "no wrapped name in the panel"
    row = wrapped[0]
    page.evaluate("top => document.getElementById('controls').scrollTo(0, 0)", None)
    page.locator("#stats-bridges li").nth(rows.index(row)).scroll_into_view_if_needed()
    row = page.eval_on_selector_all(  # measured again after scrolling
        "#stats-bridges li",
        """(lis, i) => {
            const li = lis[i];
            const b = li.querySelector('button').getBoundingClientRect();
            return { left: li.getBoundingClientRect().left, x: b.left, top: b.top,
                     bottom: b.bottom, line: parseFloat(getComputedStyle(li).lineHeight) };
        }""",
        rows.index(row),
    )
    clip = {
        "x": row["left"] - 22,
        "y": row["top"],
        "width": 21,
        "height": row["bottom"] - row["top"],
    }
    picture = base64.b64encode(page.screenshot(clip=clip)).decode("ascii")
    ink = page.context.new_page().evaluate(INK_ROWS, picture)
    assert ink, "no marker drawn"
    assert max(ink) < row["line"] + 2, (ink, row)
