"""Rich text from staff (minutes, answers): only a small safe subset of HTML is kept."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "th": {"scope"}, "td": {"colspan"}}


def sanitise_html(html: str) -> str:
    """Drop scripts, styles, event handlers and any tag or attribute not in the lists."""
    if not html:
        return ""
    return _clean(html, ALLOWED_TAGS, ALLOWED_ATTRIBUTES)


def _clean(html: str, tags: set[str], attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


MARKDOWN_TAGS = ALLOWED_TAGS | {"h5", "img", "hr", "code", "pre", "figure", "figcaption"}
MARKDOWN_ATTRIBUTES = ALLOWED_ATTRIBUTES | {"img": {"src", "alt", "title", "width", "height"}}


def render_markdown(text: str) -> str:
    """Markdown written by staff (pages, news, report commentary) as safe HTML.

    Headings start at level 2 (the page has its own h1); images keep their text alternative
    and may come from this site (`/media/...`) or an https address.
    """
    if not text:
        return ""
    import markdown

    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return _clean(html, MARKDOWN_TAGS, MARKDOWN_ATTRIBUTES)
