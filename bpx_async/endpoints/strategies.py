"""Endpoint records of the Strategy group (REFERENCE.md section 3; history is in ``history``)."""

from __future__ import annotations

from ..models.strategies import (
    OpenStrategiesRequest,
    ScheduledStrategy,
    StrategyCancelAllRequest,
    StrategyCancelRequest,
    StrategyCreateRequest,
    StrategyQueryRequest,
)
from ._spec import Endpoint

CREATE: Endpoint[ScheduledStrategy] = Endpoint(
    name="strategies.create",
    method="POST",
    path="/api/v1/strategy",
    instruction="strategyCreate",
    request=StrategyCreateRequest,
    response=ScheduledStrategy,
    auth="signed",
)
GET: Endpoint[ScheduledStrategy] = Endpoint(
    name="strategies.get",
    method="GET",
    path="/api/v1/strategy",
    instruction="strategyQuery",
    request=StrategyQueryRequest,
    response=ScheduledStrategy,
    auth="signed",
)
CANCEL: Endpoint[ScheduledStrategy | None] = Endpoint(
    name="strategies.cancel",
    method="DELETE",
    path="/api/v1/strategy",
    instruction="strategyCancel",
    request=StrategyCancelRequest,
    response=ScheduledStrategy,
    auth="signed",
    allow_no_content=True,
)
OPEN: Endpoint[list[ScheduledStrategy]] = Endpoint(
    name="strategies.open",
    method="GET",
    path="/api/v1/strategies",
    instruction="strategyQueryAll",
    request=OpenStrategiesRequest,
    response=list[ScheduledStrategy],
    auth="signed",
)
CANCEL_ALL: Endpoint[list[ScheduledStrategy] | None] = Endpoint(
    name="strategies.cancel_all",
    method="DELETE",
    path="/api/v1/strategies",
    instruction="strategyCancelAll",
    request=StrategyCancelAllRequest,
    response=list[ScheduledStrategy],
    auth="signed",
    allow_no_content=True,
)
