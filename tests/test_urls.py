"""Every URL comes from one place that knows the base path."""

from __future__ import annotations

from sitegen.urls import Urls


def test_urls_know_the_base_path() -> None:
    urls = Urls("/repo/", "https://me.github.io")
    assert urls.page("") == "/repo/"
    assert urls.page("stress") == "/repo/stress/"
    assert urls.to("static/a.css") == "/repo/static/a.css"
    assert urls.absolute(urls.page("stress")) == "https://me.github.io/repo/stress/"
    assert Urls("/", "").absolute("/x/") == ""
