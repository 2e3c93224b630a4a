"""The package layout is the architecture (docs/architecture.md): layers, no cycles, no private reach-ins."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import ROOT

SRC = ROOT / "src" / "samsim"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def test_no_private_name_is_imported_across_packages() -> None:
    offences = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        package = _package_of(module, path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("samsim"):
                source_package = node.module
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    private_name = alias.name.startswith("_") and alias.name != "__version__"
                    private_module = any(p.startswith("_") for p in node.module.split(".")[1:])
                    if (private_name or private_module) and not (
                        source_package == package or node.module.rpartition(".")[0] == package
                    ):
                        if node.module == "samsim._version":
                            continue
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {target}")
    assert offences == []


def test_no_import_cycles_between_modules() -> None:
    graph = grimp.build_graph("samsim")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            if importer.startswith(imported + ".") or imported.startswith(importer + "."):
                continue  # a package and its own submodules (re-exports in __init__)
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(f"{importer} -> {' -> '.join(back)}")
    assert cycles == []


def test_import_contract_holds() -> None:
    res = subprocess.run([str(LINT_IMPORTS)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        ("models/radar.py", "import samsim.sim.engine", "Layers"),
        ("c2/evaluation.py", "import samsim.catalog", "Pure computation"),
    ],
)
def test_import_contract_fails_the_build_when_violated(
    tmp_path: Path, module: str, bad_import: str, broken: str
) -> None:
    """The same contract, on a copy of the package with one import that points up: lint-imports fails."""
    shutil.copytree(
        SRC, tmp_path / "samsim", ignore=shutil.ignore_patterns("frontend", "static", "__pycache__")
    )
    target = tmp_path / "samsim" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # noqa\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    res = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
    )
    assert res.returncode == 1, res.stdout + res.stderr
    assert "BROKEN" in res.stdout and broken in res.stdout
