"""Related identifiers and related items: datasets, proposals, related publications."""
from __future__ import annotations

from urllib.parse import quote

from . import identifiers as ids
from .options import MappingOptions
from .problems import INFO, Problems
from .vocab import (METADATA_RELATIONS, RELATED_IDENTIFIER_TYPES, RELATION_TYPES,
                    RESOURCE_TYPES_GENERAL, canonical_term)

DEFAULT_PUBLICATION_RELATION = "IsSupplementTo"


def dataset_links(pids: list[str], problems: Problems) -> list[dict]:
    """HasPart links to the record's datasets, where their PIDs resolve (Handle, DOI or URL)."""
    out = []
    for index, pid in enumerate(pids):
        found = ids.classify(pid)
        if found is None:
            problems.add("unresolvable-dataset-pid", f"datasetPids[{index}]",
                         f"{pid!r} is neither a Handle, a DOI nor a URL; not linked", INFO)
            continue
        kind, value = found
        out.append({"relatedIdentifier": value, "relatedIdentifierType": kind, "relationType": "HasPart",
                    "resourceTypeGeneral": "Dataset"})
    return out


def proposal_pid(proposal_id: str, options: MappingOptions) -> tuple[str, str] | None:
    """(type, identifier) of a proposal's PID: from the configured template, else its own id if it is one."""
    if options.proposal_pid_url:
        value = options.proposal_pid_url.replace("{proposalId}", quote(proposal_id, safe=""))
        return ids.classify(value)
    return ids.classify(proposal_id)


def proposal_links(proposals: list[dict], options: MappingOptions) -> tuple[list[dict], list[dict]]:
    """IsPartOf related identifiers for every proposal; a Project related item for public ones."""
    identifiers, items = [], []
    for proposal in proposals:
        pid = proposal_pid(proposal["proposalId"], options)
        if pid:
            identifiers.append({"relatedIdentifier": pid[1], "relatedIdentifierType": pid[0],
                                "relationType": "IsPartOf", "resourceTypeGeneral": "Project"})
        if proposal.get("public") and proposal.get("title"):
            item: dict = {"relatedItemType": "Project", "relationType": "IsPartOf",
                          "titles": [{"title": proposal["title"]}]}
            if pid:
                item["relatedItemIdentifier"] = {"relatedItemIdentifier": pid[1], "relatedItemIdentifierType": pid[0]}
            items.append(item)
    return identifiers, items


def typed_related(raw: dict, where: str, problems: Problems) -> dict | None:
    """A v4 related identifier that states its type; None when it has to be read as free text."""
    rtype = canonical_term(raw.get("relatedIdentifierType"), RELATED_IDENTIFIER_TYPES)
    if rtype is None:
        return None
    value = raw["relatedIdentifier"]
    if rtype == "DOI":
        value = ids.normalize_doi(value)
    elif rtype == "URL" and not ids.is_http_url(value):
        value = None
    if not value:
        problems.add("invalid-related-identifier", where, f"{raw['relatedIdentifier'][:80]!r} is not a valid {rtype}; dropped")
        return None
    entry = {"relatedIdentifier": value, "relatedIdentifierType": rtype,
             "relationType": relation_type(raw, where, problems)}
    general = canonical_term(raw.get("resourceTypeGeneral"), RESOURCE_TYPES_GENERAL)
    if general:
        entry["resourceTypeGeneral"] = general
    if entry["relationType"] in METADATA_RELATIONS:
        entry.update({k: raw[k] for k in ("relatedMetadataScheme", "schemeUri", "schemeType") if raw.get(k)})
    if entry["relationType"] == "Other" and raw.get("relationTypeInformation"):
        entry["relationTypeInformation"] = raw["relationTypeInformation"]
    return entry


def relation_type(raw: dict, where: str, problems: Problems) -> str:
    given = raw.get("relationType")
    term = canonical_term(given, RELATION_TYPES)
    if term is None:
        if given:
            problems.add("invalid-vocabulary", f"{where}.relationType",
                         f"{given!r} is not a DataCite relationType; using {DEFAULT_PUBLICATION_RELATION}")
        term = DEFAULT_PUBLICATION_RELATION
    return term


def publication_links(texts: list[tuple[str, dict, str]], problems: Problems) -> list[dict]:
    """Typed links for free-text related publications: every DOI or URL found in the text.

    ``texts`` holds (text, the raw entry it came from, its path); text without any
    identifier is reported, never emitted as an identifier.
    """
    out = []
    for text, raw, where in texts:
        found = ids.find_identifiers(text)
        if not found:
            problems.add("related-publication-without-identifier", where,
                         f"{text[:80]!r} contains no DOI or URL; not linked", INFO)
            continue
        relation = relation_type(raw, where, problems)
        for kind, value in found:
            out.append({"relatedIdentifier": value, "relatedIdentifierType": kind, "relationType": relation})
    return out


def unique(entries: list[dict], key: tuple[str, ...]) -> list[dict]:
    """The first of the entries that agree on ``key`` (compared as case-folded text)."""
    seen, out = set(), []
    if len(key) == 1:  # how the mapping calls it: no generator per entry
        field, = key
        for entry in entries:
            marker = str(entry.get(field, "")).casefold()
            if marker not in seen:
                seen.add(marker)
                out.append(entry)
        return out
    if len(key) == 2:
        first, second = key
        for entry in entries:
            marker = (str(entry.get(first, "")).casefold(), str(entry.get(second, "")).casefold())
            if marker not in seen:
                seen.add(marker)
                out.append(entry)
        return out
    for entry in entries:
        marker = tuple([str(entry.get(k, "")).casefold() for k in key])
        if marker not in seen:
            seen.add(marker)
            out.append(entry)
    return out
