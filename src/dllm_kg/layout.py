"""Where the connection figure puts each node: papers inside a ring of techniques, areas around it.

The layout is computed once, when the figure is rendered, and depends only on the graph, so the
page is still the moment it opens and the same graph always gives the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from dllm_kg.namespaces import (
    ALGORITHMIC_FRAMEWORK,
    DATA_LAYER,
    HARDWARE_INFRASTRUCTURE,
    SECURITY_AND_PRIVACY,
)
from dllm_kg.stats import Kind, nodes_of

#: Where each area stands, as an angle in degrees (x to the right, y down, as on a screen):
#: the four corners, in the order the ring goes round.
AREA_ANGLES = {
    str(ALGORITHMIC_FRAMEWORK): 225.0,
    str(HARDWARE_INFRASTRUCTURE): 315.0,
    str(SECURITY_AND_PRIVACY): 405.0,
    str(DATA_LAYER): 495.0,
}
#: Distance between neighbouring papers (the grid step), in page pixels.
STEP = 40.0
#: Arc length that each technique takes on the ring.
SLOT = 27.0
#: Smallest radius of the ring.
MIN_RING = 360.0
#: Size of the technique labels that run outward from the ring.
RING_FONT = 17
#: Widest label band outside the ring (longer labels run past it).
MAX_BAND = 420.0
#: How far round the ring (radians) an area's box looks for labels it must clear.
NEAR_AREA = 0.45
#: Size of the area labels (inside their boxes).
AREA_FONT = 34
#: Width of an average character, as a share of the font size (for sizing labels), and of a
#: bold one in a wide system font (for the area boxes, which must never be cut off).
CHAR_WIDTH = 0.55
BOLD_CHAR_WIDTH = 0.7
#: Techniques per column in the middle of the ring.
INNER_COLUMN = 10
#: Height of a row of the hexagonal grid, in grid steps.
_ROW = math.sqrt(3) / 2

Point = tuple[float, float]


@dataclass
class Layout:
    """Node positions, the technique ring, and the regions drawn behind the nodes.

    :param ring: the radius of the technique ring, centred on (0, 0).
    :param outer: the radius that holds the ring, its labels and the areas.
    :param bounds: the box (left, top, right, bottom) that holds everything drawn.
    :param on_ring: the techniques on the ring; their labels run outward from it.
    :param regions: shaded sectors of the ring (``kind`` ``sector``: ``a0``, ``a1`` in radians,
        ``r0``, ``r1``) and captioned groups below it (``kind`` ``group``: ``x``, ``y``, ``r``,
        ``label``); each lists the ``nodes`` it holds (a sector: its area and techniques), so
        that a page can leave out a region whose nodes are all hidden.
    """

    positions: dict[str, Point] = field(default_factory=dict)
    ring: float = MIN_RING
    outer: float = MIN_RING
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    on_ring: frozenset[str] = frozenset()
    regions: list[dict[str, object]] = field(default_factory=list)


def figure_layout(figure: nx.Graph) -> Layout:
    """Positions for every node of the figure's graph (see :func:`stats.connection_graph`).

    Techniques stand on a ring, grouped by area in the order Algorithmic Framework, Hardware
    Infrastructure, Security and Privacy, Data Layer, with the techniques of two neighbouring
    areas between them; each area stands outside the ring at the middle of its techniques, near
    a corner. Techniques of two opposite areas or of three or more stand inside. Each paper
    takes the free place nearest the mean of its techniques and areas, so a paper sits between
    the areas it bridges; models and repositories sit next to their papers. Nodes that reach no
    area (untagged papers, unused models) gather in captioned groups below the ring.

    >>> from dllm_kg.stats import connection_graph, iri_store
    >>> layout = figure_layout(connection_graph(iri_store([])))
    >>> [(area.rsplit("/", 1)[1], x > 0, y > 0) for area, (x, y) in layout.positions.items()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('algorithmic-framework', False, False), ('data-layer', False, True),
     ('hardware-infrastructure', True, False), ('security-and-privacy', True, True)]
    """
    sections, inner, loose = _ring_sections(figure)
    slots, spans = _slots(sections)
    inside = _inside(figure)
    density = STEP * math.sqrt(len(inside) * _ROW / math.pi) * 1.3 + 2 * STEP
    ring = max(MIN_RING, len(slots) * SLOT / (2 * math.pi), density)
    layout = Layout(ring=round(ring, 1), on_ring=frozenset(t for t in slots if t is not None))
    band = _place_ring(figure, layout, slots, spans)
    grid = _HexGrid(STEP, figure.number_of_nodes())
    grid.reserve_ring(ring - 0.6 * STEP, layout.outer + STEP)
    _place_inner(figure, layout, grid, inner)
    papers = sorted(
        (p for p in inside if figure.nodes[p]["kind"] == Kind.PAPER.value),
        key=lambda p: (figure.degree(p), p),
    )
    for paper in papers:
        layout.positions[paper] = grid.take(*_inward(_target(figure, layout, paper), ring))
        _place_leaves(figure, layout, grid, paper)
    _place_groups(figure, layout, grid, loose)
    for node in sorted(figure):  # models and repositories of several papers
        if node not in layout.positions:
            around = [layout.positions[n] for n in figure[node] if n in layout.positions]
            layout.positions[node] = grid.take(*_mean(around))
    layout.positions = {
        node: (round(x, 1), round(y, 1)) for node, (x, y) in sorted(layout.positions.items())
    }
    layout.bounds = _bounds(figure, layout, band)
    return layout


def _place_ring(
    figure: nx.Graph, layout: Layout, slots: list[str | None], spans: dict[str, tuple[int, int]]
) -> float:
    """Techniques on the ring, areas outside it, a shaded sector per area; the label band."""
    ring = layout.ring
    names = [len(figure.nodes[t]["name"]) for t in layout.on_ring]
    band = min(MAX_BAND, CHAR_WIDTH * RING_FONT * max(names, default=0) + 40)
    offset = _rotation(spans, len(slots))
    angles = [offset + 2 * math.pi * (i + 0.5) / len(slots) for i in range(len(slots))]
    for technique, angle in zip(slots, angles, strict=True):
        if technique is not None:
            layout.positions[technique] = _polar(ring, angle)
    outer = ring + band

    def band_of(techniques: Iterable[str | None]) -> float:
        longest = max((len(figure.nodes[t]["name"]) for t in techniques if t), default=0)
        return min(MAX_BAND, CHAR_WIDTH * RING_FONT * longest + 40)

    for area, (first, last) in spans.items():
        middle = offset + 2 * math.pi * ((first + last) / 2 + 0.5) / len(slots)
        # The box clears the labels that run out under it, not the longest label of all.
        near = [t for t, a in zip(slots, angles, strict=True) if _turn(a, middle) < NEAR_AREA]
        distance = ring + band_of(near) + _box_reach(figure, area, middle)
        layout.positions[area] = _polar(distance, middle)
        outer = max(outer, distance)
        half = math.pi / len(slots)
        layout.regions.append(
            {
                "kind": "sector",
                "area": area,
                "a0": round(angles[first] - half, 4),
                "a1": round(angles[last] + half, 4),
                "r0": round(ring - 1.2 * STEP, 1),
                "r1": round(ring + band_of(slots[first : last + 1]), 1),
                "nodes": [area, *(t for t in slots[first : last + 1] if t is not None)],
            }
        )
    layout.outer = round(outer + STEP, 1)
    return band


def _turn(a: float, b: float) -> float:
    """The angle between two directions, in radians, from 0 to pi."""
    return abs((a - b + math.pi) % (2 * math.pi) - math.pi)


def _bounds(figure: nx.Graph, layout: Layout, band: float) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) that holds every node, label, area box and caption."""
    reach = layout.ring + band
    left, top, right, bottom = -reach, -reach, reach, reach
    for node, (x, y) in layout.positions.items():
        if figure.nodes[node]["kind"] == Kind.AREA.value:
            half = BOLD_CHAR_WIDTH * AREA_FONT * len(figure.nodes[node]["name"]) / 2 + 20
            dx, dy = half, AREA_FONT
        else:
            dx, dy = STEP, STEP
        left, right = min(left, x - dx), max(right, x + dx)
        top, bottom = min(top, y - dy), max(bottom, y + dy)
    for region in layout.regions:
        if region["kind"] == "group":
            top = min(top, float(region["y"]) - float(region["r"]) - 2 * STEP)  # type: ignore[arg-type]
    return (round(left, 1), round(top, 1), round(right, 1), round(bottom, 1))


def _box_reach(figure: nx.Graph, area: str, angle: float) -> float:
    """How far an area's box must stand from the label band so that the two do not overlap."""
    width = BOLD_CHAR_WIDTH * AREA_FONT * len(figure.nodes[area]["name"]) + 24
    height = AREA_FONT + 24
    return width / 2 * abs(math.cos(angle)) + height / 2 * abs(math.sin(angle)) + 20


def _ring_sections(
    figure: nx.Graph,
) -> tuple[list[tuple[str | None, list[str]]], list[str], list[str]]:
    """Techniques in ring order as (area, techniques) sections, a pair section after each area;
    then the techniques that stand inside, and those of no area."""
    order = list(AREA_ANGLES)
    groups: dict[tuple[str, ...], list[str]] = {}
    for technique in nodes_of(figure, Kind.TECHNIQUE):
        areas = tuple(sorted(figure.nodes[technique]["areas"], key=_ring_index))
        groups.setdefault(areas, []).append(technique)
    sections: list[tuple[str | None, list[str]]] = []
    for i, area in enumerate(order):
        if area in figure:
            sections.append((area, groups.pop((area,), [])))
        pair = tuple(sorted((area, order[(i + 1) % len(order)]), key=_ring_index))
        sections.append((None, groups.pop(pair, [])))
    loose = groups.pop((), [])
    inner = [t for _, techniques in sorted(groups.items()) for t in techniques]
    for _, techniques in sections:
        techniques.sort(key=lambda t: (figure.nodes[t]["name"].lower(), t))
    return sections, inner, loose


def _ring_index(area: str) -> tuple[int, str]:
    order = list(AREA_ANGLES)
    return (order.index(area) if area in order else len(order), area)


def _slots(
    sections: list[tuple[str | None, list[str]]],
) -> tuple[list[str | None], dict[str, tuple[int, int]]]:
    """The ring's slots (a technique, or None for a gap) and each area's first and last slot."""
    slots: list[str | None] = []
    spans: dict[str, tuple[int, int]] = {}
    for area, techniques in sections:
        if area is None and not techniques:
            continue
        slots.append(None)
        first = len(slots)
        slots.extend(techniques or [None])
        if area is not None:
            spans[area] = (first, len(slots) - 1)
    return slots, spans


def _rotation(spans: dict[str, tuple[int, int]], count: int) -> float:
    """The turn of the ring that brings each area's techniques closest to its corner."""
    sin = cos = 0.0
    for area, (first, last) in spans.items():
        difference = (
            math.radians(AREA_ANGLES[area]) - 2 * math.pi * ((first + last) / 2 + 0.5) / count
        )
        sin += math.sin(difference)
        cos += math.cos(difference)
    return math.atan2(sin, cos) if spans else 0.0


def _polar(radius: float, angle: float) -> Point:
    return radius * math.cos(angle), radius * math.sin(angle)


def _inside(figure: nx.Graph) -> list[str]:
    """Papers that reach an area, with their models and repositories: the ring's inside."""
    inside = []
    for paper in nodes_of(figure, Kind.PAPER):
        if figure.nodes[paper]["areas"]:
            inside.append(paper)
            inside.extend(n for n in figure[paper] if figure.degree(n) == 1)
    return inside


def _target(figure: nx.Graph, layout: Layout, paper: str) -> Point:
    """The mean of a paper's techniques and directly given areas."""
    kinds = (Kind.TECHNIQUE.value, Kind.AREA.value)
    around = [n for n in figure[paper] if figure.nodes[n]["kind"] in kinds]
    return _mean(layout.positions[n] for n in around if n in layout.positions)


def _inward(point: Point, ring: float) -> Point:
    """The point, moved towards the centre until it is well inside the ring."""
    x, y = point
    limit = ring - 1.6 * STEP
    distance = math.hypot(x, y)
    if distance <= limit:
        return point
    return x * limit / distance, y * limit / distance


def _place_inner(figure: nx.Graph, layout: Layout, grid: _HexGrid, inner: list[str]) -> None:
    """Techniques of opposite areas, or of three or more, in columns across the middle.

    They are ordered from top to bottom by where their areas pull them, so that each stands
    nearer the areas it belongs to; columns keep their horizontal labels apart.
    """

    def pull(technique: str) -> Point:
        areas = figure.nodes[technique]["areas"]
        return _mean(layout.positions[a] for a in areas if a in layout.positions)

    order = sorted(inner, key=lambda t: (round(pull(t)[1], 1), figure.nodes[t]["name"], t))
    columns = math.ceil(len(order) / INNER_COLUMN)
    for i, technique in enumerate(order):
        column, row = divmod(i, INNER_COLUMN)
        rows = min(INNER_COLUMN, len(order) - column * INNER_COLUMN)
        x = (column - (columns - 1) / 2) * 9 * STEP
        y = (row - (rows - 1) / 2) * 1.7 * STEP
        layout.positions[technique] = (x, y)
        grid.reserve(x, y)


def _place_leaves(figure: nx.Graph, layout: Layout, grid: _HexGrid, node: str) -> None:
    """A paper's own models and repositories (those of no other paper), next to it."""
    for leaf in sorted(figure[node]):
        if figure.degree(leaf) == 1 and leaf not in layout.positions:
            layout.positions[leaf] = grid.take(*layout.positions[node])


def _place_groups(figure: nx.Graph, layout: Layout, grid: _HexGrid, loose: list[str]) -> None:
    """Nodes that reach no area, in captioned groups in a row below the ring."""
    unplaced = [n for n in figure if n not in layout.positions]

    def of(kind: Kind, alone: bool = False) -> list[str]:
        nodes = [n for n in unplaced if figure.nodes[n]["kind"] == kind.value]
        return [n for n in nodes if not figure[n]] if alone else nodes

    groups = [
        ("Papers with no area yet", sorted(of(Kind.PAPER))),
        ("Techniques of no area", loose),
        ("Other areas", sorted(of(Kind.AREA))),
        ("Models no paper uses", sorted(of(Kind.MODEL, alone=True))),
        ("Repositories of no paper", sorted(of(Kind.REPOSITORY, alone=True))),
    ]
    groups = [(caption, nodes) for caption, nodes in groups if nodes]
    sizes = [len(nodes) + sum(_leaves(figure, n) for n in nodes) for _, nodes in groups]
    radii = [STEP * (math.sqrt(size * _ROW / math.pi) * 1.15 + 1) for size in sizes]
    x = -(sum(2 * r for r in radii) + 3 * STEP * (len(radii) - 1)) / 2
    for (caption, nodes), radius in zip(groups, radii, strict=True):
        centre = (x + radius, layout.outer + 3 * STEP + radius)
        members = []
        for node in nodes:
            layout.positions[node] = grid.take(*centre)
            members.append(node)
            members.extend(n for n in sorted(figure[node]) if figure.degree(n) == 1)
            _place_leaves(figure, layout, grid, node)
        layout.regions.append(
            {
                "kind": "group",
                "x": round(centre[0], 1),
                "y": round(centre[1], 1),
                "r": round(radius, 1),
                "label": f"{caption} ({len(nodes)})",
                "nodes": members,
            }
        )
        x += 2 * radius + 3 * STEP


def _leaves(figure: nx.Graph, node: str) -> int:
    return sum(1 for n in figure[node] if figure.degree(n) == 1)


def _mean(points: Iterable[Point]) -> Point:
    points = list(points)
    if not points:
        return 0.0, 0.0
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


class _HexGrid:
    """A hexagonal grid: each node takes the free cell nearest to where it wants to be."""

    def __init__(self, step: float, nodes: int) -> None:
        self.step = step
        self.taken: set[tuple[int, int]] = set()
        self._cursor: dict[tuple[int, int], int] = {}
        self._offsets: list[tuple[int, int]] = []
        self._radius = 0
        self._grow(int(math.sqrt(nodes)) + 8)

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """The cell whose centre is nearest to (x, y), in axial coordinates."""
        r = round(y / (self.step * _ROW))
        return round(x / self.step - r / 2), r

    def point(self, cell: tuple[int, int]) -> Point:
        """The centre of a cell."""
        q, r = cell
        return self.step * (q + r / 2), self.step * _ROW * r

    def take(self, x: float, y: float) -> Point:
        """Occupy the free cell nearest to (x, y) and return its centre."""
        home = self.cell(x, y)
        index = self._cursor.get(home, 0)
        while True:
            if index >= len(self._offsets):
                self._grow(self._radius * 2)
            dq, dr = self._offsets[index]
            cell = (home[0] + dq, home[1] + dr)
            if cell not in self.taken:
                break
            index += 1
        # Cells are never freed, so every offset before this one stays taken for this home.
        self._cursor[home] = index + 1
        self.taken.add(cell)
        return self.point(cell)

    def reserve(self, x: float, y: float) -> None:
        """Keep the cell under (x, y) free of other nodes."""
        self.taken.add(self.cell(x, y))

    def reserve_ring(self, inner: float, outer: float) -> None:
        """Keep the cells between two radii free: the technique ring and its labels."""
        rows = int(outer / (self.step * _ROW)) + 1
        for r in range(-rows, rows + 1):
            y = self.step * _ROW * r
            span = int(outer / self.step) + rows
            for q in range(-span, span + 1):
                x = self.step * (q + r / 2)
                if inner <= math.hypot(x, y) <= outer:
                    self.taken.add((q, r))

    def _grow(self, radius: int) -> None:
        """Offsets within ``radius`` sorted by distance; a larger radius keeps the old prefix."""
        self._radius = radius
        limit = 3 * radius * radius // 4  # inside the hexagon's inscribed circle
        offsets = [
            (q, r)
            for r in range(-radius, radius + 1)
            for q in range(-radius, radius + 1)
            if q * q + q * r + r * r <= limit
        ]
        self._offsets = sorted(
            offsets, key=lambda c: (c[0] ** 2 + c[0] * c[1] + c[1] ** 2, c[1], c[0])
        )
