"""Uploaded documents: the type is recognised from the content, never from the name."""

from __future__ import annotations

import io
import zipfile

from .errors import RowError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

#: Kind → (media type, file name suffixes that agree with it).
DOCUMENT_KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {".odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {".ods"}),
    "png": ("image/png", {".png"}),
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}),
}
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_TYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def sniff_document(data: bytes) -> str | None:
    """The document's kind (a key of DOCUMENT_KINDS) from its bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def check_document(
    name: str, data: bytes, *, field: str = "documents"
) -> tuple[str, RowError | None]:
    """(media type, problem): accepted kinds only, within the size limit, name agreeing."""
    if len(data) > MAX_DOCUMENT_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MB"
        return "", RowError(0, field, f"{name}: larger than 10 MB ({size})")
    if not data:
        return "", RowError(0, field, f"{name}: the file is empty")
    kind = sniff_document(data)
    if kind is None:
        return "", RowError(
            0,
            field,
            f"{name}: not a PDF, DOCX, ODT, XLSX, ODS, PNG or JPG document (by its content)",
        )
    media_type, suffixes = DOCUMENT_KINDS[kind]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in suffixes:
        return "", RowError(
            0, field, f"{name}: the content is {kind.upper()} but the name ends in '{suffix}'"
        )
    return media_type, None
