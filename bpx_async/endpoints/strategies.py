"""Endpoint records of the Strategy group (history is in ``history``)."""

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
    docs=("Strategy", "strategy_create"),
    method="POST",
    path="/api/v1/strategy",
    instruction="strategyCreate",
    request=StrategyCreateRequest,
    response=ScheduledStrategy,
    auth="signed",
)
GET: Endpoint[ScheduledStrategy] = Endpoint(
    name="strategies.get",
    docs=("Strategy", "get_strategy"),
    method="GET",
    path="/api/v1/strategy",
    instruction="strategyQuery",
    request=StrategyQueryRequest,
    response=ScheduledStrategy,
    auth="signed",
)
CANCEL: Endpoint[ScheduledStrategy | None] = Endpoint(
    name="strategies.cancel",
    docs=("Strategy", "cancel_strategy"),
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
    docs=("Strategy", "get_open_strategies"),
    method="GET",
    path="/api/v1/strategies",
    instruction="strategyQueryAll",
    request=OpenStrategiesRequest,
    response=list[ScheduledStrategy],
    auth="signed",
)
CANCEL_ALL: Endpoint[list[ScheduledStrategy] | None] = Endpoint(
    name="strategies.cancel_all",
    docs=("Strategy", "cancel_open_strategies"),
    method="DELETE",
    path="/api/v1/strategies",
    instruction="strategyCancelAll",
    request=StrategyCancelAllRequest,
    response=list[ScheduledStrategy],
    auth="signed",
    allow_no_content=True,
)
