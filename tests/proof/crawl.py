"""Walk the product as a person would: from the home page, every link and every GET form's default, bounded.

What a page offers is read from its HTML: `<a href>`, `hx-get`, and each `<form method="get">` submitted with
the values it shows. Records of one kind are many (every clue links to /clues/<id>/); a URL's *shape* (its path
with numbers folded, and its query's keys) is visited at most `PER_SHAPE` times, so the walk is bounded and
still reaches every kind of page a persona is offered.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.test import Client

PER_SHAPE = 2
MAX_PAGES = 220
# Not the product's own pages: Django's admin (system configuration, English by design for the sysadmin),
# static files, and the language switch (a POST form).
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/")
# Downloads are fetched (they must not fail) but not parsed.
DOWNLOAD_TYPES = (
    "application/vnd",
    "application/pdf",
    "application/octet-stream",
    "text/csv",
    "application/zip",
)


@dataclass
class Visit:
    url: str
    status: int
    came_from: str
    text: str = ""  # the page's visible text (HTML pages only)


@dataclass
class _Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    select: str | None = None
    select_value: str | None = None
    select_first: str | None = None


class _PageParser(HTMLParser):
    """Collects links, GET forms with their default values, and the visible text."""

    HIDDEN_TEXT_TAGS = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self.text: list[str] = []
        self._form: _Form | None = None
        self._hidden_depth = 0
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in self.HIDDEN_TEXT_TAGS:
            self._hidden_depth += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append(a["hx-get"])
        # What a person reads besides text nodes: titles, placeholders, labels for the screen reader.
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name):
                self.text.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"])
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = _Form(action=a.get("action", "")) if method == "get" else None
            if self._form is not None:
                self.forms.append(self._form)
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            form.select, form.select_value, form.select_first = name, None, None
        elif tag == "option" and form.select:
            value = a.get("value", "")
            if form.select_first is None:
                form.select_first = value
            if "selected" in a:
                form.select_value = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN_TEXT_TAGS and self._hidden_depth:
            self._hidden_depth -= 1
        form = self._form
        if tag == "select" and form is not None and form.select:
            value = form.select_value if form.select_value is not None else form.select_first
            form.fields.append((form.select, value or ""))
            form.select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._textarea and self._form is not None:
            name = self._textarea
            self._form.fields = [(n, data if n == name else v) for n, v in self._form.fields]
        if data.strip():
            self.text.append(data.strip())


_NUMBER = re.compile(r"\d+")


def shape(url: str) -> str:
    """The URL with its numbers folded and its query reduced to its sorted keys."""
    parts = urlsplit(url)
    keys = sorted({k for k, v in parse_qsl(parts.query, keep_blank_values=True) if v})
    return _NUMBER.sub("N", parts.path) + "?" + "&".join(keys)


def _local(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def offered(base: str, html: str) -> tuple[list[str], str]:
    """The local URLs a page offers (links, htmx GETs, GET forms with their defaults) and its visible text."""
    parser = _PageParser()
    parser.feed(html)
    urls = [u for u in (_local(base, h) for h in parser.links) if u]
    for form in parser.forms:
        action = _local(base, form.action or base)
        if action is None:
            continue
        query = urlencode([(k, v) for k, v in form.fields if k != "csrfmiddlewaretoken"])
        urls.append(action.split("?")[0] + (f"?{query}" if query else ""))
    return urls, "\n".join(parser.text)


def crawl(client: Client, start: str = "/", max_pages: int = MAX_PAGES) -> list[Visit]:
    """Breadth-first from `start`: every URL shape at most PER_SHAPE times, at most max_pages pages."""
    seen: set[str] = {start}
    per_shape: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    visits: list[Visit] = []
    while queue and len(visits) < max_pages:
        url, came_from = queue.popleft()
        response = client.get(url)
        visit = Visit(url=url, status=response.status_code, came_from=came_from)
        visits.append(visit)
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302, 303):
            target = _local(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        urls, visit.text = offered(url, response.content.decode())
        for next_url in urls:
            if next_url in seen:
                continue
            seen.add(next_url)
            key = shape(next_url)
            if per_shape.get(key, 0) >= PER_SHAPE:
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            queue.append((next_url, url))
    return visits
