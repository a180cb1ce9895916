"""Request and response models of the Capital group: balances, collateral, deposits, withdrawals
and the withdrawal-delay setting.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Union

from pydantic import Field, Strict, StrictBool

from ._base import (
    BpxModel,
    NonEmptyStr,
    NullableList,
    OpenEnum,
    PageLimit,
    PageOffset,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    TimeWindow,
    Uint16,
    Uint32,
    UtcDateTime,
)
from .enums import Blockchain, DepositStatus, WithdrawalStatus

__all__ = [
    "Balance",
    "Collateral",
    "CollateralRequest",
    "Deposit",
    "DepositAddress",
    "DepositAddressRequest",
    "DepositsRequest",
    "MarginAccountSummary",
    "WithdrawRequest",
    "Withdrawal",
    "WithdrawalDelay",
    "WithdrawalDelayRequest",
    "WithdrawalRecipientInformation",
    "WithdrawalsRequest",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INT32_MAX = 2**31 - 1
_INT64_MAX = 2**63 - 1


_Int32Id = Annotated[int, Strict(), Field(ge=0, le=_INT32_MAX)]
#: Known chains become :class:`Blockchain`; any other non-blank name is sent as given because the
#: exchange adds chains faster than SDK releases.
_BlockchainName = Annotated[
    Union[Blockchain, Annotated[str, Field(min_length=1, pattern=r"^\S+$")]],
    Field(union_mode="left_to_right"),
]


# --- balances and collateral ------------------------------------------------------------------


class Balance(BpxModel):
    """Spot balance of one asset: free, locked in open orders, and staked."""

    available: Decimal | None = None
    locked: Decimal | None = None
    staked: Decimal | None = None


class CollateralRequest(RequestModel):
    """Query of ``GET /api/v1/capital/collateral``."""

    subaccount_id: Uint16 | None = None


class Collateral(BpxModel):
    """Collateral contributed by one spot asset (quantities pre-haircut, values in USDC)."""

    symbol: str
    asset_mark_price: Decimal | None = None
    total_quantity: Decimal | None = None
    balance_notional: Decimal | None = None
    collateral_weight: Decimal | None = None
    collateral_value: Decimal | None = None
    open_order_quantity: Decimal | None = None
    lend_quantity: Decimal | None = None
    available_quantity: Decimal | None = None


class MarginAccountSummary(BpxModel):
    """Margin state of the account: equity, margin fractions and collateral per asset."""

    assets_value: Decimal | None = None
    borrow_liability: Decimal | None = None
    collateral: NullableList[Collateral] = Field(default_factory=list)
    imf: Decimal | None = None
    unsettled_equity: Decimal | None = None
    liabilities_value: Decimal | None = None
    margin_fraction: Decimal | None = None
    mmf: Decimal | None = None
    net_equity: Decimal | None = None
    net_equity_available: Decimal | None = None
    net_equity_locked: Decimal | None = None
    net_exposure_futures: Decimal | None = None
    pnl_unrealized: Decimal | None = None


# --- deposits -----------------------------------------------------------------------------------


class DepositAddressRequest(RequestModel):
    """Query of ``GET /wapi/v1/capital/deposit/address``."""

    blockchain: _BlockchainName


class DepositAddress(BpxModel):
    """The account's deposit address on one blockchain."""

    address: str


class _TimeRange(TimeWindow):
    limit: PageLimit | None = None
    offset: PageOffset | None = None


class DepositsRequest(_TimeRange):
    """Query of ``GET /wapi/v1/capital/deposits``; ``from``/``to`` in ms since the epoch."""

    exclude_platform: StrictBool | None = None


class Deposit(BpxModel):
    """One deposit. ``source`` is the chain or processor in lower camel case (e.g. ``solana``)."""

    id: int
    symbol: str | None = None
    quantity: Decimal | None = None
    status: OpenEnum[DepositStatus] | None = None
    source: str | None = None
    to_address: str | None = None
    from_address: str | None = None
    transaction_hash: str | None = None
    created_at: UtcDateTime | None = None
    # A JSON number in the spec (the only float of the API); read as Decimal like all money.
    fiat_amount: Decimal | None = None
    fiat_currency: str | None = None
    institution_bic: str | None = None
    platform_memo: str | None = None


# --- withdrawals --------------------------------------------------------------------------------


class WithdrawalsRequest(_TimeRange):
    """Query of ``GET /wapi/v1/capital/withdrawals``; ``from``/``to`` in ms since the epoch."""

    id: _Int32Id | None = None
    client_id: str | None = Field(default=None, min_length=1, max_length=255)


class WithdrawalRecipientInformation(RequestModel):
    """Travel-rule details of a withdrawal (``recipientInformation``).

    Unlike every other parameter its keys are snake_case on the wire. The fields are declared in
    key order so the object is sent and signed as the same compact, key-sorted JSON text, which
    is also what the official Rust client signs for a nested object.
    """

    sanctions_representation: StrictBool | None = Field(
        default=None, alias="sanctions_representation"
    )
    withdrawal_address_id: _Int32Id = Field(alias="withdrawal_address_id")
    withdrawal_purpose: str | None = Field(default=None, alias="withdrawal_purpose", min_length=1)


class WithdrawRequest(RequestModel):
    """Body of ``POST /wapi/v1/capital/withdrawals``."""

    address: NonEmptyStr
    blockchain: _BlockchainName
    client_id: str | None = Field(default=None, min_length=1, max_length=255)
    quantity: PositiveDecimalStr
    symbol: Symbol
    two_factor_token: NonEmptyStr | None = None
    auto_borrow: StrictBool | None = None
    auto_lend_redeem: StrictBool | None = None
    recipient_information: WithdrawalRecipientInformation | None = None


class Withdrawal(BpxModel):
    """One withdrawal. ``identifier`` is the transaction hash once it has been sent."""

    id: int
    symbol: str | None = None
    quantity: Decimal | None = None
    fee: Decimal | None = None
    blockchain: OpenEnum[Blockchain] | None = None
    status: OpenEnum[WithdrawalStatus] | None = None
    client_id: str | None = None
    identifier: str | None = None
    to_address: str | None = None
    transaction_hash: str | None = None
    subaccount_id: int | None = None
    is_internal: bool | None = None
    created_at: UtcDateTime | None = None
    trigger_at: UtcDateTime | None = None
    fiat_fee: Decimal | None = None
    fiat_state: str | None = None
    fiat_symbol: str | None = None
    provider_id: str | None = None
    bank_name: str | None = None
    bank_identifier: str | None = None
    account_identifier: str | None = None


# --- withdrawal delay ---------------------------------------------------------------------------


class WithdrawalDelayRequest(RequestModel):
    """Body of ``POST`` / ``PATCH /wapi/v1/capital/withdrawals/delay`` (both need a 2FA token)."""

    withdrawal_delay_hours: Uint32
    two_factor_token: NonEmptyStr


class WithdrawalDelay(BpxModel):
    """The delay (hours) applied to withdrawals to non-whitelisted addresses, and any pending
    change with the time it takes effect."""

    current_withdrawal_delay_hours: int | None = None
    pending_withdrawal_delay_hours: int | None = None
    pending_withdrawal_delay_hours_enabled_at: UtcDateTime | None = None
