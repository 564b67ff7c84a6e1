"""Serializers of the canonical DataCite record; none of them reads SciCat fields."""
