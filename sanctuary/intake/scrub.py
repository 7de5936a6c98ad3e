"""Strip identifying metadata from a seeker's attachment before it is encrypted and stored.

A GPS tag in a photo, or an author name in a PDF, can locate or name the seeker, so every
attachment passes through `scrub` first. The type is decided by the file's first bytes only:
the declared name and the browser's content type are whatever the sender (or an attacker)
says they are.

What is kept is an allow-list; anything not understood is dropped or the file is refused.
What cannot be removed (see also the per-type notes below): the visible content itself —
pixels of a photo, text and images of a PDF — can still identify a person or a place.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Final, Literal

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject, StreamObject

MAX_BYTES: Final = 10 * 1024 * 1024

Reason = Literal["too_large", "unsupported_type", "damaged"]


class RejectedFile(ValueError):
    """The file cannot be accepted; `reason` is a stable code the web layer translates."""

    def __init__(self, reason: Reason) -> None:
        # The message is the code alone: never the file's bytes, which may end up in a log.
        super().__init__(reason)
        self.reason: Reason = reason


@dataclass(frozen=True)
class Scrubbed:
    content: bytes
    media_type: str
    extension: str


def scrub(data: bytes, declared_name: str) -> Scrubbed:
    """Return `data` without metadata, or raise RejectedFile.

    `declared_name` is part of the call signature the views use but is deliberately not
    consulted: the type comes from the content alone.
    """
    del declared_name  # never trusted, see above
    if len(data) > MAX_BYTES:
        raise RejectedFile("too_large")
    if data.startswith(b"\xff\xd8\xff"):
        return Scrubbed(_scrub_jpeg(data), "image/jpeg", "jpg")
    if data.startswith(_PNG_SIGNATURE):
        return Scrubbed(_scrub_png(data), "image/png", "png")
    if data.startswith(b"%PDF-"):
        return Scrubbed(_scrub_pdf(data), "application/pdf", "pdf")
    raise RejectedFile("unsupported_type")


# --- JPEG -------------------------------------------------------------------------------
#
# Rebuilt from an allow-list of segments: SOI, the segments a decoder needs (tables, frame,
# scans), a canonical JFIF APP0 without thumbnail, Adobe's 12-byte APP14 (its transform flag
# decides how CMYK/YCCK colours decode; it holds no free text), then EOI. Dropped: APP1
# (EXIF with GPS, maker notes and thumbnails; XMP), APP2 (ICC profiles, MPF second images),
# all other APPn, COM, reserved JPGn segments, and anything after EOI (phones append videos
# and depth maps there).
#
# Orientation: the camera's EXIF Orientation tag is the only EXIF value worth keeping, and
# it is a number from 1 to 8. We read it and write back a minimal EXIF segment of our own
# making holding just that tag, so photos are not shown rotated. Every byte of that
# segment is built here; nothing of the original EXIF is copied.

# SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_SOF_MARKERS: Final = frozenset({*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC})
# DHT, DAC, DQT, DNL, DRI, DHP, EXP: decoding structure, no free text.
_TABLE_MARKERS: Final = frozenset({0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF})
# APPn, COM, JPG and JPGn: application data we never need.
_DROPPED_MARKERS: Final = frozenset({*range(0xE0, 0xFF), 0xC8})
_SOS: Final = 0xDA
_EOI: Final = 0xD9
_APP0: Final = 0xE0
_APP1: Final = 0xE1
_APP14: Final = 0xEE
_ORIENTATION_TAG: Final = 0x0112
# Inside a scan, 0xFF is followed by 0x00 (a stuffed byte), a restart marker RST0..RST7 or
# another 0xFF (fill); any other byte after 0xFF is the marker that ends the scan. A regex
# keeps a 10 MB scan fast.
_MARKER_AFTER_SCAN: Final = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _scrub_jpeg(data: bytes) -> bytes:
    """Return the JPEG rebuilt from its allow-listed segments; RejectedFile if malformed."""
    if not data.startswith(b"\xff\xd8"):
        raise RejectedFile("damaged")
    jfif = b""
    orientation: int | None = None
    body: list[bytes] = []
    has_frame = has_scan = False
    pos = 2
    while True:
        marker, pos = _next_marker(data, pos)
        if marker == _EOI:
            break
        segment, payload, pos = _segment(data, marker, pos)
        if marker == _SOS:
            if not has_frame:
                raise RejectedFile("damaged")
            end = _scan_end(data, pos)
            body.append(segment + data[pos:end])
            pos, has_scan = end, True
        elif marker in _SOF_MARKERS or marker in _TABLE_MARKERS:
            body.append(segment)
            has_frame = has_frame or marker in _SOF_MARKERS
        elif marker == _APP0 and not jfif:
            jfif = _canonical_jfif(payload)
        elif marker == _APP1 and orientation is None:
            orientation = _exif_orientation(payload)
        elif marker == _APP14 and len(payload) == 12 and payload.startswith(b"Adobe"):
            body.append(segment)
        elif marker not in _DROPPED_MARKERS:
            raise RejectedFile("damaged")  # RSTn, TEM, a second SOI or a reserved marker
    if not has_scan:
        raise RejectedFile("damaged")
    exif = b"" if orientation is None else _orientation_segment(orientation)
    return b"".join([b"\xff\xd8", jfif, exif, *body, b"\xff\xd9"])


def _next_marker(data: bytes, pos: int) -> tuple[int, int]:
    """Read the marker at `pos` (after optional 0xFF fill bytes); return it and the next pos."""
    if pos >= len(data) or data[pos] != 0xFF:
        raise RejectedFile("damaged")
    while pos < len(data) and data[pos] == 0xFF:
        pos += 1
    if pos >= len(data) or data[pos] == 0x00:
        raise RejectedFile("damaged")
    return data[pos], pos + 1


def _segment(data: bytes, marker: int, pos: int) -> tuple[bytes, bytes, int]:
    """Return the whole segment (marker included), its payload and the position after it."""
    if pos + 2 > len(data):
        raise RejectedFile("damaged")
    length = int.from_bytes(data[pos : pos + 2], "big")
    end = pos + length
    if length < 2 or end > len(data):
        raise RejectedFile("damaged")
    return bytes((0xFF, marker)) + data[pos:end], data[pos + 2 : end], end


def _scan_end(data: bytes, pos: int) -> int:
    """Position of the first marker after the entropy-coded data starting at `pos`."""
    found = _MARKER_AFTER_SCAN.search(data, pos)
    if found is None:
        raise RejectedFile("damaged")  # truncated: the scan never ends
    return found.start()


def _canonical_jfif(payload: bytes) -> bytes:
    """A JFIF APP0 with the original version and pixel density but no thumbnail."""
    if len(payload) < 14 or not payload.startswith(b"JFIF\x00"):
        return b""
    fields = payload[5:12]  # version (2), density units (1), X and Y density (2 + 2)
    return b"\xff\xe0\x00\x10JFIF\x00" + fields + b"\x00\x00"


def _exif_orientation(payload: bytes) -> int | None:
    """The Orientation value (2..8) from IFD0 of an EXIF payload; None if absent or 1."""
    if not payload.startswith(b"Exif\x00\x00"):
        return None
    tiff = payload[6:]
    order = {b"II*\x00": "<", b"MM\x00*": ">"}.get(tiff[:4])
    if order is None:
        return None
    try:
        (ifd,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, ifd)
        for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
            tag, kind, n, value = struct.unpack_from(order + "HHIH", tiff, entry)
            if tag == _ORIENTATION_TAG and kind == 3 and n == 1:
                return value if 2 <= value <= 8 else None
    except struct.error:
        return None  # a broken EXIF block only costs us the orientation
    return None


def _orientation_segment(orientation: int) -> bytes:
    """APP1 EXIF holding one IFD with one entry, Orientation; nothing else."""
    tiff = b"MM\x00*" + struct.pack(">IHHHIHHI", 8, 1, _ORIENTATION_TAG, 3, 1, orientation, 0, 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


# --- PNG --------------------------------------------------------------------------------
#
# Kept: the critical chunks and the ancillary chunks that affect how pixels look and hold
# only fixed-size numbers (transparency, gamma, chromaticity, sRGB intent, significant
# bits, pixel density). Dropped: tEXt/zTXt/iTXt (comments, XMP, software, author), eXIf,
# tIME, iCCP (profile name and description are free text), APNG frames (the still image
# remains) and any other ancillary chunk. An unknown critical chunk cannot be dropped
# without breaking the image, so the file is refused.

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT: Final = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs"}
)


def _scrub_png(data: bytes) -> bytes:
    kept = [_PNG_SIGNATURE]
    kinds: list[bytes] = []
    pos = len(_PNG_SIGNATURE)
    while not kinds or kinds[-1] != b"IEND":
        kind, chunk, pos = _png_chunk(data, pos)
        if not kinds and kind != b"IHDR":
            raise RejectedFile("damaged")
        if kind in _PNG_KEPT:
            kept.append(chunk)
        elif kind[0:1].isupper():
            raise RejectedFile("damaged")
        kinds.append(kind)
    if b"IDAT" not in kinds:
        raise RejectedFile("damaged")
    return b"".join(kept)  # whatever followed IEND is gone too


def _png_chunk(data: bytes, pos: int) -> tuple[bytes, bytes, int]:
    """Return the chunk type, the whole chunk and the position after it; verify the CRC."""
    if pos + 12 > len(data):
        raise RejectedFile("damaged")
    length, kind = struct.unpack_from(">I4s", data, pos)
    end = pos + 12 + length
    if length >= 2**31 or end > len(data) or not kind.isalpha():
        raise RejectedFile("damaged")
    (crc,) = struct.unpack_from(">I", data, end - 4)
    if zlib.crc32(data[pos + 4 : end - 4]) != crc:
        raise RejectedFile("damaged")
    return kind, data[pos:end], end


# --- PDF --------------------------------------------------------------------------------
#
# The pages are copied into a new document, so everything hung off the old catalog is
# left behind: the /Info dictionary, the XMP /Metadata stream, JavaScript, /OpenAction,
# embedded files, outlines, forms, article threads and earlier revisions kept by
# incremental saves. On each page only the keys needed to draw it are copied, so
# annotations (comments with their author names, links, form fields), thumbnails and
# page-level actions go. Everywhere below the pages, /Metadata, /PieceInfo (the authoring
# application's private data), /LastModified, /AA actions, /OPI (paths of the designer's
# original images) and geospatial /Measure and /PtData are not copied. JPEG images
# (DCTDecode streams) go through the JPEG scrubber.
#
# Limits, stated plainly: the text and the drawings on the pages are the content and are
# kept, including text that is invisible (white, clipped or under an image). JPEG 2000
# (JPXDecode) images and JPEG inline images inside content streams keep whatever metadata
# they carry. Filled-in form values that only live in form fields disappear with them.

_PAGE_KEYS: Final = frozenset(
    {
        "/Type",
        "/Parent",
        "/Resources",
        "/Contents",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/Group",
        "/UserUnit",
    }
)
# pypdf leaves these keys out at every depth while it copies a page.
_NESTED_DROPPED_KEYS: Final = (
    "/Metadata",
    "/PieceInfo",
    "/LastModified",
    "/AA",
    "/OPI",
    "/Measure",
    "/PtData",
)


def _scrub_pdf(data: bytes) -> bytes:
    try:
        return _rewrite_pdf(data)
    except RejectedFile:
        raise
    except Exception:
        # pypdf is not hardened against hostile input and raises many kinds of errors;
        # any of them means we cannot vouch for the output. `from None`: the cause's
        # message may quote the file's bytes.
        raise RejectedFile("damaged") from None


def _rewrite_pdf(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise RejectedFile("damaged")  # we could not read, let alone clean, its objects
    writer = PdfWriter()
    writer.metadata = None  # no /Info at all, not even pypdf's /Producer
    for page in reader.pages:
        for key in [key for key in page if key not in _PAGE_KEYS]:
            del page[key]
        writer.add_page(page, excluded_keys=_NESTED_DROPPED_KEYS)
    for stream in _jpeg_streams(writer.root_object):
        _scrub_jpeg_stream(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _jpeg_streams(root: PdfObject) -> list[StreamObject]:
    """Every stream reachable from `root` whose last filter is DCTDecode."""
    found: list[StreamObject] = []
    seen: set[int] = set()
    pending: list[PdfObject] = [root]
    while pending:
        obj = pending.pop().get_object()
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, StreamObject) and _filters(obj)[-1:] == ["/DCTDecode"]:
            found.append(obj)
        if isinstance(obj, DictionaryObject):
            pending.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)
    return found


def _filters(stream: StreamObject) -> list[str]:
    value = _entry(stream, "/Filter")
    if isinstance(value, ArrayObject):
        return [str(name.get_object()) for name in value]
    return [] if value is None else [str(value)]


def _entry(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    """The value under `key` with indirect references resolved (dict.get does not)."""
    value = dictionary.get(key)
    return None if value is None else value.get_object()


def _scrub_jpeg_stream(stream: StreamObject) -> None:
    """Replace the stream's JPEG by its scrubbed form, stored with DCTDecode alone."""
    filters = _filters(stream)
    parms = _entry(stream, "/DecodeParms")
    jpeg = stream.get_data()  # undoes the filters before DCTDecode; pypdf passes DCT through
    # EncodedStreamObject.set_data only knows how to re-encode Flate; our bytes are the
    # final DCT-encoded form, so they are stored as they are.
    StreamObject.set_data(stream, _scrub_jpeg(jpeg))
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    if isinstance(parms, ArrayObject) and len(parms) == len(filters):
        parms = parms[-1].get_object()
    if isinstance(parms, DictionaryObject):
        stream[NameObject("/DecodeParms")] = parms
    elif "/DecodeParms" in stream:
        del stream["/DecodeParms"]
