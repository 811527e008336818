"""Paths of the project's hand-written inputs and the build's defaults."""

from pathlib import Path

#: The package folder.
PACKAGE_DIR = Path(__file__).resolve().parent
#: Where ``dllm-kg site`` writes by default.
SITE_DIR = Path("site")
#: The connection figure's page template, script and style (shipped inside the package).
TEMPLATES_DIR = PACKAGE_DIR / "templates"
#: The project's top folder in a source checkout (docs/ lives there).
PROJECT_DIR = PACKAGE_DIR.parent.parent
# The hand-written inputs live at the top of the project (data/, ontology/, queries/); the
# package reaches them through links of the same names, which an installed wheel holds as
# copies, so that `pip install .` (pre-commit, CI) finds them too.
#: Hand-curated data: the list and its annotations.
DATA_DIR = PACKAGE_DIR / "data"
#: The bundled default source, a copy of the upstream list (CC BY 4.0).
DEFAULT_SOURCE = DATA_DIR / "awesome-distributed-LLM.md"
#: The ontology (OWL in Turtle).
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
ONTOLOGY_PATH = ONTOLOGY_DIR / "dllm.ttl"
#: The SHACL shapes that ``dllm-kg check`` validates the graph against.
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
#: SKOS vocabularies kept as data.
AREAS_PATH = DATA_DIR / "areas.ttl"
TECHNIQUES_PATH = DATA_DIR / "techniques.ttl"
TASKS_PATH = DATA_DIR / "tasks.ttl"
#: The list's research-directions figure, transcribed, and the techniques its directions match.
DIRECTIONS_PATH = DATA_DIR / "research-directions.yaml"
DIRECTION_MATCHES_PATH = DATA_DIR / "research-directions-techniques.yaml"
#: Curated annotations (one per paper) and base models.
ANNOTATIONS_PATH = DATA_DIR / "annotations.yaml"
MODELS_PATH = DATA_DIR / "models.yaml"
#: Real papers outside the list, annotated from their titles: the tagger is scored on them too.
HELD_OUT_TITLES_PATH = DATA_DIR / "held-out-titles.yaml"
#: Canned SPARQL queries, one question per file.
QUERIES_DIR = PACKAGE_DIR / "queries"
#: Rules that build triples (CONSTRUCT), applied by the build.
RULES_DIR = QUERIES_DIR / "rules"
#: Documentation; the query catalogue is generated from the query headers.
DOCS_DIR = PROJECT_DIR / "docs"
QUERY_CATALOGUE_PATH = DOCS_DIR / "queries.md"
#: Where ``dllm-kg build`` writes by default.
EXPORTS_DIR = Path("dist")
#: Where ``dllm-kg site`` writes by default.
SITE_DIR = Path("site")
#: The connection figure's page and static picture, in a build folder.
PAGE_FILE = "graph.html"
FIGURE_FILE = "figure.svg"

#: The named graph that ``dllm-kg push`` replaces in a triple store, and that
#: ``dllm-kg query --endpoint`` asks by default. (Spelled out here, not built from
#: dllm_kg.namespaces, so that the command line starts without importing rdflib.)
GRAPH_IRI = "https://w3id.org/dllm-kg/graph"

#: Where the list comes from upstream, and its licence.
UPSTREAM_URL = "https://github.com/solidlabnetwork/awesome-distributed-LLM"
UPSTREAM_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
UPSTREAM_ATTRIBUTION = (
    "awesome-distributed-LLM by solidlabnetwork "
    "(https://github.com/solidlabnetwork/awesome-distributed-LLM), licensed CC BY 4.0; "
    "converted to RDF and normalised by dllm-kg."
)
#: The list's companion survey (cited in the dataset's CITATION.cff).
SURVEY_ARXIV_ID = "2503.16585"
SURVEY_YEAR = 2025
SURVEY_TITLE = (
    "Distributed LLMs and Multimodal Large Language Models: "
    "A Survey on Advances, Challenges, and Future Directions"
)
#: Its authors, (given names, family names), in order, as the list's citation names them.
SURVEY_AUTHORS = (
    ("Hadi", "Amini"),
    ("Md Jueal", "Mia"),
    ("Yasaman", "Saadati"),
    ("Ahmed", "Imteaj"),
    ("Seyedsina", "Nabavirazavi"),
    ("Urmish", "Thakker"),
    ("Md Zarif", "Hossain"),
    ("Awal Ahmed", "Fime"),
    ("S. S.", "Iyengar"),
)
