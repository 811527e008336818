"""The choices that the command line and the Python API share: engines, output formats, and
the settings of `dllm-kg serve`.

They live apart from the modules that use them, so that ``dllm-kg --help`` can show them
without importing those modules (and the libraries behind them).
"""

from dataclasses import dataclass
from enum import StrEnum

#: Seconds a query may run, unless told otherwise (``dllm-kg query --timeout``, ``timeout=``).
QUERY_TIMEOUT = 60.0


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


@dataclass(frozen=True)
class Settings:
    """What ``dllm-kg serve`` is told: where to listen and the limits."""

    host: str = "127.0.0.1"
    port: int = 8787
    #: Seconds a query may run (and wait for a free worker).
    timeout: float = 30.0
    #: Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a result holds at most.
    max_results: int = 10_000
    #: Worker processes, each answering one query at a time.
    workers: int = 2
    #: Requests that may wait for a worker; more get a 503.
    max_waiting: int = 100
    #: Open connections and requests in all; more get a 503 (uvicorn's limit).
    max_connections: int = 500
    #: The largest request body (a POSTed query), in bytes.
    max_body: int = 1 << 20


class DiffFormat(StrEnum):
    """The formats of ``dllm-kg diff``."""

    TEXT = "text"
    JSON = "json"
