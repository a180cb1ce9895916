"""Stream names: which ones exist, which are private, and what a name says (kind, symbol).

Names are checked here before anything is sent, so a typo fails at once with a clear error
instead of as an error frame from the exchange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models.enums import KlineInterval
from .errors import InvalidStreamError

__all__ = [
    "DEPTH_SPEEDS",
    "KLINE_INTERVALS",
    "StreamName",
    "is_private",
    "parse_stream",
]

#: The aggregated depth variants; ``depth.<symbol>`` is the real-time one.
DEPTH_SPEEDS = ("200ms", "600ms", "1000ms")
KLINE_INTERVALS = frozenset(member.value for member in KlineInterval)

#: Public streams named ``<kind>.<symbol>``.
_SYMBOL_KINDS = frozenset(
    {
        "bookTicker",
        "trade",
        "ticker",
        "markPrice",
        "openInterest",
        "liquidation",
        "stockPrice",
        "stockIndicativeQuote",
        "externalTicker",
    }
)
#: Private streams, all markets (``account.orderUpdate``) or one (``account.orderUpdate.<s>``).
_PRIVATE_KINDS = frozenset({"orderUpdate", "positionUpdate", "rfqUpdate", "balanceUpdate"})
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True, slots=True)
class StreamName:
    """What a stream name means: ``kind`` (``depth``, ``kline``, ``orderUpdate`` ...), the
    ``symbol`` (None for all markets), the depth ``speed`` or kline ``interval``, and whether
    the stream is ``private`` (its SUBSCRIBE must be signed)."""

    name: str
    kind: str
    symbol: str | None = None
    private: bool = False
    speed: str | None = None
    interval: str | None = None


def _symbol(name: str, text: str) -> str:
    if not _SYMBOL.match(text):
        raise InvalidStreamError(f"invalid stream {name!r}: {text!r} is not a market symbol")
    return text


def parse_stream(name: str) -> StreamName:
    """Parse and check one stream name; raises :class:`InvalidStreamError` for a bad one."""
    if not isinstance(name, str) or not name or name != name.strip():
        raise InvalidStreamError(f"invalid stream name {name!r}")
    kind, _, rest = name.partition(".")
    if kind == "account":
        private_kind, _, symbol = rest.partition(".")
        if private_kind not in _PRIVATE_KINDS:
            raise InvalidStreamError(
                f"invalid stream {name!r}: private streams are account."
                + "|".join(sorted(_PRIVATE_KINDS))
            )
        return StreamName(
            name, private_kind, _symbol(name, symbol) if symbol else None, private=True
        )
    if kind == "liquidation" and not rest:
        return StreamName(name, kind)
    if kind in _SYMBOL_KINDS:
        return StreamName(name, kind, _symbol(name, rest))
    if kind == "depth":
        speed, dot, symbol = rest.partition(".")
        if dot and speed in DEPTH_SPEEDS:
            return StreamName(name, kind, _symbol(name, symbol), speed=speed)
        return StreamName(name, kind, _symbol(name, rest))
    if kind == "kline":
        interval, _, symbol = rest.partition(".")
        if interval not in KLINE_INTERVALS:
            raise InvalidStreamError(
                f"invalid stream {name!r}: kline interval must be one of "
                + ", ".join(member.value for member in KlineInterval)
            )
        return StreamName(name, kind, _symbol(name, symbol), interval=interval)
    raise InvalidStreamError(
        f"invalid stream {name!r}: unknown stream kind {kind!r} "
        "(see https://docs.backpack.exchange/#tag/Streams)"
    )


def is_private(name: str) -> bool:
    """Whether ``name`` is a private (``account.``) stream."""
    return name.startswith("account.")
