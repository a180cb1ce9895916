# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Account settings and limits: the account summary, its settings, the maximum borrow / order /
withdrawal quantities, and dust conversion. Every operation is signed.
"""

from __future__ import annotations

from ..endpoints import account as ep
from ..models._base import DecimalInput
from ..models.account import (
    AccountSummary,
    MaxBorrowQuantity,
    MaxOrderQuantity,
    MaxWithdrawalQuantity,
)
from ..models.enums import Side
from ._base import Resource, operation

__all__ = ["Account"]


class Account(Resource):
    """Account settings and limits."""

    __slots__ = ()

    @operation(ep.GET)
    async def get(self) -> AccountSummary:
        """Account settings, fee rates (basis points) and limits. ``GET /api/v1/account``."""

    @operation(ep.UPDATE)
    async def update(
        self,
        *,
        auto_borrow_settlements: bool | None = None,
        auto_lend: bool | None = None,
        auto_repay_borrows: bool | None = None,
        leverage_limit: DecimalInput | None = None,
    ) -> None:
        """Change account settings; only the settings given are sent (at least one is required).

        ``PATCH /api/v1/account`` (answers an empty body).
        """

    @operation(ep.MAX_BORROW_QUANTITY)
    async def max_borrow_quantity(self, symbol: str) -> MaxBorrowQuantity:
        """The most of asset ``symbol`` the account can borrow now.

        ``GET /api/v1/account/limits/borrow``.
        """

    @operation(ep.MAX_ORDER_QUANTITY)
    async def max_order_quantity(
        self,
        symbol: str,
        side: Side | str,
        *,
        price: DecimalInput | None = None,
        reduce_only: bool | None = None,
        auto_borrow: bool | None = None,
        auto_borrow_repay: bool | None = None,
        auto_lend_redeem: bool | None = None,
    ) -> MaxOrderQuantity:
        """The largest order the account can place on market ``symbol`` with these settings.

        ``GET /api/v1/account/limits/order``.
        """

    @operation(ep.MAX_WITHDRAWAL_QUANTITY)
    async def max_withdrawal_quantity(
        self,
        symbol: str,
        *,
        auto_borrow: bool | None = None,
        auto_lend_redeem: bool | None = None,
    ) -> MaxWithdrawalQuantity:
        """The most of asset ``symbol`` the account can withdraw now with these settings.

        ``GET /api/v1/account/limits/withdrawal``.
        """

    @operation(ep.CONVERT_DUST)
    async def convert_dust(self, symbol: str | None = None) -> None:
        """Convert a dust balance of asset ``symbol`` to USDC; without ``symbol``, every dust
        balance. Dust is a balance (lend included) below the spot market's minimum quantity.

        ``POST /api/v1/account/convertDust`` (answers an empty body).
        """
