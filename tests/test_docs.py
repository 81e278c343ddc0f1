"""The manual (docs/, built with MkDocs) builds cleanly, every page is in its nav, and every
relative link in it, the README and the benchmarks' README leads somewhere."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown.extensions.toc import slugify

from .helpers import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
# The Markdown files outside docs/ that link into the repository.
FRONT_DOORS = [ROOT / "README.md", ROOT / "bench" / "README.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^ *```.*?^ *```", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")


def nav_pages(entries) -> list[str]:
    """The page paths in an MkDocs nav, however deeply its sections nest."""
    pages = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def prose(path: Path) -> str:
    """A Markdown file without its code: links in code are not links."""
    return CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as Python-Markdown (and, for these headings,
    GitHub) makes them: from the heading's text, code included."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6} +(.+?) *$", text, re.M)
    return {slugify(heading.replace("`", ""), "-") for heading in headings}


def links(path: Path) -> list[str]:
    return [target for target in LINK.findall(prose(path))
            if not re.match(r"[a-z][a-z0-9+.-]*:", target)]  # http:, https:, mailto:


def leads_somewhere(source: Path, target: str) -> bool:
    """Whether a relative link from `source` names a file in the repository and, for a Markdown
    file, one of its headings if it names one."""
    file, _, anchor = target.partition("#")
    linked = (source.parent / file).resolve() if file else source
    if not linked.exists() or not linked.is_relative_to(ROOT):
        return False
    return not anchor or linked.suffix != ".md" or anchor in anchors(linked)


def test_the_manual_builds_with_mkdocs_strict(tmp_path):
    # --strict turns every warning into a failure: a page left out of the nav, a link to a page
    # or heading that does not exist (mkdocs.yml's validation settings).
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in PAGES:
        built = page.relative_to(DOCS).with_suffix("")
        built = built.parent if built.name == "index" else built
        assert (tmp_path / "site" / built / "index.html").is_file(), page


def test_every_page_is_in_the_nav_once_and_every_nav_entry_is_a_page():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    assert sorted(listed) == sorted(str(page.relative_to(DOCS)) for page in PAGES)


@pytest.mark.parametrize("path", PAGES + FRONT_DOORS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path):
    broken = [target for target in links(path) if not leads_somewhere(path, target)]
    assert not broken, f"{path.relative_to(ROOT)} links to what is not there: {broken}"


def test_the_front_doors_send_readers_nowhere_outside_the_repository():
    for path in FRONT_DOORS + PAGES:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
