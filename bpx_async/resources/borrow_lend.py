# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Borrow/lend markets and rates (public) and the account's borrow/lend actions and positions.

Movement and position histories are in ``client.history``.
"""

from __future__ import annotations

from ..endpoints import borrow_lend as ep
from ..models._base import DecimalInput
from ..models.borrow_lend import (
    ApyRates,
    BorrowLendMarket,
    BorrowLendMarketHistory,
    BorrowLendPosition,
    EstimatedLiquidationPrice,
)
from ..models.enums import BorrowLendMarketHistoryInterval, BorrowLendSide
from ._base import Resource, documents, operation

__all__ = ["BorrowLend"]


class BorrowLend(Resource):
    """Borrow/lend markets and rates (public) and the account's borrow/lend positions."""

    __slots__ = ()

    @operation(ep.MARKETS)
    async def markets(self) -> list[BorrowLendMarket]:
        """Every borrow/lend pool with its rates and utilisation (public).

        ``GET /api/v1/borrowLend/markets``.
        """

    @operation(ep.MARKETS_HISTORY)
    async def markets_history(
        self, interval: BorrowLendMarketHistoryInterval | str, symbol: str | None = None
    ) -> list[BorrowLendMarketHistory]:
        """Rates and quantities over ``interval`` (``1d``, ``1w``, ``1month`` or ``1year``), for
        every asset or one (public). ``GET /api/v1/borrowLend/markets/history``.
        """

    @operation(ep.APY)
    async def apy(self, tier_id: int | None = None) -> ApyRates:
        """Borrow, lend and staking APYs; ``tier_id`` selects a VIP tier (default: base rates).

        Public. ``GET /api/v1/borrowLend/apy``.
        """

    @operation(ep.EXECUTE)
    async def execute(
        self, symbol: str, side: BorrowLendSide | str, quantity: DecimalInput
    ) -> None:
        """Borrow or lend ``quantity`` of asset ``symbol`` (``side`` ``Borrow`` or ``Lend``).

        ``POST /api/v1/borrowLend`` (answers an empty body).
        """

    @operation(ep.POSITIONS)
    async def positions(self) -> list[BorrowLendPosition]:
        """The account's open borrow and lend positions.

        ``GET /api/v1/borrowLend/positions``.
        """

    @documents(ep.ESTIMATE_LIQUIDATION_PRICE)
    async def estimate_liquidation_price(
        self,
        symbol: str,
        side: BorrowLendSide | str,
        quantity: DecimalInput,
        *,
        subaccount_id: int | None = None,
    ) -> EstimatedLiquidationPrice:
        """The account's estimated liquidation price if this borrow/lend were executed.

        The parameters are validated like :meth:`execute` and sent as ``borrow``, the standard
        base64 of their compact JSON, as the spec prescribes.
        ``GET /api/v1/borrowLend/position/liquidationPrice``.

        Authentication: the spec documents no signing instruction and no API-key headers for
        this operation, and a third-party client reports HTTP 401 for every instruction it
        tried, so it is likely session-only. Signing with a guessed
        instruction would pass a guess off as a rule, so the request is sent unsigned, exactly
        as documented; a 401 answer is raised as :class:`~bpx_async.errors.AuthenticationError`.
        """
        # The order fields travel nested, as the ``borrow`` parameter.
        borrow = {"symbol": symbol, "side": side, "quantity": quantity}
        params = {"borrow": borrow, "subaccount_id": subaccount_id}
        return await self._client.request(ep.ESTIMATE_LIQUIDATION_PRICE, params)
