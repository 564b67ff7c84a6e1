"""Problems found while reading or mapping a record.

A problem never stops the mapping of other records: it is collected and reported
(by `scicat-gateway check`, by sync, and later by the quality report).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"      # the record cannot be disseminated as it stands
WARNING = "warning"  # something was dropped or repaired; the record is still valid
INFO = "info"        # a recommendation (for curators)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    field: str
    message: str
    severity: str = WARNING

    def as_dict(self) -> dict:
        return asdict(self)


class Problems(list):
    """A list of Problem with a short way to add one."""

    def add(self, code: str, field: str, message: str, severity: str = WARNING) -> None:
        self.append(Problem(code, field, message, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == ERROR]
