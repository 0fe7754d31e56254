"""Every package the product's code imports is one of its declared runtime dependencies.

The development install brings many more packages (pytest, playwright, moto…), so a missing
runtime dependency passes every other test and fails only on a production install: `requests`
once did exactly that. This reads the imports of every module under `src/territori` and checks
each third-party one against `[project.dependencies]` of pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "territori"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return _normalise(match.group(1))


def _declared_runtime() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_requirement_name(requirement) for requirement in project["dependencies"]}


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _runtime_imports(tree: ast.AST) -> set[str]:
    """Top-level names imported outside `if TYPE_CHECKING:` blocks (those need only stubs)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _is_type_checking_block(node):
            assert isinstance(node, ast.If)
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imports_by_module() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names = _runtime_imports(ast.parse(path.read_text(), filename=str(path)))
        third_party = {
            name
            for name in names
            if name not in sys.stdlib_module_names and name not in {"territori", "__future__"}
        }
        if third_party:
            result[str(path.relative_to(ROOT))] = third_party
    return result


def test_the_import_reader_sees_runtime_imports_and_skips_type_checking_ones() -> None:
    tree = ast.parse(
        "import a.b\nfrom c.d import e\nfrom . import f\n"
        "def g():\n    import h\n"
        "if TYPE_CHECKING:\n    import i\nelse:\n    import j\n"
        "if typing.TYPE_CHECKING:\n    import k\n"
    )
    assert _runtime_imports(tree) == {"a", "c", "h", "j"}


def test_every_imported_package_is_a_declared_runtime_dependency() -> None:
    declared = _declared_runtime()
    distributions = importlib.metadata.packages_distributions()
    undeclared: list[str] = []
    for module, names in imports_by_module().items():
        for name in sorted(names):
            providers = {_normalise(dist) for dist in distributions.get(name, [])}
            if not providers:
                undeclared.append(f"{module}: {name} (no installed distribution provides it)")
            elif not providers & declared:
                undeclared.append(f"{module}: {name} (from {', '.join(sorted(providers))})")
    assert not undeclared, (
        "imported by the product but not in [project.dependencies]:\n" + "\n".join(undeclared)
    )


def test_no_development_package_is_imported_by_the_product() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    development_only = {
        _requirement_name(requirement) for requirement in project["optional-dependencies"]["dev"]
    } - _declared_runtime()
    distributions = importlib.metadata.packages_distributions()
    offending = [
        f"{module}: {name}"
        for module, names in imports_by_module().items()
        for name in sorted(names)
        if {_normalise(dist) for dist in distributions.get(name, [])} & development_only
    ]
    assert not offending, offending
