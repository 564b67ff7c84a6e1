"""OAI-PMH error conditions (P13, P17): raised anywhere, answered in the body with HTTP 200."""
from __future__ import annotations

BAD_ARGUMENT = "badArgument"
BAD_RESUMPTION_TOKEN = "badResumptionToken"
BAD_VERB = "badVerb"
CANNOT_DISSEMINATE_FORMAT = "cannotDisseminateFormat"
ID_DOES_NOT_EXIST = "idDoesNotExist"
NO_RECORDS_MATCH = "noRecordsMatch"
NO_METADATA_FORMATS = "noMetadataFormats"
NO_SET_HIERARCHY = "noSetHierarchy"

# After these the <request> element carries no attributes: the arguments were not valid,
# and echoing them could even break the response's schema (P12).
_UNECHOED = frozenset({BAD_VERB, BAD_ARGUMENT})


class OAIError(Exception):
    """One or more ``(code, message)`` pairs, each becoming one ``<error>`` element."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.errors: list[tuple[str, str]] = [(code, message)]

    @classmethod
    def many(cls, errors: list[tuple[str, str]]) -> "OAIError":
        error = cls(*errors[0])
        error.errors = list(errors)
        return error

    @property
    def codes(self) -> set[str]:
        return {code for code, _ in self.errors}

    @property
    def echoes_arguments(self) -> bool:
        return not (self.codes & _UNECHOED)
