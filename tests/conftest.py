"""Shared fixtures: the bundled list parsed and built once per session."""

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.graph import VOCABULARY_PATHS, build_store
from dllm_kg.parse import parse_file
from dllm_kg.pipeline import load
from dllm_kg.query import KnowledgeGraph
from dllm_kg.records import ParsedList
from dllm_kg.render import render_page
from dllm_kg.stats import connection_graph
from dllm_kg.store import CACHE_VARIABLE
from dllm_kg.terms import rdflib_graph

from .browser import CHROMIUM_ARGS

# Stored graphs go to a cache of the test run's own (the commands the tests start inherit it),
# never to the user's.
os.environ[CACHE_VARIABLE] = tempfile.mkdtemp(prefix="dllm-kg-test-cache-")

#: The browser of the browser tests: Debian's chromium unless DLLM_KG_CHROMIUM names another.
CHROMIUM = Path(os.environ.get("DLLM_KG_CHROMIUM", "/usr/bin/chromium"))
#: Small lists written for the tests.
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled() -> ParsedList:
    """The bundled list, parsed."""
    return parse_file(DEFAULT_SOURCE)


@pytest.fixture(scope="session")
def bundled_store() -> ox.Store:
    """The bundled list's whole graph, as the build makes it: a pyoxigraph store."""
    return load()[1]


@pytest.fixture(scope="session")
def bundled_graph() -> Graph:
    """The bundled list's whole graph, read by rdflib from the built store."""
    return rdflib_graph(load()[1])


@pytest.fixture(scope="session")
def bundled_kg() -> KnowledgeGraph:
    """The bundled list's graph, ready for queries on both engines (a copy of its own)."""
    return KnowledgeGraph(load()[1])


@pytest.fixture(scope="session")
def bundled_figure(bundled_store: ox.Store) -> nx.Graph:
    """The bundled list's connection figure (networkx)."""
    return connection_graph(bundled_store)


@pytest.fixture(scope="session")
def bundled_page(tmp_path_factory: pytest.TempPathFactory, bundled_store: ox.Store) -> Path:
    """The bundled list's figure page, ``graph.html``, written once for the session."""
    path = tmp_path_factory.mktemp("page") / "graph.html"
    path.write_bytes(render_page(bundled_store))
    return path


def build_graph(parsed: ParsedList, vocabularies: Iterable[Path] = VOCABULARY_PATHS) -> Graph:
    """A list's records and vocabularies (no annotations), as an rdflib graph to inspect."""
    return rdflib_graph(build_store(parsed, vocabularies))


def load_rdflib(source: Path, label: str | None = None) -> tuple[ParsedList, Graph]:
    """A list parsed and built as a build does, its graph read by rdflib."""
    parsed, store = load(source, label)
    return parsed, rdflib_graph(store)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with "
            "`apt-get install -y chromium` (bash scripts/test does), or set DLLM_KG_CHROMIUM."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: .venv/bin/pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
