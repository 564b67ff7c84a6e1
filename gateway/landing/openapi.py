"""The OpenAPI 3.1 document of the gateway's HTTP interface, served at ``/openapi.json``.

Written as Python data rather than a static file so that the lists the code decides
(export formats and their media types, DataCite events) are taken from the code and cannot
drift; the tests validate the document and check real answers of every endpoint against it.
A DOI contains "/": in ``{doi}`` it may be sent as it is or percent-encoded (``%2F``).
"""
from __future__ import annotations

from gateway.rendering import EXPORT_FORMATS
from mappings.serializers.datacite_json import EVENTS

VERSION = "0.1.0"
PROBLEM = "application/problem+json"
# XML, HTML, text and ZIP bodies are described by their media type alone: a JSON Schema
# could only say "a string", which validators then apply to raw bytes.
_OPAQUE: dict = {}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


# --- reusable pieces --------------------------------------------------------------------------

_HEADERS = {
    "ETag": {"description": "Strong validator of this representation.", "schema": {"type": "string"}},
    "Last-Modified": {"description": "When the record last changed (its OAI datestamp).",
                      "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
    "Access-Control-Allow-Origin": {"description": "Always `*`: any origin may read.",
                                    "schema": {"type": "string", "const": "*"}},
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "string"}},
}


def _header_refs(*names: str) -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _problem(description: str, *headers: str) -> dict:
    answer = {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}
    if headers:
        answer["headers"] = _header_refs(*headers)
    return answer


_RESPONSES = {
    "NotModified": {"description": "The client's copy (If-None-Match / If-Modified-Since) is current.",
                    "headers": _header_refs("ETag")},
    "BadRequest": _problem("An argument is unknown, repeated or malformed."),
    "NotFound": _problem("No public record has this DOI (the same answer for an unknown and a "
                         "private DOI).", "Cache-Control"),
    "Gone": _problem("The record was withdrawn (it is a deleted record in OAI-PMH).", "Cache-Control"),
    "Unavailable": _problem("The record store is unavailable, or the answer is not made yet.",
                            "Retry-After"),
}

_PARAMETERS = {
    "doi": {"name": "doi", "in": "path", "required": True,
            "description": "The DOI, e.g. `10.5072/abc-123`; its \"/\" may be sent as it is or "
                           "percent-encoded (`10.5072%2Fabc-123`). Matched regardless of the case "
                           "of ASCII letters, as DOI names are.",
            "schema": {"type": "string", "pattern": "^10\\.", "minLength": 4}},
}

_SHARE = {"type": "object", "required": ["count", "of", "percent"], "properties": {
    "count": {"type": "integer", "minimum": 0}, "of": {"type": "integer", "minimum": 0},
    "percent": _nullable("number", minimum=0, maximum=100)}}

_COUNTS = {"type": "object", "required": ["error", "warning", "info"],
           "properties": {s: {"type": "integer", "minimum": 0} for s in ("error", "warning", "info")},
           "additionalProperties": False}

_SEVERITY = {"type": "string", "enum": ["error", "warning", "info"]}

_SCHEMAS = {
    "Problem": {
        "type": "object", "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                       "status": {"type": "integer"}, "detail": {"type": "string"},
                       "formats": {"type": "array", "description": "With 406: what can be asked for.",
                                   "items": {"type": "object"}}},
    },
    "Health": {
        "type": "object", "required": ["status", "store"],
        "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                       "store": {"type": "string", "enum": ["ok", "unreachable"]}},
    },
    "DataCiteRecord": {
        "type": "object",
        "description": "A DataCite metadata record: the attributes of DataCite's REST API "
                       "(kernel 4.7 vocabulary).",
        "required": ["doi", "creators", "titles", "publisher", "publicationYear", "types"],
        "properties": {
            "doi": {"type": "string"}, "url": {"type": "string", "format": "uri"},
            "creators": {"type": "array", "minItems": 1, "items": _ref("PersonOrOrganization")},
            "contributors": {"type": "array", "items": _ref("PersonOrOrganization")},
            "titles": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}},
            "publisher": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "publicationYear": {"type": "string", "pattern": "^[0-9]{4}$"},
            "types": {"type": "object", "required": ["resourceTypeGeneral"],
                      "properties": {"resourceTypeGeneral": {"type": "string"}}},
        },
    },
    "PersonOrOrganization": {
        "type": "object", "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "nameIdentifiers": {"type": "array", "items": {
                "type": "object", "required": ["nameIdentifier", "nameIdentifierScheme"]}},
            "affiliation": {"type": "array", "items": {"type": "object", "required": ["name"]}},
        },
    },
    "JsonLd": {
        "type": "object", "description": "schema.org JSON-LD (DataCite's schema.org mapping).",
        "required": ["@context", "@type", "@id"],
        "properties": {"@context": {"type": "string"}, "@type": {"type": "string"},
                       "@id": {"type": "string", "format": "uri"}},
    },
    "Landing": {
        "type": "object",
        "description": "What a landing page shows: the DataCite record and what DataCite does not hold.",
        "required": ["doi", "doiUrl", "landingPage", "record", "datasets", "proposals",
                     "downloadLink", "thumbnail", "citation", "jsonld"],
        "additionalProperties": False,
        "properties": {
            "doi": {"type": "string"},
            "doiUrl": {"type": "string", "format": "uri"},
            "landingPage": _nullable("string", format="uri"),
            "record": _ref("DataCiteRecord"),
            "datasets": {"type": "array", "items": {
                "type": "object", "required": ["pid", "name"], "additionalProperties": False,
                "properties": {"pid": {"type": "string"},
                               "name": _nullable("string", description="Only for published datasets.")}}},
            "proposals": {"type": "array", "items": {
                "type": "object", "required": ["id", "title"], "additionalProperties": False,
                "properties": {"id": {"type": "string"},
                               "title": _nullable("string", description="Only for public proposals.")}}},
            "downloadLink": _nullable("string", format="uri"),
            "thumbnail": _nullable("string", format="uri", description=(
                "Where the publication's thumbnail image is: /records/{doi}/thumbnail when SciCat "
                "holds the image, the facility's own URL when it holds one; null when there is none.")),
            "citation": {"type": "string", "description": "DataCite's recommended citation form."},
            "jsonld": _ref("JsonLd"),
        },
    },
    "QualityProblem": {
        "type": "object", "required": ["code", "field", "severity", "message"], "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "field": {"type": "string"},
                       "severity": _SEVERITY, "message": {"type": "string"}},
    },
    "Recommendation": {
        "type": "object", "required": ["code", "severity", "count", "fields", "message"],
        "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "severity": _SEVERITY,
                       "count": {"type": "integer", "minimum": 1},
                       "fields": {"type": "array", "items": {"type": "string"}},
                       "message": {"type": "string"}},
    },
    "QualityReport": {
        "type": "object",
        "description": "The problems the mapping recorded and the DataCite recommendations the "
                       "record misses. Severity: error = not disseminated, warning = something "
                       "dropped or repaired, info = a recommendation.",
        "required": ["doi", "title", "valid", "counts", "problems", "problemsOmitted",
                     "recommendations", "figures"],
        "additionalProperties": False,
        "properties": {
            "doi": {"type": "string"}, "title": _nullable("string"), "valid": {"type": "boolean"},
            "counts": _COUNTS,
            "problems": {"type": "array", "items": _ref("QualityProblem")},
            "problemsOmitted": {"type": "integer", "minimum": 0},
            "recommendations": {"type": "array", "items": _ref("Recommendation")},
            "figures": {"type": "object", "additionalProperties": {"type": ["integer", "boolean"]}},
        },
    },
    "Share": _SHARE,
    "QualitySummary": {
        "type": "object",
        "description": "Figures over every public record (disseminated or failing), worst records first.",
        "required": ["version", "updated", "records", "valid", "invalid", "withFindings", "codes", "worst"],
        "properties": {
            "version": {"type": "integer"}, "updated": {"type": "string", "format": "date-time"},
            "records": {"type": "integer", "minimum": 0},
            "valid": _ref("Share"), "invalid": _ref("Share"),
            "withFindings": {"type": "object", "additionalProperties": {
                "allOf": [_ref("Share")], "required": ["findings"],
                "properties": {"findings": {"type": "integer", "minimum": 0}}}},
            "creatorsWithOrcid": _ref("Share"), "affiliationsWithRor": _ref("Share"),
            "recordsWithAllCreatorsOrcid": _ref("Share"), "recordsWithLicence": _ref("Share"),
            "recordsWithAbstract": _ref("Share"), "recordsWithProposalLink": _ref("Share"),
            "recordsWithFreeTextPublications": _ref("Share"),
            "recordsWithDroppedIdentifiers": _ref("Share"),
            "codes": {"type": "array", "items": {
                "type": "object", "required": ["code", "severity", "count", "of", "percent", "findings"],
                "properties": {"code": {"type": "string"}, "severity": _SEVERITY,
                               "count": {"type": "integer"}, "of": {"type": "integer"},
                               "percent": _nullable("number"), "findings": {"type": "integer"}}}},
            "worst": {"type": "array", "maxItems": 100, "items": {
                "type": "object", "required": ["doi", "title", "valid", "counts"],
                "properties": {"doi": {"type": "string"}, "title": _nullable("string"),
                               "valid": {"type": "boolean"}, "counts": _COUNTS}}},
        },
    },
}


# --- the endpoints ----------------------------------------------------------------------------

_OAI_PARAMETERS = [
    {"name": name, "in": "query", "required": name == "verb", "description": text,
     "schema": {"type": "string"}}
    for name, text in (
        ("verb", "Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords or GetRecord "
                 "(any other value is answered with the OAI-PMH error badVerb, HTTP 200)."),
        ("identifier", "oai:<repositoryIdentifier>:<DOI>"),
        ("metadataPrefix", "oai_dc, oai_datacite or datacite"),
        ("from", "UTC date or date-time (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"),
        ("until", "UTC date or date-time"),
        ("set", "a setSpec from ListSets"),
        ("resumptionToken", "the token of the previous page"),
    )
]
_OAI_RESPONSES = {
    "200": {"description": "An OAI-PMH 2.0 response; protocol errors are OAI-PMH <error> elements.",
            "content": {"text/xml": _OPAQUE}},
    "503": {"description": "The record store is unavailable.", "headers": _header_refs("Retry-After"),
            "content": {"text/plain": _OPAQUE}},
}


def _oai() -> dict:
    common = {"tags": ["OAI-PMH"], "responses": _OAI_RESPONSES}
    return {
        "get": {"operationId": "oaiGet", "summary": "OAI-PMH 2.0 request", "parameters": _OAI_PARAMETERS,
                **common},
        "post": {"operationId": "oaiPost", "summary": "OAI-PMH 2.0 request, arguments in the body",
                 "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
                     "schema": {"type": "object", "required": ["verb"],
                                "properties": {p["name"]: {"type": "string"} for p in _OAI_PARAMETERS}}}}},
                 **common},
    }


def _media(media_type: str) -> dict:
    if media_type.endswith(("+json", "/json")):
        return {"schema": {"type": ["object", "array"]}}
    return _OPAQUE


def _export_content() -> dict:
    content: dict = {}
    for name, (media_type, _serialize) in EXPORT_FORMATS.items():
        content.setdefault(media_type, _media(media_type))
    return content


def _export_one() -> dict:
    return {"get": {
        "tags": ["Export"], "operationId": "exportRecord",
        "summary": "One record in an export format, chosen by ?format= or by Accept",
        "parameters": [
            {"$ref": "#/components/parameters/doi"},
            {"name": "format", "in": "query", "schema": {"type": "string", "enum": list(EXPORT_FORMATS)}},
            {"name": "event", "in": "query", "description": "DataCite REST event (datacite-rest only).",
             "schema": {"type": "string", "enum": list(EVENTS)}},
        ],
        "responses": {
            "200": {"description": "The record.", "content": _export_content(),
                    "headers": _header_refs("ETag", "Last-Modified", "Cache-Control",
                                            "Access-Control-Allow-Origin")},
            "304": {"$ref": "#/components/responses/NotModified"},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "406": _problem("None of the accepted formats is available."),
            "410": {"$ref": "#/components/responses/Gone"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }}


def _export_all() -> dict:
    return {"get": {
        "tags": ["Export"], "operationId": "exportAll",
        "summary": "Every record (or those changed since a moment, or of a set), streamed",
        "parameters": [
            {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["ndjson", "zip"]}},
            {"name": "since", "in": "query", "description": "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (inclusive).",
             "schema": {"type": "string"}},
            {"name": "set", "in": "query", "description": "A setSpec as listed by OAI-PMH ListSets.",
             "schema": {"type": "string"}},
            {"name": "event", "in": "query", "schema": {"type": "string", "enum": list(EVENTS)}},
        ],
        "responses": {
            "200": {"description": "NDJSON: one DataCite REST payload per line (a deleted record as "
                                   "{doi, deleted, datestamp}); ZIP: one DataCite XML file per record.",
                    "content": {"application/x-ndjson": _OPAQUE, "application/zip": _OPAQUE}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "406": _problem("None of the accepted formats is available."),
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }}


def _stored_view(operation: str, summary: str, media_type: str, media: dict,
                 not_found: str | None = None) -> dict:
    missing = _problem(not_found) if not_found else {"$ref": "#/components/responses/NotFound"}
    return {"get": {
        "tags": ["Landing pages"], "operationId": operation, "summary": summary,
        "parameters": [{"$ref": "#/components/parameters/doi"}],
        "responses": {
            "200": {"description": summary + ".", "content": {media_type: media},
                    "headers": _header_refs("ETag", "Last-Modified", "Cache-Control",
                                            "Access-Control-Allow-Origin")},
            "304": {"$ref": "#/components/responses/NotModified"},
            "404": missing,
            "410": {"$ref": "#/components/responses/Gone"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }}


def _quality_summary() -> dict:
    return {"get": {
        "tags": ["Quality"], "operationId": "qualitySummary",
        "summary": "Metadata quality of the repository: counts, percentages, worst records first",
        "description": "Computed by sync, not per request.",
        "responses": {
            "200": {"description": "The summary.", "content": {"application/json": {"schema": _ref("QualitySummary")}},
                    "headers": _header_refs("ETag", "Cache-Control", "Access-Control-Allow-Origin")},
            "304": {"$ref": "#/components/responses/NotModified"},
            "503": {"$ref": "#/components/responses/Unavailable"},
        },
    }}


def _simple(operation: str, summary: str, tag: str, ok: dict, extra: dict | None = None) -> dict:
    return {"get": {"tags": [tag], "operationId": operation, "summary": summary,
                    "responses": {"200": ok, **(extra or {})}}}


def document(base_url: str | None = None) -> dict:
    """The OpenAPI document; ``base_url`` becomes its server."""
    paths = {
        "/oai": _oai(),
        "/export/{doi}": _export_one(),
        "/export": _export_all(),
        # The suffixed paths first: a matcher trying them in order then reads a path ending
        # in .html, /quality or /thumbnail as that view (the app does so unless the whole path
        # is a DOI).
        "/records/{doi}.html": _stored_view("landingPage", "Landing page of one record (HTML with "
                                            "embedded schema.org JSON-LD)", "text/html", _OPAQUE),
        "/records/{doi}/thumbnail": _stored_view(
            "recordThumbnail", "The publication's thumbnail image (PNG, JPEG, GIF or WebP)", "image/*",
            _OPAQUE, "No such public record, or it has no thumbnail the gateway serves."),
        "/records/{doi}/quality": _stored_view("recordQuality", "Metadata quality report of one record",
                                               "application/json", {"schema": _ref("QualityReport")}),
        "/records/{doi}": _stored_view("landingRecord", "Landing-page JSON of one record",
                                       "application/json", {"schema": _ref("Landing")}),
        "/quality": _quality_summary(),
        "/healthz": _simple("health", "Liveness, and whether the record store answers", "Operations",
                            {"description": "Alive.", "content": {"application/json": {"schema": _ref("Health")}}},
                            {"503": {"description": "The record store does not answer.",
                                     "content": {"application/json": {"schema": _ref("Health")}}}}),
        "/openapi.json": _simple("openapi", "This document", "Operations",
                                 {"description": "OpenAPI 3.1.", "content": {"application/json": {
                                     "schema": {"type": "object", "required": ["openapi"]}}}}),
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "SciCat OAI-PMH and DataCite export gateway", "version": VERSION,
                 "description": "OAI-PMH 2.0, DataCite exports, landing-page data and metadata "
                                "quality for the published data of a SciCat catalogue. Only public "
                                "records are served; e-mail addresses never are.",
                 "license": {"name": "BSD-3-Clause", "identifier": "BSD-3-Clause"}},
        "paths": paths,
        "components": {"schemas": _SCHEMAS, "responses": _RESPONSES, "parameters": _PARAMETERS,
                       "headers": _HEADERS},
    }
    if base_url:
        doc["servers"] = [{"url": base_url}]
    return doc
