"""Landing pages and curator reports: ``/records/<doi>`` (JSON and HTML), the metadata
quality report (per record and for the repository) and the OpenAPI document.

Everything served here is rendered at sync time (``renderings``, ``ledger``) and read
back as stored bytes, like the OAI records.
"""
