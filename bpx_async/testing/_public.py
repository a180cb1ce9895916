"""Public (unsigned) REST endpoints of the fake exchange (the docs' System, Assets, Markets
and Trades tags).

Order books, trades and tickers come from the matching engine; data the engine does not model
(klines, funding, borrow/lend, vaults) is synthetic but a pure function of symbol and time.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from decimal import ROUND_DOWN, Decimal
from typing import Any

from aiohttp import web

from ._engine import EngineError, MatchingEngine
from ._http import (
    ParamError,
    dec,
    error_response,
    json_response,
    page,
    param_choice,
    param_int,
    param_str,
)
from ._markets import AssetSpec, MarketSpec

__all__ = ["KLINE_SECONDS", "MARKET_TYPES", "PublicApi", "collateral_weight", "price_of"]

KLINE_SECONDS: Mapping[str, int] = {
    "1s": 1,
    "1m": 60,
    "3m": 180,
    "5m": 300,
    "15m": 900,
    "30m": 1_800,
    "1h": 3_600,
    "2h": 7_200,
    "4h": 14_400,
    "6h": 21_600,
    "8h": 28_800,
    "12h": 43_200,
    "1d": 86_400,
    "3d": 259_200,
    "1w": 604_800,
}
_KLINE_INTERVALS = (*KLINE_SECONDS, "1month")
_MAX_KLINES = 1_000
_INT64_MAX = 2**63 - 1
_MONDAY_OFFSET = 4 * 86_400  # 1970-01-01 was a Thursday; weekly candles open on Monday
_FUNDING_INTERVAL_MS = 8 * 3_600_000
_FUNDING_HISTORY = 270  # ~90 days of 8 h intervals
_DEPTH_LIMITS = ("5", "10", "20", "50", "100", "500", "1000")
_HISTORY_POINTS: Mapping[str, tuple[int, int]] = {  # interval -> (step seconds, points)
    "1d": (3_600, 24),
    "1w": (21_600, 28),
    "1month": (86_400, 30),
    "1year": (604_800, 52),
}
MARKET_TYPES = ("SPOT", "PERP", "IPERP", "DATED", "PREDICTION", "RFQ")
_HAIRCUT: Mapping[str, str] = {
    "USDC": "1",
    "USDT": "0.95",
    "BTC": "0.9",
    "ETH": "0.9",
    "SOL": "0.85",
}

Clock = Callable[[], int]


def _unit(symbol: str, salt: str = "") -> float:
    """A stable pseudo-random number in [0, 1) derived from text."""
    return (zlib.crc32(f"{symbol}|{salt}".encode()) % 1_000_003) / 1_000_003


def _quantize(value: Decimal, step: Decimal) -> Decimal:
    # The final quantize keeps the step's scale (58.50, not 58.5).
    return ((value / step).to_integral_value(rounding=ROUND_DOWN) * step).quantize(step)


def price_of(engine: MatchingEngine, asset: str) -> Decimal:
    """Value of one unit of ``asset`` in USDC, from the engine's last prices."""
    if asset == "USDC":
        return Decimal(1)
    for spec in engine.markets.values():
        if spec.base_symbol == asset and spec.quote_symbol == "USDC" and not spec.is_perp:
            return engine.last_price(spec.symbol)
    for spec in engine.markets.values():
        if spec.base_symbol == asset and spec.quote_symbol == "USDC":
            return engine.last_price(spec.symbol)
    return Decimal(0)


def collateral_weight(asset: str) -> Decimal:
    """The haircut weight ``/api/v1/collateral`` advertises for ``asset``."""
    return Decimal(_HAIRCUT.get(asset, "0.8"))


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _rfc3339(seconds: int) -> str:
    return _utc(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kline_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def synthetic_price(spec: MarketSpec, seconds: float) -> Decimal:
    """The made-up historical price of ``spec`` at ``seconds``: slow waves around the mid."""
    phase = _unit(spec.symbol) * 2 * math.pi
    swing = (
        0.03 * math.sin(2 * math.pi * seconds / 604_800 + phase)
        + 0.01 * math.sin(2 * math.pi * seconds / 86_400 + 2 * phase)
        + 0.002 * math.sin(2 * math.pi * seconds / 3_600 + 3 * phase)
    )
    price = spec.initial_mid * (1 + Decimal(repr(round(swing, 9))))
    return max(_quantize(price, spec.tick_size), spec.tick_size)


class PublicApi:
    """Handlers for every public endpoint, reading from one matching engine."""

    def __init__(
        self, engine: MatchingEngine, assets: Sequence[AssetSpec], clock_ms: Clock
    ) -> None:
        self.engine = engine
        self.assets = tuple(assets)
        self._clock_ms = clock_ms

    def routes(self) -> list[web.RouteDef]:
        get = web.get
        return [
            get("/api/v1/ping", self.ping),
            get("/api/v1/time", self.time),
            get("/api/v1/status", self.status),
            get("/api/v1/wallets", self.wallets),
            get("/api/v1/assets", self.asset_list),
            get("/api/v1/collateral", self.collateral),
            get("/api/v1/markets", self.markets),
            get("/api/v1/market", self.market),
            get("/api/v1/market-sessions", self.empty_list),
            get("/api/v1/prediction", self.empty_list),
            get("/api/v1/prediction/tags", self.empty_list),
            get("/api/v1/securities", self.empty_list),
            get("/api/v1/ticker", self.ticker),
            get("/api/v1/tickers", self.tickers),
            get("/api/v1/depth", self.depth),
            get("/api/v1/klines", self.klines),
            get("/api/v1/markPrices", self.mark_prices),
            get("/api/v1/openInterest", self.open_interest),
            get("/api/v1/fundingRates", self.funding_rates),
            get("/api/v1/trades", self.trades),
            get("/api/v1/trades/history", self.trades_history),
            get("/api/v1/borrowLend/markets", self.borrow_lend_markets),
            get("/api/v1/borrowLend/markets/history", self.borrow_lend_history),
            get("/api/v1/borrowLend/apy", self.borrow_lend_apy),
            get("/api/v1/vaults", self.vaults),
            get("/api/v1/vaults/history", self.vaults_history),
        ]

    # -- helpers -----------------------------------------------------------------------------

    def _spec(self, symbol: str | None) -> MarketSpec:
        spec = self.engine.markets.get(symbol or "")
        if spec is None:
            raise EngineError(400, "INVALID_MARKET", f"Invalid market symbol: {symbol}")
        return spec

    def _asset(self, symbol: str) -> AssetSpec | None:
        return next((asset for asset in self.assets if asset.symbol == symbol), None)

    # -- system ------------------------------------------------------------------------------

    async def ping(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="pong", content_type="text/plain")

    async def time(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=str(self._clock_ms()), content_type="text/plain")

    async def status(self, request: web.Request) -> web.StreamResponse:
        return json_response({"status": "Ok"})

    async def wallets(self, request: web.Request) -> web.StreamResponse:
        # Obviously fake addresses: nothing should ever be sent to them.
        return json_response(
            [
                {"blockchain": "Solana", "address": "FakeBackpackWa11et1111111111111111111111111"},
                {"blockchain": "Ethereum", "address": "0x" + "fa4e" * 10},
                {"blockchain": "Bitcoin", "address": "bc1qfakebackpackwallet0000000000000000000"},
            ]
        )

    async def empty_list(self, request: web.Request) -> web.StreamResponse:
        return json_response([])

    # -- assets ------------------------------------------------------------------------------

    async def asset_list(self, request: web.Request) -> web.StreamResponse:
        return json_response([asset.to_wire() for asset in self.assets])

    async def collateral(self, request: web.Request) -> web.StreamResponse:
        rows = []
        for asset in self.assets:
            imf = {"type": "sqrt", "base": "0.02", "factor": "0.0000935"}
            mmf = {"type": "sqrt", "base": "0.0125", "factor": "0.0000561"}
            if asset.symbol == "SOL":
                kind: dict[str, Any] = {
                    "type": "inverseSqrt",
                    "base": "0.85",
                    "positiveCurvePenalty": "0.00001",
                }
            else:
                kind = {"type": "identity"}
            weight = dec(collateral_weight(asset.symbol))
            rows.append(
                {
                    "symbol": asset.symbol,
                    "imfFunction": imf,
                    "mmfFunction": mmf,
                    "haircutFunction": {"weight": weight, "kind": kind},
                }
            )
        return json_response(rows)

    # -- markets -----------------------------------------------------------------------------

    async def markets(self, request: web.Request) -> web.StreamResponse:
        wanted = set(request.query.getall("marketType", [])) or {"SPOT", "PERP"}
        return json_response(
            [spec.to_wire() for spec in self.engine.markets.values() if spec.market_type in wanted]
        )

    async def market(self, request: web.Request) -> web.StreamResponse:
        symbol = param_str(request.query, "symbol", required=True)
        spec = self.engine.markets.get(symbol or "")
        if spec is None:
            return error_response(404, "RESOURCE_NOT_FOUND", "Market not found")
        return json_response(spec.to_wire())

    def _ticker(self, spec: MarketSpec, interval: str) -> dict[str, Any]:
        return self.engine.ticker(spec.symbol, interval)

    async def ticker(self, request: web.Request) -> web.StreamResponse:
        symbol = param_str(request.query, "symbol", required=True)
        interval = param_choice(request.query, "interval", ("1d", "1w"), default="1d")
        spec = self.engine.markets.get(symbol or "")
        if spec is None:
            return web.Response(status=204)
        return json_response(self._ticker(spec, interval or "1d"))

    async def tickers(self, request: web.Request) -> web.StreamResponse:
        interval = param_choice(request.query, "interval", ("1d", "1w"), default="1d")
        return json_response(
            [self._ticker(spec, interval or "1d") for spec in self.engine.markets.values()]
        )

    async def depth(self, request: web.Request) -> web.StreamResponse:
        symbol = param_str(request.query, "symbol", required=True)
        limit = param_choice(request.query, "limit", _DEPTH_LIMITS, default="1000")
        spec = self._spec(symbol)
        return json_response(self.engine.depth(spec.symbol, int(limit or 1000)))

    # -- klines ------------------------------------------------------------------------------

    @staticmethod
    def _candle_spans(interval: str, start: int, end: int) -> list[tuple[int, int]]:
        """(open, close) seconds of the candles opening in ``[start, end)``, oldest first."""
        spans: list[tuple[int, int]] = []
        if interval == "1month":
            moment = _utc(start).replace(day=1, hour=0, minute=0, second=0)
            while len(spans) < _MAX_KLINES:
                carry, month = divmod(moment.month, 12)
                following = moment.replace(year=moment.year + carry, month=month + 1)
                opened = int(moment.timestamp())
                if opened >= end:
                    break
                if opened >= start:
                    spans.append((opened, int(following.timestamp())))
                moment = following
            return spans
        step = KLINE_SECONDS[interval]
        offset = _MONDAY_OFFSET if interval == "1w" else 0
        opened = -((offset - start) // step) * step + offset  # first boundary >= start
        while opened < end and len(spans) < _MAX_KLINES:
            spans.append((opened, opened + step))
            opened += step
        return spans

    @staticmethod
    def _candle(spec: MarketSpec, opened: int, closed: int) -> dict[str, Any]:
        open_price = synthetic_price(spec, opened)
        close_price = synthetic_price(spec, closed)
        middle = synthetic_price(spec, (opened + closed) / 2)
        wiggle = spec.tick_size * (1 + int(_unit(spec.symbol, str(opened)) * 20))
        high = max(open_price, close_price, middle) + wiggle
        low = max(min(open_price, close_price, middle) - wiggle, spec.tick_size)
        lots = 1 + int(_unit(spec.symbol, f"v{opened}") * 400)
        volume = _quantize(spec.seed_quantity * lots / 10, spec.step_size)
        average = (open_price + close_price) / 2
        return {
            "start": _kline_time(_utc(opened)),
            "end": _kline_time(_utc(closed)),
            "open": dec(open_price),
            "high": dec(high),
            "low": dec(low),
            "close": dec(close_price),
            "volume": dec(volume),
            "quoteVolume": dec(_quantize(volume * average, Decimal("0.0001"))),
            "trades": str(1 + int(_unit(spec.symbol, f"n{opened}") * 250)),
        }

    async def klines(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        spec = self._spec(param_str(query, "symbol", required=True))
        interval = param_choice(query, "interval", _KLINE_INTERVALS)
        if interval is None:
            raise ParamError("interval", 'Type "KlineInterval" expects an input, but not found')
        now = self._clock_ms() // 1000
        start = param_int(query, "startTime", required=True, minimum=0, maximum=_INT64_MAX) or 0
        end = param_int(query, "endTime", default=now, minimum=0, maximum=_INT64_MAX) or 0
        param_choice(query, "priceType", ("Last", "Index", "Mark"), default="Last")
        # No candle opens in the future.
        spans = self._candle_spans(interval, start, min(end, now + 1))
        return json_response([self._candle(spec, opened, closed) for opened, closed in spans])

    # -- perpetual data ----------------------------------------------------------------------

    @staticmethod
    def _funding_rate(spec: MarketSpec, interval_end_ms: int) -> Decimal:
        swing = math.sin(interval_end_ms / _FUNDING_INTERVAL_MS + _unit(spec.symbol) * 6.28)
        return Decimal(repr(round(0.0001 * swing, 10)))

    def _specs(self, symbol: str | None) -> list[MarketSpec]:
        return [self._spec(symbol)] if symbol else list(self.engine.markets.values())

    async def mark_prices(self, request: web.Request) -> web.StreamResponse:
        specs = self._specs(param_str(request.query, "symbol"))
        market_type = param_choice(request.query, "marketType", MARKET_TYPES, default="PERP")
        rows: list[dict[str, Any]] = []
        for spec in specs:
            if spec.market_type != market_type:
                continue
            interval = spec.funding_interval_ms
            next_funding = (self._clock_ms() // interval + 1) * interval
            row: dict[str, Any] = {
                "symbol": spec.symbol,
                "markPrice": dec(self.engine.mark_price(spec.symbol)),
            }
            if spec.is_perp:
                row.update(
                    fundingRate=dec(self.engine.funding_rate(spec.symbol)),
                    indexPrice=dec(self.engine.index_price(spec.symbol)),
                    nextFundingTimestamp=next_funding,
                )
            rows.append(row)
        return json_response(rows)

    async def open_interest(self, request: web.Request) -> web.StreamResponse:
        specs = self._specs(param_str(request.query, "symbol"))
        now = self._clock_ms()
        return json_response(
            [
                {
                    "symbol": spec.symbol,
                    "openInterest": dec(self.engine.open_interest(spec.symbol)),
                    "timestamp": now,
                }
                for spec in specs
                if spec.is_perp
            ]
        )

    async def funding_rates(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        spec = self._spec(param_str(query, "symbol", required=True))
        limit = param_int(query, "limit", default=100, minimum=1, maximum=10_000) or 100
        offset = param_int(query, "offset", default=0) or 0
        rows: list[dict[str, Any]] = []
        if spec.is_perp:
            last_end = self._clock_ms() // _FUNDING_INTERVAL_MS * _FUNDING_INTERVAL_MS
            for n in range(_FUNDING_HISTORY):
                end_ms = last_end - n * _FUNDING_INTERVAL_MS
                rows.append(
                    {
                        "symbol": spec.symbol,
                        "intervalEndTimestamp": _utc(end_ms // 1000)
                        .replace(tzinfo=None)
                        .isoformat(),
                        "fundingRate": dec(self._funding_rate(spec, end_ms)),
                    }
                )
        chunk, headers = page(rows, limit=limit, offset=offset)
        return json_response(chunk, headers=headers)

    # -- trades ------------------------------------------------------------------------------

    async def trades(self, request: web.Request) -> web.StreamResponse:
        spec = self._spec(param_str(request.query, "symbol", required=True))
        limit = param_int(request.query, "limit", default=100, minimum=1, maximum=1000) or 100
        return json_response(self.engine.recent_trades(spec.symbol, limit))

    async def trades_history(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        spec = self._spec(param_str(query, "symbol", required=True))
        limit = param_int(query, "limit", default=100, minimum=1, maximum=1000) or 100
        offset = param_int(query, "offset", default=0) or 0
        return json_response(self.engine.recent_trades(spec.symbol, limit, offset))

    # -- borrow / lend -----------------------------------------------------------------------

    def _rates(self, asset: str, seconds: int = 0) -> tuple[Decimal, Decimal, Decimal]:
        """(utilization, borrow rate, lend rate): a rate curve over a drifting utilization."""
        base = 0.35 + 0.4 * _unit(asset, "utilization")
        drift = 0.05 * math.sin(seconds / 86_400 + _unit(asset) * 6.28) if seconds else 0.0
        utilization = Decimal(repr(round(base + drift, 6)))
        borrow = (Decimal("0.02") + utilization * Decimal("0.1")).quantize(Decimal("0.000001"))
        lend = (borrow * utilization * Decimal("0.9")).quantize(Decimal("0.000001"))
        return utilization, borrow, lend

    async def borrow_lend_markets(self, request: web.Request) -> web.StreamResponse:
        now = self._clock_ms() // 60_000 * 60
        rows = []
        for asset in self.assets:
            utilization, borrow, lend = self._rates(asset.symbol)
            lent = Decimal(10 ** (2 + int(_unit(asset.symbol, "size") * 5)))
            rows.append(
                {
                    "state": "Open",
                    "assetMarkPrice": dec(price_of(self.engine, asset.symbol)),
                    "borrowInterestRate": dec(borrow),
                    "borrowedQuantity": dec((lent * utilization).quantize(Decimal("0.01"))),
                    "fee": "0",
                    "lendInterestRate": dec(lend),
                    "lentQuantity": dec(lent),
                    "maxUtilization": "0.9",
                    "openBorrowLendLimit": dec(lent * 10),
                    "optimalUtilization": "0.8",
                    "symbol": asset.symbol,
                    "timestamp": _rfc3339(now),
                    "throttleUtilizationThreshold": "0.85",
                    "throttleUtilizationBound": "0.95",
                    "throttleUpdateFraction": "0.05",
                    "utilization": dec(utilization),
                    "stepSize": dec(Decimal(1).scaleb(-min(asset.decimals, 8))),
                }
            )
        return json_response(rows)

    async def borrow_lend_history(self, request: web.Request) -> web.StreamResponse:
        interval = param_choice(request.query, "interval", tuple(_HISTORY_POINTS))
        if interval is None:
            raise ParamError("interval", 'Type "String" expects an input, but not found')
        symbol = param_str(request.query, "symbol") or "USDC"
        if self._asset(symbol) is None:
            return error_response(400, "INVALID_ASSET", "Invalid asset")
        step, count = _HISTORY_POINTS[interval]
        latest = self._clock_ms() // 1000 // step * step
        rows = []
        for n in range(count - 1, -1, -1):
            at = latest - n * step
            utilization, borrow, lend = self._rates(symbol, at)
            lent = Decimal(10 ** (2 + int(_unit(symbol, "size") * 5)))
            rows.append(
                {
                    "borrowInterestRate": dec(borrow),
                    "borrowedQuantity": dec((lent * utilization).quantize(Decimal("0.01"))),
                    "lendInterestRate": dec(lend),
                    "lentQuantity": dec(lent),
                    "timestamp": _rfc3339(at),
                    "utilization": dec(utilization),
                }
            )
        return json_response(rows)

    async def borrow_lend_apy(self, request: web.Request) -> web.StreamResponse:
        param_int(request.query, "tierId", minimum=-(2**31))
        borrow_lend = []
        for asset in self.assets:
            _, borrow, lend = self._rates(asset.symbol)
            borrow_lend.append(
                {"symbol": asset.symbol, "borrowRate": dec(borrow), "lendRate": dec(lend)}
            )
        staking = [
            {"symbol": asset.symbol, "dilutionFactor": "0.0005", "stakingRate": "0.068"}
            for asset in self.assets
            if asset.symbol == "SOL"
        ]
        return json_response({"borrowLend": borrow_lend, "staking": staking})

    # -- vaults ------------------------------------------------------------------------------

    _VAULT_ID = 1

    async def vaults(self, request: web.Request) -> web.StreamResponse:
        return json_response(
            [
                {
                    "id": self._VAULT_ID,
                    "vaultToken": "bvUSDC",
                    "symbol": "USDC",
                    "mintsEnabled": True,
                    "redeemsEnabled": True,
                    "minMintQuantity": "1",
                    "minRedeemTokens": "1",
                    "redeemDelayMs": 86_400_000,
                    "tokenStepSize": "0.000001",
                    "remainingMintQuantity": "1000000",
                }
            ]
        )

    async def vaults_history(self, request: web.Request) -> web.StreamResponse:
        interval = param_choice(request.query, "interval", tuple(_HISTORY_POINTS))
        if interval is None:
            raise ParamError("interval", 'Type "String" expects an input, but not found')
        vault_id = param_int(request.query, "vaultId")
        if vault_id not in (None, self._VAULT_ID):
            return json_response([])
        step, count = _HISTORY_POINTS[interval]
        latest = self._clock_ms() // 1000 // step * step
        rows = []
        for n in range(count - 1, -1, -1):
            at = latest - n * step
            # NAV grows slowly from 1.0 since the (fictional) launch at the epoch of 2024.
            days = Decimal(max(at - 1_704_067_200, 0)) / 86_400
            nav = (1 + days * Decimal("0.0002")).quantize(Decimal("0.000001"))
            supply = Decimal(1_000_000)
            rows.append(
                {
                    "vaultId": self._VAULT_ID,
                    "timestamp": _rfc3339(at),
                    "nav": dec(nav),
                    "vaultEquity": dec((nav * supply).quantize(Decimal("0.01"))),
                    "tokenCirculatingSupply": dec(supply),
                }
            )
        return json_response(rows)
