"""DataCite kernel-4.7 controlled vocabularies (from the official include/*.xsd files)."""
from __future__ import annotations

CONTRIBUTOR_TYPES = frozenset({
    "ContactPerson", "DataCollector", "DataCurator", "DataManager", "Distributor", "Editor",
    "HostingInstitution", "Other", "Producer", "ProjectLeader", "ProjectManager", "ProjectMember",
    "RegistrationAgency", "RegistrationAuthority", "RelatedPerson", "ResearchGroup", "RightsHolder",
    "Researcher", "Sponsor", "Supervisor", "Translator", "WorkPackageLeader",
})
DATE_TYPES = frozenset({
    "Accepted", "Available", "Collected", "Copyrighted", "Coverage", "Created", "Issued", "Other",
    "Submitted", "Updated", "Valid", "Withdrawn",
})
DESCRIPTION_TYPES = frozenset({
    "Abstract", "Methods", "SeriesInformation", "TableOfContents", "TechnicalInfo", "Other",
})
FUNDER_IDENTIFIER_TYPES = frozenset({"ISNI", "GRID", "ROR", "Crossref Funder ID", "Other"})
NAME_TYPES = frozenset({"Organizational", "Personal"})
NUMBER_TYPES = frozenset({"Article", "Chapter", "Report", "Other"})
RELATED_IDENTIFIER_TYPES = frozenset({
    "ARK", "arXiv", "bibcode", "CSTR", "DOI", "EAN13", "EISSN", "Handle", "IGSN", "ISBN", "ISSN",
    "ISTC", "LISSN", "LSID", "PMID", "PURL", "RAiD", "RRID", "SWHID", "UPC", "URL", "URN", "w3id",
})
RELATION_TYPES = frozenset({
    "IsCitedBy", "Cites", "IsSupplementTo", "IsSupplementedBy", "IsContinuedBy", "Continues",
    "IsNewVersionOf", "IsPreviousVersionOf", "IsPartOf", "HasPart", "IsPublishedIn",
    "IsReferencedBy", "References", "IsDocumentedBy", "Documents", "IsCompiledBy", "Compiles",
    "IsVariantFormOf", "IsOriginalFormOf", "IsIdenticalTo", "HasMetadata", "IsMetadataFor",
    "Reviews", "IsReviewedBy", "IsDerivedFrom", "IsSourceOf", "Describes", "IsDescribedBy",
    "HasVersion", "IsVersionOf", "Requires", "IsRequiredBy", "Obsoletes", "IsObsoletedBy",
    "Collects", "IsCollectedBy", "HasTranslation", "IsTranslationOf", "Other",
})
RESOURCE_TYPES_GENERAL = frozenset({
    "Audiovisual", "Award", "Book", "BookChapter", "Collection", "ComputationalNotebook",
    "ConferencePaper", "ConferenceProceeding", "DataPaper", "Dataset", "Dissertation", "Event",
    "Image", "Instrument", "InteractiveResource", "Journal", "JournalArticle", "Model",
    "OutputManagementPlan", "PeerReview", "PhysicalObject", "Poster", "Preprint", "Presentation",
    "Project", "Report", "Service", "Software", "Sound", "Standard", "StudyRegistration", "Text",
    "Workflow", "Other",
})
TITLE_TYPES = frozenset({"AlternativeTitle", "Subtitle", "TranslatedTitle", "Other"})

# Attributes only allowed with these relation types (the XSD does not enforce it).
METADATA_RELATIONS = frozenset({"HasMetadata", "IsMetadataFor"})


def canonical_term(value: object, vocabulary: frozenset[str]) -> str | None:
    """The vocabulary term matching ``value`` case-insensitively, else None."""
    if not isinstance(value, str):
        return None
    if value in vocabulary:
        return value
    folded = value.strip().casefold()
    for term in vocabulary:
        if term.casefold() == folded:
            return term
    return None
