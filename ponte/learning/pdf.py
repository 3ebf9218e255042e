"""Certificates as PDF, rendered by WeasyPrint from an HTML template with the fonts shipped in
`fonts/`, so that a certificate looks the same on every machine and nothing is fetched: any
address other than those fonts is refused. The PDF is tagged (PDF/UA-1): its headings, text and
language are read by a screen reader."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONTS = Path(__file__).resolve().parent / "fonts"


def _fonts_only():
    """WeasyPrint's fetcher, limited to the shipped fonts: a certificate never reaches the network."""
    from weasyprint.urls import URLFetcher

    allowed = {font.as_uri() for font in FONTS.glob("*.ttf")}

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"A certificate fetches nothing but its fonts: {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=["file"])


def certificate_pdf(certificate, *, verify_address: str, language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string(
            "learning/certificates/pdf.html",
            {
                "certificate": certificate,
                "verify_address": verify_address,
                "regular": (FONTS / "DejaVuSans.ttf").as_uri(),
                "bold": (FONTS / "DejaVuSans-Bold.ttf").as_uri(),
                "language": language,
                "site_name": settings.PONTE_SITE_NAME,
            },
        )
    document = weasyprint.HTML(string=html, url_fetcher=_fonts_only())
    return document.write_pdf(pdf_variant="pdf/ua-1")
