"""Site-specific choices the mapping needs; built from the gateway configuration."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PUBLIC_STATUSES = ("public", "registered", "amended")


@dataclass(frozen=True, slots=True)
class MappingOptions:
    # Landing page template with a ``{doi}`` placeholder; a record's own landingPage wins.
    landing_page_url: str = "http://127.0.0.1:8080/records/{doi}"
    # Proposal PID template with a ``{proposalId}`` placeholder; None links no proposal PID.
    proposal_pid_url: str | None = None
    public_statuses: tuple[str, ...] = DEFAULT_PUBLIC_STATUSES

    def is_public(self, status: object) -> bool:
        return isinstance(status, str) and status in self.public_statuses
