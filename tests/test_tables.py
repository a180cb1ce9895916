"""The table renderer and the column sets shared by the CLI, the demo and the examples."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from bpx_async.models.enums import Side
from bpx_async.models.markets import Depth, Ticker
from bpx_async.tables import (
    DEPTH_COLUMNS,
    FILL_COLUMNS,
    TICKER_COLUMNS,
    Column,
    depth_rows,
    format_cell,
    model_columns,
    percent,
    render_table,
    select,
)


def test_render_table_aligns_columns_and_right_aligns_numbers() -> None:
    rows = [("SOL_USDC", Decimal("150.5")), ("BTC_USDC", Decimal("97000")), ("X", Decimal(7))]
    columns = [Column("symbol", lambda row: row[0]), Column("price", lambda row: row[1])]

    lines = render_table(columns, rows).splitlines()

    assert lines == [
        "symbol    price",
        "--------  -----",
        "SOL_USDC  150.5",
        "BTC_USDC  97000",
        "X             7",
    ]


def test_missing_values_show_a_dash_and_keep_a_numeric_column_right_aligned() -> None:
    rows = [{"n": Decimal("12.25")}, {"n": None}]
    text = render_table([Column("amount", lambda row: row["n"])], rows)

    assert text.splitlines()[2:] == [" 12.25", "     -"]


def test_format_cell_shows_wire_values_plain_decimals_and_utc_times() -> None:
    assert format_cell(Side.BID) == "Bid"
    assert format_cell(Decimal("1E-7")) == "0.0000001"
    assert format_cell(True) == "yes"
    moment = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
    assert format_cell(moment) == "2026-12-02 10:00:00"


def test_select_returns_the_named_columns_in_the_order_asked() -> None:
    chosen = select(FILL_COLUMNS, "price", "side")

    assert [column.header for column in chosen] == ["price", "side"]
    with pytest.raises(KeyError, match="no column named colour"):
        select(FILL_COLUMNS, "side", "colour")


def test_percent_turns_the_tickers_fraction_into_a_percentage() -> None:
    assert percent(Decimal("-0.0049")) == Decimal("-0.49")
    assert percent(Decimal("0.12345")) == Decimal("12.35")
    assert percent(None) is None


def test_ticker_table_shows_the_change_as_a_true_percentage() -> None:
    ticker = Ticker.model_validate(
        {"symbol": "SOL_USDC", "lastPrice": "150", "priceChangePercent": "-0.0049"}
    )

    header, _, row = render_table(TICKER_COLUMNS, [ticker]).splitlines()

    change = header.index("change %")
    assert row[change : change + len("change %")].strip() == "-0.49"


def test_depth_rows_list_asks_high_to_low_then_the_spread_then_bids_high_to_low() -> None:
    book = Depth(
        asks=[(Decimal("101"), Decimal("1")), (Decimal("103"), Decimal("3")), (Decimal("102"), 2)],
        bids=[(Decimal("99"), Decimal("4")), (Decimal("100"), Decimal("5")), (Decimal("98"), 6)],
    )

    rows = depth_rows(book, levels=2)

    assert [(side, price) for side, price, _ in rows] == [
        ("ask", Decimal("102")),
        ("ask", Decimal("101")),
        ("spread", Decimal("1")),
        ("bid", Decimal("100")),
        ("bid", Decimal("99")),
    ]
    assert render_table(DEPTH_COLUMNS, rows).splitlines()[0].split() == [
        "side",
        "price",
        "quantity",
    ]


def test_depth_rows_of_a_one_sided_book_have_no_spread_row() -> None:
    book = Depth(asks=[(Decimal("101"), Decimal("1"))], bids=[])

    assert depth_rows(book) == [("ask", Decimal("101"), Decimal("1"))]


def test_model_columns_keep_fields_some_row_has_and_show_nested_data_as_json() -> None:
    books = [
        Depth.model_validate({"bids": [["1.5", "2"]], "asks": [], "lastUpdateId": 7}),
        Depth.model_validate({"bids": [], "asks": [], "lastUpdateId": 8}),
    ]

    columns = model_columns(books)
    lines = render_table(columns, books).splitlines()

    assert [column.header for column in columns] == ["asks", "bids", "last_update_id"]
    assert lines[2].split() == ["[]", '[["1.5","2"]]', "7"]


def test_a_column_can_read_from_part_of_a_row() -> None:
    price = Column.attr("price", "price")
    pair = ("SOL_USDC", Ticker.model_validate({"symbol": "SOL_USDC", "lastPrice": "150"}))

    assert Column.attr("last", "last_price").on(lambda row: row[1]).read(pair) == Decimal(150)
    assert price.on(lambda row: row[1]).read(pair) is None
