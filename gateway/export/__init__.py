"""The /export endpoints: one record in any export format, or every record in bulk.

Requests only read the bytes sync stored (``gateway.rendering.STORED_RENDERINGS``); nothing
here runs the mapping.

- ``negotiation``: which format a request asks for (``?format=`` or ``Accept``).
- ``formats``: the export formats as HTTP sees them (media types, aliases, charsets).
- ``events``: the DataCite REST payload with another ``event``, from the stored bytes.
- ``validators``: ETag, Last-Modified and conditional requests.
- ``problems``: RFC 9457 problem details for every error answer.
- ``arguments``: strict parsing of the bulk query arguments.
- ``bulk``, ``zipstream``: streaming NDJSON and ZIP over keyset pages of the store.
- ``views``: the blueprint.
"""
