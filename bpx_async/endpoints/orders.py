"""Endpoint records of the Orders group (REFERENCE.md section 3, Order)."""

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
    method="POST",
    path="/api/v1/orders",
    instruction="orderExecute",
    request=Annotated[list[OrderExecuteRequest], Field(min_length=1)],
    response=BatchOrderResults,
    auth="signed",
)
QUERY: Endpoint[PlacedOrder] = Endpoint(
    name="orders.get",
    method="GET",
    path="/api/v1/order",
    instruction="orderQuery",
    request=OrderQueryRequest,
    response=PlacedOrder,
    auth="signed",
)
CANCEL: Endpoint[PlacedOrder | None] = Endpoint(
    name="orders.cancel",
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
    method="GET",
    path="/api/v1/orders",
    instruction="orderQueryAll",
    request=OpenOrdersRequest,
    response=list[PlacedOrder],
    auth="signed",
)
CANCEL_ALL: Endpoint[list[PlacedOrder] | None] = Endpoint(
    name="orders.cancel_all",
    method="DELETE",
    path="/api/v1/orders",
    instruction="orderCancelAll",
    request=OrderCancelAllRequest,
    response=list[PlacedOrder],
    auth="signed",
    allow_no_content=True,
)
