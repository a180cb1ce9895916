"""Request and response models of the Account group: account settings, fee tier figures and the
maximum borrow / order / withdrawal quantities.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import StrictBool, model_validator

from ._base import BpxModel, OpenEnum, PositiveDecimalStr, RequestModel, Symbol
from .enums import Side

__all__ = [
    "AccountSummary",
    "AccountUpdateRequest",
    "ConvertDustRequest",
    "MaxBorrowQuantity",
    "MaxBorrowQuantityRequest",
    "MaxOrderQuantity",
    "MaxOrderQuantityRequest",
    "MaxWithdrawalQuantity",
    "MaxWithdrawalQuantityRequest",
]


class AccountSummary(BpxModel):
    """Account settings and limits. Fees are in basis points; a negative maker fee is a rebate."""

    auto_borrow_settlements: bool | None = None
    auto_lend: bool | None = None
    auto_realize_pnl: bool | None = None
    auto_repay_borrows: bool | None = None
    borrow_limit: Decimal | None = None
    futures_maker_fee: Decimal | None = None
    futures_taker_fee: Decimal | None = None
    leverage_limit: Decimal | None = None
    limit_orders: int | None = None
    liquidating: bool | None = None
    position_limit: Decimal | None = None
    spot_maker_fee: Decimal | None = None
    spot_taker_fee: Decimal | None = None
    trigger_orders: int | None = None


class AccountUpdateRequest(RequestModel):
    """Body of ``PATCH /api/v1/account``; at least one setting must be given."""

    auto_borrow_settlements: StrictBool | None = None
    auto_lend: StrictBool | None = None
    auto_repay_borrows: StrictBool | None = None
    leverage_limit: PositiveDecimalStr | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> AccountUpdateRequest:
        # An empty PATCH would be signed and sent only to change nothing.
        if not self.model_dump(exclude_none=True):
            raise ValueError(
                "give at least one of auto_borrow_settlements, auto_lend, auto_repay_borrows, "
                "leverage_limit"
            )
        return self


class ConvertDustRequest(RequestModel):
    """Body of ``POST /api/v1/account/convertDust``; without ``symbol`` every dust balance."""

    symbol: Symbol | None = None


class MaxBorrowQuantityRequest(RequestModel):
    """Query of ``GET /api/v1/account/limits/borrow``."""

    symbol: Symbol


class MaxBorrowQuantity(BpxModel):
    """The most of ``symbol`` the account can borrow now."""

    symbol: str
    max_borrow_quantity: Decimal | None = None


class MaxOrderQuantityRequest(RequestModel):
    """Query of ``GET /api/v1/account/limits/order``."""

    symbol: Symbol
    side: Side
    price: PositiveDecimalStr | None = None
    reduce_only: StrictBool | None = None
    auto_borrow: StrictBool | None = None
    auto_borrow_repay: StrictBool | None = None
    auto_lend_redeem: StrictBool | None = None


class MaxOrderQuantity(BpxModel):
    """The largest order quantity the account can place on ``symbol`` with these settings."""

    symbol: str
    side: OpenEnum[Side] | None = None
    max_order_quantity: Decimal | None = None
    price: Decimal | None = None
    reduce_only: bool | None = None
    auto_borrow: bool | None = None
    auto_borrow_repay: bool | None = None
    auto_lend_redeem: bool | None = None


class MaxWithdrawalQuantityRequest(RequestModel):
    """Query of ``GET /api/v1/account/limits/withdrawal``."""

    symbol: Symbol
    auto_borrow: StrictBool | None = None
    auto_lend_redeem: StrictBool | None = None


class MaxWithdrawalQuantity(BpxModel):
    """The most of ``symbol`` the account can withdraw now with these settings."""

    symbol: str
    max_withdrawal_quantity: Decimal | None = None
    auto_borrow: bool | None = None
    auto_lend_redeem: bool | None = None
