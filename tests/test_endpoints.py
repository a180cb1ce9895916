"""The endpoint table: complete against the official spec, and every record reachable by name."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from bpx_async import AsyncClient
from bpx_async.endpoints import BY_ROUTE, ENDPOINTS

SPEC = Path(__file__).resolve().parents[2] / "shared" / "backpack-api" / "openapi.yaml"
_INSTRUCTION = re.compile(r"\*\*(?:Batch commands )?[Ii]nstruction:\*\*\s*`([A-Za-z]+)`")


def _spec_operations() -> dict[tuple[str, str], str | None]:
    if not SPEC.exists():
        pytest.skip(f"the official spec is not at {SPEC} (it lives outside the repository)")
    import yaml

    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    ops: dict[tuple[str, str], str | None] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "patch", "delete", "put"):
                continue
            match = _INSTRUCTION.search(op.get("description") or "")
            ops[(method.upper(), path)] = match.group(1) if match else None
    return ops


def test_every_spec_operation_is_in_endpoints_with_the_same_instruction() -> None:
    spec = _spec_operations()
    assert len(spec) == 81
    missing = sorted(route for route in spec if route not in BY_ROUTE)
    assert missing == []
    wrong = {
        route: (BY_ROUTE[route].instruction, instruction)
        for route, instruction in spec.items()
        if BY_ROUTE[route].instruction != instruction
    }
    assert wrong == {}


def test_every_record_names_a_method_the_client_has() -> None:
    client = AsyncClient()
    for endpoint in ENDPOINTS:
        group, _, method = endpoint.name.partition(".")
        bound = getattr(getattr(client, group, None), method, None)
        assert bound is not None, f"{endpoint.name} has no client method"
        assert inspect.iscoroutinefunction(bound), endpoint.name


def test_signed_records_have_instructions_and_public_records_do_not() -> None:
    for endpoint in ENDPOINTS:
        if endpoint.auth == "signed":
            assert endpoint.instruction, endpoint.name
        else:
            assert endpoint.instruction is None, endpoint.name


def test_record_names_are_unique() -> None:
    names = [e.name for e in ENDPOINTS]
    assert len(names) == len(set(names))


def test_readme_endpoint_table_is_current() -> None:
    from bpx_async.endpoints.__main__ import markdown_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert markdown_table() in readme, "regenerate with: python -m bpx_async.endpoints"
