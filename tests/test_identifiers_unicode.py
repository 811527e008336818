"""Titles in other scripts: one paper each, with IRIs that every export and the figure keep."""

import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from dllm_kg.export import JSONLD_FILE, NTRIPLES_FILE, TURTLE_FILE, render_exports
from dllm_kg.namespaces import DLLM, PAPER
from dllm_kg.pipeline import load
from dllm_kg.render import FIGURE_FILE, PAGE_FILE, render_figures
from dllm_kg.terms import rdflib_graph

from .conftest import DATA
from .test_render import Page

#: The papers of tests/data/svc-unicode-titles.md, by key.
KEYS = {
    "σ-net-federated-learning",  # noqa: RUF001
    "ω-net-federated-learning",
    "联邦学习大模型综述",
    "분산-추론-시스템",
    "ガス-分散学習",
    "カス-分散学習",
    "हिन्दी-भाषा-मॉडल",
    "apprentissage-federe-a-la-peripherie",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load(DATA / "svc-unicode-titles.md")[1]


def test_each_title_is_a_paper_of_its_own(store: ox.Store) -> None:
    papers = {str(paper) for paper in rdflib_graph(store).subjects(RDF.type, DLLM.Paper)}
    assert papers == {str(PAPER[key]) for key in KEYS}


def test_the_iris_survive_every_export(store: ox.Store) -> None:
    files = render_exports(store)
    ntriples = set(ox.parse(files[NTRIPLES_FILE], format=ox.RdfFormat.N_TRIPLES))
    turtle = set(ox.parse(files[TURTLE_FILE], format=ox.RdfFormat.TURTLE))
    json_ld = set(ox.parse(files[JSONLD_FILE], format=ox.RdfFormat.JSON_LD))
    assert turtle == ntriples == json_ld
    assert len(ntriples) == len(store)
    subjects = {triple.subject for triple in ntriples}
    assert {ox.NamedNode(PAPER[key]) for key in KEYS} <= subjects
    assert "\npaper:σ-net-federated-learning " in files[TURTLE_FILE].decode()  # noqa: RUF001


def test_the_iris_survive_the_page_and_the_picture(store: ox.Store) -> None:
    files = render_figures(store)
    ids = {node["id"] for node in Page(files[PAGE_FILE].decode("utf-8")).data()["nodes"]}
    assert {str(PAPER[key]) for key in KEYS} <= ids
    svg = ET.fromstring(files[FIGURE_FILE])
    titles = {title.text for title in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert {"Σ-Net: Federated Learning", "ガス: 分散学習", "カス: 分散学習"} <= titles
