# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Scheduled (TWAP-like) strategies: create, look up, list and cancel.

Strategy history lives on ``client.history.strategies``.
"""

from __future__ import annotations

from datetime import timedelta

from ..endpoints import strategies as ep
from ..models._base import DecimalInput
from ..models.enums import (
    MarketType,
    SelfTradePrevention,
    Side,
    SlippageToleranceType,
    StrategyType,
    TimeInForce,
)
from ..models.strategies import ScheduledStrategy
from ._base import Resource, operation

__all__ = ["Strategies"]


class Strategies(Resource):
    """Scheduled (TWAP-like) strategies: create, look up, list and cancel."""

    __slots__ = ()

    @operation(ep.CREATE)
    async def create(
        self,
        symbol: str,
        side: Side | str,
        *,
        strategy_type: StrategyType | str = StrategyType.SCHEDULED,
        quantity: DecimalInput | None = None,
        price: DecimalInput | None = None,
        duration: int | timedelta | None = None,
        interval: int | timedelta | None = None,
        randomized_interval_quantity: bool | None = None,
        client_strategy_id: int | None = None,
        broker_id: int | None = None,
        post_only: bool | None = None,
        reduce_only: bool | None = None,
        time_in_force: TimeInForce | str | None = None,
        self_trade_prevention: SelfTradePrevention | str | None = None,
        slippage_tolerance: DecimalInput | None = None,
        slippage_tolerance_type: SlippageToleranceType | str | None = None,
        auto_lend: bool | None = None,
        auto_lend_redeem: bool | None = None,
        auto_borrow: bool | None = None,
        auto_borrow_repay: bool | None = None,
    ) -> ScheduledStrategy:
        """Start a strategy that trades ``quantity`` in slices every ``interval`` over ``duration``.

        ``duration``/``interval`` are milliseconds (an int) or a ``timedelta``; ``price`` is an
        optional limit. ``POST /api/v1/strategy``.
        """

    @operation(ep.GET)
    async def get(
        self,
        symbol: str,
        *,
        strategy_id: str | None = None,
        client_strategy_id: int | None = None,
    ) -> ScheduledStrategy:
        """One open strategy on ``symbol``, by exactly one of ``strategy_id`` and
        ``client_strategy_id``. ``GET /api/v1/strategy``."""

    @operation(ep.CANCEL)
    async def cancel(
        self,
        symbol: str,
        *,
        strategy_id: str | None = None,
        client_strategy_id: int | None = None,
    ) -> ScheduledStrategy | None:
        """Cancel one strategy, by exactly one of ``strategy_id`` and ``client_strategy_id``.

        Returns None when the exchange answers 202 (accepted, not yet executed).
        ``DELETE /api/v1/strategy``.
        """

    @operation(ep.OPEN)
    async def open(
        self,
        symbol: str | None = None,
        *,
        market_type: MarketType | str | None = None,
        strategy_type: StrategyType | str | None = None,
    ) -> list[ScheduledStrategy]:
        """The account's open strategies. ``GET /api/v1/strategies``."""

    @operation(ep.CANCEL_ALL)
    async def cancel_all(
        self, symbol: str, *, strategy_type: StrategyType | str | None = None
    ) -> list[ScheduledStrategy] | None:
        """Cancel every open strategy on ``symbol``.

        Returns None when the exchange answers 202 (accepted, not yet executed).
        ``DELETE /api/v1/strategies``.
        """
