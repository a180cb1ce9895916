"""Signed (private) REST endpoints of the fake exchange, served through the matching engine.

Every signed operation of the API is routed here and authenticated first; the ones the fake
does not model then answer 400 ``NOT_IMPLEMENTED`` (never a 404 a bot could take for "no such
order").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web

from ._auth import INSTRUCTIONS, SESSION_ONLY, AuthError, Verifier, body_pairs, query_pairs
from ._engine import EngineError, MatchingEngine, OrderRequest
from ._http import (
    ParamError,
    dec,
    error_response,
    json_response,
    page_headers,
    param_choice,
    param_int,
    param_str,
    text_error,
)
from ._public import MARKET_TYPES, collateral_weight, price_of

__all__ = ["PrivateApi"]

_BATCH_PATH = ("POST", "/api/v1/orders")
_BPS = Decimal(10_000)
_CENT = Decimal("0.0001")
_SORT_DIRECTIONS = ("Asc", "Desc")
_FILL_TYPES = (
    "User",
    "BookLiquidation",
    "Adl",
    "Backstop",
    "Liquidation",
    "AllLiquidation",
    "CollateralConversion",
    "CollateralConversionAndSpotLiquidation",
)
# Payload type names, for the wording of the exchange's plain-text parse errors.
_PAYLOAD_NAMES = {
    ("POST", "/api/v1/order"): "OrderExecutePayload",
    ("POST", "/api/v1/orders"): "Vec<OrderExecutePayload>",
    ("DELETE", "/api/v1/order"): "OrderCancelPayload",
    ("DELETE", "/api/v1/orders"): "OrderCancelAllPayload",
    ("PATCH", "/api/v1/account"): "UpdateAccountSettingsRequest",
}

Body = Any  # parsed JSON: None (no body), a dict, or a list for the batch endpoint
PrivateHandler = Callable[[web.Request, str, Body], Awaitable[web.StreamResponse]]


class _BodyError(Exception):
    """A request body the exchange's parser would refuse (answered as plain text)."""


@dataclass
class _Settings:
    auto_borrow_settlements: bool = True
    auto_lend: bool = False
    auto_repay_borrows: bool = True
    leverage_limit: Decimal = Decimal(10)


def _require(body: dict[str, Any], key: str, payload: str) -> Any:
    value = body.get(key)
    if value is None:
        raise _BodyError(
            f"Bad Request parse request payload error: missing field `{key}` "
            f'(occurred while parsing "{payload}")'
        )
    return value


def _order_selector(order_id: Any, client_id: Any) -> tuple[str | None, int | None]:
    """(orderId, clientId) as the engine wants them; ids may arrive as numbers or text."""
    if isinstance(order_id, bool) or not isinstance(order_id, (str, int, type(None))):
        raise ParamError("orderId", "expected a string")
    if client_id is not None:
        try:
            client_id = int(client_id)
        except (TypeError, ValueError):
            raise ParamError("clientId", "expected an unsigned 32-bit integer") from None
    return (None if order_id is None else str(order_id)), client_id


class PrivateApi:
    """Handlers for the signed endpoints, each called with the authenticated account."""

    def __init__(self, engine: MatchingEngine, verifier: Verifier) -> None:
        self.engine = engine
        self.verifier = verifier
        self._settings: dict[str, _Settings] = {}
        self.cancel_delay: float | None = None
        self._deferred: set[asyncio.TimerHandle] = set()
        self._served: dict[tuple[str, str], PrivateHandler] = {
            ("GET", "/api/v1/account"): self.account,
            ("PATCH", "/api/v1/account"): self.update_account,
            ("GET", "/api/v1/capital"): self.capital,
            ("GET", "/api/v1/capital/collateral"): self.collateral,
            ("POST", "/api/v1/order"): self.execute,
            ("POST", "/api/v1/orders"): self.execute_batch,
            ("GET", "/api/v1/order"): self.order,
            ("DELETE", "/api/v1/order"): self.cancel,
            ("GET", "/api/v1/orders"): self.orders,
            ("DELETE", "/api/v1/orders"): self.cancel_all,
            ("GET", "/wapi/v1/history/fills"): self.fill_history,
            ("GET", "/wapi/v1/history/orders"): self.order_history,
            ("GET", "/api/v1/position"): self.positions,
            ("GET", "/wapi/v1/history/position"): self.position_history,
            ("GET", "/wapi/v1/history/funding"): self.funding_history,
        }

    def routes(self) -> list[web.RouteDef]:
        routes = [
            web.route(method, path, self._signed(method, path, instruction))
            for (method, path), instruction in INSTRUCTIONS.items()
        ]
        routes += [web.route(method, path, self._session_only) for method, path in SESSION_ONLY]
        return routes

    # -- authentication ----------------------------------------------------------------------

    def _signed(
        self, method: str, path: str, instruction: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        handler = self._served.get((method, path), self._not_served)
        payload = _PAYLOAD_NAMES.get((method, path), "Payload")
        batch = (method, path) == _BATCH_PATH

        async def authenticate_then_serve(request: web.Request) -> web.StreamResponse:
            try:
                body = await self._read_body(request, payload, batch=batch)
            except _BodyError as exc:
                return text_error(str(exc))
            query = query_pairs(request.query.items())
            if isinstance(body, list):
                groups = [query + body_pairs(item) for item in body]
            else:
                groups = [query + (body_pairs(body) if body else [])]
            try:
                account = self.verifier.authenticate(request.headers, instruction, groups)
            except AuthError as exc:
                return error_response(exc.status, exc.code, exc.message)
            return await handler(request, account, body)

        return authenticate_then_serve

    @staticmethod
    async def _read_body(request: web.Request, payload: str, *, batch: bool) -> Body:
        raw = await request.read()
        if not raw.strip():
            if batch:
                raise _BodyError("Bad Request parse request payload error: expected a JSON array")
            return None
        try:
            # Decimal keeps a JSON number's text exactly as sent, for the signing string.
            body = json.loads(raw, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _BodyError(
                f"Bad Request parse request payload error: {exc} "
                f'(occurred while parsing "{payload}")'
            ) from None
        if batch:
            if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
                raise _BodyError(
                    "Bad Request parse request payload error: expected an array of objects "
                    f'(occurred while parsing "{payload}")'
                )
            if not body:
                raise _BodyError("Bad Request parse request payload error: empty batch")
            return body
        if not isinstance(body, dict):
            raise _BodyError(
                "Bad Request parse request payload error: expected a JSON object "
                f'(occurred while parsing "{payload}")'
            )
        return body

    async def _not_served(self, request: web.Request, account: str, body: Body) -> web.Response:
        return error_response(
            400,
            "NOT_IMPLEMENTED",
            f"{request.method} {request.path} is not implemented by the fake exchange",
        )

    # -- deferred cancels (202) --------------------------------------------------------------

    def _defer(self, action: Callable[[], object]) -> web.Response:
        """Answer 202 (no body) now and run ``action`` after ``cancel_delay`` seconds."""
        assert self.cancel_delay is not None
        handle: asyncio.TimerHandle

        def run() -> None:
            self._deferred.discard(handle)
            # The order may have filled or been cancelled meanwhile: nothing left to do.
            with contextlib.suppress(EngineError):
                action()

        handle = asyncio.get_running_loop().call_later(self.cancel_delay, run)
        self._deferred.add(handle)
        return web.Response(status=202)

    def drop_deferred(self) -> None:
        """Forget the cancels not yet executed (the server is stopping)."""
        for handle in self._deferred:
            handle.cancel()
        self._deferred.clear()

    @staticmethod
    async def _session_only(request: web.Request) -> web.StreamResponse:
        return error_response(401, "UNAUTHORIZED", "Unauthorized")

    # -- account -----------------------------------------------------------------------------

    def _settings_of(self, account: str) -> _Settings:
        return self._settings.setdefault(account, _Settings())

    async def account(self, request: web.Request, account: str, body: Body) -> web.Response:
        settings = self._settings_of(account)
        maker = dec((self.engine.maker_fee * _BPS).normalize())
        taker = dec((self.engine.taker_fee * _BPS).normalize())
        return json_response(
            {
                "autoBorrowSettlements": settings.auto_borrow_settlements,
                "autoLend": settings.auto_lend,
                "autoRealizePnl": True,
                "autoRepayBorrows": settings.auto_repay_borrows,
                "borrowLimit": "0",
                "futuresMakerFee": maker,
                "futuresTakerFee": taker,
                "leverageLimit": dec(settings.leverage_limit),
                "limitOrders": self.engine.open_order_count(account),
                "liquidating": False,
                "positionLimit": "1000000",
                "spotMakerFee": maker,
                "spotTakerFee": taker,
                "triggerOrders": self.engine.open_order_count(account, triggers=True),
            }
        )

    async def update_account(
        self, request: web.Request, account: str, body: Body
    ) -> web.StreamResponse:
        settings = self._settings_of(account)
        fields = body or {}
        for key, attribute in (
            ("autoBorrowSettlements", "auto_borrow_settlements"),
            ("autoLend", "auto_lend"),
            ("autoRepayBorrows", "auto_repay_borrows"),
        ):
            value = fields.get(key)
            if value is not None:
                if not isinstance(value, bool):
                    return text_error(f"failed to parse parameter `{key}`: expected a boolean")
                setattr(settings, attribute, value)
        leverage = fields.get("leverageLimit")
        if leverage is not None:
            try:
                limit = Decimal(str(leverage))
            except ArithmeticError:
                return text_error("failed to parse parameter `leverageLimit`: expected a decimal")
            if not limit.is_finite() or not 1 <= limit <= 100:
                return error_response(
                    400, "INVALID_CLIENT_REQUEST", "`leverageLimit` must be between 1 and 100"
                )
            settings.leverage_limit = limit
            self.engine.set_leverage_limit(account, limit)
        return web.Response(status=200)

    async def capital(self, request: web.Request, account: str, body: Body) -> web.Response:
        return json_response(
            {
                asset: {key: dec(value) for key, value in amounts.items()}
                for asset, amounts in self.engine.balances(account).items()
            }
        )

    async def collateral(self, request: web.Request, account: str, body: Body) -> web.Response:
        rows = []
        assets_value = net_available = net_locked = Decimal(0)
        for asset, amounts in self.engine.balances(account).items():
            total = amounts["available"] + amounts["locked"] + amounts["staked"]
            mark = price_of(self.engine, asset)
            weight = collateral_weight(asset)
            notional = (total * mark).quantize(_CENT)
            assets_value += notional
            net_available += amounts["available"] * mark * weight
            net_locked += amounts["locked"] * mark * weight
            rows.append(
                {
                    "symbol": asset,
                    "assetMarkPrice": dec(mark),
                    "totalQuantity": dec(total),
                    "balanceNotional": dec(notional),
                    "collateralWeight": dec(weight),
                    "collateralValue": dec((notional * weight).quantize(_CENT)),
                    "openOrderQuantity": dec(amounts["locked"]),
                    "lendQuantity": "0",
                    "availableQuantity": dec(amounts["available"]),
                }
            )
        # No borrows; futures exposure from the engine's positions. The margin fraction is
        # equity over exposure (None without exposure), as the exchange reports it.
        margin = self.engine.margin(account)
        exposure = margin["exposure"]
        net_equity = assets_value + margin["unrealized"]

        def per_exposure(amount: Decimal) -> str | None:
            return dec((amount / exposure).quantize(_CENT)) if exposure else None

        return json_response(
            {
                "assetsValue": dec(assets_value),
                "borrowLiability": "0",
                "collateral": rows,
                "imf": per_exposure(margin["initial"]) or "0",
                "unsettledEquity": dec(margin["unrealized"].quantize(_CENT)),
                "liabilitiesValue": "0",
                "marginFraction": per_exposure(net_equity),
                "mmf": per_exposure(margin["maintenance"]) or "0",
                "netEquity": dec(net_equity.quantize(_CENT)),
                "netEquityAvailable": dec(
                    (net_available + margin["unrealized"] - margin["initial"]).quantize(_CENT)
                ),
                "netEquityLocked": dec((net_locked + margin["initial"]).quantize(_CENT)),
                "netExposureFutures": dec(exposure.quantize(_CENT)),
                "pnlUnrealized": dec(margin["unrealized"].quantize(_CENT)),
            }
        )

    # -- orders ------------------------------------------------------------------------------

    async def execute(self, request: web.Request, account: str, body: Body) -> web.Response:
        try:
            order = self.engine.execute(account, OrderRequest.from_wire(body or {}))
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)
        return json_response(order)

    async def execute_batch(self, request: web.Request, account: str, body: Body) -> web.Response:
        results: list[dict[str, Any]] = []
        for item in body:
            try:
                order = self.engine.execute(account, OrderRequest.from_wire(item))
            except EngineError as exc:
                results.append({"operation": "Err", **exc.to_wire()})
            else:
                results.append({"operation": "Ok", **order})
        return json_response(results)

    async def order(self, request: web.Request, account: str, body: Body) -> web.Response:
        query = request.query
        symbol = param_str(query, "symbol", required=True) or ""
        order_id, client_id = _order_selector(query.get("orderId"), query.get("clientId"))
        try:
            found = self.engine.get_open_order(
                account, symbol, order_id=order_id, client_id=client_id
            )
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)
        return json_response(found)

    async def cancel(self, request: web.Request, account: str, body: Body) -> web.Response:
        fields = body or {}
        try:
            symbol = _require(fields, "symbol", "OrderCancelPayload")
        except _BodyError as exc:
            return text_error(str(exc))
        order_id, client_id = _order_selector(fields.get("orderId"), fields.get("clientId"))
        try:
            if self.cancel_delay is not None:
                found = self.engine.get_open_order(
                    account, str(symbol), order_id=order_id, client_id=client_id
                )
                return self._defer(
                    lambda: self.engine.cancel(account, str(symbol), order_id=found["id"])
                )
            cancelled = self.engine.cancel(
                account, str(symbol), order_id=order_id, client_id=client_id
            )
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)
        return json_response(cancelled)

    async def orders(self, request: web.Request, account: str, body: Body) -> web.Response:
        symbol = param_str(request.query, "symbol")
        market_type = param_choice(request.query, "marketType", MARKET_TYPES)
        try:
            found = self.engine.open_orders(account, symbol, market_type=market_type)
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)
        return json_response(found)

    async def cancel_all(self, request: web.Request, account: str, body: Body) -> web.Response:
        fields = body or {}
        try:
            symbol = _require(fields, "symbol", "OrderCancelAllPayload")
        except _BodyError as exc:
            return text_error(str(exc))
        order_type = fields.get("orderType")
        if order_type not in (None, "RestingLimitOrder", "ConditionalOrder"):
            return text_error(
                "Bad Request parse request payload error: failed to parse "
                '"CancelOrderTypeEnum": Expect a valid enumeration value.'
            )
        try:
            if self.cancel_delay is not None:
                self.engine.open_orders(account, str(symbol))  # the market must exist
                return self._defer(
                    lambda: self.engine.cancel_all(account, str(symbol), order_type)
                )
            return json_response(self.engine.cancel_all(account, str(symbol), order_type))
        except EngineError as exc:
            return error_response(exc.status, exc.code, exc.message)

    async def positions(self, request: web.Request, account: str, body: Body) -> web.Response:
        market_type = param_choice(request.query, "marketType", MARKET_TYPES)
        symbol = param_str(request.query, "symbol")
        if market_type not in (None, "PERP"):
            return json_response([])  # the fake lists no other futures
        if symbol is not None and symbol in self.engine.markets:
            found = self.engine.positions(account, symbol)
            if not found:
                return error_response(404, "RESOURCE_NOT_FOUND", "Position not found")
            return json_response(found)
        return json_response(self.engine.positions(account, symbol))

    async def position_history(
        self, request: web.Request, account: str, body: Body
    ) -> web.Response:
        query = request.query
        symbol = param_str(query, "symbol")
        state = param_choice(query, "state", ("Open", "Closed"))
        market_type, nothing, limit, offset, ascending = self._paging(request)
        if nothing or market_type not in (None, "PERP"):
            return json_response([])
        rows = self.engine.position_history_page(
            account, symbol=symbol, state=state, offset=offset, limit=limit, ascending=ascending
        )
        return json_response(rows)  # this listing has no pagination headers

    async def funding_history(
        self, request: web.Request, account: str, body: Body
    ) -> web.Response:
        query = request.query
        param_int(query, "subaccountId", maximum=65_535)
        symbol = param_str(query, "symbol")
        _, _, limit, offset, ascending = self._paging(request)
        rows, total = self.engine.funding_payments_page(
            account, symbol=symbol, offset=offset, limit=limit, ascending=ascending
        )
        return self._paged(rows, total, limit, offset)

    # -- history -----------------------------------------------------------------------------

    def _market_type(self, symbol: str) -> str | None:
        spec = self.engine.markets.get(symbol)
        return None if spec is None else spec.market_type

    def _paging(self, request: web.Request) -> tuple[str | None, bool, int, int, bool]:
        """(market type, matches nothing, limit, offset, ascending) of a history query.

        ``marketType`` may repeat; the listed markets are SPOT or PERP, so the repeated values
        narrow to one type, to every listed type (no filter) or to none (an empty page).
        """
        query = request.query
        market_types = set(query.getall("marketType", []))
        for market_type in market_types:
            if market_type not in MARKET_TYPES:
                raise ParamError("marketType", "Expect a valid enumeration value.")
        limit = param_int(query, "limit", default=100, minimum=1, maximum=1000) or 100
        offset = param_int(query, "offset", default=0) or 0
        direction = param_choice(query, "sortDirection", _SORT_DIRECTIONS, default="Desc")
        wanted: str | None = None
        nothing = False
        if market_types:
            listed = {spec.market_type for spec in self.engine.markets.values()}
            kept = market_types & listed
            nothing = not kept
            if len(kept) == 1 and kept != listed:
                wanted = next(iter(kept))
        return wanted, nothing, limit, offset, direction == "Asc"

    @staticmethod
    def _paged(rows: list[dict[str, Any]], total: int, limit: int, offset: int) -> web.Response:
        headers = page_headers(total, limit=limit, offset=offset)
        return json_response(rows, headers=headers)

    async def fill_history(self, request: web.Request, account: str, body: Body) -> web.Response:
        query = request.query
        symbol = param_str(query, "symbol")
        order_id = param_str(query, "orderId")
        since = param_int(query, "from", minimum=0)
        until = param_int(query, "to", minimum=0)
        fill_type = param_choice(query, "fillType", _FILL_TYPES)
        param_str(query, "strategyId")
        market_type, nothing, limit, offset, ascending = self._paging(request)
        unlisted = symbol is not None and symbol not in self.engine.markets
        # Every fill of the fake comes from a user order.
        if nothing or unlisted or fill_type not in (None, "User"):
            return self._paged([], 0, limit, offset)
        rows, total = self.engine.fills_page(
            account,
            symbol=symbol,
            order_id=order_id,
            market_type=market_type,
            since_ms=since,
            until_ms=until,
            offset=offset,
            limit=limit,
            ascending=ascending,
        )
        return self._paged(rows, total, limit, offset)

    async def order_history(self, request: web.Request, account: str, body: Body) -> web.Response:
        query = request.query
        symbol = param_str(query, "symbol")
        order_id = param_str(query, "orderId")
        param_str(query, "strategyId")
        market_type, nothing, limit, offset, ascending = self._paging(request)
        if nothing or (symbol is not None and symbol not in self.engine.markets):
            # History filters match nothing (rather than fail) for a symbol that is not listed.
            return self._paged([], 0, limit, offset)
        rows, total = self.engine.order_history_page(
            account,
            symbol=symbol,
            order_id=order_id,
            market_type=market_type,
            offset=offset,
            limit=limit,
            ascending=ascending,
        )
        return self._paged(rows, total, limit, offset)
