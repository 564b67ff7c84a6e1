"""Metadata quality for curators: one report per record, and figures for the repository.

A record's report lists the problems its mapping recorded (and why it cannot be
disseminated, if so) and the recommendations of DataCite's documentation
(../shared/notes/standards.md §2.1) that it misses. Severities keep the meaning they have
in ``mappings.problems``: ``error`` (the record cannot be disseminated), ``warning``
(something found in SciCat was dropped or repaired, e.g. an invalid ORCID iD) and ``info``
(a recommendation). So every recommendation computed here is ``info``; the worst records
are those with the most errors, then warnings, then recommendations.

Reports are plain JSON-ready dicts: sync stores one per live record and keeps those of
invalid records beside the store, and ``RepositorySummary`` is built from reports alone,
so the repository figures never need the records to be mapped again.
"""
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from mappings.datacite import MappingResult
from mappings.names import ETAL
from mappings.problems import ERROR, INFO, WARNING, Problem
from mappings.text import redact_emails

SEVERITIES = (ERROR, WARNING, INFO)
# Problem codes saying that an identifier found in SciCat was dropped or could not be linked.
DROPPED_IDENTIFIER_CODES = frozenset({
    "invalid-orcid", "invalid-ror", "invalid-related-identifier", "invalid-funder-identifier",
    "name-identifier-without-scheme", "unresolvable-dataset-pid",
})
FREE_TEXT_PUBLICATION_CODE = "related-publication-without-identifier"
# A report lists at most this many mapping problems and fields per recommendation: a
# collaboration with thousands of creators must not make a report of megabytes.
MAX_LISTED = 100
WORST_LISTED = 100


# --- one record ------------------------------------------------------------------------------


def record_report(result: MappingResult, blocking: list[Problem] = ()) -> dict:
    """The quality report of one mapped record; ``blocking`` adds the reasons (beyond the
    mapping's own errors, e.g. XSD messages) why the record is not disseminated."""
    record = result.record or {}
    problems = list(result.problems) + [p for p in blocking if p not in result.problems]
    codes = {p.code for p in problems}
    recommendations = [r for r in _recommendations(record) if r["code"] not in codes]
    counts = Counter(p.severity for p in problems)
    counts[INFO] += len(recommendations)
    return {
        "doi": result.doi,
        "title": _title(record),
        "valid": not any(p.severity == ERROR for p in problems),
        "counts": {severity: counts[severity] for severity in SEVERITIES},
        "problems": [_problem(p) for p in problems[:MAX_LISTED]],
        "problemsOmitted": max(0, len(problems) - MAX_LISTED),
        "recommendations": recommendations,
        "figures": _figures(record, problems),
    }


def _problem(problem: Problem) -> dict:
    # Messages quote SciCat values; those were cleaned on load, this only makes sure.
    return {"code": problem.code, "field": problem.field, "severity": problem.severity,
            "message": redact_emails(problem.message) if "@" in problem.message else problem.message}


def _title(record: dict) -> str | None:
    titles = [t for t in record.get("titles", []) if isinstance(t, dict) and t.get("title")]
    main = [t for t in titles if not t.get("titleType")] or titles
    return main[0]["title"] if main else None


def _people(record: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(record.get("creators", []))
            if isinstance(c, dict) and c.get("name") and c["name"] != ETAL]


def _personal(creator: dict) -> bool:
    return creator.get("nameType") != "Organizational"


def _has_orcid(person: dict) -> bool:
    return any(i.get("nameIdentifierScheme") == "ORCID" for i in person.get("nameIdentifiers", []))


def _affiliations(record: dict) -> list[tuple[str, dict]]:
    return [(f"creators[{i}].affiliation[{j}]", a) for i, c in _people(record)
            for j, a in enumerate(c.get("affiliation", [])) if isinstance(a, dict)]


def _has_ror(affiliation: dict) -> bool:
    return affiliation.get("affiliationIdentifierScheme") == "ROR"


def _has_abstract(record: dict) -> bool:
    return any(d.get("descriptionType") == "Abstract" and d.get("description")
               for d in record.get("descriptions", []))


def _has_proposal(record: dict) -> bool:
    return any(r.get("resourceTypeGeneral") == "Project" for r in record.get("relatedIdentifiers", []))


def _recommendation(code: str, fields: list[str], message: str) -> dict:
    return {"code": code, "severity": INFO, "count": len(fields), "fields": fields[:MAX_LISTED],
            "message": message}


def _recommendations(record: dict) -> list[dict]:
    """What DataCite recommends (standards.md §2.1) and the record lacks, one entry per kind."""
    found = []
    people = [(i, c) for i, c in _people(record) if _personal(c)]
    no_orcid = [f"creators[{i}]" for i, c in people if not _has_orcid(c)]
    if no_orcid:
        found.append(_recommendation("creator-without-orcid", no_orcid,
                                     f"{len(no_orcid)} of {len(people)} personal creators have no ORCID iD"))
    affiliations = _affiliations(record)
    no_ror = [where for where, a in affiliations if not _has_ror(a)]
    if no_ror:
        found.append(_recommendation("affiliation-without-ror", no_ror,
                                     f"{len(no_ror)} of {len(affiliations)} creator affiliations have no ROR identifier"))
    rights = record.get("rightsList", [])
    if not rights:
        found.append(_recommendation("missing-licence", ["rightsList"], "no licence: re-use terms are unknown"))
    elif not any(r.get("rightsUri") or r.get("rightsIdentifier") for r in rights):
        found.append(_recommendation("licence-without-identifier", ["rightsList"],
                                     "the licence is named but has neither a URI nor an SPDX identifier"))
    if not _has_abstract(record):
        found.append(_recommendation("missing-abstract", ["descriptions"], "no Abstract description"))
    return found


def _figures(record: dict, problems: list[Problem]) -> dict:
    people = [c for _, c in _people(record) if _personal(c)]
    affiliations = [a for _, a in _affiliations(record)]
    return {
        "personalCreators": len(people),
        "creatorsWithOrcid": sum(map(_has_orcid, people)),
        "affiliations": len(affiliations),
        "affiliationsWithRor": sum(map(_has_ror, affiliations)),
        "licence": bool(record.get("rightsList")),
        "abstract": _has_abstract(record),
        "proposalLink": _has_proposal(record),
        "freeTextPublications": sum(p.code == FREE_TEXT_PUBLICATION_CODE for p in problems),
        "droppedIdentifiers": sum(p.code in DROPPED_IDENTIFIER_CODES for p in problems),
    }


# --- the repository ---------------------------------------------------------------------------


def _share(count: int, total: int) -> dict:
    return {"count": count, "of": total, "percent": round(100 * count / total, 1) if total else None}


def _badness(report: dict) -> tuple:
    counts = report["counts"]
    return (not report["valid"], counts[ERROR], counts[WARNING], counts[INFO])


@dataclass
class RepositorySummary:
    """Counts and percentages over quality reports, and the worst records first."""
    records: int = 0
    invalid: int = 0
    figures: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)      # records with at least one
    findings: Counter = field(default_factory=Counter)        # findings of each severity
    codes: dict = field(default_factory=dict)                 # code -> [severity, records, findings]
    _worst: list = field(default_factory=list)                # heap of ((badness, DOI), entry)

    def add(self, report: dict) -> None:
        self.records += 1
        self.invalid += not report["valid"]
        self._add_figures(report["figures"])
        for severity, count in report["counts"].items():
            self.severities[severity] += bool(count)
            self.findings[severity] += count
        self._add_codes(report["problems"] + report["recommendations"])
        self._keep_if_worst(report)

    def _add_figures(self, figures: dict) -> None:
        for name, value in figures.items():
            self.figures[name] += int(value)
        self.figures["allCreatorsWithOrcid"] += (
            figures["personalCreators"] > 0 and figures["creatorsWithOrcid"] == figures["personalCreators"])
        self.figures["withFreeTextPublications"] += figures["freeTextPublications"] > 0
        self.figures["withDroppedIdentifiers"] += figures["droppedIdentifiers"] > 0

    def _add_codes(self, findings: list[dict]) -> None:
        mine: dict[str, list] = {}
        for finding in findings:
            entry = mine.setdefault(finding["code"], [finding["severity"], 0])
            entry[1] += finding.get("count", 1)
        for code, (severity, count) in mine.items():
            entry = self.codes.setdefault(code, [severity, 0, 0])
            entry[1] += 1       # records having it
            entry[2] += count   # findings in all

    def _keep_if_worst(self, report: dict) -> None:
        if not any(report["counts"].values()):
            return
        # Ties are broken by DOI (earlier first) so the list does not depend on read order.
        key = (_badness(report), _Reversed(report["doi"] or ""))
        item = (key, {"doi": report["doi"], "title": report["title"], "valid": report["valid"],
                      "counts": report["counts"]})
        if len(self._worst) < WORST_LISTED:
            heapq.heappush(self._worst, item)
        elif key > self._worst[0][0]:
            heapq.heapreplace(self._worst, item)

    def as_dict(self) -> dict:
        n, f = self.records, self.figures
        worst = [entry for _, entry in sorted(self._worst, key=lambda item: item[0], reverse=True)]
        return {
            "records": n,
            "valid": _share(n - self.invalid, n),
            "invalid": _share(self.invalid, n),
            "withFindings": {s: {**_share(self.severities[s], n), "findings": self.findings[s]}
                             for s in SEVERITIES},
            "creatorsWithOrcid": _share(f["creatorsWithOrcid"], f["personalCreators"]),
            "affiliationsWithRor": _share(f["affiliationsWithRor"], f["affiliations"]),
            "recordsWithAllCreatorsOrcid": _share(f["allCreatorsWithOrcid"], n),
            "recordsWithLicence": _share(f["licence"], n),
            "recordsWithAbstract": _share(f["abstract"], n),
            "recordsWithProposalLink": _share(f["proposalLink"], n),
            "recordsWithFreeTextPublications": _share(f["withFreeTextPublications"], n),
            "recordsWithDroppedIdentifiers": _share(f["withDroppedIdentifiers"], n),
            "codes": [{"code": code, "severity": sev, **_share(records, n), "findings": findings}
                      for code, (sev, records, findings) in sorted(
                          self.codes.items(), key=lambda kv: (-kv[1][1], kv[0]))],
            "worst": worst,
        }


class _Reversed(str):
    """A string that sorts backwards, so that among equally bad records the heap keeps
    (and the list shows first) the smallest DOI."""

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)


def summary_text(summary: dict) -> str:
    """The repository summary as a few lines for the terminal (``scicat-gateway check``)."""
    def share(name: str) -> str:
        value = summary[name]
        return f"{value['count']}/{value['of']}" + (f" ({value['percent']:g}%)" if value["percent"] is not None else "")
    lines = [
        f"public records: {summary['records']}, valid: {share('valid')}, invalid: {share('invalid')}",
        f"creators with ORCID: {share('creatorsWithOrcid')}, affiliations with ROR: {share('affiliationsWithRor')}",
        f"records with licence: {share('recordsWithLicence')}, with abstract: {share('recordsWithAbstract')}, "
        f"with proposal link: {share('recordsWithProposalLink')}",
        f"records with free-text publications: {share('recordsWithFreeTextPublications')}, "
        f"with dropped identifiers: {share('recordsWithDroppedIdentifiers')}",
    ]
    lines += [f"  {c['severity']:<7} {c['code']:<40} {c['count']} records" for c in summary["codes"]]
    if summary["worst"]:
        lines.append("worst records:")
        lines += [f"  {w['doi']}: {w['counts'][ERROR]} errors, {w['counts'][WARNING]} warnings, "
                  f"{w['counts'][INFO]} recommendations" for w in summary["worst"][:10]]
    return "\n".join(lines)


# --- every record SciCat holds (``scicat-gateway check``) -------------------------------------


@dataclass
class Summary:
    """What `check` adds up over every PublishedData, private ones included."""
    records: int = 0
    public: int = 0
    invalid: int = 0
    with_orcid: int = 0
    with_ror: int = 0
    with_proposal: int = 0
    with_problems: int = 0
    codes: Counter = field(default_factory=Counter)

    def add(self, result: MappingResult) -> None:
        self.records += 1
        self.public += result.public
        self.invalid += not result.valid
        self.with_problems += bool(result.problems)
        self.codes.update(p.code for p in result.problems)
        record = result.record or {}
        self.with_orcid += any(_has_orcid(c) for _, c in _people(record))
        self.with_ror += any(_has_ror(a) for _, a in _affiliations(record))
        self.with_proposal += _has_proposal(record)

    def as_dict(self) -> dict:
        return {"records": self.records, "public": self.public, "invalid": self.invalid,
                "withOrcid": self.with_orcid, "withRorAffiliation": self.with_ror,
                "withProposalLink": self.with_proposal, "withProblems": self.with_problems,
                "problemCodes": dict(self.codes.most_common())}

    def text(self) -> str:
        def pct(n: int) -> str:
            return f"{n} ({100 * n / self.records:.0f}%)" if self.records else "0"
        lines = [f"records: {self.records}, public: {pct(self.public)}, invalid: {pct(self.invalid)}",
                 f"with ORCID creators: {pct(self.with_orcid)}, with ROR affiliations: {pct(self.with_ror)}, "
                 f"with proposal links: {pct(self.with_proposal)}, with problems: {pct(self.with_problems)}"]
        if self.codes:
            lines.append("problems: " + ", ".join(f"{code} {n}" for code, n in self.codes.most_common()))
        return "\n".join(lines)
