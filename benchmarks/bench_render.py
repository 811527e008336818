"""Measure the connection figure: its page's size, how long the page takes to be still and
drawn, and the time and memory of ``render_figures``.

Usage::

    python benchmarks/bench_render.py [--nodes 2800] [--repeat 3] [--chromium /usr/bin/chromium]
    python benchmarks/bench_render.py --entries 100000 [--repeat 3]
    python benchmarks/bench_render.py --figures 10000 100000
    python benchmarks/bench_render.py --screenshot docs/screenshot.png [--select paper/KEY]

Two graphs: the bundled list's, and a synthetic list's (``synthetic.py``) whose figure has
about ``--nodes`` nodes, or ``--entries`` entries (above ``render.OVERVIEW_PAPERS`` papers the
page is the overview). For each it prints, as a Markdown table: nodes and edges drawn, the
page's size, the time ``render_page`` takes, and the time from opening the page in headless
Chromium to a still, drawn graph.

With ``--figures`` it opens no browser: for each number of entries, in a fresh process, it
builds the list's store (not timed), then times ``render_figures`` (page and picture) and
reads the process's peak resident memory during it (the peak is reset just before, through
``/proc/self/clear_refs``), less the memory held before it.

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
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as ``python benchmarks/bench_render.py``: this folder is on sys.path, and the project's
# top folder is added so that the browser starts as in the browser tests.
from common import write_synthetic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pyoxigraph as ox

from dllm_kg.pipeline import load, read
from dllm_kg.render import page_data, render_figures, render_page
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


def store_of(source: Path | None = None) -> ox.Store:
    """A list's graph in a pyoxigraph store (the bundled list's by default); not timed."""
    return load(source)[1]


def synthetic_store(nodes: int, workdir: Path) -> tuple[str, ox.Store]:
    """A synthetic list's store whose (full) figure has about ``nodes`` nodes."""
    entries = max(3, round(nodes / NODES_PER_ENTRY))
    for _ in range(2):
        store = store_of(write_synthetic(workdir, entries))
        drawn = connection_graph(store).number_of_nodes()
        if abs(drawn - nodes) <= nodes * 0.02:
            break
        entries = max(3, round(entries * nodes / drawn))
    return f"synthetic, {entries:,} entries", store


def measure(label: str, store: ox.Store, browser: object, repeat: int, workdir: Path) -> Result:
    """Render the page once per run and open it ``repeat`` times."""
    start = time.perf_counter()
    page_bytes = render_page(store)
    render = time.perf_counter() - start
    data = page_data(store)
    path = workdir / f"{label.split(',')[0]}-graph.html"
    path.write_bytes(page_bytes)
    stills = [open_once(browser, path) for _ in range(repeat)]
    return Result(label, len(data["nodes"]), len(data["edges"]), len(page_bytes), render, stills)


def write_ntriples(entries: int, out: Path) -> None:
    """A synthetic list's graph as N-Triples, written by one process for another to load."""
    with tempfile.TemporaryDirectory() as temporary:
        _, ntriples, _ = read(write_synthetic(Path(temporary), entries))
    out.write_bytes(ntriples)


def figures_once(ntriples: Path) -> dict[str, float]:
    """Time and peak memory of ``render_figures`` on a store loaded from N-Triples (not timed).

    The process has built nothing else, so the memory it frees is not reused by the render.
    """
    store = ox.Store()
    store.bulk_load(path=ntriples, format=ox.RdfFormat.N_TRIPLES)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident memory
    before = _memory("VmRSS")
    start = time.perf_counter()
    files = render_figures(store)
    seconds = time.perf_counter() - start
    peak = _memory("VmHWM") - before
    sizes = {name: len(data) for name, data in files.items()}
    return {"seconds": seconds, "peak_mb": peak / 1024, **sizes}


def _memory(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"/proc/self/status has no {field}")


def figures_table(sizes: list[int]) -> str:
    """``render_figures`` at each size, each in a fresh process, as a Markdown table."""
    lines = [
        "| entries | render_figures (s) | peak memory (MB) | graph.html (MB) | figure.svg (MB) |",
        "|--:|--:|--:|--:|--:|",
    ]
    for entries in sizes:
        with tempfile.TemporaryDirectory() as temporary:
            ntriples = Path(temporary) / "graph.nt"
            child = [sys.executable, __file__]
            subprocess.run([*child, "--ntriples-child", str(entries), str(ntriples)], check=True)
            measured = [*child, "--figures-child", str(ntriples)]
            r = json.loads(subprocess.run(measured, check=True, capture_output=True).stdout)
        lines.append(
            f"| {entries:,} | {r['seconds']:.2f} | {r['peak_mb']:,.0f} "
            f"| {r['graph.html'] / 1e6:.2f} | {r['figure.svg'] / 1e6:.2f} |"
        )
    return "\n".join(lines)


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
    path.write_bytes(render_page(store_of()))
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
    parser.add_argument("--nodes", type=int, default=2800, help="nodes of the synthetic figure")
    parser.add_argument("--entries", type=int, help="entries of the synthetic list instead")
    parser.add_argument(
        "--figures", type=int, nargs="+", help="time render_figures at these numbers of entries"
    )
    parser.add_argument("--figures-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ntriples-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="openings of each page")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("--keep", type=Path, help="keep the pages in this folder")
    parser.add_argument("--screenshot", type=Path, help="save a picture of the page instead")
    parser.add_argument("--select", help="with --screenshot: the node to open at (paper/KEY)")
    args = parser.parse_args(argv)
    if args.ntriples_child:
        write_ntriples(int(args.ntriples_child[0]), Path(args.ntriples_child[1]))
        return 0
    if args.figures_child:
        print(json.dumps(figures_once(args.figures_child)))
        return 0
    if args.figures:
        print(figures_table(args.figures))
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        browser = playwright.chromium.launch(executable_path=str(args.chromium), args=CHROMIUM_ARGS)
        if args.screenshot:
            screenshot(browser, args.screenshot, workdir, args.select)
            print(f"wrote {args.screenshot}")
            return 0
        if args.entries:
            listed = store_of(write_synthetic(workdir, args.entries))
            synthetic = (f"synthetic, {args.entries:,} entries", listed)
        else:
            synthetic = synthetic_store(args.nodes, workdir)
        stores = [("bundled list", store_of()), synthetic]
        results = [measure(label, store, browser, args.repeat, workdir) for label, store in stores]
        version = browser.version
        browser.close()
    print(table(results))
    print(f"\nChromium {version}, window {VIEWPORT['width']}x{VIEWPORT['height']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
