"""The repository stands alone: no tracked file cites a file outside it.

Sources are named by what a reader can open (a vendor's URL, a help article's title, an RFC, a public
repository and path), never by a private notes file or one of its sections. This file is the one
tracked file not scanned: its examples are the citations it refuses.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SELF = Path(__file__).relative_to(ROOT).as_posix()

OUTSIDE = {
    "a design notes file": re.compile(r"\bDESIGN\.md\b"),
    "a fact-sheet folder": re.compile(r"(?<![\w.-])specs/"),
    "a shared folder outside the repository": re.compile(r"/work/shared\b"),
    "a section of a fact sheet": re.compile(r"\b(?:lever|jira|justworks|anchors|libraries)\.md\s*§"),
}
# A section sign with a number, not in a line that names the RFC it belongs to.
BARE_SECTION = re.compile(r"§\s*\d")
RFC = re.compile(r"\bRFC\s*\d+")


def tracked_texts() -> list[tuple[str, str]]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    texts = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if name == SELF or not path.is_file():
            continue
        try:
            texts.append((name, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue  # binary (a gzipped API description); it names nothing
    return texts


def offences(name: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        found += [f"{name}:{number}: {what}: {line.strip()}" for what, p in OUTSIDE.items() if p.search(line)]
        if any(not RFC.search(line, 0, m.start()) for m in BARE_SECTION.finditer(line)):
            found.append(f"{name}:{number}: a section with no public document named: {line.strip()}")
    return found


def test_no_tracked_file_cites_a_file_outside_the_repository() -> None:
    texts = tracked_texts()
    names = {name for name, _ in texts}
    assert {"README.md", "docs/sims/lever.md", "tests/sims/lever/test_lever_fidelity.py"} <= names
    assert any(n.startswith("src/hirebridge/sims/") for n in names)
    found = [line for name, text in texts for line in offences(name, text)]
    assert not found, "cite the public source instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "see DESIGN.md for the use cases",
        "(specs/lever.md, the webhooks part)",
        "read /work/shared/specs/jira.md first",
        "every pipeline ends with Offer (lever.md §4.3)",
        "hidden emails (jira.md§2.14)",
        "Member types (justworks.md §2.5)",
        "sandbox records give it the highest index (§8.8)",
    ],
)
def test_a_citation_of_an_outside_file_is_caught(line: str) -> None:
    assert offences("x.py", line)


@pytest.mark.parametrize(
    "line",
    [
        "see docs/sims/lever.md and docs/sims/justworks.md for what it invents",
        "an HTTP-date (RFC 9110 §10.2.3)",
        "Lever's developer FAQ, https://hire.lever.co/developer/support",
        "tests/openapi_specs/platform.json",
        "use cases U1–U10 (docs/concepts.md)",
    ],
)
def test_in_repository_files_and_public_sources_pass(line: str) -> None:
    assert offences("x.py", line) == []
