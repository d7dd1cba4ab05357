"""docs/DEVELOPMENT.md's tables match the tree: every module they name exists, and every module
of every app is named (as a room every app has, in its app's row, or in its package's lines)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "DEVELOPMENT.md"
APPS = (
    "accounts",
    "connections",
    "files",
    "notifications",
    "approvals",
    "payables",
    "credits",
    "banking",
    "webhooks",
    "comments",
    "cleopay",
)
TOKEN = re.compile(r"`([^`]+)`")


def _units() -> list[set[str]]:
    """The doc's backticked tokens, per table row and per paragraph of prose."""
    units, paragraph = [], []
    for line in [*DOC.read_text().splitlines(), ""]:
        if line.startswith("|"):
            units.append(set(TOKEN.findall(line)))
        elif line.strip():
            paragraph.append(line)
        elif paragraph:
            units.append(set(TOKEN.findall(" ".join(paragraph))))
            paragraph = []
    return units


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app).as_posix()
            if path.name == "__init__.py" or "migrations/" in relative:
                continue
            yield app, relative


def _named(app: str, relative: str, units: list[set[str]]) -> bool:
    folder, _, name = relative.rpartition("/")
    stem = name.removesuffix(".py")
    for tokens in units:
        if f"{app}/{relative}" in tokens:
            return True
        about_app = any(t == "<app>/" or t.startswith(("<app>/", f"{app}/")) for t in tokens)
        if not about_app:
            continue
        if not folder and (name in tokens or f"<app>/{name}" in tokens):
            return True
        # a package's module: the package named in the same row or paragraph, and the module
        in_folder = any(t.rstrip("/").endswith(folder) for t in tokens if t.endswith("/"))
        in_folder = in_folder or any(t.startswith(f"{app}/{folder}/") for t in tokens)
        if folder and in_folder and (stem in tokens or name in tokens):
            return True
    return False


def test_every_module_of_every_app_is_in_the_doc():
    units = _units()
    missing = [f"{app}/{rel}" for app, rel in _modules() if not _named(app, rel, units)]
    assert missing == []


def test_every_path_the_doc_names_exists():
    named = {
        token.split(" ")[0]
        for tokens in _units()
        for token in tokens
        if "/" in token and token.split("/")[0] in APPS and "<" not in token
    }
    assert named, "the doc names modules by their paths"
    assert sorted(path for path in named if not (ROOT / path).exists()) == []
