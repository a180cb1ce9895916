"""Offline fake Backpack exchange for tests and demos: ``FakeExchange`` serves the REST and
WebSocket APIs on 127.0.0.1 from an in-memory matching engine, with real signature checks.
"""

from __future__ import annotations

from ._engine import EngineError, MatchingEngine, OrderRequest, Protection
from ._faults import FaultKind, FaultRule, Faults
from ._markets import DEFAULT_ASSETS, DEFAULT_MARKETS, AssetSpec, MarketSpec
from ._ratelimit import RateLimits
from ._server import FakeExchange, RecordedRequest
from ._ws import ReceivedMessage, WebSocketHub

__all__ = [
    "DEFAULT_ASSETS",
    "DEFAULT_MARKETS",
    "AssetSpec",
    "EngineError",
    "FakeExchange",
    "FaultKind",
    "FaultRule",
    "Faults",
    "MarketSpec",
    "MatchingEngine",
    "OrderRequest",
    "Protection",
    "RateLimits",
    "ReceivedMessage",
    "RecordedRequest",
    "WebSocketHub",
]
