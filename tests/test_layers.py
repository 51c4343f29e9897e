"""The layers of docs/architecture.md, kept by import-linter's contracts in pyproject.toml:
the code keeps them, every package is in one, and a wrong import breaks them."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "tertial"
# Django's project modules, which name the apps they put together, stand above the layers.
PROJECT_MODULES = {"settings", "urls", "wsgi"}


def _contracts() -> list[dict]:
    with (REPO / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]["contracts"]


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
         "sys.exit(lint_imports_command())", str(config), "--no-cache", "--no-logo"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )  # fmt: skip


def test_the_code_keeps_every_contract():
    result = _lint(REPO / "pyproject.toml", REPO)
    assert result.returncode == 0, result.stdout


def test_every_package_of_tertial_is_in_a_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {
        f"tertial.{path.stem}"
        for path in PACKAGE.iterdir()
        if (path / "__init__.py").is_file()
        or (path.suffix == ".py" and path.stem not in PROJECT_MODULES | {"__init__"})
    }
    assert packages and packages <= named, sorted(packages - named)


def test_a_wrong_import_breaks_the_layers(tmp_path):
    copy = tmp_path / "tertial"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    assert _lint(tmp_path / "pyproject.toml", tmp_path).returncode == 0
    with (copy / "core" / "money.py").open("a") as module:
        module.write("\nfrom tertial.web import views  # noqa: E402, F401\n")
    result = _lint(tmp_path / "pyproject.toml", tmp_path)
    assert result.returncode != 0
    assert "tertial.core is not allowed to import tertial.web" in result.stdout
