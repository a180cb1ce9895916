"""Synthetic markets and assets listed by the offline fake Backpack exchange.

Fixed, deterministic definitions plus their REST wire shapes (``Market``, ``MarketAsset``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["DEFAULT_ASSETS", "DEFAULT_MARKETS", "AssetSpec", "MarketSpec"]

# Every listed market pretends to have been created at the same moment, so wire output is stable.
_LISTING_TIME = "2024-01-01T00:00:00"
# 8 hours, the funding interval Backpack uses for its perpetuals.
_FUNDING_INTERVAL_MS = 28_800_000


def _dec(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True)
class MarketSpec:
    """One order book of the fake exchange and the filters orders must respect.

    ``seed_quantity`` is the size of the level nearest to the mid placed by
    ``MatchingEngine.seed_liquidity``; deeper levels are whole multiples of it.
    """

    symbol: str
    base_symbol: str
    quote_symbol: str
    market_type: str
    tick_size: Decimal
    step_size: Decimal
    min_quantity: Decimal
    min_price: Decimal
    max_price: Decimal
    initial_mid: Decimal
    seed_quantity: Decimal
    max_quantity: Decimal | None = None
    created_at: str = _LISTING_TIME
    # Perpetuals: initial / maintenance margin fraction = max(base, factor * sqrt(notional)).
    imf_base: Decimal = Decimal("0.02")
    imf_factor: Decimal = Decimal("0.0001")
    mmf_base: Decimal = Decimal("0.0125")
    mmf_factor: Decimal = Decimal("0.00006")
    funding_interval_ms: int = _FUNDING_INTERVAL_MS

    @property
    def is_perp(self) -> bool:
        return self.market_type == "PERP"

    def to_wire(self) -> dict[str, Any]:
        """The REST ``Market`` object (``GET /api/v1/markets`` item)."""
        price_filter: dict[str, Any] = {
            "minPrice": _dec(self.min_price),
            "maxPrice": _dec(self.max_price),
            "tickSize": _dec(self.tick_size),
            # The fake engine enforces no price bands, so it advertises none.
            "maxMultiplier": None,
            "minMultiplier": None,
            "maxImpactMultiplier": None,
            "minImpactMultiplier": None,
            "meanMarkPriceBand": None,
            "meanPremiumBand": None,
            "borrowEntryFeeMaxMultiplier": None,
            "borrowEntryFeeMinMultiplier": None,
        }
        quantity_filter: dict[str, Any] = {
            "minQuantity": _dec(self.min_quantity),
            "maxQuantity": None if self.max_quantity is None else _dec(self.max_quantity),
            "stepSize": _dec(self.step_size),
        }
        wire: dict[str, Any] = {
            "symbol": self.symbol,
            "baseSymbol": self.base_symbol,
            "quoteSymbol": self.quote_symbol,
            "marketType": self.market_type,
            "filters": {"price": price_filter, "quantity": quantity_filter},
            "imfFunction": None,
            "mmfFunction": None,
            "fundingInterval": None,
            "fundingRateUpperBound": None,
            "fundingRateLowerBound": None,
            "openInterestLimit": None,
            "orderBookState": "Open",
            "createdAt": self.created_at,
            "visible": True,
            "positionLimitWeight": None,
        }
        if self.is_perp:
            wire.update(
                imfFunction={
                    "type": "sqrt",
                    "base": _dec(self.imf_base),
                    "factor": _dec(self.imf_factor),
                },
                mmfFunction={
                    "type": "sqrt",
                    "base": _dec(self.mmf_base),
                    "factor": _dec(self.mmf_factor),
                },
                fundingInterval=self.funding_interval_ms,
                # Basis points, as on the real exchange.
                fundingRateUpperBound="100",
                fundingRateLowerBound="-100",
                openInterestLimit="0",
                positionLimitWeight="1",
            )
        return wire


@dataclass(frozen=True)
class AssetSpec:
    """One asset the fake exchange custodies, with the single token it can be moved on."""

    symbol: str
    display_name: str
    decimals: int
    blockchain: str
    coingecko_id: str | None
    minimum_deposit: Decimal
    minimum_withdrawal: Decimal
    withdrawal_fee: Decimal

    def to_wire(self) -> dict[str, Any]:
        """The REST ``MarketAsset`` object (``GET /api/v1/assets`` item)."""
        token: dict[str, Any] = {
            "displayName": self.display_name,
            "blockchain": self.blockchain,
            "contractAddress": None,
            "depositEnabled": True,
            "minimumDeposit": _dec(self.minimum_deposit),
            "withdrawEnabled": True,
            "minimumWithdrawal": _dec(self.minimum_withdrawal),
            "maximumWithdrawal": None,
            "withdrawalFee": _dec(self.withdrawal_fee),
            "nativeDecimals": self.decimals,
        }
        return {
            "symbol": self.symbol,
            "displayName": self.display_name,
            "coingeckoId": self.coingecko_id,
            "tokens": [token],
        }


def _spot_and_perp(
    base: str,
    *,
    tick: str,
    step: str,
    mid: str,
    seed: str,
    max_price: str,
    with_perp: bool,
) -> tuple[MarketSpec, ...]:
    spot = MarketSpec(
        symbol=f"{base}_USDC",
        base_symbol=base,
        quote_symbol="USDC",
        market_type="SPOT",
        tick_size=Decimal(tick),
        step_size=Decimal(step),
        min_quantity=Decimal(step),
        min_price=Decimal(tick),
        max_price=Decimal(max_price),
        initial_mid=Decimal(mid),
        seed_quantity=Decimal(seed),
    )
    if not with_perp:
        return (spot,)
    perp = MarketSpec(
        symbol=f"{base}_USDC_PERP",
        base_symbol=base,
        quote_symbol="USDC",
        market_type="PERP",
        tick_size=spot.tick_size,
        step_size=spot.step_size,
        min_quantity=spot.min_quantity,
        min_price=spot.min_price,
        max_price=spot.max_price,
        initial_mid=spot.initial_mid,
        seed_quantity=spot.seed_quantity,
    )
    return (spot, perp)


DEFAULT_MARKETS: tuple[MarketSpec, ...] = (
    *_spot_and_perp(
        "SOL", tick="0.01", step="0.01", mid="150", seed="5", max_price="100000", with_perp=True
    ),
    *_spot_and_perp(
        "BTC",
        tick="0.1",
        step="0.00001",
        mid="60000",
        seed="0.01",
        max_price="10000000",
        with_perp=True,
    ),
    *_spot_and_perp(
        "ETH", tick="0.01", step="0.0001", mid="3000", seed="0.2", max_price="1000000",
        with_perp=False,
    ),
    *_spot_and_perp(
        "USDT", tick="0.0001", step="0.01", mid="1", seed="500", max_price="10", with_perp=False
    ),
)

DEFAULT_ASSETS: tuple[AssetSpec, ...] = (
    AssetSpec("BTC", "Bitcoin", 8, "Bitcoin", "bitcoin", Decimal("0.0001"), Decimal("0.0002"),
              Decimal("0.00001")),
    AssetSpec("ETH", "Ethereum", 18, "Ethereum", "ethereum", Decimal("0.001"), Decimal("0.002"),
              Decimal("0.0005")),
    AssetSpec("SOL", "Solana", 9, "Solana", "solana", Decimal("0.01"), Decimal("0.02"),
              Decimal("0.001")),
    AssetSpec("USDC", "USD Coin", 6, "Solana", "usd-coin", Decimal("1"), Decimal("2"),
              Decimal("1")),
    AssetSpec("USDT", "Tether", 6, "Solana", "tether", Decimal("1"), Decimal("2"), Decimal("1")),
)
