"""Perpetual positions of the fake exchange: net quantity, cost basis and PnL arithmetic.

A position keeps its signed net quantity and the signed cost of that quantity (``entry price *
net``). Reducing releases the matching share of the cost and realizes the difference, so for
every account ``realized + unrealized == net * mark - (sum of signed fill notionals)`` holds
exactly, whatever the order of fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bpx_async.testing._markets import MarketSpec

__all__ = ["FundingPayment", "Position", "margin_fraction"]

ZERO = Decimal(0)
# Released cost is rounded here when a partial reduce does not divide evenly; the rounding
# stays inside the position (cost and realized PnL move by the same amount).
_COST_QUANTUM = Decimal("1E-12")


def margin_fraction(base: Decimal, factor: Decimal, notional: Decimal) -> Decimal:
    """``max(base, factor * sqrt(notional))``: the markets' ``sqrt`` margin function."""
    return max(base, factor * abs(notional).sqrt()) if notional else base


@dataclass(eq=False, slots=True)
class Position:
    """One account's position on one perpetual market, from opening to closing."""

    position_id: str
    account: str
    market: MarketSpec
    opened_us: int
    net: Decimal = ZERO  # signed base quantity: positive long, negative short
    cost: Decimal = ZERO  # signed cost of ``net`` at entry prices
    realized: Decimal = ZERO  # PnL realized over the position's life (settled in quote)
    funding: Decimal = ZERO  # funding received (positive) or paid (negative)
    fees: Decimal = ZERO  # trading fees paid on this position's fills
    closed_volume: Decimal = ZERO
    closed_us: int | None = None
    closing_price: Decimal | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_us is None

    @property
    def entry_price(self) -> Decimal:
        return self.cost / self.net if self.net else ZERO

    @property
    def break_even_price(self) -> Decimal:
        """Entry price moved by the fees paid and funding received per unit held."""
        if not self.net:
            return ZERO
        return (self.cost + self.fees - self.funding) / self.net

    def unrealized(self, mark: Decimal) -> Decimal:
        return self.net * mark - self.cost

    def trade(self, signed_quantity: Decimal, price: Decimal) -> Decimal:
        """Apply a fill (positive = bought); return the PnL it realizes."""
        realized = ZERO
        if self.net and (signed_quantity > 0) != (self.net > 0):
            closing = min(abs(signed_quantity), abs(self.net))
            if closing == abs(self.net):
                released = self.cost
            else:
                released = self.cost * closing / abs(self.net)
                if released != released.quantize(_COST_QUANTUM):
                    released = released.quantize(_COST_QUANTUM)
            direction = 1 if signed_quantity > 0 else -1
            # The fill's signed notional: + for a purchase, - for a sale.
            cash = price * closing * direction
            realized = -released - cash
            self.cost -= released
            self.net += closing * direction
            self.realized += realized
            self.closed_volume += closing
            signed_quantity -= closing * direction
        if signed_quantity:
            self.cost += price * signed_quantity
            self.net += signed_quantity
        return realized


@dataclass(frozen=True, slots=True)
class FundingPayment:
    """One funding settlement of one position (positive = received)."""

    account: str
    symbol: str
    quantity: Decimal
    rate: Decimal
    at_us: int
