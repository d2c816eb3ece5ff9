"""sitegen/bibliography.py: reader fields reach Source; editor fields never reach a page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import REFERENCES, ROOT, run_build

from sitegen.bibliography import EDITOR_KEYS, Source, load_bibliography
from sitegen.yamlfile import load_yaml

MARKED = REFERENCES.replace(
    "    verified: true\nbackground:",
    "    verified: true\n"
    "    design: meta-analysis of 37 randomised studies\n"
    "    population: not stated\n"
    "    caveat: Individual trials were small.\n"
    "    seen: EDITOR-SEEN-MARK\n"
    "    evidence_note: EDITOR-NOTE-MARK\n"
    "    pmid_note: EDITOR-PMID-MARK\n"
    "    authors_note: EDITOR-AUTHORS-MARK\n"
    "    cautions: [EDITOR-CAUTION-MARK]\n"
    "background:",
)


def test_source_carries_reader_fields_only(tmp_path: Path) -> None:
    path = tmp_path / "references.yaml"
    path.write_text(MARKED, encoding="utf-8")
    sources, problems = load_bibliography(path, "references.yaml")
    assert problems == []
    source = sources["moyer2004"]
    assert (source.design, source.population, source.caveat) == (
        "meta-analysis of 37 randomised studies",
        "not stated",
        "Individual trials were small.",
    )
    assert not any(key in Source.__slots__ for key in EDITOR_KEYS)
    assert "EDITOR" not in repr(source)


def test_editor_fields_never_reach_an_output_file(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site({"content/references.yaml": MARKED})
    out = tmp_path / "site"
    result = run_build("--project", root, "build", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Individual trials were small." in (out / "bibliography/index.html").read_text()
    for path in out.rglob("*"):
        if path.is_file():
            assert b"EDITOR-" not in path.read_bytes(), path


def test_real_site_shows_no_editor_notes(tmp_path: Path) -> None:
    """Every editor value in the real bibliography is absent from every page; "RCT" keeps its case."""
    data = load_yaml((ROOT / "content/references.yaml").read_text(encoding="utf-8")).data
    shown = {" ".join(str(v).split()) for v in _editor_values(data, editor=False)}
    # an editor note worded exactly as a reader field (a caveat copied from it) is not a leak
    notes = [n for n in (" ".join(str(v).split()) for v in _editor_values(data)) if len(n) > 40 and n not in shown]
    assert notes, "the real bibliography has editor notes to look for"
    out = tmp_path / "site"
    result = run_build("build", "--out", out, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    pages = {p: " ".join(p.read_text(encoding="utf-8").split()) for p in out.rglob("*.html")}
    for note in [*notes, "Confirm on nccih.nih.gov", "matches the list in the brief", "before quoting", "FAPESP"]:
        assert not [p for p, text in pages.items() if note in text], note
    bibliography = pages[out / "bibliography/index.html"]
    assert "RCT." in bibliography and "Rct" not in bibliography
    assert "seen only in secondary copies" not in bibliography


def _editor_values(data: object, editor: bool = True) -> list[object]:
    """The values under every editor key anywhere in the file (or, with editor=False, all others)."""
    found: list[object] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in EDITOR_KEYS or key in ("notes", "claims_not_supported"):
                found += _leaves(value) if editor else []
            else:
                found += _editor_values(value, editor)
    elif isinstance(data, list):
        for item in data:
            found += _editor_values(item, editor)
    elif not editor:
        found.append(data)
    return found


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_every_research_source_has_the_reader_fields_for_the_evidence_table() -> None:
    sources, problems = load_bibliography(ROOT / "content/references.yaml", "references.yaml")
    assert problems == []
    research = [s for s in sources.values() if s.category == "research"]
    assert len(research) >= 25
    for source in research:
        assert source.design and source.population and source.caveat, source.id
        assert all(finding for _, finding in source.findings), source.id
        assert source.verified or source.unverified_reason, source.id
