"""Shared fixtures: the bundled list parsed and built once per session."""

from pathlib import Path

import pytest
from rdflib import Graph

from dllm_kg.constants import DEFAULT_SOURCE
from dllm_kg.parse import parse_file
from dllm_kg.pipeline import load
from dllm_kg.query import KnowledgeGraph
from dllm_kg.records import ParsedList

#: Small lists written for the tests.
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled() -> ParsedList:
    """The bundled list, parsed."""
    return parse_file(DEFAULT_SOURCE)


@pytest.fixture(scope="session")
def bundled_graph() -> Graph:
    """The bundled list's whole graph."""
    return load()[1]


@pytest.fixture(scope="session")
def bundled_kg() -> KnowledgeGraph:
    """The bundled list's graph, ready for queries on both engines (a copy of its own)."""
    return KnowledgeGraph(load()[1])
