"""Repository-wide metadata quality figures (for `scicat-gateway check` and curators)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mappings.datacite import MappingResult


def _has_orcid(record: dict) -> bool:
    return any(i.get("nameIdentifierScheme") == "ORCID"
               for c in record.get("creators", []) for i in c.get("nameIdentifiers", []))


def _has_ror(record: dict) -> bool:
    return any(a.get("affiliationIdentifierScheme") == "ROR"
               for c in record.get("creators", []) for a in c.get("affiliation", []))


def _has_proposal(record: dict) -> bool:
    return any(r.get("resourceTypeGeneral") == "Project" for r in record.get("relatedIdentifiers", []))


@dataclass
class Summary:
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
        self.with_orcid += _has_orcid(record)
        self.with_ror += _has_ror(record)
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
