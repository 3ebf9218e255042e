"""The demo's files, drawn here so that the demo needs no files from elsewhere: bar charts
as PNG pictures and one-page PDF documents. They are generated, not written: the data files
say what each shows (a chart's values, a document's lines)."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

BACKGROUND = (243, 242, 241)
BAR = (29, 112, 184)
AXIS = (11, 12, 12)


def bar_chart_png(values: list[int], *, width: int = 480, height: int = 270) -> bytes:
    """A bar chart of `values` (0–100), drawn pixel by pixel."""
    margin, floor = 30, height - 30
    slot = (width - 2 * margin) // len(values)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # PNG filter type "none" for this row
        for x in range(width):
            colour = BACKGROUND
            if (y == floor and margin <= x < width - margin) or (x == margin and margin <= y <= floor):
                colour = AXIS
            else:
                index = (x - margin) // slot
                inside = 0 <= index < len(values) and 6 <= (x - margin) % slot < slot - 6
                if inside and floor - values[index] * (floor - margin) // 100 <= y < floor:
                    colour = BAR
            row.extend(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def one_page_pdf(lines: list[str], *, font_size: int = 14, leading: int = 18) -> bytes:
    """A valid one-page A4 PDF showing `lines` of plain ASCII text."""
    text = f"BT /F1 {font_size} Tf 56 780 Td {leading} TL " + " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")) for line in lines
    )
    text += " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("ascii") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(text: str) -> bytes:
    """A one-page PDF of `text` (ASCII), one line per sentence, as a challenge's document."""
    return one_page_pdf([line.strip() + "." for line in text.split(".") if line.strip()], font_size=11, leading=14)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    content_type = "image/png" if name.endswith(".png") else "application/pdf"
    return SimpleUploadedFile(name, content, content_type=content_type)
