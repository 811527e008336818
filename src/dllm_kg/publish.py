"""Where an entity's IRI resolves: its page or data file on the static site, chosen by what
the client accepts. w3id's redirect rules (:func:`htaccess`) and ``dllm-kg serve`` answer alike.

An IRI ``https://w3id.org/dllm-kg/KIND/SLUG`` has three documents on the site, side by side:
``KIND/SLUG.html``, ``KIND/SLUG.ttl`` and ``KIND/SLUG.jsonld``.
"""

from __future__ import annotations

from dllm_kg.namespaces import BASE
from dllm_kg.protocol import negotiate

#: The kinds of entity that have pages: the first segment of their IRIs' paths.
PAGE_KINDS = ("area", "technique", "paper", "model", "repository", "author")
#: An entity's documents by media type, the page first (what a client that states no
#: preference gets), and the file extension of each.
DOCUMENTS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
}
#: Where the static site is published, until a project sets its own (``--site-url``).
DEFAULT_SITE_URL = "https://dllm-kg.github.io/dllm-kg/"


def document_of(kind: str, slug: str, accept: str | None) -> str | None:
    """The site path of an entity's document for an ``Accept`` header, or None when the
    client accepts none of them (406).

    >>> document_of("paper", "fwdllm", "text/turtle;q=0.9, text/html;q=0.1")
    'paper/fwdllm.ttl'
    >>> document_of("technique", "lora", None), document_of("area", "data-layer", "image/png")
    ('technique/lora.html', None)
    """
    media_type = negotiate(accept, list(DOCUMENTS))
    return None if media_type is None else f"{kind}/{slug}.{DOCUMENTS[media_type]}"


def htaccess(site_url: str = DEFAULT_SITE_URL) -> str:
    """Apache rewrite rules for the w3id.org repository's ``dllm-kg/`` folder: each entity IRI
    is redirected (303 See Other) to its Turtle, JSON-LD or HTML document on the site.

    mod_rewrite tests the ``Accept`` header by pattern, not by quality values: a client that
    names Turtle or JSON-LD gets data, any other gets the page (``serve`` weighs q-values).
    """
    site = site_url.rstrip("/") + "/"
    kinds = "|".join(PAGE_KINDS)
    rule = f"RewriteRule ^({kinds})/([^/]+)$ {site}$1/$2.{{ext}} [R=303,L]"
    return "\n".join(
        [
            f"# {BASE}: w3id.org redirects to the dllm-kg site (written by `dllm-kg site`).",
            "Options +FollowSymLinks",
            "RewriteEngine on",
            "",
            "# Data for clients that ask for it",
            "RewriteCond %{HTTP_ACCEPT} text/turtle",
            rule.format(ext="ttl"),
            "RewriteCond %{HTTP_ACCEPT} application/ld\\+json",
            rule.format(ext="jsonld"),
            "",
            "# The page for everyone else",
            rule.format(ext="html"),
            f"RewriteRule ^ontology$ {site}ontology/ [R=303,L]",
            f"RewriteRule ^$ {site} [R=303,L]",
            "",
        ]
    )
