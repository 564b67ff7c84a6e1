"""Marshmallow schemas that normalise SciCat documents (all three PublishedData shapes).

``normalize_*`` return ``(data, problems)``: ``data`` holds every field that could be read,
with cleaned values; ``problems`` lists every value that could not. E-mail fields of
Datasets and Proposals are never loaded.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from .fields import (Coordinate, Date, Items, LongText, Number, Object, Strings, Text, Year,
                     flatten_errors, load, problem_sink)
from .problems import Problems


def _named(value: str) -> dict:
    return {"name": value}


class NameIdentifierSchema(Schema):
    nameIdentifier = Text()
    nameIdentifierScheme = Text()
    schemeUri = Text()


class AffiliationSchema(Schema):
    name = Text()
    affiliationIdentifier = Text()
    affiliationIdentifierScheme = Text()
    schemeUri = Text()


class PersonSchema(Schema):
    name = Text()
    nameType = Text()
    givenName = Text()
    familyName = Text()
    lang = Text()
    nameIdentifiers = Items(NameIdentifierSchema, lambda s: {"nameIdentifier": s})
    affiliation = Items(AffiliationSchema, _named)
    contributorType = Text()


class PublisherSchema(Schema):
    name = Text()
    publisherIdentifier = Text()
    publisherIdentifierScheme = Text()
    schemeUri = Text()
    lang = Text()


class TitleSchema(Schema):
    title = Text()
    titleType = Text()
    lang = Text()


class DescriptionSchema(Schema):
    description = LongText()
    descriptionType = Text()
    lang = Text()


class SubjectSchema(Schema):
    subject = Text()
    subjectScheme = Text()
    schemeUri = Text()
    valueUri = Text()
    classificationCode = Text()
    lang = Text()


class DateValue(Text):
    """A DataCite date: kept as text; a BSON date becomes its ISO form."""

    def _deserialize(self, value, attr, data, **kwargs):
        from .fields import parse_datetime

        if not isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is None:
                raise ValidationError(f"not a date: {str(value)[:40]!r}")
            return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
        return super()._deserialize(value, attr, data, **kwargs)


class DateSchema(Schema):
    date = DateValue()
    dateType = Text()
    dateInformation = Text()


class AlternateIdentifierSchema(Schema):
    alternateIdentifier = Text()
    alternateIdentifierType = Text()


class RelatedIdentifierSchema(Schema):
    relatedIdentifier = LongText()
    relatedIdentifierType = Text()
    relationType = Text()
    resourceTypeGeneral = Text()
    relatedMetadataScheme = Text()
    schemeUri = Text()
    schemeType = Text()
    relationTypeInformation = Text()


class RightsSchema(Schema):
    rights = Text()
    rightsUri = Text()
    rightsIdentifier = Text()
    rightsIdentifierScheme = Text()
    schemeUri = Text()
    lang = Text()


class FundingSchema(Schema):
    funderName = Text()
    funderIdentifier = Text()
    funderIdentifierType = Text()
    schemeUri = Text()
    awardNumber = Text()
    awardUri = Text()
    awardTitle = Text()


class PointSchema(Schema):
    pointLongitude = Coordinate()
    pointLatitude = Coordinate()


class BoxSchema(Schema):
    westBoundLongitude = Coordinate()
    eastBoundLongitude = Coordinate()
    southBoundLatitude = Coordinate()
    northBoundLatitude = Coordinate()


class PolygonSchema(Schema):
    polygonPoints = Items(PointSchema)
    inPolygonPoint = Object(PointSchema)


class GeoLocationSchema(Schema):
    geoLocationPlace = Text()
    geoLocationPoint = Object(PointSchema)
    geoLocationBox = Object(BoxSchema)
    geoLocationPolygons = Items(PolygonSchema)


class RelatedItemIdentifierSchema(Schema):
    relatedItemIdentifier = Text()
    relatedItemIdentifierType = Text()
    relatedMetadataScheme = Text()
    schemeUri = Text()
    schemeType = Text()


class RelatedItemSchema(Schema):
    relatedItemType = Text()
    relationType = Text()
    relationTypeInformation = Text()
    relatedItemIdentifier = Object(RelatedItemIdentifierSchema)
    creators = Items(PersonSchema, _named)
    titles = Items(TitleSchema, lambda s: {"title": s})
    publicationYear = Year()
    volume = Text()
    issue = Text()
    number = Text()
    numberType = Text()
    firstPage = Text()
    lastPage = Text()
    publisher = Text()
    edition = Text()
    contributors = Items(PersonSchema, _named)


class TypesSchema(Schema):
    resourceTypeGeneral = Text()
    resourceType = Text()


class MetadataSchema(Schema):
    """The v4 ``metadata`` object (DataCite-like, free-form) and the legacy keys migrated into it."""

    creators = Items(PersonSchema, _named)
    contributors = Items(PersonSchema, _named)
    titles = Items(TitleSchema, lambda s: {"title": s})
    publisher = Object(PublisherSchema, _named)
    publicationYear = Year()
    resourceType = Text()
    resourceTypeGeneral = Text()
    types = Object(TypesSchema)
    subjects = Items(SubjectSchema, lambda s: {"subject": s})
    dates = Items(DateSchema)
    language = Text()
    version = Text()
    alternateIdentifiers = Items(AlternateIdentifierSchema)
    relatedIdentifiers = Items(RelatedIdentifierSchema, lambda s: {"relatedIdentifier": s})
    relatedItems = Items(RelatedItemSchema)
    sizes = Strings()
    formats = Strings()
    rightsList = Items(RightsSchema, lambda s: {"rights": s})
    descriptions = Items(DescriptionSchema, lambda s: {"description": s})
    geoLocations = Items(GeoLocationSchema)
    fundingReferences = Items(FundingSchema, lambda s: {"funderName": s})
    landingPage = Text()
    url = Text()
    dataDescription = LongText()
    affiliation = Text()
    downloadLink = Text()
    numberOfFiles = Number()
    sizeOfArchive = Number()
    datasetPids = Strings()


# Keys SciCat itself writes that the gateway reads nowhere; not worth a problem report.
_KNOWN_UNUSED = {
    "pid", "createdBy", "updatedBy", "scicatUser", "thumbnail", "_v", "__v", "isPublished",
    "ownerGroup", "accessGroups", "instrumentGroup",
}
_KNOWN_UNUSED_METADATA = {"scicatUser", "thumbnail", "$schema"}


class PublishedDataSchema(Schema):
    id = Text(data_key="_id")
    doi = Text()
    title = Text()
    abstract = LongText()
    dataDescription = LongText()
    creator = Strings()
    authors = Strings()
    affiliation = Text()
    publisher = Text()
    publicationYear = Year()
    resourceType = Text()
    url = Text()
    downloadLink = Text()
    numberOfFiles = Number()
    sizeOfArchive = Number()
    pidArray = Strings()
    datasetPids = Strings()
    relatedPublications = Strings()
    status = Text()
    registeredTime = Date()
    createdAt = Date()
    updatedAt = Date()
    metadata = fields.Raw(allow_none=True)


class TechniqueSchema(Schema):
    pid = Text()
    name = Text()


class DatasetSchema(Schema):
    """The Dataset fields the mapping uses; contact and owner e-mails are deliberately absent."""

    id = Text(data_key="_id")
    pid = Text()
    datasetName = Text()
    owner = Text()
    orcidOfOwner = Text()
    principalInvestigator = Text()
    principalInvestigators = Strings()
    proposalId = Text()
    proposalIds = Strings()
    instrumentId = Text()
    instrumentIds = Strings()
    keywords = Strings()
    techniques = Items(TechniqueSchema)
    license = Text()
    isPublished = fields.Boolean(allow_none=True)
    accessGroups = Strings()
    creationTime = Date()
    type = Text()
    updatedAt = Date()


class MeasurementPeriodSchema(Schema):
    instrument = Text()
    start = Date()
    end = Date()


class ProposalSchema(Schema):
    """The Proposal fields the mapping uses; the PI's and proposer's e-mails are never read."""

    id = Text(data_key="_id")
    proposalId = Text()
    title = Text()
    isPublished = fields.Boolean(allow_none=True)
    accessGroups = Strings()
    instrumentIds = Strings()
    startTime = Date()
    endTime = Date()
    MeasurementPeriodList = Items(MeasurementPeriodSchema)
    updatedAt = Date()


_PUBLISHED = PublishedDataSchema(unknown=EXCLUDE)
_METADATA = MetadataSchema(unknown=EXCLUDE)
_DATASET = DatasetSchema(unknown=EXCLUDE)
_PROPOSAL = ProposalSchema(unknown=EXCLUDE)


def _load(schema: Schema, doc: object, problems: Problems, path: str = "") -> dict:
    if not isinstance(doc, dict):
        problems.add("invalid-document", path or "document", f"expected an object, got {type(doc).__name__}", "error")
        return {}
    token = problem_sink.set(problems)  # what `collecting` does, without its generator
    try:
        return load(schema, doc, path + "." if path else "")  # holds no empty value
    except ValidationError as err:
        flatten_errors(err.messages, path, problems)
        data = err.valid_data or {}
    finally:
        problem_sink.reset(token)
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _unexpected(doc: dict, schema: Schema, known: set[str], path: str, problems: Problems) -> None:
    declared = _declared.get(type(schema))
    if declared is None:
        declared = _declared[type(schema)] = frozenset(f.data_key or name for name, f in schema.fields.items())
    if known.issuperset(doc.keys() - declared):  # the usual document: nothing to report
        return
    for key in doc:
        if not isinstance(key, str) or (key not in declared and key not in known):
            problems.add("unexpected-key", f"{path}{key}"[:120], "key not part of SciCat's schema; ignored", "info")


_declared: dict[type, frozenset] = {}


def normalize_published(doc: object) -> tuple[dict, Problems]:
    """A PublishedData document of any shape; ``metadata`` (v4) is normalised too."""
    problems = Problems()
    data = _load(_PUBLISHED, doc, problems)
    if isinstance(doc, dict):
        _unexpected(doc, _PUBLISHED, _KNOWN_UNUSED, "", problems)
        raw_meta = doc.get("metadata")
        if isinstance(raw_meta, dict):
            data["metadata"] = _load(_METADATA, raw_meta, problems, "metadata")
            _unexpected(raw_meta, _METADATA, _KNOWN_UNUSED_METADATA, "metadata.", problems)
        else:
            data.pop("metadata", None)
            if raw_meta is not None:
                problems.add("invalid-value", "metadata", "expected an object; ignored")
    data["shape"] = detect_shape(doc if isinstance(doc, dict) else {})
    return data, problems


def detect_shape(doc: dict) -> str:
    """``v4``, ``next-v3`` (backend-next with a ``doi`` field) or ``loopback-v3``."""
    if isinstance(doc.get("metadata"), dict) or "datasetPids" in doc:
        return "v4"
    return "next-v3" if "doi" in doc else "loopback-v3"


def normalize_dataset(doc: object) -> tuple[dict, Problems]:
    problems = Problems()
    return _load(_DATASET, doc, problems, "dataset"), problems


def normalize_proposal(doc: object) -> tuple[dict, Problems]:
    problems = Problems()
    return _load(_PROPOSAL, doc, problems, "proposal"), problems
