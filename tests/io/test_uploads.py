"""Documents are recognised by their content, within a size limit, with a name that agrees."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from territori.io.uploads import MAX_DOCUMENT_BYTES, check_document, sniff_document


def odf(kind: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", kind)
        archive.writestr("content.xml", "<x/>")
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpg"),
        (odf(b"application/vnd.oasis.opendocument.text"), "odt"),
        (odf(b"application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        (xlsx(), "xlsx"),
        (b"MZ\x90\x00 an executable", None),
        (b"PK\x03\x04 not really a zip", None),
        (b"<html>hello</html>", None),
    ],
)
def test_kinds_by_content(data: bytes, kind: str | None) -> None:
    assert sniff_document(data) == kind


def test_check_names_the_file_and_the_reason() -> None:
    assert check_document("nota.pdf", b"%PDF-1.4 x") == ("application/pdf", None)
    _t, problem = check_document("virus.pdf", b"MZ\x90\x00")
    assert problem is not None and "virus.pdf: not a PDF, DOCX" in str(problem)
    _t, problem = check_document("foto.pdf", b"\x89PNG\r\n\x1a\nxx")
    assert problem is not None and "the content is PNG but the name ends in '.pdf'" in str(problem)
    _t, problem = check_document("grande.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES)
    assert problem is not None and "larger than 10 MB" in str(problem)
    _t, problem = check_document("vuoto.pdf", b"")
    assert problem is not None and "empty" in str(problem)
