"""Every IRI and namespace the project uses; no other module spells out an IRI."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

#: Base of every IRI minted by dllm-kg.
BASE = "https://w3id.org/dllm-kg/"
#: The ontology's terms.
DLLM = Namespace(BASE + "ontology#")
#: Minted instance namespaces, one per kind of node.
PAPER = Namespace(BASE + "paper/")
MODEL = Namespace(BASE + "model/")
REPOSITORY = Namespace(BASE + "repository/")
AREA = Namespace(BASE + "area/")
TECHNIQUE = Namespace(BASE + "technique/")
TASK = Namespace(BASE + "task/")
#: The research directions of the list's second figure (a SKOS scheme of its own).
DIRECTION = Namespace(BASE + "direction/")
SOURCE = Namespace(BASE + "source/")
ANNOTATION = Namespace(BASE + "annotation/")
AGENT = Namespace(BASE + "agent/")
#: People who wrote papers (from the list's BibTeX block), the place of each on a paper's
#: author list, and the works the companion survey cites that the list does not hold.
AUTHOR = Namespace(BASE + "author/")
AUTHORSHIP = Namespace(BASE + "authorship/")
REFERENCE = Namespace(BASE + "reference/")
#: The dataset itself (VoID/DCAT description).
DATASET = Namespace(BASE + "dataset/")
#: Who publishes the dataset (void.ttl's dcterms:publisher): the dllm-kg project, with the
#: project's w3id base as its home page. A placeholder until the project has a home of its
#: own; a fork that publishes the data should name itself here.
PUBLISHER = AGENT["dllm-kg"]
PUBLISHER_NAME = "dllm-kg project"
PUBLISHER_HOMEPAGE = BASE
#: The four areas of decentralising the LLM pipeline, in the order the connection figure
#: places them: top left, top right, bottom left, bottom right.
ALGORITHMIC_FRAMEWORK = AREA["algorithmic-framework"]
HARDWARE_INFRASTRUCTURE = AREA["hardware-infrastructure"]
DATA_LAYER = AREA["data-layer"]
SECURITY_AND_PRIVACY = AREA["security-and-privacy"]
AREAS = (ALGORITHMIC_FRAMEWORK, HARDWARE_INFRASTRUCTURE, DATA_LAYER, SECURITY_AND_PRIVACY)

#: Standard vocabularies reused by the ontology.
SCHEMA = Namespace("https://schema.org/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
CC = Namespace("http://creativecommons.org/ns#")
#: SPDX terms, which DCAT 3 uses for checksums (spdx:checksum, spdx:Checksum).
SPDX = Namespace("http://spdx.org/rdf/terms#")
#: DCAT 3's dcat:version (rdflib's DCAT namespace, DCAT 2, lacks it).
DCAT_VERSION = URIRef(f"{DCAT}version")
#: SHACL: the shapes and the validation report.
SH = Namespace("http://www.w3.org/ns/shacl#")
#: The SHACL shapes (ontology/shapes.ttl); each reporting shape is named for its finding code.
SHAPES = Namespace(BASE + "shapes#")
#: The "constraint component" of findings made by the list reader, in the validation report.
LIST_READER = SHAPES["ListReaderComponent"]
#: The "constraint component" of the infos that name what the title tagger proposed.
TAGGER_NOTICE = SHAPES["TaggerNoticeComponent"]

#: Prefixes written into every export. Repositories have none: their IRIs hold slashes
#: (``repository/github/owner/name``) and read best in full.
PREFIXES: dict[str, str] = {
    "dllm": str(DLLM),
    "paper": str(PAPER),
    "model": str(MODEL),
    "area": str(AREA),
    "technique": str(TECHNIQUE),
    "task": str(TASK),
    "direction": str(DIRECTION),
    "source": str(SOURCE),
    "annotation": str(ANNOTATION),
    "agent": str(AGENT),
    "author": str(AUTHOR),
    "authorship": str(AUTHORSHIP),
    "reference": str(REFERENCE),
    "dataset": str(DATASET),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "bibo": str(BIBO),
    "skos": str(SKOS),
    "prov": str(PROV),
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "cc": str(CC),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

#: External identifier resolvers.
ARXIV_ABS = "https://arxiv.org/abs/"
DOI_RESOLVER = "https://doi.org/"
IEEE_DOCUMENT = "https://ieeexplore.ieee.org/document/"
OPENREVIEW_FORUM = "https://openreview.net/forum?id="
GITHUB = "https://github.com/"
HUGGING_FACE = "https://huggingface.co/"
