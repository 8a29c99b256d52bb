"""Small HTML readers for the web tests (stdlib parser: the pages are our own, well formed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from werkzeug.test import TestResponse


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def tags(html: str, name: str, cls: str | None = None) -> list[dict[str, str]]:
    """Attributes of every ``<name>`` (having class ``cls`` when given)."""
    return [
        attrs
        for tag, attrs in parse(html).tags
        if tag == name and (cls is None or cls in attrs.get("class", "").split())
    ]


def text_of(html: str) -> str:
    """The visible text, whitespace collapsed (entities decoded)."""
    return re.sub(r"\s+", " ", " ".join(parse(html).text)).strip()


def event_ids(html: str) -> list[int]:
    """Event ids of the match rows, in page order."""
    return [int(a["data-event-id"]) for a in tags(html, "tr") if "data-event-id" in a]


def page(response: TestResponse) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)
