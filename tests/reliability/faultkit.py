"""Helpers of the reliability tests (this folder is on sys.path: ``from faultkit import ...``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bpx_async.testing import FakeExchange


@dataclass
class Origin:
    """Another server on 127.0.0.1 that answers every request like the exchange would."""

    url: str
    received: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


def posts_by_client_id(fx: FakeExchange, path: str = "/api/v1/order") -> Counter[int | None]:
    """How many POSTs of ``path`` the exchange received, per ``clientId`` of their body."""
    counts: Counter[int | None] = Counter()
    for request in fx.requests:
        if request.method == "POST" and request.path == path:
            body = request.json()
            for order in body if isinstance(body, list) else [body]:
                counts[order.get("clientId")] += 1
    return counts


#: A resting buy far below the seeded book: placed, never filled.
RESTING_BID = {
    "symbol": "SOL_USDC",
    "side": "Bid",
    "order_type": "Limit",
    "price": "1",
    "quantity": "1",
}
