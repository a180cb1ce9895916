"""Endpoint records of the Orders group (docs tag Order)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..models.orders import (
    BatchOrderResult,
    BatchOrderResults,
    OpenOrdersRequest,
    OrderCancelAllRequest,
    OrderCancelRequest,
    OrderExecuteRequest,
    OrderQueryRequest,
    PlacedOrder,
)
from ._spec import Endpoint

EXECUTE: Endpoint[PlacedOrder] = Endpoint(
    name="orders.execute",
    docs=("Order", "execute_order"),
    method="POST",
    path="/api/v1/order",
    instruction="orderExecute",
    request=OrderExecuteRequest,
    response=PlacedOrder,
    auth="signed",
)
#: One request of a batch; ``Orders.execute_batch`` splits longer lists into several of these.
EXECUTE_BATCH: Endpoint[list[BatchOrderResult]] = Endpoint(
    name="orders.execute_batch",
    docs=("Order", "execute_order_batch"),
    method="POST",
    path="/api/v1/orders",
    instruction="orderExecute",
    request=Annotated[list[OrderExecuteRequest], Field(min_length=1)],
    response=BatchOrderResults,
    auth="signed",
)
QUERY: Endpoint[PlacedOrder] = Endpoint(
    name="orders.get",
    docs=("Order", "get_order"),
    method="GET",
    path="/api/v1/order",
    instruction="orderQuery",
    request=OrderQueryRequest,
    response=PlacedOrder,
    auth="signed",
)
CANCEL: Endpoint[PlacedOrder | None] = Endpoint(
    name="orders.cancel",
    docs=("Order", "cancel_order"),
    method="DELETE",
    path="/api/v1/order",
    instruction="orderCancel",
    request=OrderCancelRequest,
    response=PlacedOrder,
    auth="signed",
    allow_no_content=True,
)
OPEN_ORDERS: Endpoint[list[PlacedOrder]] = Endpoint(
    name="orders.open",
    docs=("Order", "get_open_orders"),
    method="GET",
    path="/api/v1/orders",
    instruction="orderQueryAll",
    request=OpenOrdersRequest,
    response=list[PlacedOrder],
    auth="signed",
)
CANCEL_ALL: Endpoint[list[PlacedOrder] | None] = Endpoint(
    name="orders.cancel_all",
    docs=("Order", "cancel_open_orders"),
    method="DELETE",
    path="/api/v1/orders",
    instruction="orderCancelAll",
    request=OrderCancelAllRequest,
    response=list[PlacedOrder],
    auth="signed",
    allow_no_content=True,
)
