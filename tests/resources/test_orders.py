"""Orders: placing (single and batch), querying and cancelling, through the client.

The signing vectors V2, V3, V3b and V6 (a fixed test key and clock, with the exact bodies and
signatures they must give) are reproduced byte for byte by the client itself;
every validation rule is shown to accept the valid shape and to refuse the invalid one before
anything leaves the process.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from support import BASE, SECRET, assert_signed, only_request, sent_requests

from bpx_async import (
    AsyncClient,
    BpxError,
    ConnectionFailedError,
    InsufficientFundsError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
)
from bpx_async.errors import BatchError
from bpx_async.models.enums import (
    CancelOrderType,
    MarketType,
    OrderStatus,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
    TriggerBy,
)
from bpx_async.models.orders import BatchOrderResult, OrderExecuteRequest, PlacedOrder
from bpx_async.resources.orders import MAX_BATCH_SIZE

ORDER_URL = f"{BASE}/api/v1/order"
ORDERS_URL = f"{BASE}/api/v1/orders"

# --- signing vectors --------------------------------------------------------------------------

V2_BODY = (
    b'{"symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"170.50","quantity":"1.0",'
    b'"timeInForce":"GTC","clientId":123456,"selfTradePrevention":"RejectTaker","postOnly":true}'
)
V2_SIGNATURE = (
    "JF6mXrZyLkd2+uRFCerw6PX31BoR5NZ0cKAkxWtq9bNBM8YJxvNfL9N5fbsSdqnHmjow07Nzo49UCmefw0o9Dg=="
)
V2_STRING = (
    "instruction=orderExecute&clientId=123456&orderType=Limit&postOnly=true&price=170.50"
    "&quantity=1.0&selfTradePrevention=RejectTaker&side=Bid&symbol=SOL_USDC&timeInForce=GTC"
    "&timestamp=1700000000000&window=5000"
)
V3_BODY = (
    b'[{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"141","quantity":"12"},'
    b'{"symbol":"SOL_USDC_PERP","side":"Bid","orderType":"Limit","price":"140","quantity":"11"}]'
)
V3_SIGNATURE = (
    "8tVdmxcPsmbjOi115v67vFKUNZr9s7apF/a8cJqMXawN9/b91zIMVaJrjOqwWG2hO5twP9PvC+a31xHDeUz3Dw=="
)
V3B_SECOND = (
    b'{"symbol":"SOL_USDC","side":"Ask","orderType":"Limit","price":"185.25","quantity":"2.5",'
    b'"timeInForce":"GTC","clientId":123457,"selfTradePrevention":"RejectTaker","postOnly":false}'
)
V3B_SIGNATURE = (
    "LWje4U3bZ8obKxyrGipNNLPj8Hd+4HmRE7U57wvkngXrLyjF6vw/RZluVMn0Rv6jvdeNiA5NRqU5zzvYsbm8CA=="
)
V6_BODY = b'{"orderId":"28","symbol":"BTC_USDT"}'
V6_SIGNATURE = (
    "aKisDELOQeekrU+Up7rS/6gZBp0qunOsPwThvby1n5TaohLLP7NghvHoc4peKNGCg/rWC1gtiOKKSW2xNxCGAQ=="
)
V6_TIMESTAMP = 1_614_550_000_000


def wire_order(**overrides: Any) -> dict[str, Any]:
    """An order as the exchange answers it: string decimals, nulls and a field the SDK ignores."""
    order: dict[str, Any] = {
        "orderType": "Limit",
        "id": "4228978330",
        "clientId": 123456,
        "createdAt": 1753626206762,
        "executedQuantity": "0",
        "executedQuoteQuantity": "0",
        "postOnly": True,
        "price": "170.50",
        "quantity": "1.0",
        "reduceOnly": None,
        "relatedOrderId": None,
        "selfTradePrevention": "RejectTaker",
        "side": "Bid",
        "status": "New",
        "stopLossLimitPrice": None,
        "stopLossTriggerBy": None,
        "stopLossTriggerPrice": None,
        "strategyId": None,
        "symbol": "SOL_USDC",
        "takeProfitLimitPrice": None,
        "takeProfitTriggerBy": None,
        "takeProfitTriggerPrice": None,
        "timeInForce": "GTC",
        "triggerBy": None,
        "triggerPrice": None,
        "triggerQuantity": None,
        "triggeredAt": None,
        "brandNewField": {"added": "later"},
    }
    order.update(overrides)
    return order


def v2_params() -> dict[str, Any]:
    return {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "order_type": "Limit",
        "price": "170.50",
        "quantity": "1.0",
        "time_in_force": "GTC",
        "client_id": 123456,
        "self_trade_prevention": "RejectTaker",
        "post_only": True,
    }


# --- POST /api/v1/order ----------------------------------------------------------------------


async def test_execute_reproduces_vector_v2_byte_for_byte(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, payload=wire_order())
    order = await signed_client.orders.execute(
        "SOL_USDC",
        Side.BID,
        OrderType.LIMIT,
        price="170.50",
        quantity="1.0",
        time_in_force=TimeInForce.GTC,
        client_id=123456,
        self_trade_prevention=SelfTradePrevention.REJECT_TAKER,
        post_only=True,
    )
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("POST", "/api/v1/order", [])
    assert sent.raw_body is not None
    assert json.loads(sent.raw_body) == json.loads(V2_BODY)
    assert sent.headers["X-Signature"] == V2_SIGNATURE
    assert assert_signed(sent, "orderExecute") == V2_STRING
    assert sent.headers["Content-Type"].startswith("application/json")
    assert isinstance(order, PlacedOrder)
    assert order.id == "4228978330"
    assert order.price == Decimal("170.50")
    assert order.executed_quantity == Decimal("0")
    assert order.order_type is OrderType.LIMIT
    assert order.side is Side.BID
    assert order.status is OrderStatus.NEW
    assert order.time_in_force is TimeInForce.GTC
    assert order.post_only is True
    assert order.reduce_only is None
    assert order.created_at == 1753626206762


async def test_execute_request_sends_a_prebuilt_model_like_the_keyword_form(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, payload=wire_order())
    await signed_client.orders.execute_request(OrderExecuteRequest(**v2_params()))
    sent = only_request(mock_api)
    assert sent.raw_body is not None
    assert json.loads(sent.raw_body) == json.loads(V2_BODY)
    assert sent.headers["X-Signature"] == V2_SIGNATURE


async def test_execute_request_accepts_a_mapping_with_wire_names(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, payload=wire_order())
    camel = {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "orderType": "Limit",
        "price": "170.50",
        "quantity": "1.0",
        "timeInForce": "GTC",
        "clientId": 123456,
        "selfTradePrevention": "RejectTaker",
        "postOnly": True,
    }
    await signed_client.orders.execute_request(camel)
    assert only_request(mock_api).headers["X-Signature"] == V2_SIGNATURE


async def test_execute_sends_every_optional_parameter_it_is_given(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, payload=wire_order(symbol="SOL_USDC_PERP", orderType="Market"))
    await signed_client.orders.execute(
        "SOL_USDC_PERP",
        "Ask",
        "Market",
        quantity=Decimal("2.50"),
        time_in_force="IOC",
        post_only=False,
        reduce_only=True,
        client_id=0,
        self_trade_prevention="RejectBoth",
        trigger_price="150.10",
        trigger_quantity="50%",
        trigger_by="MarkPrice",
        stop_loss_trigger_price="140",
        stop_loss_limit_price="139.50",
        stop_loss_trigger_by=TriggerBy.LAST_PRICE,
        take_profit_trigger_price=200,
        take_profit_limit_price="201.00",
        take_profit_trigger_by="IndexPrice",
        auto_lend=True,
        auto_lend_redeem=False,
        auto_borrow=True,
        auto_borrow_repay=False,
        broker_id=1400,
        slippage_tolerance="0.5",
        slippage_tolerance_type="Percent",
    )
    sent = only_request(mock_api)
    assert sent.body == {
        "symbol": "SOL_USDC_PERP",
        "side": "Ask",
        "orderType": "Market",
        "quantity": "2.50",
        "timeInForce": "IOC",
        "postOnly": False,
        "reduceOnly": True,
        "clientId": 0,
        "selfTradePrevention": "RejectBoth",
        "triggerPrice": "150.10",
        "triggerQuantity": "50%",
        "triggerBy": "MarkPrice",
        "stopLossTriggerPrice": "140",
        "stopLossLimitPrice": "139.50",
        "stopLossTriggerBy": "LastPrice",
        "takeProfitTriggerPrice": "200",
        "takeProfitLimitPrice": "201.00",
        "takeProfitTriggerBy": "IndexPrice",
        "autoLend": True,
        "autoLendRedeem": False,
        "autoBorrow": True,
        "autoBorrowRepay": False,
        "brokerId": 1400,
        "slippageTolerance": "0.5",
        "slippageToleranceType": "Percent",
    }
    assert sent.raw_body is not None
    assert b'"postOnly":false' in sent.raw_body  # a JSON boolean, never a string
    assert_signed(sent, "orderExecute")


async def test_execute_keeps_an_unknown_enum_value_in_the_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        ORDER_URL,
        payload=wire_order(status="Triggered", triggerQuantity="50%", triggerPrice="150.10"),
    )
    order = await signed_client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1")
    assert order.status == "Triggered"
    assert order.trigger_quantity == "50%"
    assert order.trigger_price == Decimal("150.10")


async def test_execute_maps_insufficient_funds_to_its_exception(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        ORDER_URL,
        status=400,
        payload={"code": "INSUFFICIENT_FUNDS", "message": "Insufficient funds"},
    )
    with pytest.raises(InsufficientFundsError) as caught:
        await signed_client.orders.execute(**v2_params())
    assert caught.value.code == "INSUFFICIENT_FUNDS"
    assert caught.value.status == 400
    only_request(mock_api)


async def test_execute_is_not_retried_after_a_server_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, status=503, payload={"code": "SERVER_ERROR", "message": "busy"})
    mock_api.post(ORDER_URL, payload=wire_order())  # would be used by a retry
    with pytest.raises(ServerError):
        await signed_client.orders.execute(**v2_params())
    assert len(sent_requests(mock_api)) == 1


async def test_execute_is_not_retried_after_a_connection_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDER_URL, exception=aiohttp.ServerDisconnectedError())
    mock_api.post(ORDER_URL, payload=wire_order())  # would be used by a retry
    with pytest.raises(ConnectionFailedError):
        await signed_client.orders.execute(**v2_params())
    assert len(sent_requests(mock_api)) == 1


# --- validation of an order: each rule accepted and refused ----------------------------------

ACCEPTED_ORDERS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "limit with price and quantity": (
        {"order_type": "Limit", "price": "170.50", "quantity": "1.0"},
        {"orderType": "Limit", "price": "170.50", "quantity": "1.0"},
    ),
    "market with quantity": (
        {"order_type": "Market", "quantity": "0.010"},
        {"orderType": "Market", "quantity": "0.010"},
    ),
    "market with quote_quantity": (
        {"order_type": "Market", "quote_quantity": "25.00"},
        {"orderType": "Market", "quoteQuantity": "25.00"},
    ),
    "decimal, int and str keep their digits": (
        {"order_type": "Limit", "price": Decimal("1.10"), "quantity": 3},
        {"orderType": "Limit", "price": "1.10", "quantity": "3"},
    ),
    "trigger market order sized by a percentage": (
        {"order_type": "Market", "trigger_price": "150", "trigger_quantity": "50%"},
        {"orderType": "Market", "triggerPrice": "150", "triggerQuantity": "50%"},
    ),
    "trigger limit order sized by an amount": (
        {
            "order_type": "Limit",
            "price": "151",
            "trigger_price": "150",
            "trigger_quantity": Decimal("0.50"),
            "trigger_by": "LastPrice",
        },
        {
            "orderType": "Limit",
            "price": "151",
            "triggerPrice": "150",
            "triggerQuantity": "0.50",
            "triggerBy": "LastPrice",
        },
    ),
    "stop loss with limit price and trigger by": (
        {
            "order_type": "Market",
            "quantity": "1",
            "stop_loss_trigger_price": "90",
            "stop_loss_limit_price": "89.5",
            "stop_loss_trigger_by": "MarkPrice",
        },
        {
            "orderType": "Market",
            "quantity": "1",
            "stopLossTriggerPrice": "90",
            "stopLossLimitPrice": "89.5",
            "stopLossTriggerBy": "MarkPrice",
        },
    ),
    "client_id at the top of uint32": (
        {"order_type": "Market", "quantity": "1", "client_id": 2**32 - 1},
        {"orderType": "Market", "quantity": "1", "clientId": 4294967295},
    ),
}


@pytest.mark.parametrize("params, body", ACCEPTED_ORDERS.values(), ids=list(ACCEPTED_ORDERS))
async def test_valid_order_shapes_are_sent_as_given(
    mock_api: Any, signed_client: AsyncClient, params: dict[str, Any], body: dict[str, Any]
) -> None:
    mock_api.post(ORDER_URL, payload=wire_order())
    await signed_client.orders.execute("SOL_USDC", "Bid", **params)
    sent = only_request(mock_api)
    assert sent.body == {"symbol": "SOL_USDC", "side": "Bid", **body}
    assert_signed(sent, "orderExecute")


REFUSED_ORDERS: dict[str, tuple[dict[str, Any], str]] = {
    "limit without price": ({"order_type": "Limit", "quantity": "1"}, "needs a price"),
    "limit without quantity": ({"order_type": "Limit", "price": "1"}, "needs a quantity"),
    "limit with quote_quantity": (
        {"order_type": "Limit", "price": "1", "quantity": "1", "quote_quantity": "1"},
        "quote_quantity is for Market",
    ),
    "market without any size": ({"order_type": "Market"}, "quantity or quote_quantity"),
    "market with both sizes": (
        {"order_type": "Market", "quantity": "1", "quote_quantity": "5"},
        "not both",
    ),
    "trigger price alone": (
        {"order_type": "Market", "quantity": "1", "trigger_price": "150"},
        "trigger_price and trigger_quantity",
    ),
    "trigger quantity alone": (
        {"order_type": "Market", "quantity": "1", "trigger_quantity": "1"},
        "trigger_price and trigger_quantity",
    ),
    "trigger_by without trigger price": (
        {"order_type": "Market", "quantity": "1", "trigger_by": "MarkPrice"},
        "trigger_by needs trigger_price",
    ),
    "stop loss limit without its trigger": (
        {"order_type": "Market", "quantity": "1", "stop_loss_limit_price": "90"},
        "stop_loss_limit_price needs stop_loss_trigger_price",
    ),
    "take profit trigger_by without its trigger": (
        {"order_type": "Market", "quantity": "1", "take_profit_trigger_by": "MarkPrice"},
        "take_profit_trigger_by needs take_profit_trigger_price",
    ),
    "stop loss trigger_by without its trigger": (
        {"order_type": "Market", "quantity": "1", "stop_loss_trigger_by": "MarkPrice"},
        "stop_loss_trigger_by needs stop_loss_trigger_price",
    ),
    "take profit limit without its trigger": (
        {"order_type": "Market", "quantity": "1", "take_profit_limit_price": "200"},
        "take_profit_limit_price needs take_profit_trigger_price",
    ),
    "a dependant beside another's trigger": (
        {
            "order_type": "Market",
            "quantity": "1",
            "stop_loss_trigger_price": "90",
            "take_profit_trigger_by": "MarkPrice",
        },
        "take_profit_trigger_by needs take_profit_trigger_price",
    ),
    "float price": (
        {"order_type": "Limit", "price": 170.5, "quantity": "1"},
        "float is not accepted",
    ),
    "zero price": ({"order_type": "Limit", "price": "0", "quantity": "1"}, "greater than zero"),
    "negative quantity": (
        {"order_type": "Limit", "price": "1", "quantity": "-1"},
        "greater than zero",
    ),
    "not a number": ({"order_type": "Limit", "price": "1", "quantity": "1e3"}, "quantity"),
    "percentage over 100": (
        {"order_type": "Market", "trigger_price": "1", "trigger_quantity": "150%"},
        "percentage",
    ),
    "negative client_id": (
        {"order_type": "Market", "quantity": "1", "client_id": -1},
        "client_id",
    ),
    "client_id over uint32": (
        {"order_type": "Market", "quantity": "1", "client_id": 2**32},
        "client_id",
    ),
    "client_id as text": (
        {"order_type": "Market", "quantity": "1", "client_id": "123"},
        "client_id",
    ),
    "broker_id over uint16": (
        {"order_type": "Market", "quantity": "1", "broker_id": 2**16},
        "broker_id",
    ),
    "unknown order type": ({"order_type": "StopLimit", "quantity": "1"}, "order_type"),
    "unknown time in force": (
        {"order_type": "Market", "quantity": "1", "time_in_force": "GTX"},
        "time_in_force",
    ),
    "self trade prevention outside the spec": (
        {"order_type": "Market", "quantity": "1", "self_trade_prevention": "Allow"},
        "self_trade_prevention",
    ),
    "unknown trigger_by": (
        {"order_type": "Market", "trigger_price": "1", "trigger_quantity": "1", "trigger_by": "X"},
        "trigger_by",
    ),
    "boolean given as text": (
        {"order_type": "Limit", "price": "1", "quantity": "1", "post_only": "true"},
        "post_only",
    ),
}


@pytest.mark.parametrize("params, reason", REFUSED_ORDERS.values(), ids=list(REFUSED_ORDERS))
async def test_invalid_orders_are_refused_before_sending(
    mock_api: Any, signed_client: AsyncClient, params: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RequestValidationError, match=reason):
        await signed_client.orders.execute("SOL_USDC", "Bid", **params)
    assert sent_requests(mock_api) == []


@pytest.mark.parametrize(
    "side, symbol",
    [("bid", "SOL_USDC"), ("Buy", "SOL_USDC"), ("Bid", "")],
    ids=["lower-case side", "ccxt-style side", "empty symbol"],
)
async def test_side_and_symbol_are_checked_before_sending(
    mock_api: Any, signed_client: AsyncClient, side: str, symbol: str
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.orders.execute(symbol, side, "Market", quantity="1")
    assert sent_requests(mock_api) == []


async def test_unknown_parameter_in_a_mapping_is_refused_not_dropped(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError, match="leverage"):
        await signed_client.orders.execute_request({**v2_params(), "leverage": "5"})
    assert sent_requests(mock_api) == []


# --- POST /api/v1/orders (batch) -------------------------------------------------------------

V3_ORDERS: list[OrderExecuteRequest | dict[str, Any]] = [
    {
        "symbol": "SOL_USDC_PERP",
        "side": "Bid",
        "order_type": "Limit",
        "price": "141",
        "quantity": 12,
    },
    OrderExecuteRequest(
        symbol="SOL_USDC_PERP", side="Bid", order_type="Limit", price=140, quantity="11"
    ),
]


async def test_execute_batch_reproduces_vector_v3(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        ORDERS_URL,
        payload=[
            {"operation": "Ok", **wire_order(id="1", price="141", quantity="12")},
            {"operation": "Ok", **wire_order(id="2", price="140", quantity="11")},
        ],
    )
    results = await signed_client.orders.execute_batch(V3_ORDERS)
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("POST", "/api/v1/orders")
    assert sent.raw_body is not None
    assert json.loads(sent.raw_body) == json.loads(V3_BODY)
    assert sent.headers["X-Signature"] == V3_SIGNATURE
    assert_signed(sent, "orderExecute")
    assert [(r.index, r.ok) for r in results] == [(0, True), (1, True)]
    assert results[0].order is not None
    assert results[0].order.price == Decimal("141")


async def test_execute_batch_reproduces_vector_v3b_with_a_false_boolean(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    second = {**json.loads(V3B_SECOND)}
    mock_api.post(
        ORDERS_URL,
        payload=[
            {"operation": "Ok", **wire_order(id="1")},
            {"operation": "Err", "code": "INVALID_ORDER", "message": "Invalid order"},
        ],
    )
    results = await signed_client.orders.execute_batch([v2_params(), second])
    sent = only_request(mock_api)
    assert sent.raw_body is not None
    assert json.loads(sent.raw_body) == [json.loads(V2_BODY), json.loads(V3B_SECOND)]
    assert sent.headers["X-Signature"] == V3B_SIGNATURE
    assert_signed(sent, "orderExecute")
    failed = results[1]
    assert (failed.index, failed.ok, failed.order) == (1, False, None)
    assert (failed.code, failed.message) == ("INVALID_ORDER", "Invalid order")


def _numbered_order(client_id: int) -> dict[str, Any]:
    return {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "order_type": "Limit",
        "price": "100.00",
        "quantity": "1",
        "client_id": client_id,
    }


def _answer_each_order(rejected_client_ids: set[int]) -> Any:
    """A mock batch endpoint answering one result per order, echoing its clientId as the id."""
    # Imported here: the module must import without aioresponses (CI's newest-aiohttp stage).
    from aioresponses import CallbackResult

    def answer(url: Any, **kwargs: Any) -> CallbackResult:
        results: list[dict[str, Any]] = []
        for item in json.loads(kwargs["data"]):
            if item["clientId"] in rejected_client_ids:
                results.append({"operation": "Err", "code": "INVALID_PRICE", "message": "bad"})
            else:
                results.append(
                    {"operation": "Ok", **wire_order(id=str(item["clientId"]), clientId=None)}
                )
        return CallbackResult(status=200, body=json.dumps(results))

    return answer


async def test_execute_batch_of_45_goes_out_as_20_20_5_and_maps_results_to_inputs(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    assert MAX_BATCH_SIZE == 20
    mock_api.post(ORDERS_URL, callback=_answer_each_order({1033}), repeat=True)
    orders = [_numbered_order(1000 + i) for i in range(45)]
    results = await signed_client.orders.execute_batch(orders)
    sent = sent_requests(mock_api)
    assert [len(request.body) for request in sent] == [20, 20, 5]
    assert [item["clientId"] for request in sent for item in request.body] == [
        1000 + i for i in range(45)
    ]
    for request in sent:
        assert_signed(request, "orderExecute")
    assert [r.index for r in results] == list(range(45))
    assert [r.order.id for r in results if r.order is not None] == [
        str(1000 + i) for i in range(45) if i != 33
    ]
    assert not results[33].ok
    assert results[33].code == "INVALID_PRICE"
    assert all(r.ok for i, r in enumerate(results) if i != 33)


async def test_execute_batch_validates_every_order_before_sending_any(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    orders: list[dict[str, Any]] = [_numbered_order(i) for i in range(45)]
    orders[43] = {**orders[43], "price": 100.5}
    with pytest.raises(RequestValidationError, match=r"43\.price"):
        await signed_client.orders.execute_batch(orders)
    assert sent_requests(mock_api) == []


async def test_execute_batch_refuses_an_empty_list(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.orders.execute_batch([])
    assert sent_requests(mock_api) == []


async def test_execute_batch_failing_later_keeps_the_results_already_received(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDERS_URL, callback=_answer_each_order(set()))
    mock_api.post(ORDERS_URL, status=500, payload={"code": "SERVER_ERROR", "message": "oops"})
    mock_api.post(ORDERS_URL, callback=_answer_each_order(set()))  # must not be reached
    orders = [_numbered_order(i) for i in range(45)]
    with pytest.raises(BatchError) as caught:
        await signed_client.orders.execute_batch(orders)
    error = caught.value
    assert isinstance(error, BpxError)
    assert [r.index for r in error.results] == list(range(20))
    assert all(r.ok for r in error.results)
    assert error.failed_indices == range(20, 40)
    assert error.unsent_indices == range(40, 45)
    assert isinstance(error.cause, ServerError)
    assert error.__cause__ is error.cause
    assert len(sent_requests(mock_api)) == 2


async def test_execute_batch_failing_on_a_dropped_connection_is_not_retried(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDERS_URL, callback=_answer_each_order(set()))
    mock_api.post(ORDERS_URL, exception=aiohttp.ServerDisconnectedError())
    mock_api.post(ORDERS_URL, callback=_answer_each_order(set()))  # would serve a retry
    with pytest.raises(BatchError) as caught:
        await signed_client.orders.execute_batch([_numbered_order(i) for i in range(25)])
    assert isinstance(caught.value.cause, ConnectionFailedError)
    assert caught.value.failed_indices == range(20, 25)
    assert len(caught.value.results) == 20
    assert len(sent_requests(mock_api)) == 2


async def test_execute_batch_failing_first_raises_the_api_error_itself(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        ORDERS_URL, status=400, payload={"code": "INSUFFICIENT_FUNDS", "message": "no funds"}
    )
    with pytest.raises(InsufficientFundsError):
        await signed_client.orders.execute_batch([_numbered_order(i) for i in range(25)])
    assert len(sent_requests(mock_api)) == 1


async def test_execute_batch_refuses_an_answer_it_cannot_match_to_the_orders(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(ORDERS_URL, payload=[{"operation": "Ok", **wire_order()}])
    with pytest.raises(ResponseValidationError, match="1 results for 2 orders"):
        await signed_client.orders.execute_batch([_numbered_order(1), _numbered_order(2)])


def test_batch_result_reads_ok_err_and_untagged_items() -> None:
    ok = BatchOrderResult.model_validate({"operation": "Ok", **wire_order(id="9")})
    err = BatchOrderResult.model_validate({"operation": "Err", "code": "X", "message": "m"})
    untagged = BatchOrderResult.model_validate(wire_order(id="10"))
    assert ok.ok and ok.order is not None and ok.order.id == "9"
    assert (err.ok, err.code, err.message) == (False, "X", "m")
    assert untagged.ok and untagged.order is not None and untagged.order.id == "10"


# --- GET /api/v1/order -----------------------------------------------------------------------


async def test_get_by_order_id_sends_a_signed_query(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{ORDER_URL}?orderId=4228978330&symbol=SOL_USDC", payload=wire_order())
    order = await signed_client.orders.get("SOL_USDC", order_id="4228978330")
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.body) == ("GET", "/api/v1/order", None)
    assert sent.query == [("orderId", "4228978330"), ("symbol", "SOL_USDC")]
    assert assert_signed(sent, "orderQuery") == (
        "instruction=orderQuery&orderId=4228978330&symbol=SOL_USDC"
        "&timestamp=1700000000000&window=5000"
    )
    assert order.id == "4228978330"


async def test_get_by_client_id_sends_the_number(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.get(f"{ORDER_URL}?clientId=123456&symbol=SOL_USDC", payload=wire_order())
    order = await signed_client.orders.get("SOL_USDC", client_id=123456)
    sent = only_request(mock_api)
    assert sent.query == [("clientId", "123456"), ("symbol", "SOL_USDC")]
    assert_signed(sent, "orderQuery")
    assert order.client_id == 123456


@pytest.mark.parametrize(
    "ids",
    [{}, {"order_id": "1", "client_id": 1}, {"order_id": ""}, {"client_id": 2**32}],
    ids=["neither id", "both ids", "empty order_id", "client_id over uint32"],
)
async def test_get_and_cancel_need_exactly_one_valid_id(
    mock_api: Any, signed_client: AsyncClient, ids: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.orders.get("SOL_USDC", **ids)
    with pytest.raises(RequestValidationError):
        await signed_client.orders.cancel("SOL_USDC", **ids)
    assert sent_requests(mock_api) == []


# --- DELETE /api/v1/order --------------------------------------------------------------------


@pytest.fixture
async def v6_client() -> AsyncIterator[AsyncClient]:
    """The test key with the clock of vector V6."""
    async with AsyncClient(api_secret=SECRET, clock=lambda: V6_TIMESTAMP) as c:
        yield c


async def test_cancel_reproduces_vector_v6(mock_api: Any, v6_client: AsyncClient) -> None:
    mock_api.delete(ORDER_URL, payload=wire_order(id="28", symbol="BTC_USDT", status="Cancelled"))
    order = await v6_client.orders.cancel("BTC_USDT", order_id="28")
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("DELETE", "/api/v1/order", [])
    assert sent.raw_body is not None
    assert json.loads(sent.raw_body) == json.loads(V6_BODY)
    assert sent.headers["X-Signature"] == V6_SIGNATURE
    assert assert_signed(sent, "orderCancel") == (
        "instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000"
    )
    assert order is not None
    assert order.status is OrderStatus.CANCELLED


async def test_cancel_by_client_id_sends_it_in_the_body(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(ORDER_URL, payload=wire_order(status="Cancelled"))
    await signed_client.orders.cancel("SOL_USDC", client_id=123456)
    sent = only_request(mock_api)
    assert sent.body == {"clientId": 123456, "symbol": "SOL_USDC"}
    assert_signed(sent, "orderCancel")


async def test_cancel_accepted_with_202_and_no_body_returns_none(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(ORDER_URL, status=202, body=b"")
    assert await signed_client.orders.cancel("SOL_USDC", order_id="1") is None
    assert_signed(only_request(mock_api), "orderCancel")


# --- GET /api/v1/orders ----------------------------------------------------------------------


async def test_open_filters_by_symbol_and_market_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{ORDERS_URL}?marketType=PERP&symbol=SOL_USDC_PERP",
        payload=[
            wire_order(symbol="SOL_USDC_PERP"),
            wire_order(
                id="2",
                symbol="SOL_USDC_PERP",
                orderType="Market",
                price=None,
                quoteQuantity="25.5",
                selfTradePrevention="RejectSomething",
            ),
        ],
    )
    orders = await signed_client.orders.open("SOL_USDC_PERP", market_type=MarketType.PERP)
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/api/v1/orders")
    assert sent.query == [("marketType", "PERP"), ("symbol", "SOL_USDC_PERP")]
    assert_signed(sent, "orderQueryAll")
    assert [o.id for o in orders] == ["4228978330", "2"]
    assert orders[1].order_type is OrderType.MARKET
    assert orders[1].price is None
    assert orders[1].quote_quantity == Decimal("25.5")
    assert orders[1].self_trade_prevention == "RejectSomething"


async def test_open_without_filters_signs_no_parameters(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(ORDERS_URL, payload=[])
    assert await signed_client.orders.open() == []
    sent = only_request(mock_api)
    assert sent.query == []
    assert assert_signed(sent, "orderQueryAll") == (
        "instruction=orderQueryAll&timestamp=1700000000000&window=5000"
    )


async def test_open_refuses_an_unknown_market_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.orders.open(market_type="FUTURES")
    assert sent_requests(mock_api) == []


# --- DELETE /api/v1/orders -------------------------------------------------------------------


async def test_cancel_all_sends_symbol_and_order_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(ORDERS_URL, payload=[wire_order(status="Cancelled")])
    orders = await signed_client.orders.cancel_all(
        "SOL_USDC", order_type=CancelOrderType.RESTING_LIMIT_ORDER
    )
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("DELETE", "/api/v1/orders", [])
    assert sent.body == {"symbol": "SOL_USDC", "orderType": "RestingLimitOrder"}
    assert assert_signed(sent, "orderCancelAll") == (
        "instruction=orderCancelAll&orderType=RestingLimitOrder&symbol=SOL_USDC"
        "&timestamp=1700000000000&window=5000"
    )
    assert orders is not None
    assert [o.status for o in orders] == [OrderStatus.CANCELLED]


async def test_cancel_all_accepted_with_202_and_no_body_returns_none(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(ORDERS_URL, status=202, body=b"")
    assert await signed_client.orders.cancel_all("SOL_USDC") is None
    sent = only_request(mock_api)
    assert sent.body == {"symbol": "SOL_USDC"}
    assert_signed(sent, "orderCancelAll")


async def test_cancel_all_refuses_an_unknown_order_type(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.orders.cancel_all("SOL_USDC", order_type="Limit")
    assert sent_requests(mock_api) == []
