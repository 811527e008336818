"""Draw the connection figure: an offline HTML page (pyvis) and an SVG picture, one layout."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network
from rdflib.namespace import DCTERMS, RDF

from dllm_kg.constants import (
    FIGURE_FILE,
    PAGE_FILE,
    TEMPLATES_DIR,
    UPSTREAM_ATTRIBUTION,
    UPSTREAM_LICENSE_URL,
    UPSTREAM_URL,
)
from dllm_kg.errors import DllmKgError
from dllm_kg.layout import AREA_FONT, RING_FONT, Layout, figure_layout
from dllm_kg.namespaces import AREAS, BASE, CC
from dllm_kg.stats import (
    FigureTables,
    Kind,
    Stats,
    figure_graph,
    figure_stats,
    figure_tables,
    neighbours_of,
    nodes_of,
    overview_graph,
    overview_stats,
)

#: The page's title.
TITLE = "Decentralising the LLM pipeline: the awesome-distributed-LLM list as a graph"
#: vis-network 9.1.2, as shipped inside the pyvis wheel (Apache-2.0 or MIT), read at render time.
VIS_PACKAGE = "pyvis"
VIS_JS = "lib/vis-9.1.2/vis-network.min.js"
#: The page's own template, script and style, in ``src/dllm_kg/templates/``.
PAGE_TEMPLATE = "graph.html.j2"
PAGE_SCRIPT = "graph.js"
PAGE_STYLE = "graph.css"
#: Above this many papers the page and the picture draw an overview: the areas and the
#: techniques, each technique sized and labelled by its number of papers; the page lists a
#: technique's papers (with their links) when it is clicked, chosen or found. Papers, models
#: and repositories are not drawn then (the numbers panel counts them). At 2,000 papers the
#: full figure has about 3,000 nodes, which still opens in well under a second.
OVERVIEW_PAPERS = 2000
#: The kinds of node the overview draws.
OVERVIEW_KINDS = (Kind.AREA, Kind.TECHNIQUE)
#: The overview page's own template, script and extra style, in ``src/dllm_kg/templates/``.
OVERVIEW_TEMPLATE = "overview.html.j2"
OVERVIEW_SCRIPT = "overview.js"
OVERVIEW_STYLE = "overview.css"
#: How many papers the overview's side panel lists at once ("Show more" lists the next ones).
PAPER_PAGE = 100
#: Fonts the page and the picture use: the reader's own, never a downloaded one.
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
#: Above this many nodes the page hides edges while the view is dragged or zoomed.
BIG_GRAPH = 1500
#: Longest paper label drawn under a dot (the full title is in the side panel), and longest
#: one drawn while the figure is shown smaller than its own size (more of them fit).
LABEL_LENGTH = 34
TAG_LENGTH = 16
#: Labels smaller than this on screen (pixels) are not drawn.
LABEL_THRESHOLD = 7
#: Papers, models and repositories stand close together: the page draws their short labels
#: itself, at a readable size on screen (their size in the figure times the zoom, kept between
#: ``min`` and ``max`` pixels), each only where it overlaps no other label.
CROWDED = (Kind.PAPER, Kind.MODEL, Kind.REPOSITORY)
CROWD_LABELS = {"font": 11, "min": 11, "max": 15}
#: Techniques this large (used by about eight papers or more) have bold labels.
BOLD_SIZE = 17
#: Size of the captions of the groups below the ring.
CAPTION_FONT = 24
#: Technique labels on the ring are drawn down to this size on screen (pixels), so that the
#: whole figure names its techniques.
RING_LABEL_THRESHOLD = 5
#: The colour of technique labels and of the sectors behind the areas.
LABEL_COLOUR = "#4a3500"
SECTOR_COLOUR = "rgba(213,94,0,0.07)"
#: The credit the picture carries: in its ``<desc>`` and as the line under its legend.
CREDIT = f"Data: {UPSTREAM_ATTRIBUTION} Licence: {UPSTREAM_LICENSE_URL}"
#: Characters that XML 1.0 does not allow: most C0 controls, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Style:
    """How one kind of node looks: vis-network shape, fill and border colour, size, label size."""

    name: str
    shape: str
    color: str
    border: str
    size: int
    font_size: int


#: One shape and one colour per kind (Okabe-Ito colours, readable with colour blindness).
STYLES = {
    Kind.AREA: Style("Area", "box", "#D55E00", "#8A3A00", 30, AREA_FONT),
    Kind.TECHNIQUE: Style("Technique", "diamond", "#E69F00", "#9A6A00", 9, 14),
    Kind.PAPER: Style("Paper", "dot", "#0072B2", "#004A75", 7, 11),
    Kind.MODEL: Style("Model", "triangle", "#009E73", "#006B4E", 8, 11),
    Kind.REPOSITORY: Style("Repository", "square", "#CC79A7", "#8C4F72", 6, 11),
}
#: How each kind of edge looks: colour, dashes, and its legend name.
EDGE_STYLES: dict[str, dict[str, object]] = {
    "usesTechnique": {"color": "rgba(0,114,178,0.22)", "name": "paper uses technique"},
    "belongsToArea": {"color": "rgba(213,94,0,0.22)", "name": "technique belongs to area"},
    "hasArea": {"color": "rgba(213,94,0,0.45)", "dashes": True, "name": "paper has area"},
    "usesModel": {"color": "rgba(0,158,115,0.6)", "name": "paper uses model"},
    "hasCode": {"color": "rgba(204,121,167,0.7)", "name": "paper has code"},
}


def page_data(
    store: ox.Store, title: str = TITLE, overview_above: int = OVERVIEW_PAPERS
) -> dict[str, object]:
    """Everything the page shows, as JSON data: nodes, edges, options, legend, numbers."""
    return _Drawing(store, overview_above).page_data(title)


def render_page(
    store: ox.Store, title: str = TITLE, overview_above: int = OVERVIEW_PAPERS
) -> bytes:
    """The connection figure as one self-contained HTML page (no request leaves the page).

    Above ``overview_above`` papers, the page is the overview (see :data:`OVERVIEW_PAPERS`).
    """
    return _Drawing(store, overview_above).page(title)


def render_svg(store: ox.Store, title: str = TITLE, overview_above: int = OVERVIEW_PAPERS) -> bytes:
    """The connection figure as an SVG picture, from the page's layout (the overview's above
    ``overview_above`` papers)."""
    return _Drawing(store, overview_above).svg(title)


def render_figures(store: ox.Store, overview_above: int = OVERVIEW_PAPERS) -> dict[str, bytes]:
    """The page and the picture, by file name, for a build folder (one layout for both)."""
    drawing = _Drawing(store, overview_above)
    return {PAGE_FILE: drawing.page(TITLE), FIGURE_FILE: drawing.svg(TITLE)}


class _Drawing:
    """One figure, laid out once: every node, or the overview of areas and techniques."""

    def __init__(self, store: ox.Store, overview_above: int) -> None:
        self.tables = figure_tables(store)
        papers = sum(1 for kind in self.tables.kinds.values() if kind is Kind.PAPER)
        self.overview = papers > overview_above
        self.figure = overview_graph(self.tables) if self.overview else figure_graph(self.tables)
        self.layout = figure_layout(self.figure)

    def page_data(self, title: str) -> dict[str, object]:
        if self.overview:
            return _overview_data(self.tables, self.figure, self.layout, title)
        return _page_data(self.tables, self.figure, self.layout, title)

    def page(self, title: str) -> bytes:
        if self.overview:
            return _render_overview(self.tables, self.figure, self.layout, title)
        return _render_page(self.tables, self.figure, self.layout, title)

    def svg(self, title: str) -> bytes:
        note = _overview_note(self.tables) if self.overview else ""
        return _render_svg(self.figure, self.layout, title, note)


def panel_stats(store: ox.Store, top: int = 10, overview_above: int = OVERVIEW_PAPERS) -> Stats:
    """The numbers of the page's side panel (what ``dllm-kg stats`` prints): those of the
    overview above ``overview_above`` papers, else those of the full figure."""
    tables = figure_tables(store)
    papers = sum(1 for kind in tables.kinds.values() if kind is Kind.PAPER)
    if papers > overview_above:
        return overview_stats(tables, top)
    return figure_stats(figure_graph(tables), top)


class FigureError(DllmKgError):
    """The figure cannot be written (unknown file type, or the file cannot be written)."""


def write_figure(store: ox.Store, path: Path, overview_above: int = OVERVIEW_PAPERS) -> int:
    """Write the page (``.html``) or the picture (``.svg``) to ``path``; return its size in bytes.

    The file is written next to its place and renamed into it, so a failure leaves no half file.

    :raises FigureError: when the suffix is neither ``.html`` nor ``.svg``, or writing fails.
    """
    renderers = {".html": render_page, ".htm": render_page, ".svg": render_svg}
    renderer = renderers.get(path.suffix.lower())
    if renderer is None:
        raise FigureError(f"{path}: write .html for the page or .svg for the picture")
    data = renderer(store, overview_above=overview_above)
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise FigureError(f"{path}: cannot be written ({error.strerror})") from None
    return len(data)


def script_json(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped.

    >>> print(script_json({"title": "</script><b>"}))
    {"title":"\\u003c/script\\u003e\\u003cb\\u003e"}
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def short_label(name: str, length: int = LABEL_LENGTH) -> str:
    """The label drawn under a paper: the name before its colon, else the start of the title.

    >>> short_label("FwdLLM: Efficient FedLLM Using Forward Gradient")
    'FwdLLM'
    >>> short_label("Distributed Training of Large Language Models on Edge Devices", 24)
    'Distributed Training of…'
    """
    head = name.split(":", 1)[0].strip()
    if ":" in name and 0 < len(head) <= length:
        return head
    if len(name) <= length:
        return name
    cut = name[: length - 1]
    if name[length - 1] != " " and " " in cut[length // 2 :]:  # end on a whole word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;-") + "…"


def technique_size(papers: int) -> int:
    """A technique's size on the page: larger the more papers use it.

    >>> technique_size(0), technique_size(4), technique_size(100)
    (9, 15, 24)
    """
    return min(24, STYLES[Kind.TECHNIQUE].size + round(3 * math.sqrt(papers)))


def vis_network_js() -> str:
    """vis-network's standalone script, read from the installed pyvis package."""
    return resources.files(VIS_PACKAGE).joinpath(VIS_JS).read_text(encoding="utf-8")


# The page --------------------------------------------------------------------------------


def vis_options(nodes: int) -> dict[str, object]:
    """vis-network options: kinds as groups, straight edges, physics off until asked for."""
    big = nodes > BIG_GRAPH
    return {
        "autoResize": True,
        "groups": {kind.value: _group_options(kind, style) for kind, style in STYLES.items()},
        "nodes": {
            "font": {"face": FONT_STACK},
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "scaling": {"label": {"drawThreshold": LABEL_THRESHOLD}},
        },
        "edges": {"smooth": False, "width": 1, "selectionWidth": 2},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "stabilization": False,
            "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 60},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
    }


def _group_options(kind: Kind, style: Style) -> dict[str, object]:
    options: dict[str, object] = {
        "shape": style.shape,
        "size": style.size,
        "color": {
            "background": style.color,
            "border": style.border,
            "highlight": {"background": style.color, "border": "#111111"},
            "hover": {"background": style.color, "border": "#111111"},
        },
        "font": {"size": style.font_size, "color": "#1d1d1f"},
    }
    if style.shape == "box":
        options["font"] = {"size": style.font_size, "color": "#ffffff", "bold": True}
        options["margin"] = 12
        options["shapeProperties"] = {"borderRadius": 8}
    return options


def pyvis_network(figure: nx.Graph, layout: Layout) -> Network:
    """The figure as a pyvis network (through ``Network.from_nx``), placed by the layout.

    Node data keeps what the page's panel shows: ``name``, ``links``, ``areas``; techniques on
    the ring are marked ``ring`` (the page draws their labels outward from the ring).
    """
    drawn = nx.Graph()
    for node, data in figure.nodes(data=True):
        kind = Kind(data["kind"])
        x, y = layout.positions[node]
        size = STYLES[kind].size
        if kind is Kind.TECHNIQUE:
            size = technique_size(_paper_count(figure, node))
        extra: dict[str, object] = {"areas": list(data["areas"])} if "areas" in data else {}
        if kind is Kind.PAPER and short_label(data["name"], TAG_LENGTH) != short_label(
            data["name"]
        ):
            extra["tag"] = short_label(data["name"], TAG_LENGTH)
        if node in layout.on_ring:
            extra["ring"] = True
        drawn.add_node(
            node,
            label=short_label(data["name"]) if kind is Kind.PAPER else data["name"],
            group=kind.value,
            shape=STYLES[kind].shape,
            size=size,
            x=x,
            y=y,
            name=data["name"],
            links=list(data["links"]),
            **extra,
        )
    drawn.add_edges_from(figure.edges(data=True))
    network = _FastNetwork(directed=False, cdn_resources="in_line")
    network.from_nx(drawn, show_edge_weights=False)
    return network


class _FastNetwork(Network):
    """pyvis's Network without its quadratic duplicate checks: networkx already rules them out."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._ids: set[object] = set()

    def add_node(self, n_id, label=None, shape="dot", color="#97c2fc", **options):
        if n_id not in self._ids:
            self._ids.add(n_id)
            super().add_node(n_id, label, shape, color, **options)

    def add_edge(self, source, to, **options):
        self.edges.append(Edge(source, to, self.directed, **options).options)

    def get_nodes(self):
        return self._ids


def _paper_count(figure: nx.Graph, technique: str) -> int:
    """How many papers use a technique: counted in the overview, its neighbours otherwise."""
    data = figure.nodes[technique]
    return data["papers"] if "papers" in data else len(neighbours_of(figure, technique, Kind.PAPER))


def _page_data(
    tables: FigureTables, figure: nx.Graph, layout: Layout, title: str
) -> dict[str, object]:
    network = pyvis_network(figure, layout)
    nodes = sorted(network.nodes, key=lambda node: node["id"])
    index = {node["id"]: i for i, node in enumerate(nodes)}
    relations = list(EDGE_STYLES)
    edges = sorted(
        [index[e["from"]], index[e["to"]], relations.index(e["relation"])] for e in network.edges
    )
    return {
        "title": title,
        "base": BASE,
        "nodes": [{**_compact_node(node, index), **_card(tables, node, index)} for node in nodes],
        "edges": edges,
        "options": vis_options(len(nodes)),
        "kinds": [
            {"kind": kind.value, "name": style.name, "shape": style.shape, "color": style.color}
            for kind, style in STYLES.items()
        ],
        "crowded": [kind.value for kind in CROWDED],
        "crowd": CROWD_LABELS,
        **_drawing_data(figure, layout),
        "stats": figure_stats(figure).as_json(),
    }


def _compact_node(node: dict[str, object], index: Mapping[str, int]) -> dict[str, object]:
    """A pyvis node as the page reads it: areas by node index, no group defaults repeated."""
    style = STYLES[Kind(node["group"])]
    compact = {key: value for key, value in node.items() if key != "shape"}
    if compact.get("size") == style.size:
        del compact["size"]
    if "areas" in compact:
        compact["areas"] = [index[area] for area in compact["areas"]]  # type: ignore[attr-defined]
    return compact


def _card(tables: FigureTables, node: dict[str, object], index: Mapping[str, int]) -> dict:
    """What a node's card and the filters read besides its name and links: a paper's arXiv id
    and year, a model's parameters and Hugging Face id; a technique's papers, those of narrower
    techniques included (as ``queries/papers-by-technique.rq`` counts them), its narrower
    techniques at any depth and its broader ones, all by node index."""
    iri = str(node["id"])
    card: dict[str, object] = dict(tables.facts.get(iri, {}))
    if node["group"] == Kind.TECHNIQUE.value:
        card["papers"] = [index[p] for p in tables.technique_reach[iri]]
        card["narrower"] = [index[t] for t in tables.narrower[iri]]
        card["broader"] = [index[t] for t in tables.broader.get(iri, ())]
    return card


def _render_page(tables: FigureTables, figure: nx.Graph, layout: Layout, title: str) -> bytes:
    data = _page_data(tables, figure, layout, title)
    return _html(PAGE_TEMPLATE, PAGE_SCRIPT, (PAGE_STYLE,), data, title)


def _render_overview(tables: FigureTables, figure: nx.Graph, layout: Layout, title: str) -> bytes:
    data = _overview_data(tables, figure, layout, title)
    return _html(OVERVIEW_TEMPLATE, OVERVIEW_SCRIPT, (PAGE_STYLE, OVERVIEW_STYLE), data, title)


def _html(
    template: str, script: str, style_files: tuple[str, ...], data: object, title: str
) -> bytes:
    """A page with vis-network, its own script and styles inlined, and a policy that allows
    exactly those (by hash) and nothing else."""
    scripts = [vis_network_js(), _asset(script)]
    styles = [_asset(name) for name in style_files]
    for asset in (*scripts, *styles):
        if "</script" in asset.lower() or "</style" in asset.lower():  # pragma: no cover
            raise ValueError("an inlined asset would close its own element")
    policy = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(_csp_hash(script) for script in scripts),
            "style-src " + " ".join(_csp_hash(style) for style in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    html = (
        _environment()
        .get_template(template)
        .render(
            title=title,
            policy=policy,
            style=Markup(styles[0]),
            styles=[Markup(style) for style in styles],
            vis_js=Markup(scripts[0]),
            page_js=Markup(scripts[1]),
            data=Markup(script_json(data)),
        )
    )
    return html.encode("utf-8")


# The overview ----------------------------------------------------------------------------


def _overview_data(
    tables: FigureTables, figure: nx.Graph, layout: Layout, title: str
) -> dict[str, object]:
    """The overview page's data: areas and techniques placed, and every paper as two columns
    (names, links) that techniques and areas point into by index."""
    papers = sorted(
        (p for p, kind in tables.kinds.items() if kind is Kind.PAPER),
        key=lambda p: (tables.names[p].lower(), p),
    )
    paper_index = {paper: i for i, paper in enumerate(papers)}
    members = tables.technique_papers
    in_area: dict[str, list[int]] = {area: [] for area in nodes_of(figure, Kind.AREA)}
    for paper in papers:
        for area in tables.paper_areas[paper]:
            in_area[area].append(paper_index[paper])
    ids = sorted(figure)
    index = {node: i for i, node in enumerate(ids)}
    nodes = []
    for node in ids:
        data = figure.nodes[node]
        kind = Kind(data["kind"])
        x, y = layout.positions[node]
        name = tables.names[node]
        entry: dict[str, object] = {
            "id": node,
            "group": kind.value,
            "label": data["name"],
            "name": name,
            "links": list(data["links"]),
            "x": x,
            "y": y,
        }
        if kind is Kind.TECHNIQUE:
            entry["size"] = technique_size(data["papers"])
            entry["areas"] = [index[area] for area in data["areas"]]
            entry["papers"] = sorted(paper_index[p] for p in members[node])
            entry["narrower"] = [index[t] for t in tables.narrower[node]]
        else:
            entry["papers"] = in_area[node]
        if node in layout.on_ring:
            entry["ring"] = True
        nodes.append(entry)
    relations = list(EDGE_STYLES)
    edges = sorted(
        [index[a], index[b], relations.index(relation)]
        for a, b, relation in figure.edges(data="relation")
    )
    return {
        "title": title,
        "base": BASE,
        "nodes": nodes,
        "edges": edges,
        "papers": {
            "names": [tables.names[p] for p in papers],
            "links": [list(tables.links.get(p, ())) for p in papers],
        },
        "page": PAPER_PAGE,
        "threshold": OVERVIEW_PAPERS,
        "options": vis_options(len(nodes)),
        "kinds": [
            {
                "kind": kind.value,
                "name": STYLES[kind].name,
                "shape": STYLES[kind].shape,
                "color": STYLES[kind].color,
            }
            for kind in OVERVIEW_KINDS
        ],
        "counts": {kind.value: len(tables.of_kind(kind)) for kind in Kind},
        **_drawing_data(figure, layout),
        "stats": overview_stats(tables).as_json(),
    }


def _drawing_data(figure: nx.Graph, layout: Layout) -> dict[str, object]:
    """What the full page and the overview draw alike: edge styles, areas, ring, regions."""
    return {
        "relations": [{"relation": name, **style} for name, style in EDGE_STYLES.items()],
        "areas": [str(area) for area in AREAS if str(area) in figure],
        "ring": {
            "r": layout.ring,
            "font": RING_FONT,
            "color": LABEL_COLOUR,
            "bold": BOLD_SIZE,
            "threshold": RING_LABEL_THRESHOLD,
        },
        "caption": CAPTION_FONT,
        "regions": layout.regions,
        "view": list(layout.bounds),
        "sector": SECTOR_COLOUR,
    }


def _overview_note(tables: FigureTables) -> str:
    """The line under the overview picture's key: what is counted rather than drawn."""
    counts = {kind: len(tables.of_kind(kind)) for kind in (Kind.PAPER, Kind.MODEL, Kind.REPOSITORY)}
    return (
        f"{counts[Kind.PAPER]:,} papers (counted by technique), {counts[Kind.MODEL]:,} models "
        f"and {counts[Kind.REPOSITORY]:,} repositories are not drawn"
    )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _asset(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    """A Content-Security-Policy source that allows exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# The picture -----------------------------------------------------------------------------


def _render_svg(figure: nx.Graph, layout: Layout, title: str, note: str = "") -> bytes:
    positions = layout.positions
    left, top, right, bottom = layout.bounds
    left, top, right, bottom = left - 40, top - 160, right + 40, bottom + 40
    width, height = right - left, bottom - top
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f"font-family={_xml_attribute(FONT_STACK)}>",
        *_svg_about(title),
        f'<rect x="{left:.0f}" y="{top:.0f}" width="{width:.0f}" height="{height:.0f}" '
        'fill="#ffffff"/>',
    ]
    lines += _svg_regions(layout.regions)
    lines += _svg_edges(figure, positions)
    for kind in (Kind.REPOSITORY, Kind.MODEL, Kind.PAPER, Kind.TECHNIQUE, Kind.AREA):
        for node in nodes_of(figure, kind):
            size = STYLES[kind].size
            if kind is Kind.TECHNIQUE:
                size = technique_size(_paper_count(figure, node))
            lines += _svg_node(kind, *positions[node], size, figure.nodes[node]["name"])
    lines += _svg_ring_labels(figure, layout)
    lines += _svg_legend(left + 40, top + 50, title, note)
    lines.append("</svg>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _svg_about(title: str) -> list[str]:
    """The picture's title, its credit, and its licence and source as RDF metadata (CC REL)."""
    return [
        f"<title>{_xml_text(title)}</title>",
        f"<desc>{_xml_text(CREDIT)}</desc>",
        "<metadata>",
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:dcterms="{DCTERMS}" xmlns:cc="{CC}">',
        '<cc:Work rdf:about="">',
        f"<dcterms:title>{_xml_text(title)}</dcterms:title>",
        f"<dcterms:rights>{_xml_text(UPSTREAM_ATTRIBUTION)}</dcterms:rights>",
        f"<dcterms:source rdf:resource={_xml_attribute(UPSTREAM_URL)}/>",
        f"<dcterms:license rdf:resource={_xml_attribute(UPSTREAM_LICENSE_URL)}/>",
        f"<cc:license rdf:resource={_xml_attribute(UPSTREAM_LICENSE_URL)}/>",
        f"<cc:attributionURL rdf:resource={_xml_attribute(UPSTREAM_URL)}/>",
        "</cc:Work>",
        "</rdf:RDF>",
        "</metadata>",
    ]


def _svg_regions(regions: list[dict[str, object]]) -> Iterator[str]:
    colour, opacity = _rgba(SECTOR_COLOUR)
    for region in regions:
        if region["kind"] == "sector":
            a0, a1, r0, r1 = (float(region[k]) for k in ("a0", "a1", "r0", "r1"))  # type: ignore[arg-type]
            large = 1 if a1 - a0 > math.pi else 0
            corners = ((r1, a0), (r1, a1), (r0, a1), (r0, a0))
            p = [f"{r * math.cos(a):.1f},{r * math.sin(a):.1f}" for r, a in corners]
            yield (
                f'<path d="M{p[0]} A{r1:.1f},{r1:.1f} 0 {large} 1 {p[1]} L{p[2]} '
                f'A{r0:.1f},{r0:.1f} 0 {large} 0 {p[3]} Z" fill="{colour}" '
                f'fill-opacity="{opacity}"/>'
            )
        else:
            x, y, r = (float(region[k]) for k in ("x", "y", "r"))  # type: ignore[arg-type]
            yield (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#777777" '
                'fill-opacity="0.06" stroke="#999999" stroke-dasharray="6 6"/>'
            )
            label = _xml_text(str(region["label"]))
            yield (
                f'<text x="{x:.1f}" y="{y - r - 12:.1f}" text-anchor="middle" '
                f'font-size="{CAPTION_FONT}" fill="#555555">{label}</text>'
            )


def _svg_edges(figure: nx.Graph, positions: Mapping[str, tuple[float, float]]) -> Iterator[str]:
    for relation, style in EDGE_STYLES.items():
        colour, opacity = _rgba(str(style["color"]))
        dash = ' stroke-dasharray="6 4"' if style.get("dashes") else ""
        yield f'<g stroke="{colour}" stroke-opacity="{opacity}" stroke-width="1"{dash}>'
        for a, b, data in sorted(figure.edges(data=True)):
            if data["relation"] == relation:
                (x1, y1), (x2, y2) = positions[a], positions[b]
                yield f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
        yield "</g>"


def _svg_node(kind: Kind, x: float, y: float, size: float, name: str) -> Iterator[str]:
    style = STYLES[kind]
    paint = f'fill="{style.color}" stroke="{style.border}"'
    title = f"<title>{_xml_text(name)}</title>"
    if kind is Kind.AREA:
        width, height = 0.6 * style.font_size * len(name) + 24, style.font_size + 22
        yield (
            f'<g><rect x="{x - width / 2:.1f}" y="{y - height / 2:.1f}" width="{width:.1f}" '
            f'height="{height}" rx="8" {paint} stroke-width="2"/><text x="{x:.1f}" '
            f'y="{y + style.font_size * 0.35:.1f}" '
            f'text-anchor="middle" font-size="{style.font_size}" font-weight="bold" '
            f'fill="#ffffff">{_xml_text(name)}</text>{title}</g>'
        )
        return
    s = size
    shapes = {
        "dot": ("circle", f'cx="{x:.1f}" cy="{y:.1f}" r="{s}"'),
        "diamond": ("polygon", f'points="{_points(x, y, s, 4, 0)}"'),
        "triangle": ("polygon", f'points="{_points(x, y, s * 1.15, 3, -90)}"'),
        "square": ("rect", f'x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s}" height="{2 * s}"'),
    }
    element, geometry = shapes[style.shape]
    yield f"<{element} {geometry} {paint}>{title}</{element}>"


def _svg_ring_labels(figure: nx.Graph, layout: Layout) -> Iterator[str]:
    """Technique labels running outward from the ring, as on the page; others under the node."""
    yield f'<g font-size="{RING_FONT}" fill="{LABEL_COLOUR}">'
    for technique in nodes_of(figure, Kind.TECHNIQUE):
        x, y = layout.positions[technique]
        name = _xml_text(figure.nodes[technique]["name"])
        size = technique_size(_paper_count(figure, technique))
        bold = ' font-weight="bold"' if size >= BOLD_SIZE else ""
        gap = size + 6
        if technique not in layout.on_ring:
            yield (
                f'<text x="{x:.1f}" y="{y + gap + 10:.1f}" text-anchor="middle"{bold}>{name}</text>'
            )
            continue
        angle = math.degrees(math.atan2(y, x))
        if math.cos(math.radians(angle)) >= 0:
            yield (
                f'<text transform="translate({x:.1f},{y:.1f}) rotate({angle:.2f})" x="{gap}" '
                f'dominant-baseline="central"{bold}>{name}</text>'
            )
        else:
            yield (
                f'<text transform="translate({x:.1f},{y:.1f}) rotate({angle + 180:.2f})" '
                f'x="{-gap}" text-anchor="end" dominant-baseline="central"{bold}>{name}</text>'
            )
    yield "</g>"


def _svg_legend(x: float, y: float, title: str, note: str = "") -> Iterator[str]:
    """The title, a key to the kinds drawn (all but papers and their things under a note), and
    the credit."""
    yield f'<g font-size="22" fill="#1d1d1f"><text x="{x:.1f}" y="{y:.1f}" font-weight="bold">'
    yield f"{_xml_text(title)}</text>"
    kinds = [kind for kind in STYLES if not note or kind in OVERVIEW_KINDS]
    for i, kind in enumerate(kinds):
        style = STYLES[kind]
        cx, cy = x + 14 + i * 200, y + 40
        if kind is Kind.AREA:
            yield (
                f'<rect x="{cx - 13:.1f}" y="{cy - 9:.1f}" width="26" height="18" rx="4" '
                f'fill="{style.color}"/>'
            )
        else:
            element, _, _ = next(_svg_node(kind, cx, cy, 9, "")).partition("<title>")
            yield element + f"</{element[1:].split(' ', 1)[0]}>"
        yield f'<text x="{cx + 22:.1f}" y="{cy + 7:.1f}">{_xml_text(style.name)}</text>'
    if note:
        yield f'<text x="{x + 14 + len(kinds) * 200:.1f}" y="{y + 47:.1f}">{_xml_text(note)}</text>'
    yield (
        f'<text x="{x:.1f}" y="{y + 82:.1f}" font-size="16" fill="#555555">'
        f"{_xml_text(CREDIT)}</text>"
    )
    yield "</g>"


def _xml_text(text: str) -> str:
    """Text as XML character data: markup escaped, characters XML forbids shown as U+FFFD.

    >>> _xml_text("a\\x1b<b>") == "a\\ufffd&lt;b&gt;"
    True
    """
    return escape(_NOT_XML.sub("\ufffd", text))


def _xml_attribute(text: str) -> str:
    """Text as a quoted XML attribute value, characters XML forbids shown as U+FFFD."""
    return quoteattr(_NOT_XML.sub("\ufffd", text))


def _points(x: float, y: float, radius: float, corners: int, start: float) -> str:
    angles = [math.radians(start + i * 360 / corners) for i in range(corners)]
    corners_at = [(x + radius * math.cos(a), y + radius * math.sin(a)) for a in angles]
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners_at)


def _rgba(colour: str) -> tuple[str, str]:
    """An ``rgba(r,g,b,a)`` colour as an SVG colour and opacity.

    >>> _rgba("rgba(213,94,0,0.25)")
    ('#d55e00', '0.25')
    """
    r, g, b, a = colour[colour.index("(") + 1 : -1].split(",")
    return f"#{int(r):02x}{int(g):02x}{int(b):02x}", a
