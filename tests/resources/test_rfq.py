"""client.rfq: every RFQ operation sends its exact signed body or query, enforces the
exactly-one-of rules before sending, and parses realistic answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import RequestValidationError
from bpx_async.models.enums import OrderStatus, RfqExecutionMode, Side

RFQ_ANSWER: dict[str, Any] = {
    "rfqId": "3172549387",
    "clientId": 17,
    "symbol": "SOL_USDC_RFQ",
    "side": "Bid",
    "price": None,
    "quantity": "10.50",
    "quoteQuantity": None,
    "submissionTime": 1753000005000,
    "systemOrderType": None,
    "expiryTime": 1753000030000,
    "status": "New",
    "executionMode": "AwaitAccept",
    "createdAt": 1753000000000,
    "somethingNew": [1, 2],
}


def _assert_signed_post(mock: Any, path: str, body: dict[str, Any], instruction: str) -> None:
    sent = only_request(mock)
    assert sent.method == "POST"
    assert sent.path == path
    assert sent.query == []
    assert sent.body == body
    assert sent.headers["Content-Type"].startswith("application/json")
    assert_signed(sent, instruction)


async def test_submit_sends_quantity_and_switches_and_parses_the_rfq(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/rfq", payload=RFQ_ANSWER)
    rfq = await signed_client.rfq.submit(
        "SOL_USDC_RFQ",
        Side.BID,
        quantity="10.50",
        client_id=17,
        auto_lend=True,
        auto_lend_redeem=False,
        auto_borrow=True,
        auto_borrow_repay=False,
    )
    _assert_signed_post(
        mock_api,
        "/api/v1/rfq",
        {
            "symbol": "SOL_USDC_RFQ",
            "side": "Bid",
            "quantity": "10.50",
            "clientId": 17,
            "autoLend": True,
            "autoLendRedeem": False,
            "autoBorrow": True,
            "autoBorrowRepay": False,
        },
        "rfqSubmit",
    )
    assert rfq.rfq_id == "3172549387" and rfq.client_id == 17
    assert rfq.quantity == Decimal("10.50") and rfq.price is None
    assert rfq.status is OrderStatus.NEW
    assert rfq.execution_mode is RfqExecutionMode.AWAIT_ACCEPT
    assert rfq.submission_time == 1753000005000 and rfq.expiry_time == 1753000030000


async def test_submit_immediate_with_quote_quantity_sends_price_and_mode(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    answer = dict(
        RFQ_ANSWER,
        quantity=None,
        quoteQuantity="1000",
        price="171.25",
        executionMode="Immediate",
        status="SomeNewStatus",
    )
    mock_api.post(f"{BASE}/api/v1/rfq", payload=answer)
    rfq = await signed_client.rfq.submit(
        "SOL_USDC_RFQ",
        "Ask",
        quote_quantity=Decimal("1000"),
        price=Decimal("171.25"),
        execution_mode="Immediate",
    )
    _assert_signed_post(
        mock_api,
        "/api/v1/rfq",
        {
            "symbol": "SOL_USDC_RFQ",
            "side": "Ask",
            "quoteQuantity": "1000",
            "price": "171.25",
            "executionMode": "Immediate",
        },
        "rfqSubmit",
    )
    assert rfq.quote_quantity == Decimal("1000") and rfq.status == "SomeNewStatus"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({}, "neither quantity nor quote_quantity"),
        ({"quantity": "1", "quote_quantity": "100"}, "both quantity and quote_quantity"),
        ({"quantity": "1", "execution_mode": "Immediate"}, "Immediate without price"),
        ({"quantity": "1", "price": "170"}, "price without Immediate"),
        ({"quantity": "1", "price": "170", "execution_mode": "AwaitAccept"}, "price + await"),
        ({"quantity": "0"}, "zero quantity"),
        ({"quantity": 1.5}, "float quantity"),
        ({"quantity": "1", "execution_mode": "Auction"}, "unknown execution mode"),
        ({"quantity": "1", "client_id": -1}, "negative client id"),
        ({"quantity": "1", "client_id": 2**32}, "client id above uint32"),
    ],
)
async def test_submit_rejects_invalid_requests_before_sending(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.rfq.submit("SOL_USDC_RFQ", "Bid", **kwargs)
    assert sent_requests(mock_api) == [], reason


async def test_accept_quote_sends_quote_and_rfq_ids(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/rfq/accept", payload=dict(RFQ_ANSWER, status="Filled"))
    rfq = await signed_client.rfq.accept_quote("q-881", rfq_id="3172549387")
    _assert_signed_post(
        mock_api,
        "/api/v1/rfq/accept",
        {"quoteId": "q-881", "rfqId": "3172549387"},
        "quoteAccept",
    )
    assert rfq.status is OrderStatus.FILLED


async def test_accept_quote_by_client_id_only(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.post(f"{BASE}/api/v1/rfq/accept", payload=RFQ_ANSWER)
    await signed_client.rfq.accept_quote("q-881", client_id=17)
    _assert_signed_post(
        mock_api, "/api/v1/rfq/accept", {"quoteId": "q-881", "clientId": 17}, "quoteAccept"
    )


async def test_accept_quote_rejects_an_empty_quote_id_before_sending(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.rfq.accept_quote("")
    assert sent_requests(mock_api) == []


@pytest.mark.parametrize(
    ("kwargs", "body"),
    [
        ({"rfq_id": "3172549387"}, {"rfqId": "3172549387"}),
        ({"client_id": 17}, {"clientId": 17}),
    ],
    ids=["by-rfq-id", "by-client-id"],
)
async def test_cancel_sends_the_one_id_given(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any], body: dict[str, Any]
) -> None:
    mock_api.post(f"{BASE}/api/v1/rfq/cancel", payload=dict(RFQ_ANSWER, status="Cancelled"))
    rfq = await signed_client.rfq.cancel(**kwargs)
    _assert_signed_post(mock_api, "/api/v1/rfq/cancel", body, "rfqCancel")
    assert rfq.status is OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "kwargs", [{}, {"rfq_id": "3172549387", "client_id": 17}], ids=["neither", "both"]
)
async def test_cancel_needs_exactly_one_id_and_sends_nothing_otherwise(
    mock_api: Any, signed_client: AsyncClient, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.rfq.cancel(**kwargs)
    assert sent_requests(mock_api) == []


async def test_refresh_sends_the_rfq_id(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.post(f"{BASE}/api/v1/rfq/refresh", payload=dict(RFQ_ANSWER, expiryTime=1753000060000))
    rfq = await signed_client.rfq.refresh("3172549387")
    _assert_signed_post(mock_api, "/api/v1/rfq/refresh", {"rfqId": "3172549387"}, "rfqRefresh")
    assert rfq.expiry_time == 1753000060000


async def test_submit_quote_sends_both_prices_with_the_callers_digits(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        f"{BASE}/api/v1/rfq/quote",
        payload={
            "rfqId": "3172549387",
            "quoteId": "q-881",
            "clientId": None,
            "bidPrice": "169.50",
            "askPrice": "170.10",
            "status": "New",
            "createdAt": 1753000001000,
            "unknown": None,
        },
    )
    quote = await signed_client.rfq.submit_quote(
        "3172549387",
        "169.50",
        Decimal("170.10"),
        client_id=99,
        auto_borrow=True,
        auto_lend_redeem=True,
    )
    _assert_signed_post(
        mock_api,
        "/api/v1/rfq/quote",
        {
            "rfqId": "3172549387",
            "bidPrice": "169.50",
            "askPrice": "170.10",
            "clientId": 99,
            "autoBorrow": True,
            "autoLendRedeem": True,
        },
        "quoteSubmit",
    )
    assert quote.quote_id == "q-881" and quote.client_id is None
    assert quote.bid_price == Decimal("169.50") and quote.ask_price == Decimal("170.10")
    assert quote.created_at == 1753000001000


@pytest.mark.parametrize(
    ("bid", "ask"), [("0", "170"), ("169", "-1"), ("abc", "170")], ids=["zero", "neg", "text"]
)
async def test_submit_quote_rejects_non_positive_or_malformed_prices_before_sending(
    mock_api: Any, signed_client: AsyncClient, bid: str, ask: str
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.rfq.submit_quote("3172549387", bid, ask)
    assert sent_requests(mock_api) == []


async def test_open_sends_filters_as_query_and_parses_rfqs_with_quotes(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/rfqs?deferredSettlement=false&rfqId=3172549387"
        "&subaccountId=2&symbol=SOL_USDC_RFQ",
        payload=[
            {
                "rfq": RFQ_ANSWER,
                "quotes": [
                    {
                        "rfqId": "3172549387",
                        "quoteId": "q-881",
                        "bidPrice": "169.50",
                        "askPrice": "170.10",
                        "status": "New",
                        "createdAt": 1753000001000,
                    }
                ],
            },
            {"rfq": dict(RFQ_ANSWER, rfqId="3172549388"), "quotes": None},
        ],
    )
    # The filter is an integer in the spec; the id as received (a digit string) is accepted.
    open_rfqs = await signed_client.rfq.open(
        symbol="SOL_USDC_RFQ", rfq_id="3172549387", deferred_settlement=False, subaccount_id=2
    )
    sent = only_request(mock_api)
    assert sent.method == "GET" and sent.path == "/api/v1/rfqs" and sent.raw_body is None
    assert sorted(sent.query) == [
        ("deferredSettlement", "false"),
        ("rfqId", "3172549387"),
        ("subaccountId", "2"),
        ("symbol", "SOL_USDC_RFQ"),
    ]
    assert_signed(sent, "rfqQuery")
    first, second = open_rfqs
    assert first.rfq.rfq_id == "3172549387"
    assert [q.quote_id for q in first.quotes] == ["q-881"]
    assert first.quotes[0].bid_price == Decimal("169.50")
    assert second.quotes == []


async def test_open_without_filters_sends_a_bare_signed_query(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/rfqs", payload=[])
    assert await signed_client.rfq.open() == []
    sent = only_request(mock_api)
    assert sent.query == []
    assert assert_signed(sent, "rfqQuery") == (
        "instruction=rfqQuery&timestamp=1700000000000&window=5000"
    )


@pytest.mark.parametrize("rfq_id", ["abc", -1, "12a"])
async def test_open_rejects_a_non_numeric_rfq_id_before_sending(
    mock_api: Any, signed_client: AsyncClient, rfq_id: Any
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.rfq.open(rfq_id=rfq_id)
    assert sent_requests(mock_api) == []
