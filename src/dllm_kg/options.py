"""The choices that the command line and the Python API share: engines and output formats.

They live apart from the modules that use them, so that ``dllm-kg --help`` can show them
without importing those modules (and the libraries behind them).
"""

from enum import StrEnum


class Engine(StrEnum):
    """The SPARQL engines a query can run on."""

    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


class Format(StrEnum):
    """How ``dllm-kg query`` prints a result."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"


class ReportFormat(StrEnum):
    """The formats of ``dllm-kg check``."""

    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
