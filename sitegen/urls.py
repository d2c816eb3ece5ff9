"""The one place that knows the base path: every URL the site writes is made here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Urls:
    base_path: str  # "/" or "/repo/"
    origin: str  # "https://host" or ""

    def page(self, slug: str) -> str:
        """URL of a page by slug ("" is the home page): /base/slug/."""
        return self.to(f"{slug}/" if slug else "")

    def to(self, site_path: str) -> str:
        """URL of any file or folder of the built site, given its path inside the output."""
        return self.base_path + site_path.lstrip("/")

    def absolute(self, url: str) -> str:
        """Full address of a URL made above, or "" when site.yaml gives no origin."""
        return self.origin + url if self.origin else ""
