"""Which SciCat thumbnail values become an image the gateway serves (mappings.thumbnails)."""
from __future__ import annotations

import base64

import pytest

from mappings import thumbnails
from mappings.datacite import map_publication
from mappings.problems import ERROR
from mappings.thumbnails import MAX_BYTES, Oversized, Thumbnail, media_type_of, parse, read

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def data_uri(media_type: str, data: bytes, params: str = "") -> str:
    return f"data:{media_type}{params};base64,{base64.b64encode(data).decode()}"


def codes(problems) -> list[str]:
    return [p.code for p in problems]


@pytest.mark.parametrize("media_type, data", [
    ("image/png", PNG), ("image/jpeg", JPEG), ("image/gif", GIF), ("image/webp", WEBP),
])
def test_raster_images_are_kept_with_their_bytes(media_type, data):
    assert parse(data_uri(media_type, data)) == (Thumbnail(media_type=media_type, data=data), [])


def test_parameters_case_and_line_breaks_in_a_data_uri_are_accepted():
    text = base64.encodebytes(PNG * 20).decode()  # base64 wrapped at 76 characters
    assert "\n" in text
    found, problems = parse(f"DATA:Image/PNG;name=preview.png;BASE64,{text}")
    assert problems == []
    assert found == Thumbnail(media_type="image/png", data=PNG * 20)


@pytest.mark.parametrize("value, code", [
    (data_uri("image/svg+xml", SVG), "thumbnail-unusable"),       # could carry script
    (data_uri("text/html", b"<b>x</b>"), "thumbnail-unusable"),
    (data_uri("image/png", JPEG), "thumbnail-unusable"),            # bytes not of the type named
    (data_uri("image/webp", b"RIFF\x00\x00\x00\x00WAVEfmt "), "thumbnail-unusable"),
    ("data:image/png;base64,iVBORw0KGgo%%%", "thumbnail-unusable"),  # not base64
    ("data:image/png,rawbytes", "thumbnail-unusable"),               # not base64 at all
    ("random", "thumbnail-unusable"),                                 # what test databases hold
    ("javascript:alert(1)", "thumbnail-unusable"),
    ("https://images.example.org/a.png?owner=jane.doe@example.org", "thumbnail-unusable"),
    (12345, "thumbnail-unusable"),
    ({"$binary": "x"}, "thumbnail-unusable"),
    (data_uri("image/png", PNG + b"\x00" * MAX_BYTES), "thumbnail-too-large"),
    (Oversized(20_000_000), "thumbnail-too-large"),
])
def test_values_that_are_not_a_servable_image_are_dropped_with_a_warning(value, code):
    found, problems = parse(value)
    assert found is None
    assert codes(problems) == [code]
    assert all(p.severity != ERROR and p.field == "thumbnail" for p in problems)


@pytest.mark.parametrize("value", [None, "", "   \n"])
def test_no_thumbnail_is_no_problem(value):
    assert parse(value) == (None, [])


def test_a_facility_url_is_kept_as_a_reference():
    assert parse(" https://images.example.org/previews/a.png ") == (
        Thumbnail(url="https://images.example.org/previews/a.png"), [])


def test_media_type_of_knows_only_the_accepted_signatures():
    assert [media_type_of(d) for d in (PNG, JPEG, GIF, WEBP)] == [
        "image/png", "image/jpeg", "image/gif", "image/webp"]
    assert media_type_of(b"") is None
    assert media_type_of(SVG) is None
    assert media_type_of(b"RIFF\x00\x00\x00\x00WAVE") is None


def test_read_takes_the_top_level_field_first_then_metadata():
    png, gif = data_uri("image/png", PNG), data_uri("image/gif", GIF)
    assert read({"thumbnail": png, "metadata": {"thumbnail": gif}})[0].media_type == "image/png"
    assert read({"thumbnail": "", "metadata": {"thumbnail": gif}})[0].media_type == "image/gif"
    assert read({"metadata": "not a dict", "thumbnail": None}) == (None, [])
    assert read(["not", "a", "document"]) == (None, [])


def test_the_mapping_carries_the_thumbnail_and_its_problems_without_invalidating_the_record():
    base = {"doi": "10.5072/thumb", "status": "registered", "title": "T", "abstract": "A",
            "creator": ["Doe, Jane"], "publisher": "PSI", "publicationYear": 2024}
    good = map_publication({**base, "thumbnail": data_uri("image/png", PNG)})
    assert good.extras["thumbnail"] == Thumbnail(media_type="image/png", data=PNG)
    junk = map_publication({**base, "thumbnail": "THUMBNAIL"})
    assert junk.valid and junk.extras["thumbnail"] is None
    assert "thumbnail-unusable" in codes(junk.problems)
    assert map_publication(base).extras["thumbnail"] is None


def test_max_chars_admits_every_data_uri_of_max_bytes():
    longest = data_uri("image/png", PNG + b"\x00" * (MAX_BYTES - len(PNG)), ";name=a-fairly-long-file-name.png")
    assert len(longest) <= thumbnails.MAX_CHARS
    assert parse(longest)[0] is not None
