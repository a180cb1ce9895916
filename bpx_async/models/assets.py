"""Request and response models of the Assets group: assets with their per-blockchain tokens,
and the collateral parameters (margin and haircut functions) of each asset.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from ._base import BpxModel, NullableList, OpenEnum, RequestModel
from .enums import Blockchain
from .markets import MarginFunction

__all__ = [
    "AssetsRequest",
    "CollateralFunction",
    "CollateralFunctionKind",
    "CollateralSummary",
    "MarketAsset",
    "Token",
]


class AssetsRequest(RequestModel):
    """Query of ``GET /api/v1/assets``: ``country`` is an ISO 3166-1 alpha-2 code."""

    country: Annotated[str, Field(min_length=2, max_length=2)] | None = None


class Token(BpxModel):
    """An asset on one blockchain: deposit/withdrawal switches, limits and fee."""

    display_name: str | None = None
    blockchain: OpenEnum[Blockchain] | None = None
    contract_address: str | None = None
    deposit_enabled: bool | None = None
    minimum_deposit: Decimal | None = None
    withdraw_enabled: bool | None = None
    minimum_withdrawal: Decimal | None = None
    maximum_withdrawal: Decimal | None = None
    withdrawal_fee: Decimal | None = None
    native_decimals: int | None = None


class MarketAsset(BpxModel):
    """An asset (``SOL``, ``AAPL.US`` ...) and the blockchains it can move on."""

    symbol: str
    display_name: str | None = None
    coingecko_id: str | None = None
    tokens: NullableList[Token] = Field(default_factory=list)


class CollateralFunctionKind(BpxModel):
    """Shape of a haircut curve, tagged by ``type``: ``identity`` (no fields) or ``inverseSqrt``
    (``base``, ``positive_curve_penalty``). Fields of an unknown type stay in ``model_extra``.
    """

    model_config = ConfigDict(extra="allow")

    type: str | None = None
    base: Decimal | None = None
    positive_curve_penalty: Decimal | None = None


class CollateralFunction(BpxModel):
    """The haircut applied to an asset's value as collateral: a ``weight`` and a curve ``kind``."""

    weight: Decimal | None = None
    kind: CollateralFunctionKind | None = None


class CollateralSummary(BpxModel):
    """Collateral parameters of one asset: IMF/MMF functions and the haircut function."""

    symbol: str
    imf_function: MarginFunction | None = None
    mmf_function: MarginFunction | None = None
    haircut_function: CollateralFunction | None = None
