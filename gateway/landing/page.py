"""A minimal server-rendered landing page for search engines and people without JavaScript.

Every value comes from SciCat and is treated as hostile: the template autoescapes all of it
(attributes included), links are written only for http(s) URLs, so a ``javascript:`` link
cannot get in, and the JSON-LD is escaped for a ``<script>`` element, where HTML entities
mean nothing and only ``<`` (``</script>``, ``<!--``) could end or confuse the element.
"""
from __future__ import annotations

import json

from jinja2 import Environment
from markupsafe import Markup

from mappings.identifiers import is_http_url
from mappings.serializers import citing

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
{% if abstract %}<meta name="description" content="{{ abstract | truncate(300) }}">
{% endif %}<link rel="canonical" href="{{ canonical }}">
<script type="application/ld+json">{{ jsonld }}</script>
<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.abstract{white-space:pre-line}.thumbnail{max-width:100%;max-height:16rem}.citation{background:#f4f4f4;padding:.75rem}</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
{% if thumbnail %}<img class="thumbnail" src="{{ thumbnail }}" alt="" loading="lazy">
{% endif %}<p class="doi">DOI: <a href="{{ doi_url }}">{{ doi_url }}</a></p>
{% if creators %}<section class="creators"><h2>Creators</h2><ul>
{% for c in creators %}<li>{{ c.name }}{% if c.orcid %} <a href="{{ c.orcid }}" title="ORCID iD">{{ c.orcid }}</a>{% endif %}{% if c.affiliations %} ({{ c.affiliations | join("; ") }}){% endif %}</li>
{% endfor %}{% if etal %}<li>et al.</li>
{% endif %}</ul></section>
{% endif %}{% if publisher or year %}<p class="published">{{ publisher }}{% if publisher and year %}, {% endif %}{{ year }}</p>
{% endif %}{% if abstract %}<section><h2>Description</h2><p class="abstract">{{ abstract }}</p></section>
{% endif %}<section><h2>Cite as</h2><p class="citation">{{ citation }}</p></section>
{% if datasets %}<section class="datasets"><h2>Datasets</h2><ul>
{% for d in datasets %}<li>{% if d.name %}{{ d.name }} <span class="pid">({{ d.pid }})</span>{% else %}<span class="pid">{{ d.pid }}</span>{% endif %}</li>
{% endfor %}</ul></section>
{% endif %}{% if proposals %}<section class="proposals"><h2>Proposal</h2><ul>
{% for p in proposals %}<li>{{ p.id }}{% if p.title %}: {{ p.title }}{% endif %}</li>
{% endfor %}</ul></section>
{% endif %}{% if download %}<p class="download"><a href="{{ download }}">Download the data</a></p>
{% endif %}{% if licences %}<section class="licence"><h2>Licence</h2><ul>
{% for l in licences %}<li>{% if l.url %}<a href="{{ l.url }}">{{ l.name }}</a>{% else %}{{ l.name }}{% endif %}</li>
{% endfor %}</ul></section>
{% endif %}</main>
</body>
</html>
"""

_ENVIRONMENT = Environment(autoescape=True, keep_trailing_newline=True)
_PAGE = _ENVIRONMENT.from_string(_TEMPLATE)

# In a <script> element JSON must not contain "<" (it could start "</script>" or "<!--");
# ">" and "&" are escaped too, and the two JavaScript line separators for old parsers.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> Markup:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def http_link(value: object) -> str | None:
    """A URL fit for ``href``: http(s) only."""
    return value if is_http_url(value) else None


def render_page(document: dict) -> bytes:
    """The HTML page of a landing document (``gateway.landing.document``)."""
    record = document["record"]
    return _PAGE.render(
        title=citing.title(record) or document["doi"],
        canonical=http_link(document.get("landingPage")) or document["doiUrl"],
        doi_url=document["doiUrl"],
        jsonld=script_json(document["jsonld"]),
        creators=[_creator(c) for c in citing.named_creators(record)],
        etal=citing.has_etal(record),
        publisher=(record.get("publisher") or {}).get("name"),
        year=record.get("publicationYear"),
        abstract=citing.abstract(record),
        citation=document["citation"],
        datasets=document["datasets"],
        proposals=document["proposals"],
        download=http_link(document.get("downloadLink")),
        thumbnail=http_link(document.get("thumbnail")),
        licences=[{"name": r["rights"], "url": http_link(r.get("rightsUri"))}
                  for r in record.get("rightsList", []) if r.get("rights")],
    ).encode()


def _creator(creator: dict) -> dict:
    orcid = next((i["nameIdentifier"] for i in creator.get("nameIdentifiers", [])
                  if i.get("nameIdentifierScheme") == "ORCID"), None)
    return {"name": creator["name"], "orcid": http_link(orcid),
            "affiliations": [a["name"] for a in creator.get("affiliation", []) if a.get("name")]}
