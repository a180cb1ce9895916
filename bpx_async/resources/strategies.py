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
from ._base import Resource

__all__ = ["Strategies"]


class Strategies(Resource):
    """Scheduled (TWAP-like) strategies: create, look up, list and cancel."""

    __slots__ = ()

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
        return await self._client.request(
            ep.CREATE,
            {
                "symbol": symbol,
                "side": side,
                "strategy_type": strategy_type,
                "quantity": quantity,
                "price": price,
                "duration": duration,
                "interval": interval,
                "randomized_interval_quantity": randomized_interval_quantity,
                "client_strategy_id": client_strategy_id,
                "broker_id": broker_id,
                "post_only": post_only,
                "reduce_only": reduce_only,
                "time_in_force": time_in_force,
                "self_trade_prevention": self_trade_prevention,
                "slippage_tolerance": slippage_tolerance,
                "slippage_tolerance_type": slippage_tolerance_type,
                "auto_lend": auto_lend,
                "auto_lend_redeem": auto_lend_redeem,
                "auto_borrow": auto_borrow,
                "auto_borrow_repay": auto_borrow_repay,
            },
        )

    async def get(
        self,
        symbol: str,
        *,
        strategy_id: str | None = None,
        client_strategy_id: int | None = None,
    ) -> ScheduledStrategy:
        """One open strategy on ``symbol``, by exactly one of ``strategy_id`` and
        ``client_strategy_id``. ``GET /api/v1/strategy``."""
        return await self._client.request(
            ep.GET,
            {
                "symbol": symbol,
                "strategy_id": strategy_id,
                "client_strategy_id": client_strategy_id,
            },
        )

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
        return await self._client.request(
            ep.CANCEL,
            {
                "symbol": symbol,
                "strategy_id": strategy_id,
                "client_strategy_id": client_strategy_id,
            },
        )

    async def open(
        self,
        symbol: str | None = None,
        *,
        market_type: MarketType | str | None = None,
        strategy_type: StrategyType | str | None = None,
    ) -> list[ScheduledStrategy]:
        """The account's open strategies. ``GET /api/v1/strategies``."""
        return await self._client.request(
            ep.OPEN,
            {"symbol": symbol, "market_type": market_type, "strategy_type": strategy_type},
        )

    async def cancel_all(
        self, symbol: str, *, strategy_type: StrategyType | str | None = None
    ) -> list[ScheduledStrategy] | None:
        """Cancel every open strategy on ``symbol``.

        Returns None when the exchange answers 202 (accepted, not yet executed).
        ``DELETE /api/v1/strategies``.
        """
        return await self._client.request(
            ep.CANCEL_ALL, {"symbol": symbol, "strategy_type": strategy_type}
        )
