"""The canonical DataCite record: the one shape every serializer reads.

A canonical record is a plain ``dict`` using DataCite REST API JSON attribute names
(the ``attributes`` object of ``{"data": {"type": "dois", "attributes": ...}}``) with the
kernel-4.7 vocabulary. Conventions that every producer and consumer relies on:

- ``doi``: the DOI as SciCat keys it (``10.`` form, no resolver prefix, case kept).
- ``url``: landing page URL (absolute, http/https) or absent.
- ``creators`` / ``contributors``: lists of objects ``{name, nameType?, givenName?, familyName?,
  nameIdentifiers: [{nameIdentifier, nameIdentifierScheme, schemeUri?}],
  affiliation: [{name, affiliationIdentifier?, affiliationIdentifierScheme?, schemeUri?}]}``;
  contributors also carry ``contributorType``. ``affiliation`` is always a list of objects.
- ``titles``: ``[{title, titleType?, lang?}]``; ``descriptions``: ``[{description, descriptionType, lang?}]``.
- ``publisher``: always an object ``{name, publisherIdentifier?, publisherIdentifierScheme?, schemeUri?, lang?}``.
- ``publicationYear``: a four-digit string.
- ``types``: ``{resourceTypeGeneral, resourceType?}``.
- ``subjects``: ``[{subject, subjectScheme?, schemeUri?, valueUri?, classificationCode?, lang?}]``.
- ``dates``: ``[{date, dateType, dateInformation?}]`` (W3CDTF or ``start/end`` ranges).
- ``language``, ``version``: strings; ``sizes``, ``formats``: lists of strings.
- ``alternateIdentifiers``: ``[{alternateIdentifier, alternateIdentifierType}]``.
- ``relatedIdentifiers``: ``[{relatedIdentifier, relatedIdentifierType, relationType,
  resourceTypeGeneral?, relatedMetadataScheme?, schemeUri?, schemeType?, relationTypeInformation?}]``.
- ``relatedItems``: ``[{relatedItemType, relationType, relationTypeInformation?,
  relatedItemIdentifier?: {relatedItemIdentifier, relatedItemIdentifierType, ...},
  creators?, titles, publicationYear?, volume?, issue?, number?, numberType?, firstPage?,
  lastPage?, publisher?, edition?, contributors?}]``.
- ``rightsList``: ``[{rights, rightsUri?, rightsIdentifier?, rightsIdentifierScheme?, schemeUri?, lang?}]``.
- ``geoLocations``: ``[{geoLocationPlace?, geoLocationPoint?: {pointLongitude, pointLatitude},
  geoLocationBox?: {westBoundLongitude, eastBoundLongitude, southBoundLatitude, northBoundLatitude},
  geoLocationPolygons?: [{polygonPoints: [{pointLongitude, pointLatitude}], inPolygonPoint?}]}]``
  (coordinates are numbers).
- ``fundingReferences``: ``[{funderName, funderIdentifier?, funderIdentifierType?, schemeUri?,
  awardNumber?, awardUri?, awardTitle?}]``.

Empty lists and empty strings are omitted, never emitted. ``schemaVersion`` is not stored:
serializers add it.
"""
from __future__ import annotations

SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
KERNEL = "4.7"
NS_DATACITE = "http://datacite.org/schema/kernel-4"
DATACITE_XSD_URL = f"https://schema.datacite.org/meta/kernel-{KERNEL}/metadata.xsd"

# Attribute order used by the serializers (DataCite's documentation order).
ATTRIBUTE_ORDER = (
    "doi", "url", "creators", "titles", "publisher", "publicationYear", "types", "subjects",
    "contributors", "dates", "language", "alternateIdentifiers", "relatedIdentifiers",
    "relatedItems", "sizes", "formats", "version", "rightsList", "descriptions", "geoLocations",
    "fundingReferences",
)
