"""PDF documents with Chinese text: certificates, minutes, agreements, reports.

HTML and CSS in, PDF bytes out (WeasyPrint, which shapes text with HarfBuzz and embeds
the fonts it uses). The stylesheet below names the Noto CJK fonts that Debian's
`fonts-noto-cjk` installs (scripts/system_deps.sh installs them), so every Chinese
character is drawn, never a box; a missing font is a deployment error, not a silent
fallback, and `cjk_font_available()` lets a health check or a test say so.
"""

from __future__ import annotations

from weasyprint import CSS, HTML

# The font lookup is shared with the images drawn with Pillow (lib.fonts).
from silin.lib.fonts import CJK_FAMILY, cjk_font_available

__all__ = ["BASE_CSS", "CJK_FAMILY", "cjk_font_available", "html_to_pdf"]
BASE_CSS = f"""
@page {{ size: A4; margin: 18mm 16mm; }}
html {{ font-family: "{CJK_FAMILY}", "Noto Sans CJK", sans-serif; font-size: 11pt;
        line-height: 1.5; color: #111; }}
h1 {{ font-size: 18pt; margin: 0 0 6mm; }}
h2 {{ font-size: 13pt; margin: 6mm 0 3mm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.4pt solid #888; padding: 1.5mm 2mm; text-align: left;
          vertical-align: top; }}
"""


def html_to_pdf(html: str, *, css: str = "", base_url: str | None = None) -> bytes:
    """The PDF of `html`, styled by BASE_CSS and then `css`."""
    stylesheets = [CSS(string=BASE_CSS)]
    if css:
        stylesheets.append(CSS(string=css))
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=stylesheets)
