"""Reading offer emails and their links in tests."""

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Link:
    url: str

    @property
    def path(self) -> str:
        """The path of the link's page (without the `?action=` hint)."""
        return urlsplit(self.url).path

    @property
    def token(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def offer_links(links: tuple[str, ...] | list[str]) -> list[Link]:
    """The one-time links of an email, one per distinct page (the action hints point at the same page)."""
    pages = dict.fromkeys(urlsplit(url)._replace(query="").geturl() for url in links if "/v1/offers/" in url)
    return [Link(url) for url in pages]
