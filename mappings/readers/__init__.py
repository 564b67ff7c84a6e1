"""Readers: external metadata formats back into the canonical record (inverse serializers)."""
