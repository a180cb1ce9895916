"""client.account: every operation through the client, checking what is sent and signed, how the
answer is typed, and which parameters are refused before anything leaves the process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import RequestValidationError
from bpx_async.models.account import (
    AccountSummary,
    MaxBorrowQuantity,
    MaxOrderQuantity,
    MaxWithdrawalQuantity,
)
from bpx_async.models.enums import Side


async def test_get_is_signed_with_account_query_and_types_the_summary(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/account",
        payload={
            "autoBorrowSettlements": True,
            "autoLend": False,
            "autoRealizePnl": True,
            "autoRepayBorrows": True,
            "borrowLimit": "250000.00",
            "futuresMakerFee": "-1.5",
            "futuresTakerFee": "4",
            "leverageLimit": "10",
            "limitOrders": 3,
            "liquidating": False,
            "positionLimit": None,
            "spotMakerFee": "8",
            "spotTakerFee": "10",
            "triggerOrders": 0,
            "someNewSetting": "ignored",
        },
    )

    summary = await signed_client.account.get()

    assert isinstance(summary, AccountSummary)
    assert summary.futures_maker_fee == Decimal("-1.5")
    assert summary.borrow_limit == Decimal("250000.00")
    assert summary.leverage_limit == Decimal("10")
    assert summary.position_limit is None
    assert summary.limit_orders == 3
    assert summary.auto_lend is False
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", "/api/v1/account", [], None)
    assert assert_signed(sent, "accountQuery") == (
        "instruction=accountQuery&timestamp=1700000000000&window=5000"
    )


async def test_update_sends_only_given_settings_as_json_and_accepts_the_empty_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.patch(f"{BASE}/api/v1/account", status=200, body="")

    await signed_client.account.update(auto_lend=False, leverage_limit="5.50")

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("PATCH", "/api/v1/account", [])
    assert sent.body == {"autoLend": False, "leverageLimit": "5.50"}
    assert sent.headers["Content-Type"] == "application/json; charset=utf-8"
    assert assert_signed(sent, "accountUpdate") == (
        "instruction=accountUpdate&autoLend=false&leverageLimit=5.50"
        "&timestamp=1700000000000&window=5000"
    )


async def test_update_sends_every_boolean_setting_as_json_true_false(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.patch(f"{BASE}/api/v1/account", status=200, body="")

    await signed_client.account.update(
        auto_borrow_settlements=True, auto_lend=True, auto_repay_borrows=False
    )

    sent = only_request(mock_api)
    assert sent.raw_body == (
        b'{"autoBorrowSettlements":true,"autoLend":true,"autoRepayBorrows":false}'
    )
    assert_signed(sent, "accountUpdate")


async def test_max_borrow_quantity_signs_the_symbol_query(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/account/limits/borrow?symbol=USDC",
        payload={"symbol": "USDC", "maxBorrowQuantity": "1523.881200", "extra": [1, 2]},
    )

    limit = await signed_client.account.max_borrow_quantity("USDC")

    assert isinstance(limit, MaxBorrowQuantity)
    assert limit.symbol == "USDC"
    assert limit.max_borrow_quantity == Decimal("1523.881200")
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/account/limits/borrow")
    assert sent.query == [("symbol", "USDC")]
    assert assert_signed(sent, "maxBorrowQuantity") == (
        "instruction=maxBorrowQuantity&symbol=USDC&timestamp=1700000000000&window=5000"
    )


async def test_max_order_quantity_sends_booleans_as_true_false_text_and_signs_them(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/account/limits/order?autoBorrow=true&autoBorrowRepay=false"
        "&autoLendRedeem=true&price=170.50&reduceOnly=false&side=Bid&symbol=SOL_USDC",
        payload={
            "symbol": "SOL_USDC",
            "side": "Bid",
            "maxOrderQuantity": "12.34",
            "price": "170.50",
            "reduceOnly": False,
            "autoBorrow": True,
            "autoBorrowRepay": False,
            "autoLendRedeem": None,
        },
    )

    limit = await signed_client.account.max_order_quantity(
        "SOL_USDC",
        Side.BID,
        price="170.50",
        reduce_only=False,
        auto_borrow=True,
        auto_borrow_repay=False,
        auto_lend_redeem=True,
    )

    assert isinstance(limit, MaxOrderQuantity)
    assert limit.side is Side.BID
    assert limit.max_order_quantity == Decimal("12.34")
    assert limit.auto_lend_redeem is None
    sent = only_request(mock_api)
    assert sent.path == "/api/v1/account/limits/order"
    assert sent.query == [
        ("autoBorrow", "true"),
        ("autoBorrowRepay", "false"),
        ("autoLendRedeem", "true"),
        ("price", "170.50"),
        ("reduceOnly", "false"),
        ("side", "Bid"),
        ("symbol", "SOL_USDC"),
    ]
    assert assert_signed(sent, "maxOrderQuantity") == (
        "instruction=maxOrderQuantity&autoBorrow=true&autoBorrowRepay=false&autoLendRedeem=true"
        "&price=170.50&reduceOnly=false&side=Bid&symbol=SOL_USDC"
        "&timestamp=1700000000000&window=5000"
    )


async def test_max_order_quantity_keeps_an_unknown_side_in_the_answer_as_text(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/account/limits/order?side=Ask&symbol=SOL_USDC_PERP",
        payload={"symbol": "SOL_USDC_PERP", "side": "Sell", "maxOrderQuantity": "0"},
    )

    limit = await signed_client.account.max_order_quantity("SOL_USDC_PERP", "Ask")

    assert limit.side == "Sell"
    assert limit.max_order_quantity == Decimal("0")
    assert_signed(only_request(mock_api), "maxOrderQuantity")


async def test_max_withdrawal_quantity_signs_boolean_query_flags(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/account/limits/withdrawal?autoBorrow=false&autoLendRedeem=true&symbol=SOL",
        payload={
            "symbol": "SOL",
            "maxWithdrawalQuantity": "3.000000001",
            "autoBorrow": False,
            "autoLendRedeem": True,
        },
    )

    limit = await signed_client.account.max_withdrawal_quantity(
        "SOL", auto_borrow=False, auto_lend_redeem=True
    )

    assert isinstance(limit, MaxWithdrawalQuantity)
    assert limit.max_withdrawal_quantity == Decimal("3.000000001")
    sent = only_request(mock_api)
    assert sent.path == "/api/v1/account/limits/withdrawal"
    assert sent.query == [("autoBorrow", "false"), ("autoLendRedeem", "true"), ("symbol", "SOL")]
    assert assert_signed(sent, "maxWithdrawalQuantity") == (
        "instruction=maxWithdrawalQuantity&autoBorrow=false&autoLendRedeem=true&symbol=SOL"
        "&timestamp=1700000000000&window=5000"
    )


async def test_convert_dust_for_one_symbol_posts_it_and_accepts_the_empty_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/account/convertDust", status=200, body="")

    await signed_client.account.convert_dust("BONK")

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.body) == (
        "POST",
        "/api/v1/account/convertDust",
        {"symbol": "BONK"},
    )
    assert assert_signed(sent, "convertDust") == (
        "instruction=convertDust&symbol=BONK&timestamp=1700000000000&window=5000"
    )


async def test_convert_dust_without_symbol_posts_an_empty_object_signed_without_params(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/account/convertDust", status=200, body="")

    await signed_client.account.convert_dust()

    sent = only_request(mock_api)
    assert sent.body == {}
    assert assert_signed(sent, "convertDust") == (
        "instruction=convertDust&timestamp=1700000000000&window=5000"
    )


_REJECTED: dict[str, Callable[[AsyncClient], Awaitable[Any]]] = {
    "update with no setting": lambda c: c.account.update(),
    "update with zero leverage": lambda c: c.account.update(leverage_limit="0"),
    "update with float leverage": lambda c: c.account.update(leverage_limit=2.5),  # type: ignore[arg-type]
    "update with a text boolean": lambda c: c.account.update(auto_lend="true"),  # type: ignore[arg-type]
    "max borrow with empty symbol": lambda c: c.account.max_borrow_quantity(""),
    "max order with unknown side": lambda c: c.account.max_order_quantity("SOL_USDC", "Buy"),
    "max order with negative price": lambda c: c.account.max_order_quantity(
        "SOL_USDC", "Bid", price="-1"
    ),
    "max order with float price": lambda c: c.account.max_order_quantity(
        "SOL_USDC",
        "Bid",
        price=170.5,  # type: ignore[arg-type]
    ),
    "max order with empty symbol": lambda c: c.account.max_order_quantity("", "Bid"),
    "max withdrawal with int flag": lambda c: c.account.max_withdrawal_quantity(
        "SOL",
        auto_borrow=1,  # type: ignore[arg-type]
    ),
    "convert dust with empty symbol": lambda c: c.account.convert_dust(""),
}


@pytest.mark.parametrize("call", list(_REJECTED.values()), ids=list(_REJECTED))
async def test_invalid_parameters_are_refused_before_anything_is_sent(
    mock_api: Any,
    signed_client: AsyncClient,
    call: Callable[[AsyncClient], Awaitable[Any]],
) -> None:
    with pytest.raises(RequestValidationError):
        await call(signed_client)
    assert sent_requests(mock_api) == []
