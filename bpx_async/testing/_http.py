"""Response and parameter helpers shared by the fake exchange's REST handlers.

Errors come in the exchange's two flavours: ``{"code","message"}`` JSON for business errors and
plain text for request-parsing failures, as the real API answers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar

from aiohttp import web
from multidict import MultiMapping

__all__ = [
    "ParamError",
    "dec",
    "error_response",
    "json_response",
    "naive_datetime",
    "page",
    "page_headers",
    "param_choice",
    "param_int",
    "param_str",
    "text_error",
]

T = TypeVar("T")

JSON_TYPE = "application/json"
_UINT64_MAX = 2**64 - 1


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(
    payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    text = json.dumps(payload, separators=(",", ":"), default=_default)
    return web.Response(
        status=status, text=text, content_type=JSON_TYPE, charset="utf-8", headers=headers
    )


def error_response(status: int, code: str, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status=status)


def text_error(message: str, status: int = 400) -> web.Response:
    """A plain-text error, as the exchange's request parser answers."""
    return web.Response(status=status, text=message, content_type="text/plain", charset="utf-8")


class ParamError(Exception):
    """A query parameter or body member that does not parse; answered as plain text 400."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"failed to parse parameter `{name}`: {problem}")


def param_str(query: MultiMapping[str], name: str, *, required: bool = False) -> str | None:
    value = query.get(name)
    if value is None and required:
        raise ParamError(name, 'Type "String" expects an input, but not found')
    return value


def param_int(
    query: MultiMapping[str],
    name: str,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int | None = None,
    required: bool = False,
) -> int | None:
    text = query.get(name)
    if text is None:
        if required:
            raise ParamError(name, 'Type "Integer" expects an input, but not found')
        return default
    try:
        value = int(text)
    except ValueError:
        raise ParamError(name, f'Type "Integer" cannot parse {text!r}') from None
    if maximum is None:
        maximum = _UINT64_MAX  # the widest integer type of the API
    if value < minimum or value > maximum:
        bound = f"{minimum}..{maximum}"
        raise ParamError(name, f"value {value} is out of range {bound}")
    return value


def param_choice(
    query: MultiMapping[str], name: str, choices: Collection[str], *, default: str | None = None
) -> str | None:
    value = query.get(name)
    if value is None:
        return default
    if value not in choices:
        raise ParamError(name, "Expect a valid enumeration value.")
    return value


def dec(value: Decimal) -> str:
    """Decimal as the exchange writes it: plain digits, no exponent."""
    return format(value, "f")


def naive_datetime(ms: int) -> str:
    """Milliseconds since the epoch as a zone-less UTC ISO string (``2025-07-27T17:39:00.092``)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds")


def page(rows: Sequence[T], *, limit: int, offset: int) -> tuple[list[T], dict[str, str]]:
    """One page of ``rows`` and its pagination headers."""
    return list(rows[offset : offset + limit]), page_headers(len(rows), limit=limit, offset=offset)


def page_headers(total: int, *, limit: int, offset: int) -> dict[str, str]:
    """The exchange's pagination headers for a page of a ``total``-row listing."""
    return {
        "X-TOTAL": str(total),
        "X-PAGE-SIZE": str(limit),
        "X-CURRENT-PAGE": str(offset // limit + 1 if limit else 1),
        "X-PAGE-COUNT": str(math.ceil(total / limit) if limit else 0),
        "Access-Control-Expose-Headers": "X-TOTAL, X-PAGE-SIZE, X-CURRENT-PAGE, X-PAGE-COUNT",
    }
