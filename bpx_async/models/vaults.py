"""Request and response models of the Vaults group: public vault listing and history, and the
account's mints, redeems and NAV.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, StrictBool

from ._base import (
    BpxModel,
    OpenEnum,
    PositiveDecimalStr,
    RequestModel,
    Symbol,
    Uint32,
    UtcDateTime,
)
from .enums import VaultHistoryInterval, VaultRedeemStatus

__all__ = [
    "Vault",
    "VaultHistory",
    "VaultHistoryRequest",
    "VaultIdRequest",
    "VaultMintRequest",
    "VaultNav",
    "VaultRedeem",
    "VaultRedeemRequest",
]


class Vault(BpxModel):
    """A vault: its share token, the asset minted and redeemed with, and the mint/redeem rules."""

    id: int
    vault_token: str | None = None
    symbol: str | None = None
    mints_enabled: bool | None = None
    redeems_enabled: bool | None = None
    min_mint_quantity: Decimal | None = None
    min_redeem_tokens: Decimal | None = None
    redeem_delay_ms: int | None = Field(
        default=None, description="milliseconds between a redeem request and its execution"
    )
    token_step_size: Decimal | None = None
    remaining_mint_quantity: Decimal | None = None


class VaultHistoryRequest(RequestModel):
    """Query of ``GET /api/v1/vaults/history``."""

    interval: VaultHistoryInterval
    vault_id: Uint32 | None = None


class VaultHistory(BpxModel):
    """A snapshot of a vault: NAV per token, equity (USDC) and circulating tokens."""

    vault_id: int
    timestamp: UtcDateTime | None = None
    nav: Decimal | None = None
    vault_equity: Decimal | None = None
    token_circulating_supply: Decimal | None = None


class VaultMintRequest(RequestModel):
    """Body of ``POST /api/v1/vault/mint``."""

    vault_id: Uint32
    symbol: Symbol
    quantity: PositiveDecimalStr
    auto_borrow: StrictBool | None = None
    auto_lend_redeem: StrictBool | None = None


class VaultRedeemRequest(RequestModel):
    """Body of ``POST /api/v1/vault/redeem``; without a quantity every vault token is redeemed."""

    vault_id: Uint32
    vault_token_quantity: PositiveDecimalStr | None = None


class VaultIdRequest(RequestModel):
    """Body of ``DELETE /api/v1/vault/redeem``; query of ``GET /api/v1/vault/redeems/pending``."""

    vault_id: Uint32


class VaultNav(BpxModel):
    """NAV figures of the vault owned by the calling account (all per vault token but equity)."""

    nav: Decimal | None = None
    twap_nav: Decimal | None = None
    mint_nav: Decimal | None = None
    redeem_nav: Decimal | None = None
    vault_equity: Decimal | None = None
    net_equity: Decimal | None = None
    token_circulating_supply: Decimal | None = None
    last_crank_timestamp: int | None = Field(
        default=None, description="milliseconds since the epoch"
    )


class VaultRedeem(BpxModel):
    """A redeem request. ``vault_token``/``symbol``/``quantity``/``nav`` are set once redeemed,
    ``reason`` once cancelled."""

    id: str
    status: OpenEnum[VaultRedeemStatus] | None = None
    vault_id: int | None = None
    vault_token_quantity: Decimal | None = None
    vault_token: str | None = None
    symbol: str | None = None
    quantity: Decimal | None = None
    nav: Decimal | None = None
    reason: str | None = None
    timestamp: int | None = Field(default=None, description="milliseconds since the epoch")
