"""Reading a page as a person does: its links by their text, its fields by their labels, its
parts by their headings. Server-side tests assert on what is shown, not on the markup."""

from __future__ import annotations

import re

from lxml import html


def _words(node) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


class Page:
    def __init__(self, response):
        self.response = response
        self.doc = html.fromstring(response.content.decode())

    def _root(self, within):
        return self.doc if within is None else within

    @property
    def main(self):
        return self.doc.xpath("//main")[0]

    def navigation(self, name: str):
        """The navigation landmark a screen reader announces by this name."""
        found = self.doc.xpath("//nav[@aria-label=$name]", name=name)
        assert found, f"no navigation named {name!r}"
        return found[0]

    def text(self, within=None) -> str:
        return _words(self._root(within if within is not None else self.main))

    def links(self, name: str, within=None) -> list[str]:
        """The addresses of the links read as `name` (visually hidden words included)."""
        return [a.get("href") for a in self._root(within).xpath(".//a") if _words(a) == name]

    def link(self, name: str, within=None) -> str:
        found = self.links(name, within)
        assert len(found) == 1, f"{len(found)} links read {name!r}: {[_words(a) for a in self.doc.xpath('//a')]}"
        return found[0]

    def labels(self, within=None) -> list[str]:
        """Every field's label or legend, as read, in order."""
        root = self._root(within if within is not None else self.main)
        return [_words(node) for node in root.xpath(".//label[contains(@class, 'label')] | .//legend")]

    def headings(self, within=None) -> list[str]:
        return [_words(h) for h in self._root(within).xpath(".//h1 | .//h2 | .//h3")]

    def part(self, heading: str):
        """The element that a heading heads (its section, panel or notice)."""
        for h in self.main.xpath(".//h1 | .//h2 | .//h3"):
            if _words(h) == heading:
                return h.getparent()
        raise AssertionError(f"no heading {heading!r}: {self.headings(self.main)}")

    def items(self, within) -> list[str]:
        """The list items under an element, each as read."""
        return [_words(li) for li in within.xpath(".//li")]

    def row(self, link_name: str, within=None):
        """The list item or table row that holds the link read as `link_name`."""
        for a in self._root(within if within is not None else self.main).xpath(".//a"):
            if _words(a) == link_name:
                return a.xpath("ancestor::li[1] | ancestor::tr[1]")[-1]
        raise AssertionError(f"no link {link_name!r}")

    def row_text(self, link_name: str, within=None) -> str:
        return _words(self.row(link_name, within))

    def item_starting(self, words: str, within=None) -> str:
        """The list item that begins with these words, as read."""
        root = self._root(within if within is not None else self.main)
        found = [_words(li) for li in root.xpath(".//li") if _words(li).startswith(words)]
        assert len(found) == 1, f"{len(found)} items begin with {words!r}"
        return found[0]
