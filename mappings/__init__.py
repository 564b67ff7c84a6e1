"""Pure mapping code: SciCat documents in, one canonical DataCite record out, serializers.

Nothing in this package performs I/O; the gateway package reads MongoDB and the
schema files and hands plain data to these functions.
"""
