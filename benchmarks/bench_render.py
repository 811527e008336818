"""Measure the connection figure's page: its size, and how long it takes to be still and drawn.

Usage::

    python benchmarks/bench_render.py [--nodes 5000] [--repeat 3] [--chromium /usr/bin/chromium]
    python benchmarks/bench_render.py --screenshot docs/screenshot.png [--select paper/KEY]

Two graphs: the bundled list's, and a synthetic list's (``synthetic.py``) whose figure has
about ``--nodes`` nodes. For each it prints, as a Markdown table: nodes and edges drawn, the
page's size, the time ``render_page`` takes, and the time from opening the page in headless
Chromium to a still, drawn graph.

Time to still is what the page itself records: ``performance.now()`` (milliseconds since the
navigation started) at vis-network's first ``afterDrawing`` event. Physics is off when the page
opens, so that first frame is the still one; the script checks that no node moves during the
next half second and that the page requested nothing but its own file. Setup is excluded from
both timings: parsing the list and building the graph are not timed, nor is starting Chromium.

With ``--screenshot FILE`` it measures nothing: it opens the bundled list's page in the same
headless Chromium, waits for the still frame, and saves what a reader sees (the README's
picture); ``--select`` opens the page at a node, as ``graph.html#paper/KEY`` does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as ``python benchmarks/bench_render.py``: this folder is on sys.path, and the project's
# top folder is added so that the browser starts as in the browser tests.
from common import write_synthetic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dllm_kg.pipeline import load
from dllm_kg.render import render_page
from dllm_kg.stats import connection_graph
from tests.browser import CHROMIUM_ARGS

#: The window the page opens in.
VIEWPORT = {"width": 1600, "height": 1000}
#: Figure nodes per synthetic list entry, a first guess that one correction refines.
NODES_PER_ENTRY = 1.42


@dataclass(frozen=True)
class Result:
    """One graph's numbers."""

    label: str
    nodes: int
    edges: int
    size: int
    render: float
    still: list[float]


def synthetic_graph(nodes: int, workdir: Path) -> tuple[str, object]:
    """A synthetic list's graph whose figure has about ``nodes`` nodes."""
    entries = max(3, round(nodes / NODES_PER_ENTRY))
    for _ in range(2):
        _, graph = load(write_synthetic(workdir, entries))
        drawn = connection_graph(graph).number_of_nodes()
        if abs(drawn - nodes) <= nodes * 0.02:
            break
        entries = max(3, round(entries * nodes / drawn))
    return f"synthetic, {entries:,} entries", graph


def measure(label: str, graph: object, browser: object, repeat: int, workdir: Path) -> Result:
    """Render the page once per run and open it ``repeat`` times."""
    figure = connection_graph(graph)
    start = time.perf_counter()
    page_bytes = render_page(graph)
    render = time.perf_counter() - start
    path = workdir / f"{label.split(',')[0]}-graph.html"
    path.write_bytes(page_bytes)
    stills = [open_once(browser, path) for _ in range(repeat)]
    return Result(
        label,
        figure.number_of_nodes(),
        figure.number_of_edges(),
        len(page_bytes),
        render,
        stills,
    )


def open_once(browser: object, path: Path) -> float:
    """Open the page in a fresh context; return the milliseconds to its first, still frame."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-drawn]", state="attached", timeout=60_000)
    drawn = float(page.get_attribute("body", "data-drawn") or "nan")
    before = page.evaluate("network.getPositions()")
    page.wait_for_timeout(500)
    if page.evaluate("network.getPositions()") != before:
        raise SystemExit(f"{path}: nodes moved after the first frame")
    if requests != [path.as_uri()]:
        raise SystemExit(f"{path}: the page made requests: {requests[1:]}")
    context.close()
    return drawn


def screenshot(browser: object, out: Path, workdir: Path, select: str | None) -> None:
    """Save a picture of the bundled list's page, still and drawn."""
    path = workdir / "graph.html"
    path.write_bytes(render_page(load()[1]))
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(path.as_uri() + (f"#{select}" if select else ""))
    page.wait_for_selector("body[data-drawn]", state="attached", timeout=60_000)
    page.wait_for_timeout(800)  # a selected node's focus animation ends
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    context.close()


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| graph | nodes | edges | page size | render (s) | runs | still, min (ms) "
        "| still, median (ms) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.nodes:,} | {r.edges:,} | {r.size / 1e6:.2f} MB | {r.render:.2f} "
            f"| {len(r.still)} | {min(r.still):,.0f} | {statistics.median(r.still):,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the bundled list's page and a synthetic one's; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000, help="nodes of the synthetic figure")
    parser.add_argument("--repeat", type=int, default=3, help="openings of each page")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--keep", type=Path, help="keep the pages in this folder")
    parser.add_argument("--screenshot", type=Path, help="save a picture of the page instead")
    parser.add_argument("--select", help="with --screenshot: the node to open at (paper/KEY)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        browser = playwright.chromium.launch(executable_path=str(args.chromium), args=CHROMIUM_ARGS)
        if args.screenshot:
            screenshot(browser, args.screenshot, workdir, args.select)
            print(f"wrote {args.screenshot}")
            return 0
        graphs = [("bundled list", load()[1]), synthetic_graph(args.nodes, workdir)]
        results = [measure(label, graph, browser, args.repeat, workdir) for label, graph in graphs]
        version = browser.version
        browser.close()
    print(table(results))
    print(f"\nChromium {version}, window {VIEWPORT['width']}x{VIEWPORT['height']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
