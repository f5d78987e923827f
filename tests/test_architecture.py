"""The direction of imports between packages, and where SQL may be spoken (README: Layout of the code)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT

# Lowest first. A module may import its own package and the packages of lower layers only;
# packages of one layer do not import each other.
LAYERS = (
    ("archive.base",),
    ("docgen", "index"),
    ("archive.dataroot", "archive.content"),
    ("archive.catalog",),
    ("archive.indexing",),
    ("archive.casework",),
    ("archive.intake", "archive.outputs", "archive.custody"),
    ("archive.web",),
    ("cli",),
)
PACKAGES = [package for layer in LAYERS for package in layer]
LEVEL = {package: n for n, layer in enumerate(LAYERS) for package in layer}
OURS = ("archive", "docgen", "index", "cli")
# What `daiban --help` must not load (measured: these made up most of its start-up time).
HEAVY = ("pikepdf", "PIL", "docx", "docxtpl", "whoosh", "tantivy", "sqlalchemy", "ocrmypdf", "pypdfium2",
         "rich", "jinja2")


def modules() -> dict[str, Path]:
    """Every module of the program (not tests, benchmarks or tools) by dotted name."""
    found = {"cli": PROJECT / "cli.py"}
    for top in ("archive", "docgen", "index"):
        for path in (PROJECT / top).rglob("*.py"):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def package_of(module: str) -> str | None:
    """The package of the layer table a module belongs to (the longest matching prefix)."""
    matches = [p for p in PACKAGES if module == p or module.startswith(p + ".")]
    return max(matches, key=len) if matches else None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, at any depth (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


ALL = modules()


@pytest.mark.parametrize("module", sorted(m for m in ALL if m not in ("archive",)))
def test_every_module_has_a_place_in_the_layers(module):
    assert package_of(module), f"{module} 不属于分层表中的任何包：请在 LAYERS 和 README 中说明它的位置"


@pytest.mark.parametrize("module", sorted(ALL))
def test_imports_point_only_downwards(module):
    own = package_of(module)
    wrong = []
    for line, target in imports(ALL[module]):
        if target.split(".")[0] not in OURS:
            continue
        theirs = package_of(target)
        if own is None or theirs is None or theirs == own:
            continue
        if LEVEL[theirs] >= LEVEL[own]:
            wrong.append(f"{ALL[module].relative_to(PROJECT)}:{line} imports {target} ({theirs} is not below {own})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(ALL))
def test_only_the_catalog_speaks_sql(module):
    if package_of(module) == "archive.catalog":
        return
    sql = [f"{line}: {target}" for line, target in imports(ALL[module])
           if target.split(".")[0] in ("sqlalchemy", "sqlite3")]
    assert not sql, f"{module} uses the database directly: {sql}"


@pytest.mark.parametrize("module", sorted(m for m in ALL if package_of(m) == "archive.catalog"))
def test_the_catalog_never_calls_the_search_index(module):
    # Index work goes through the outbox, carried out by archive.indexing after the commit.
    called = [target for _, target in imports(ALL[module]) if target.split(".")[0] == "index"]
    assert not called, f"{module} calls the index: {called}"


def database_attributes(module: str) -> set[str]:
    """The attributes of a database connection a module's code uses."""
    tree = ast.parse(ALL[module].read_text(encoding="utf-8"))
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & {"engine", "connect", "write", "execute"}


def test_cli_opens_the_archive_but_no_connection():
    catalog = [target for _, target in imports(ALL["cli"]) if target.startswith("archive.catalog")]
    assert {t.rsplit(".", 1)[0] for t in catalog} <= {"archive.catalog.session", "archive.catalog.verify"}
    touched = database_attributes("cli")
    assert not touched, f"cli.py reaches into the database: {touched}"


@pytest.mark.parametrize("module", sorted(m for m in ALL if package_of(m) == "archive.web"))
def test_the_web_interface_calls_services_and_never_the_database(module):
    touched = database_attributes(module)
    assert not touched, f"{module} reaches into the database: {touched}"


def test_help_loads_no_heavy_library():
    code = "import sys, cli; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True,
                                check=True).stdout.split())
    assert not loaded & set(HEAVY), f"import cli loads {sorted(loaded & set(HEAVY))}"
