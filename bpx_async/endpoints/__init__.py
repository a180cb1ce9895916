"""Every REST operation the SDK knows, as one declarative table: :data:`ENDPOINTS`.

Each group module (``markets``, ``orders`` ...) declares :class:`Endpoint` records; this package
collects them. Resource methods are thin over these records, and the records are what the
coverage test checks against the official OpenAPI spec.
"""

from __future__ import annotations

from typing import Any

from . import (
    account,
    assets,
    borrow_lend,
    capital,
    history,
    markets,
    orders,
    positions,
    rfq,
    strategies,
    system,
    trades,
    vaults,
)
from ._spec import Auth, Endpoint, ResponseKind

__all__ = ["BY_ROUTE", "ENDPOINTS", "Auth", "Endpoint", "ResponseKind"]

_GROUPS = (
    system,
    assets,
    markets,
    trades,
    borrow_lend,
    vaults,
    account,
    capital,
    orders,
    positions,
    history,
    rfq,
    strategies,
)

#: Every operation, in group order.
ENDPOINTS: tuple[Endpoint[Any], ...] = tuple(
    value for group in _GROUPS for value in vars(group).values() if isinstance(value, Endpoint)
)

#: ``(method, path) -> Endpoint``.
BY_ROUTE: dict[tuple[str, str], Endpoint[Any]] = {(e.method, e.path): e for e in ENDPOINTS}

if len(BY_ROUTE) != len(ENDPOINTS):  # pragma: no cover - a programming error caught at import
    raise RuntimeError("two endpoint records share a method and path")
