"""What the package declares is true: dependency floors that CI installs, supported Pythons,
license and typing metadata, and a README test command that CI runs verbatim.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    with (ROOT / "pyproject.toml").open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)["project"]
    return data


def minimum_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / ".ci" / "minimum-constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def test_ci_pins_exactly_the_declared_floor_of_every_runtime_dependency(
    project: dict[str, Any],
) -> None:
    floors = {}
    for text in project["dependencies"]:
        requirement = Requirement(text)
        lower = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        assert len(lower) == 1, f"{text}: one >= floor expected"
        floors[requirement.name] = lower[0]

    pinned = {name: Version(version) for name, version in minimum_pins().items()}
    assert pinned == {name: Version(version) for name, version in floors.items()}


def test_the_minimum_pins_satisfy_every_extra_too(project: dict[str, Any]) -> None:
    pins = minimum_pins()
    for extra, requirements in project["optional-dependencies"].items():
        for text in requirements:
            requirement = Requirement(text)
            if requirement.name in pins:
                assert requirement.specifier.contains(pins[requirement.name]), (extra, text)


def test_classifiers_declare_the_supported_pythons_typing_asyncio_and_license(
    project: dict[str, Any],
) -> None:
    classifiers = set(project["classifiers"])

    assert project["requires-python"] == f">={SUPPORTED[0]}"
    versions = {c.rpartition(" :: ")[2] for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)}
    assert versions == set(SUPPORTED)
    assert {"Typing :: Typed", "Framework :: AsyncIO"} <= classifiers
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert project["license"] == "MIT"
    assert project["urls"]


def test_the_license_file_is_mit_and_the_package_ships_py_typed() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (ROOT / "bpx_async" / "py.typed").is_file()


def test_ci_runs_every_supported_python_and_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert f"SUPPORTED_PYTHONS=({' '.join(SUPPORTED)})" in ci
    commands = re.findall(r"^(python3 -m venv \.venv && .+)$", readme, re.MULTILINE)
    test_command = next(command for command in commands if "pytest" in command)
    assert test_command in ci.splitlines()
