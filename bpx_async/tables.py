"""Aligned text tables of SDK results, and the columns the CLI, the demo and the examples share.

A :class:`Column` is a header plus how to read one cell from a row; :func:`render_table` lays
rows out with numbers right-aligned. This module imports only models, so anything may use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .models.markets import Depth

__all__ = [
    "BALANCE_COLUMNS",
    "DEPTH_COLUMNS",
    "FILL_COLUMNS",
    "KLINE_COLUMNS",
    "MARKET_COLUMNS",
    "ORDER_COLUMNS",
    "TICKER_COLUMNS",
    "TRADE_COLUMNS",
    "Column",
    "Output",
    "balance_rows",
    "depth_rows",
    "format_cell",
    "from_millis",
    "model_columns",
    "percent",
    "render_table",
    "select",
    "to_jsonable",
]


@dataclass(frozen=True)
class Output:
    """What a command produced: the data for ``--json`` and the text for people."""

    data: Any
    text: str


def to_jsonable(value: Any, *, drop_none: bool = False) -> Any:
    """Models, lists and dicts as plain JSON data: camelCase keys, decimals as strings.

    ``drop_none`` leaves out the fields of models that have no value.
    """
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=drop_none)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item, drop_none=drop_none) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item, drop_none=drop_none) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def format_cell(value: object) -> str:
    """One table cell: exchange digits for decimals, ``-`` for a missing value, compact JSON for
    nested data (models, lists, dicts).
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (BaseModel, dict, list, tuple)):
        compact = to_jsonable(value, drop_none=True)
        return json.dumps(compact, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, (Decimal, int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Column:
    """A table column: its header and how to read the cell from a row object."""

    header: str
    read: Callable[[Any], object]

    @classmethod
    def attr(cls, header: str, name: str) -> Column:
        """A column showing the attribute ``name`` (``-`` when the row has none)."""
        return cls(header, lambda row: getattr(row, name, None))

    def on(self, part: Callable[[Any], Any]) -> Column:
        """The same column, read from ``part(row)`` instead of the row (e.g. a pair's value)."""
        read = self.read
        return Column(self.header, lambda row: read(part(row)))


def render_table(columns: Sequence[Column], rows: Sequence[Any]) -> str:
    """Rows as an aligned text table; a column whose cells are all numbers is right-aligned."""
    values = [[column.read(row) for column in columns] for row in rows]
    cells = [[format_cell(value) for value in row] for row in values]
    widths = [len(column.header) for column in columns]
    numeric = [True] * len(columns)
    for raw_row, text_row in zip(values, cells, strict=True):
        for index, (raw, text) in enumerate(zip(raw_row, text_row, strict=True)):
            widths[index] = max(widths[index], len(text))
            if raw is not None and not _is_number(raw):
                numeric[index] = False

    def line(parts: Sequence[str]) -> str:
        padded = (
            part.rjust(width) if right else part.ljust(width)
            for part, width, right in zip(parts, widths, numeric, strict=True)
        )
        return "  ".join(padded).rstrip()

    lines = [line([column.header for column in columns])]
    lines.append(line(["-" * width for width in widths]))
    lines.extend(line(row) for row in cells)
    return "\n".join(lines)


def model_columns(rows: Sequence[BaseModel]) -> tuple[Column, ...]:
    """A column per model field that at least one row has a value for, in declaration order.

    For results without a hand-made column set (``bpx call``); nested values show as JSON.
    """
    names: list[str] = []
    for row in rows:
        names.extend(name for name in type(row).model_fields if name not in names)
    return tuple(
        Column.attr(name, name)
        for name in names
        if any(getattr(row, name, None) is not None for row in rows)
    )


def select(columns: Sequence[Column], *headers: str) -> tuple[Column, ...]:
    """The columns with these headers, in the order given (a narrower view of a shared set)."""
    by_header = {column.header: column for column in columns}
    missing = [header for header in headers if header not in by_header]
    if missing:
        raise KeyError(f"no column named {', '.join(missing)}")
    return tuple(by_header[header] for header in headers)


# --- cell helpers -------------------------------------------------------------------------------


def percent(fraction: Decimal | None) -> Decimal | None:
    """A fraction as a percentage with two decimals: ``-0.0049`` -> ``-0.49``."""
    if fraction is None:
        return None
    return (fraction * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def from_millis(ms: int | None) -> datetime | None:
    """Epoch milliseconds as an aware UTC datetime (None stays None)."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def _balance_total(balance: Any) -> Decimal:
    parts = (balance.available, balance.locked, balance.staked)
    return sum((part for part in parts if part is not None), Decimal(0))


def balance_rows(balances: dict[str, Any]) -> list[tuple[str, Any]]:
    """``capital.balances()`` as rows for :data:`BALANCE_COLUMNS`, sorted by asset."""
    return sorted(balances.items())


def depth_rows(book: Depth, levels: int | None = None) -> list[tuple[str, Decimal, Decimal | None]]:
    """An order book as rows for :data:`DEPTH_COLUMNS`: asks from the highest down, then the
    spread, then bids from the best down; ``levels`` limits each side.
    """
    asks = sorted(book.asks)[:levels]
    bids = sorted(book.bids, reverse=True)[:levels]
    rows: list[tuple[str, Decimal, Decimal | None]] = [
        ("ask", price, quantity) for price, quantity in reversed(asks)
    ]
    spread = book.spread
    if spread is not None:
        rows.append(("spread", spread, None))
    rows.extend(("bid", price, quantity) for price, quantity in bids)
    return rows


# --- the shared column sets -----------------------------------------------------------------------

#: Rows: :class:`~bpx_async.models.markets.Market`.
MARKET_COLUMNS: tuple[Column, ...] = (
    Column.attr("symbol", "symbol"),
    Column.attr("type", "market_type"),
    Column.attr("base", "base_symbol"),
    Column.attr("quote", "quote_symbol"),
    Column("tick size", lambda m: m.filters.price.tick_size),
    Column("step size", lambda m: m.filters.quantity.step_size),
    Column("min qty", lambda m: m.filters.quantity.min_quantity),
    Column.attr("state", "order_book_state"),
)

#: Rows: :class:`~bpx_async.models.markets.Ticker`. ``change %`` is a true percentage (the
#: model's ``price_change_percent`` is a fraction).
TICKER_COLUMNS: tuple[Column, ...] = (
    Column.attr("symbol", "symbol"),
    Column.attr("last", "last_price"),
    Column("change %", lambda ticker: percent(ticker.price_change_percent)),
    Column.attr("high", "high"),
    Column.attr("low", "low"),
    Column.attr("volume", "volume"),
    Column.attr("quote volume", "quote_volume"),
    Column.attr("trades", "trades"),
)

#: Rows: ``(side, price, quantity)`` from :func:`depth_rows`.
DEPTH_COLUMNS: tuple[Column, ...] = (
    Column("side", lambda row: row[0]),
    Column("price", lambda row: row[1]),
    Column("quantity", lambda row: row[2]),
)

#: Rows: :class:`~bpx_async.models.markets.Kline`.
KLINE_COLUMNS: tuple[Column, ...] = (
    Column.attr("start", "start"),
    Column.attr("open", "open"),
    Column.attr("high", "high"),
    Column.attr("low", "low"),
    Column.attr("close", "close"),
    Column.attr("volume", "volume"),
    Column.attr("trades", "trades"),
)

#: Rows: public trades (``trades.recent``).
TRADE_COLUMNS: tuple[Column, ...] = (
    Column.attr("id", "id"),
    Column("time", lambda trade: from_millis(trade.timestamp)),
    Column.attr("price", "price"),
    Column.attr("quantity", "quantity"),
    Column.attr("quote qty", "quote_quantity"),
    Column.attr("buyer maker", "is_buyer_maker"),
)

#: Rows: placed, open or cancelled orders.
ORDER_COLUMNS: tuple[Column, ...] = (
    Column.attr("id", "id"),
    Column.attr("client id", "client_id"),
    Column.attr("symbol", "symbol"),
    Column.attr("side", "side"),
    Column.attr("type", "order_type"),
    Column.attr("price", "price"),
    Column.attr("quantity", "quantity"),
    Column.attr("executed", "executed_quantity"),
    Column.attr("status", "status"),
    Column.attr("tif", "time_in_force"),
    Column.attr("post only", "post_only"),
)

#: Rows: the account's fills (``history.fills``).
FILL_COLUMNS: tuple[Column, ...] = (
    Column.attr("time", "timestamp"),
    Column.attr("symbol", "symbol"),
    Column.attr("side", "side"),
    Column.attr("price", "price"),
    Column.attr("quantity", "quantity"),
    Column.attr("fee", "fee"),
    Column.attr("fee asset", "fee_symbol"),
    Column.attr("maker", "is_maker"),
    Column.attr("order id", "order_id"),
    Column.attr("trade id", "trade_id"),
)

#: Rows: ``(asset, balance)`` pairs from :func:`balance_rows`.
BALANCE_COLUMNS: tuple[Column, ...] = (
    Column("asset", lambda row: row[0]),
    Column("available", lambda row: row[1].available),
    Column("locked", lambda row: row[1].locked),
    Column("staked", lambda row: row[1].staked),
    Column("total", lambda row: _balance_total(row[1])),
)
