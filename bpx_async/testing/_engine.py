"""Deterministic in-memory matching engine behind the offline fake Backpack exchange.

Pure synchronous Python (no I/O, no clock of its own): balances, spot and perpetual order books
with price-time matching and fees, positions, and the REST / WebSocket payloads the fake server
returns or pushes.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from bpx_async.testing._ledger import History, RollingStats, page_of
from bpx_async.testing._markets import DEFAULT_MARKETS, MarketSpec
from bpx_async.testing._positions import FundingPayment, Position, margin_fraction

__all__ = ["EngineError", "EventCallback", "MatchingEngine", "OrderRequest"]

Json = dict[str, Any]
EventCallback = Callable[[str, str, Json], None]

ZERO = Decimal(0)
_FEE_QUANTUM = Decimal("0.00000001")
_DEFAULT_FUNDING_RATE = Decimal("0.0001")
_DEFAULT_LEVERAGE_LIMIT = Decimal(10)
_UINT32_MAX = 2**32 - 1
_MAX_MAGNITUDE = 30  # decimal exponent: 1E+30 and above is refused outright
# Wide enough that no product or sum of realistic amounts is ever rounded: conservation of
# every asset must hold exactly.
_EXACT = Context(prec=80)
# The seeded book starts this many ticks away from the mid on each side.
_SEED_HALF_SPREAD_TICKS = 2

# Rolling windows of the ticker statistics, by the API's ``interval`` values.
_TICKER_WINDOWS_US = {"1d": 86_400 * 10**6, "1w": 7 * 86_400 * 10**6}

SIDES = ("Bid", "Ask")
ORDER_TYPES = ("Limit", "Market")
TIME_IN_FORCES = ("GTC", "IOC", "FOK")
SELF_TRADE_PREVENTIONS = ("RejectTaker", "RejectMaker", "RejectBoth")
TRIGGER_BYS = ("LastPrice", "MarkPrice", "IndexPrice")


class EngineError(Exception):
    """A rejected request, carrying the HTTP status and Backpack ``ApiErrorCode`` to answer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def to_wire(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _bad_request(message: str) -> EngineError:
    return EngineError(400, "INVALID_CLIENT_REQUEST", message)


def _dec(value: Decimal) -> str:
    return format(value, "f")


def _naive_iso(us: int) -> str:
    """UTC naive ISO-8601 with millisecond precision, the REST ``naive-date-time`` format."""
    moment = datetime(1970, 1, 1) + timedelta(microseconds=us)
    return moment.isoformat(timespec="milliseconds")


def _money(value: Decimal) -> str:
    """A PnL, cost or notional amount, to 8 decimals."""
    return _dec(value.quantize(_FEE_QUANTUM))


def _user_id(account: str) -> int:
    """A stable int32 user id for an account (the fake's accounts are API keys)."""
    return zlib.crc32(account.encode()) & 0x7FFFFFFF


def _upper_snake(camel: str) -> str:
    # The WS ``R`` field spells expiry reasons in upper snake case (e.g. FILL_OR_KILL).
    return "".join("_" + ch if ch.isupper() and i else ch for i, ch in enumerate(camel)).upper()


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _check_grid(value: Decimal, unit: Decimal, what: str, code: str) -> None:
    """Reject a price/quantity off the market's tick/step grid with the exchange's wording."""
    if value % unit == 0:
        return
    if _decimal_places(value) > _decimal_places(unit):
        raise EngineError(400, code, f"{what} decimal too long")
    raise EngineError(400, code, f"{what} must be a multiple of {_dec(unit)}")


def _floor_fee(amount: Decimal) -> Decimal:
    return amount.quantize(_FEE_QUANTUM, rounding=ROUND_DOWN)


def _wire_decimal(body: Mapping[str, Any], key: str) -> Decimal | None:
    raw = body.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise _bad_request(f"`{key}` must be a decimal string")
    try:
        value = Decimal(raw) if isinstance(raw, int) else Decimal(raw.strip())
    except InvalidOperation:
        raise _bad_request(f"`{key}` must be a decimal string") from None
    if not value.is_finite():
        raise _bad_request(f"`{key}` must be a decimal string")
    if value.adjusted() > _MAX_MAGNITUDE:
        # Far beyond any market's limits, and too large to check against a tick grid.
        raise _bad_request(f"`{key}` is out of range")
    return value


def _wire_bool(body: Mapping[str, Any], key: str) -> bool:
    raw = body.get(key)
    if raw is None:
        return False
    if not isinstance(raw, bool):
        raise _bad_request(f"`{key}` must be a boolean")
    return raw


def _wire_choice(body: Mapping[str, Any], key: str, choices: Sequence[str], default: str) -> str:
    raw = body.get(key)
    if raw is None:
        return default
    if not isinstance(raw, str) or raw not in choices:
        raise _bad_request(f"Invalid `{key}`: expected one of {', '.join(choices)}")
    return raw


@dataclass(frozen=True)
class Protection:
    """A stop-loss or take-profit attached to an order: when the order is done, a reduce-only
    (on perpetuals) trigger order for what it executed, on the other side."""

    trigger_price: Decimal
    limit_price: Decimal | None = None  # None: a market order when triggered
    trigger_by: str = "LastPrice"

    @classmethod
    def from_wire(cls, body: Mapping[str, Any], prefix: str) -> Protection | None:
        trigger_price = _wire_decimal(body, f"{prefix}TriggerPrice")
        limit_price = _wire_decimal(body, f"{prefix}LimitPrice")
        trigger_by = _wire_choice(body, f"{prefix}TriggerBy", TRIGGER_BYS, "LastPrice")
        if trigger_price is None:
            if limit_price is not None:
                raise _bad_request(f"`{prefix}LimitPrice` needs `{prefix}TriggerPrice`")
            return None
        return cls(trigger_price, limit_price, trigger_by)


def _trigger_quantity(body: Mapping[str, Any]) -> str | None:
    """``triggerQuantity``: a base quantity, or ``"NN%"`` of the position when triggered."""
    raw = body.get("triggerQuantity")
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip().endswith("%"):
        share = _wire_decimal({"triggerQuantity": raw.strip()[:-1]}, "triggerQuantity")
        if share is None or not 0 < share <= 100:
            raise _bad_request("`triggerQuantity` percentage must be in (0, 100]")
        return f"{_dec(share)}%"
    quantity = _wire_decimal(body, "triggerQuantity")
    if quantity is None or quantity <= 0:
        raise EngineError(400, "INVALID_QUANTITY", "Trigger quantity must be positive")
    return _dec(quantity)


@dataclass
class OrderRequest:
    """An order to execute, as carried by a REST ``OrderExecutePayload``.

    Shape rules (both ``from_wire`` and ``MatchingEngine.execute`` enforce them): a limit order
    needs ``price`` and ``quantity``; a market order needs exactly one of ``quantity`` and
    ``quoteQuantity`` (its ``price`` is ignored). Market filters (symbol, tick, step, minimum
    quantity) are checked by ``MatchingEngine.execute``, which knows the listed markets.
    """

    symbol: str
    side: str
    order_type: str
    quantity: Decimal | None = None
    quote_quantity: Decimal | None = None
    price: Decimal | None = None
    time_in_force: str = "GTC"
    post_only: bool = False
    reduce_only: bool = False
    client_id: int | None = None
    self_trade_prevention: str = "RejectTaker"
    # A trigger (conditional) order: waits as TriggerPending until ``trigger_by`` crosses
    # ``trigger_price``, then is placed for ``trigger_quantity`` (a quantity or "NN%").
    trigger_price: Decimal | None = None
    trigger_quantity: str | None = None
    trigger_by: str = "LastPrice"
    stop_loss: Protection | None = None
    take_profit: Protection | None = None

    @property
    def is_trigger(self) -> bool:
        return self.trigger_price is not None

    @classmethod
    def from_wire(cls, body: Any) -> OrderRequest:
        """Parse a JSON ``OrderExecutePayload``; malformed input raises 400 EngineErrors."""
        if not isinstance(body, dict):
            raise _bad_request("Order payload must be a JSON object")
        symbol = body.get("symbol")
        if not isinstance(symbol, str) or not symbol:
            raise _bad_request("Missing `symbol`")
        if body.get("side") is None:
            raise _bad_request("Missing `side`")
        if body.get("orderType") is None:
            raise _bad_request("Missing `orderType`")
        client_id = body.get("clientId")
        if client_id is not None and (
            isinstance(client_id, bool) or not isinstance(client_id, int)
        ):
            raise _bad_request("`clientId` must be an unsigned 32-bit integer")
        has_trigger_price = body.get("triggerPrice") is not None
        if has_trigger_price != (body.get("triggerQuantity") is not None):
            raise _bad_request("Must specify both `triggerPrice` and `triggerQuantity` or neither")
        request = cls(
            symbol=symbol,
            side=_wire_choice(body, "side", SIDES, ""),
            order_type=_wire_choice(body, "orderType", ORDER_TYPES, ""),
            quantity=_wire_decimal(body, "quantity"),
            quote_quantity=_wire_decimal(body, "quoteQuantity"),
            price=_wire_decimal(body, "price"),
            time_in_force=_wire_choice(body, "timeInForce", TIME_IN_FORCES, "GTC"),
            post_only=_wire_bool(body, "postOnly"),
            reduce_only=_wire_bool(body, "reduceOnly"),
            client_id=client_id,
            self_trade_prevention=_wire_choice(
                body, "selfTradePrevention", SELF_TRADE_PREVENTIONS, "RejectTaker"
            ),
            trigger_price=_wire_decimal(body, "triggerPrice"),
            trigger_quantity=_trigger_quantity(body),
            trigger_by=_wire_choice(body, "triggerBy", TRIGGER_BYS, "LastPrice"),
            stop_loss=Protection.from_wire(body, "stopLoss"),
            take_profit=Protection.from_wire(body, "takeProfit"),
        )
        if request.order_type == "Market":
            # The real API takes an optional protective price on market orders; the fake ignores it.
            request.price = None
        request.check_shape()
        return request

    def check_shape(self) -> None:
        """Raise a 400 EngineError unless the request is well-formed, whatever the market."""
        if self.side not in SIDES:
            raise _bad_request("Invalid `side`: expected Bid or Ask")
        if self.order_type not in ORDER_TYPES:
            raise _bad_request("Invalid `orderType`: expected Limit or Market")
        if self.time_in_force not in TIME_IN_FORCES:
            raise _bad_request("Invalid `timeInForce`: expected GTC, IOC or FOK")
        if self.self_trade_prevention not in SELF_TRADE_PREVENTIONS:
            raise _bad_request("Invalid `selfTradePrevention`")
        if self.client_id is not None and not 0 <= self.client_id <= _UINT32_MAX:
            raise _bad_request("`clientId` must be an unsigned 32-bit integer")
        if self.trigger_by not in TRIGGER_BYS:
            raise _bad_request("Invalid `triggerBy`: expected LastPrice, MarkPrice or IndexPrice")
        if (self.trigger_price is None) != (self.trigger_quantity is None):
            raise _bad_request("Must specify both `triggerPrice` and `triggerQuantity` or neither")
        if self.trigger_price is not None and self.trigger_price <= 0:
            raise EngineError(400, "INVALID_PRICE", "Trigger price must be positive")
        for protection in (self.stop_loss, self.take_profit):
            if protection is not None and (
                protection.trigger_price <= 0
                or (protection.limit_price is not None and protection.limit_price <= 0)
                or protection.trigger_by not in TRIGGER_BYS
            ):
                raise EngineError(
                    400, "INVALID_PRICE", "Stop-loss and take-profit prices must be positive"
                )
        if self.is_trigger and self.quote_quantity is not None:
            raise _bad_request("Trigger orders cannot specify a `quoteQuantity`")
        # A trigger order may leave `quantity` out: its trigger quantity sizes it when placed.
        sized = self.quantity is not None or self.is_trigger
        if self.order_type == "Limit":
            if self.price is None or not sized:
                raise _bad_request("Limit orders must specify a `price` and a `quantity`")
            if self.quote_quantity is not None:
                raise _bad_request("Limit orders cannot specify a `quoteQuantity`")
        else:
            if self.quantity is None and self.quote_quantity is None and not self.is_trigger:
                raise _bad_request("Market orders must specify a `quantity` or `quoteQuantity`")
            if self.quantity is not None and self.quote_quantity is not None:
                raise _bad_request(
                    "Market orders must specify either `quantity` or `quoteQuantity`, not both"
                )
            if self.post_only:
                raise _bad_request("Post-only is only valid for limit orders")
        if self.post_only and self.time_in_force != "GTC":
            raise _bad_request("Post-only orders must be GTC")
        if self.price is not None and self.price <= 0:
            raise EngineError(400, "INVALID_PRICE", "Price must be positive")
        if self.quantity is not None and self.quantity <= 0:
            raise EngineError(400, "INVALID_QUANTITY", "Quantity must be positive")
        if self.quote_quantity is not None and self.quote_quantity <= 0:
            raise EngineError(400, "INVALID_QUANTITY", "Quote quantity must be positive")


@dataclass(eq=False, slots=True)
class _Order:
    order_id: str
    account: str
    market: MarketSpec
    side: str
    order_type: str
    quantity: Decimal | None
    quote_quantity: Decimal | None
    price: Decimal | None
    time_in_force: str
    post_only: bool
    reduce_only: bool
    client_id: int | None
    self_trade_prevention: str
    created_us: int
    executed_quantity: Decimal = ZERO
    executed_quote_quantity: Decimal = ZERO
    status: str = "New"
    expiry_reason: str | None = None
    # What this order still holds back from its account's available balance.
    lock_asset: str | None = None
    locked: Decimal = ZERO
    # This order's fills, oldest first (None until the first one: most orders never fill).
    fills: list[_Fill] | None = None
    # Trigger orders: they wait (TriggerPending) until the ``trigger_by`` price reaches
    # ``trigger_price`` from below (``trigger_above``) or from above.
    trigger_price: Decimal | None = None
    trigger_quantity: str | None = None
    trigger_by: str | None = None
    trigger_above: bool = False
    triggered_us: int | None = None
    stop_loss: Protection | None = None
    take_profit: Protection | None = None
    related_order_id: str | None = None

    @property
    def remaining(self) -> Decimal:
        """Base quantity left to fill (orders with a base quantity only)."""
        return (self.quantity or ZERO) - self.executed_quantity


@dataclass(frozen=True, slots=True)
class _Fill:
    trade_id: int
    order: _Order
    price: Decimal
    quantity: Decimal
    fee: Decimal
    fee_symbol: str
    is_maker: bool
    timestamp_us: int


@dataclass(frozen=True, slots=True)
class _Trade:
    trade_id: int
    price: Decimal
    quantity: Decimal
    timestamp_us: int
    is_buyer_maker: bool


@dataclass
class _Balance:
    available: Decimal = ZERO
    locked: Decimal = ZERO


class _BookSide:
    """Resting orders of one side, grouped by price level in time priority."""

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.levels: dict[Decimal, list[_Order]] = {}
        self._prices: list[Decimal] = []  # ascending

    def prices_best_first(self) -> Iterator[Decimal]:
        return reversed(self._prices) if self.is_bid else iter(self._prices)

    def prices_ascending(self) -> list[Decimal]:
        return list(self._prices)

    def best(self) -> Decimal | None:
        if not self._prices:
            return None
        return self._prices[-1] if self.is_bid else self._prices[0]

    def level_quantity(self, price: Decimal) -> Decimal:
        return sum((order.remaining for order in self.levels.get(price, ())), ZERO)

    def add(self, order: _Order, price: Decimal) -> None:
        level = self.levels.get(price)
        if level is None:
            level = self.levels[price] = []
            bisect.insort(self._prices, price)
        level.append(order)

    def remove(self, order: _Order, price: Decimal) -> None:
        level = self.levels[price]
        level.remove(order)
        if not level:
            del self.levels[price]
            self._prices.pop(bisect.bisect_left(self._prices, price))


@dataclass
class _Book:
    bids: _BookSide = field(default_factory=lambda: _BookSide(is_bid=True))
    asks: _BookSide = field(default_factory=lambda: _BookSide(is_bid=False))
    update_id: int = 0

    def side(self, side: str) -> _BookSide:
        return self.bids if side == "Bid" else self.asks

    def top(self) -> tuple[Decimal | None, Decimal, Decimal | None, Decimal]:
        bid, ask = self.bids.best(), self.asks.best()
        bid_qty = self.bids.level_quantity(bid) if bid is not None else ZERO
        ask_qty = self.asks.level_quantity(ask) if ask is not None else ZERO
        return bid, bid_qty, ask, ask_qty


@dataclass(frozen=True)
class _Step:
    maker: _Order
    quantity: Decimal  # base quantity to trade; zero when the maker is removed by STP
    expire_maker: bool = False


@dataclass
class _Plan:
    """What matching a taker against the current book would do, computed before any change."""

    steps: list[_Step] = field(default_factory=list)
    filled: Decimal = ZERO
    cost: Decimal = ZERO
    # "complete": nothing left to do; "liquidity": the book ran out (or stopped crossing);
    # "stp": self-trade prevention ended the taker.
    stop: str = "liquidity"


@dataclass
class _Operation:
    """Events and book changes gathered during one engine call, published when it ends."""

    ts: int
    tops: dict[str, tuple[Decimal | None, Decimal, Decimal | None, Decimal]]
    events: list[tuple[str, str, Json]] = field(default_factory=list)
    touched: dict[str, dict[str, set[Decimal]]] = field(default_factory=dict)
    traded: set[str] = field(default_factory=set)  # symbols with trades in this operation
    # State before the operation first changed it, to publish what changed when it ends.
    balances_before: dict[tuple[str, str], tuple[Decimal, Decimal]] = field(default_factory=dict)
    positions_before: dict[str, tuple[Position, Decimal]] = field(default_factory=dict)


class MatchingEngine:
    """Order books, balances and history of the fake exchange.

    Every public call is atomic: it either raises ``EngineError`` having changed nothing, or
    applies its changes and then calls each subscriber with the events they produced. Order ids
    come from one counter, trade ids and depth update ids from per-symbol counters, and all
    timestamps from ``now_us`` (called once per state-changing call), so runs are reproducible.

    Behaviour chosen where the real exchange is not documented:

    * Finished orders use ``Expired`` with an ``expiryReason`` whenever the exchange, not the user,
      ended them: an IOC remainder (``ImmediateOrCancel``), a FOK that could not fill completely
      (``FillOrKill``, nothing traded), a market order that ran out of book
      (``InsufficientLiquidity``) and self-trade prevention (``SelfTradePrevention``, for the
      taker's remainder and for makers removed by it). ``Cancelled`` is only for user cancels.
      An IOC that traded partially therefore ends ``Expired`` with a non-zero ``executedQuantity``.
    * A post-only order that would cross the book is rejected (400 ``INVALID_ORDER``); post-only is
      only accepted on GTC limit orders.
    * PERP markets trade like spot books but settle into positions: no base asset moves, both
      sides pay their fee in the quote asset, and realized PnL is paid at once from (or to) the
      ``pnl_account``. An order that would raise the initial margin the account needs above its
      equity (quote collateral + unrealized PnL) is rejected with 400 ``INSUFFICIENT_MARGIN``;
      the initial margin fraction is ``max(imf(notional), 1 / leverage limit)`` at the mark
      price, counting resting orders. Orders that reduce exposure always pass.
      ``reduceOnly`` (perpetuals only, with a base ``quantity``) is clamped to the position,
      expires ``ReduceOnlyNotReduced`` when it cannot reduce it, and resting reduce-only orders
      shrink (``orderModified``) or expire as the position shrinks or closes. Liquidation is not
      modelled: a losing account's quote balance may go negative.
    * Trigger orders wait as ``TriggerPending`` (listed among open orders, locking nothing, not
      on the book) until their ``triggerBy`` price reaches ``triggerPrice`` from the side it
      was on when placed; they are then placed with the same id (``triggerPlaced``) and
      checked like a new order, or end ``TriggerFailed``. Triggers are evaluated after every
      order and every mark/index price change, repeatedly while placed triggers trade.
      Stop-loss / take-profit attach when their order is done, for what it executed.
    * Funds: a limit bid locks ``price * quantity`` of quote (the unused part is returned when it
      fills at a better maker price), an ask locks its base quantity. A market bid by quantity must
      be able to pay the exact cost of the fills it would make; by quote quantity it locks
      ``quoteQuantity``; a market ask by quantity locks the quantity, by quote quantity the base it
      would sell. Fees are charged in the asset received, rounded down to 8 decimals, and moved to
      the fee account, so ``total(asset)`` only changes through ``deposit``.
    * A quote-quantity market order stops at the first level where the quote left cannot buy one
      more ``stepSize``; that counts as ``Filled``.
    """

    def __init__(
        self,
        markets: Sequence[MarketSpec] = DEFAULT_MARKETS,
        *,
        now_us: Callable[[], int],
        fee_account: str = "__fees__",
        pnl_account: str = "__pnl__",
        maker_fee: Decimal = Decimal("0.0002"),
        taker_fee: Decimal = Decimal("0.0005"),
    ) -> None:
        if maker_fee < 0 or taker_fee < 0 or maker_fee >= 1 or taker_fee >= 1:
            raise ValueError("fees must be fractions in [0, 1)")
        self.markets: dict[str, MarketSpec] = {market.symbol: market for market in markets}
        self.fee_account = fee_account
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self._now_us = now_us
        self._books: dict[str, _Book] = {symbol: _Book() for symbol in self.markets}
        self._balances: dict[str, dict[str, _Balance]] = {}
        # Resting orders, indexed so that every lookup costs the same however many exist.
        self._open: dict[str, dict[str, _Order]] = {}  # account -> order id -> order
        self._open_by_market: dict[tuple[str, str], dict[str, _Order]] = {}
        self._open_by_client_id: dict[tuple[str, int], _Order] = {}
        self._orders_by_id: dict[str, _Order] = {}
        # Every order and fill, filed under (account,), (account, symbol), (account, type).
        self._orders: History[_Order] = History()
        self._fills: History[_Fill] = History(time=lambda fill: fill.timestamp_us)
        self._trades: dict[str, list[_Trade]] = {symbol: [] for symbol in self.markets}
        self._stats: dict[str, dict[str, RollingStats]] = {
            symbol: {name: RollingStats(us) for name, us in _TICKER_WINDOWS_US.items()}
            for symbol in self.markets
        }
        self._last_order_id = 0
        self._subscribers: list[EventCallback] = []
        self._op: _Operation | None = None
        # Perpetuals: open positions by symbol and by account, every position ever opened,
        # funding payments, and the prices and rates a test can set.
        self.pnl_account = pnl_account
        self.default_leverage_limit = _DEFAULT_LEVERAGE_LIMIT
        self._positions: dict[str, dict[str, Position]] = {}  # symbol -> account -> position
        self._account_positions: dict[str, dict[str, Position]] = {}  # account -> symbol -> ...
        self._position_history: History[Position] = History()
        self._funding_history: History[FundingPayment] = History(time=lambda p: p.at_us)
        self._last_position_id = 0
        self._marks: dict[str, Decimal] = {}
        self._indexes: dict[str, Decimal] = {}
        self._funding_rates: dict[str, Decimal] = {}
        self._leverage_limits: dict[str, Decimal] = {}
        self._triggers: dict[str, dict[str, _Order]] = {}  # symbol -> id -> pending trigger
        self._funding_due_us: dict[str, int] = {}  # symbol -> end of the current interval

    # ----------------------------------------------------------------- balances

    def deposit(self, account: str, asset: str, quantity: Decimal) -> None:
        """Credit ``quantity`` of ``asset`` to the account's available balance."""
        if quantity <= 0:
            raise EngineError(400, "INVALID_QUANTITY", "Deposit quantity must be positive")
        with localcontext(_EXACT):
            op = self._begin()
            self._balance(account, asset).available += quantity
            self._commit(op)

    def balances(self, account: str) -> dict[str, dict[str, Decimal]]:
        """Per asset the account ever held: ``available``, ``locked`` and ``staked`` (always 0)."""
        return {
            asset: {"available": bal.available, "locked": bal.locked, "staked": ZERO}
            for asset, bal in sorted(self._balances.get(account, {}).items())
        }

    def total(self, asset: str) -> Decimal:
        """Available plus locked ``asset`` over all accounts, fee account included."""
        with localcontext(_EXACT):
            return sum(
                (
                    held[asset].available + held[asset].locked
                    for held in self._balances.values()
                    if asset in held
                ),
                ZERO,
            )

    # ------------------------------------------------------------------- events

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback(kind, key, payload)`` for every event; returns an unsubscribe function.

        ``kind`` is ``depth``, ``trade``, ``bookTicker``, ``ticker`` or ``markPrice`` (``key`` =
        symbol) or ``orderUpdate``, ``positionUpdate`` or ``balanceUpdate`` (``key`` =
        account). Payloads are WebSocket ``data`` objects shared by all subscribers;
        do not mutate them. Callbacks run after the state change is complete and should not
        raise: if one does, the other subscribers still get the events and the first exception
        then propagates out of the engine call.
        """
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    # ------------------------------------------------------------------- orders

    def seed_liquidity(self, house_account: str = "__house__", levels: int = 20) -> None:
        """Fund ``house_account`` and rest ``levels`` GTC orders per side on every market.

        Prices start two ticks either side of ``initial_mid`` and step one tick outwards; the
        level ``i`` ticks out holds ``seed_quantity * (i + 1)``. The house trades PERP books
        like anyone else but without a margin check (it is the market maker of last resort).
        """
        if levels < 1:
            raise ValueError("levels must be at least 1")
        with localcontext(_EXACT):
            requests: list[OrderRequest] = []
            needed: dict[str, Decimal] = {}
            for market in self.markets.values():
                for index in range(levels):
                    quantity = market.seed_quantity * (index + 1)
                    offset = (_SEED_HALF_SPREAD_TICKS + index) * market.tick_size
                    bid, ask = market.initial_mid - offset, market.initial_mid + offset
                    if bid >= market.min_price:
                        requests.append(OrderRequest(market.symbol, "Bid", "Limit", quantity,
                                                     None, bid))
                        if not market.is_perp:
                            needed[market.quote_symbol] = (
                                needed.get(market.quote_symbol, ZERO) + bid * quantity
                            )
                    if ask <= market.max_price:
                        requests.append(OrderRequest(market.symbol, "Ask", "Limit", quantity,
                                                     None, ask))
                        if not market.is_perp:
                            needed[market.base_symbol] = (
                                needed.get(market.base_symbol, ZERO) + quantity
                            )
            for asset, quantity in needed.items():
                self.deposit(house_account, asset, quantity)
            op = self._begin()
            for request in requests:
                self._execute(house_account, request, op, seeding=True)
            self._commit(op)

    def execute(self, account: str, req: OrderRequest) -> Json:
        """Validate, match and settle one order; returns its REST ``OrderType`` JSON."""
        with localcontext(_EXACT):
            op = self._begin()
            order = self._execute(account, req, op, seeding=False)
            result = self._order_type_json(order)
            self._run_triggers(op)
            self._commit(op)
        return result

    def cancel(
        self,
        account: str,
        symbol: str,
        *,
        order_id: str | None = None,
        client_id: int | None = None,
    ) -> Json:
        """Cancel one resting order chosen by exactly one of ``order_id`` / ``client_id``."""
        with localcontext(_EXACT):
            order = self._find_open(account, symbol, order_id=order_id, client_id=client_id)
            op = self._begin()
            self._finish(order, "Cancelled", None, op)
            result = self._order_type_json(order)
            self._commit(op)
        return result

    def cancel_all(
        self, account: str, symbol: str, order_type: str | None = None
    ) -> list[Json]:
        """Cancel every open order of the account on ``symbol`` (oldest first); ``order_type``
        ``RestingLimitOrder`` keeps the pending trigger orders, ``ConditionalOrder`` cancels
        only them."""
        with localcontext(_EXACT):
            self._market(symbol)
            op = self._begin()
            cancelled = [
                order
                for order in self._open_by_market.get((account, symbol), {}).values()
                if order_type is None
                or (order.status == "TriggerPending") == (order_type == "ConditionalOrder")
            ]
            for order in cancelled:
                self._finish(order, "Cancelled", None, op)
            result = [self._order_type_json(order) for order in cancelled]
            self._commit(op)
        return result

    def open_orders(
        self, account: str, symbol: str | None = None, *, market_type: str | None = None
    ) -> list[Json]:
        """REST ``OrderType`` JSON of the account's resting orders, oldest first."""
        if symbol is not None:
            self._market(symbol)
            resting = self._open_by_market.get((account, symbol), {}).values()
        else:
            resting = self._open.get(account, {}).values()
        with localcontext(_EXACT):
            return [
                self._order_type_json(order)
                for order in resting
                if market_type is None or order.market.market_type == market_type
            ]

    def open_order_count(self, account: str, *, triggers: bool = False) -> int:
        """How many orders the account has on the books (or, with ``triggers``, pending
        trigger orders), without serializing them."""
        pending = sum(
            order.account == account
            for by_id in self._triggers.values()
            for order in by_id.values()
        )
        return pending if triggers else len(self._open.get(account, {})) - pending

    def get_open_order(
        self,
        account: str,
        symbol: str,
        *,
        order_id: str | None = None,
        client_id: int | None = None,
    ) -> Json:
        """One resting order by ``order_id`` or ``client_id``; 404 once it is no longer open."""
        with localcontext(_EXACT):
            order = self._find_open(account, symbol, order_id=order_id, client_id=client_id)
            return self._order_type_json(order)

    def order_history(self, account: str, symbol: str | None = None) -> list[Json]:
        """REST ``Order`` JSON of every order of the account, open or finished, newest first."""
        return self.order_history_page(account, symbol=symbol, limit=None)[0]

    def order_history_page(
        self,
        account: str,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        market_type: str | None = None,
        offset: int = 0,
        limit: int | None = 100,
        ascending: bool = False,
    ) -> tuple[list[Json], int]:
        """``(rows, total)``: one page of REST ``Order`` JSON (newest first unless
        ``ascending``) and how many orders match. Only the page is serialized."""
        if order_id is not None:
            found = self._orders_by_id.get(order_id)
            matching = [
                order
                for order in ([] if found is None else [found])
                if order.account == account
                and (symbol is None or order.market.symbol == symbol)
                and (market_type is None or order.market.market_type == market_type)
            ]
            orders, total = page_of(matching, offset=offset, limit=limit, ascending=ascending)
        else:
            key = self._history_key(account, symbol, market_type)
            orders, total = self._orders.page(
                key, offset=offset, limit=limit, ascending=ascending
            )
        with localcontext(_EXACT):
            return [self._order_history_json(order) for order in orders], total

    def fills(self, account: str, symbol: str | None = None) -> list[Json]:
        """REST ``OrderFill`` JSON of the account's fills, newest first."""
        return self.fills_page(account, symbol=symbol, limit=None)[0]

    def fills_page(
        self,
        account: str,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        market_type: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
        offset: int = 0,
        limit: int | None = 100,
        ascending: bool = False,
    ) -> tuple[list[Json], int]:
        """``(rows, total)``: one page of REST ``OrderFill`` JSON and how many fills match;
        ``since_ms``/``until_ms`` bound the fill time (inclusive, milliseconds)."""
        since = None if since_ms is None else since_ms * 1000
        until = None if until_ms is None else until_ms * 1000 + 999
        if order_id is not None:
            order = self._orders_by_id.get(order_id)
            own = order is not None and order.account == account
            matching = [
                fill
                for fill in ((order.fills or []) if order is not None and own else [])
                if (symbol is None or fill.order.market.symbol == symbol)
                and (market_type is None or fill.order.market.market_type == market_type)
                and (since is None or fill.timestamp_us >= since)
                and (until is None or fill.timestamp_us <= until)
            ]
            fills, total = page_of(matching, offset=offset, limit=limit, ascending=ascending)
        else:
            key = self._history_key(account, symbol, market_type)
            fills, total = self._fills.page(
                key, offset=offset, limit=limit, ascending=ascending, since=since, until=until
            )
        with localcontext(_EXACT):
            return [self._fill_json(fill) for fill in fills], total

    @staticmethod
    def _history_key(
        account: str, symbol: str | None, market_type: str | None
    ) -> tuple[str, ...]:
        if symbol is not None:
            return (account, "symbol", symbol)
        if market_type is not None:
            return (account, "type", market_type)
        return (account,)

    @staticmethod
    def _history_keys(account: str, market: MarketSpec) -> tuple[tuple[str, ...], ...]:
        return (
            (account,),
            (account, "symbol", market.symbol),
            (account, "type", market.market_type),
        )

    # ------------------------------------------------------------- market data

    def depth(self, symbol: str, limit: int = 1000) -> Json:
        """REST ``Depth``: the best ``limit`` levels per side, both sides ascending by price."""
        market = self._market(symbol)
        if limit < 1:
            raise _bad_request("`limit` must be positive")
        book = self._books[symbol]
        with localcontext(_EXACT):
            ask_prices = book.asks.prices_ascending()[:limit]
            bid_prices = book.bids.prices_ascending()[-limit:]
            return {
                "asks": [self._level_wire(market, book.asks, p) for p in ask_prices],
                "bids": [self._level_wire(market, book.bids, p) for p in bid_prices],
                "lastUpdateId": str(book.update_id),
                "timestamp": self._now_us(),
            }

    def recent_trades(self, symbol: str, limit: int = 100, offset: int = 0) -> list[Json]:
        """REST ``Trade`` JSON of the market's latest ``limit`` trades after skipping the
        ``offset`` newest, newest first."""
        market = self._market(symbol)
        if limit < 1 or offset < 0:
            raise _bad_request("`limit` must be positive and `offset` not negative")
        every = self._trades[symbol]
        stop = max(len(every) - offset, 0)
        trades = every[max(stop - limit, 0) : stop]
        with localcontext(_EXACT):
            return [
                {
                    "id": trade.trade_id,
                    "price": self._price_wire(market, trade.price),
                    "quantity": self._quantity_wire(market, trade.quantity),
                    "quoteQuantity": self._quote_wire(market, trade.price * trade.quantity),
                    "timestamp": trade.timestamp_us // 1000,
                    "isBuyerMaker": trade.is_buyer_maker,
                }
                for trade in reversed(trades)
            ]

    def ticker(self, symbol: str, interval: str = "1d") -> Json:
        """REST ``Ticker``: statistics of the trades in the rolling ``1d`` or ``1w`` window.

        Kept incrementally as trades happen, so the cost does not grow with the trade count.
        Without a trade in the window every price is the last price and the volumes are zero.
        """
        self._market(symbol)
        if interval not in _TICKER_WINDOWS_US:
            raise _bad_request("Invalid `interval`: expected 1d or 1w")
        return self._ticker_json(symbol, interval, self._now_us())

    def _ticker_json(self, symbol: str, interval: str, now_us: int) -> Json:
        market = self.markets[symbol]
        with localcontext(_EXACT):
            window = self._stats[symbol][interval].read(now_us)
            last = self.last_price(symbol)
            first = window.first if window.first is not None else last
            change = last - first
            percent = (change / first * 100).quantize(Decimal("0.01")) if first else ZERO
            return {
                "symbol": symbol,
                "firstPrice": self._price_wire(market, first),
                "lastPrice": self._price_wire(market, last),
                "priceChange": self._price_wire(market, change),
                "priceChangePercent": _dec(percent),
                "high": self._price_wire(market, window.high if window.high is not None else last),
                "low": self._price_wire(market, window.low if window.low is not None else last),
                "volume": self._quantity_wire(market, window.volume),
                "quoteVolume": self._quote_wire(market, window.quote_volume),
                "trades": str(window.trades),
            }

    def _ticker_event(self, symbol: str, ts: int) -> Json:
        rest = self._ticker_json(symbol, "1d", ts)
        return {
            "e": "ticker",
            "E": ts,
            "s": symbol,
            "o": rest["firstPrice"],
            "c": rest["lastPrice"],
            "h": rest["high"],
            "l": rest["low"],
            "v": rest["volume"],
            "V": rest["quoteVolume"],
            "n": int(rest["trades"]),
        }

    def last_price(self, symbol: str) -> Decimal:
        """Price of the latest trade, or the market's ``initial_mid`` before any trade."""
        market = self._market(symbol)
        trades = self._trades[symbol]
        return trades[-1].price if trades else market.initial_mid

    def best_bid_ask(
        self, symbol: str
    ) -> tuple[tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]:
        """``((bid price, bid qty) | None, (ask price, ask qty) | None)`` at the top of book."""
        self._market(symbol)
        with localcontext(_EXACT):
            bid, bid_qty, ask, ask_qty = self._books[symbol].top()
        return (
            None if bid is None else (bid, bid_qty),
            None if ask is None else (ask, ask_qty),
        )

    # -------------------------------------------------------------- perpetuals

    def mark_price(self, symbol: str) -> Decimal:
        """The mark price: as set by ``set_mark_price``, else the last trade price."""
        self._market(symbol)
        return self._marks.get(symbol) or self.last_price(symbol)

    def index_price(self, symbol: str) -> Decimal:
        """The index price: as set, else the last price of the spot market of the same pair,
        else the mark price."""
        market = self._market(symbol)
        if symbol in self._indexes:
            return self._indexes[symbol]
        spot = f"{market.base_symbol}_{market.quote_symbol}"
        if spot != symbol and spot in self.markets and not self.markets[spot].is_perp:
            return self.last_price(spot)
        return self.mark_price(symbol)

    def funding_rate(self, symbol: str) -> Decimal:
        """The rate the next ``settle_funding`` applies (a fraction; longs pay when positive)."""
        self._market(symbol)
        return self._funding_rates.get(symbol, _DEFAULT_FUNDING_RATE)

    def set_funding_rate(self, symbol: str, rate: Decimal) -> None:
        self._perp_market(symbol)
        self._funding_rates[symbol] = rate

    def set_leverage_limit(self, account: str, leverage: Decimal) -> None:
        """The account's leverage limit: its initial margin fraction is at least 1/leverage."""
        if leverage <= 0:
            raise _bad_request("`leverageLimit` must be positive")
        self._leverage_limits[account] = leverage

    def set_mark_price(
        self, symbol: str, price: Decimal, *, index_price: Decimal | None = None
    ) -> None:
        """Move the mark (and optionally the index) price of ``symbol``.

        Publishes a ``markPrice`` event and a ``positionAdjusted`` update for every open
        position on the market (their unrealized PnL changed).
        """
        market = self._market(symbol)
        if price <= 0 or (index_price is not None and index_price <= 0):
            raise _bad_request("Prices must be positive")
        with localcontext(_EXACT):
            op = self._begin()
            self._marks[symbol] = price
            if index_price is not None:
                self._indexes[symbol] = index_price
            op.events.append(("markPrice", symbol, self._mark_price_event(market, op.ts)))
            for position in self._positions.get(symbol, {}).values():
                op.positions_before.setdefault(position.position_id, (position, position.net))
            self._run_triggers(op)
            self._commit(op)

    def settle_funding(self, symbol: str | None = None, rate: Decimal | None = None) -> int:
        """Pay one funding interval on ``symbol`` (every perpetual when None); return how many
        positions paid or received.

        Each position pays ``net * mark * rate`` (longs pay shorts when the rate is positive;
        ``rate`` defaults to ``funding_rate(symbol)``), settled in the quote asset at once.
        """
        markets = [self._perp_market(symbol)] if symbol else self._perp_markets()
        settled = 0
        with localcontext(_EXACT):
            op = self._begin()
            for market in markets:
                applied = self.funding_rate(market.symbol) if rate is None else rate
                mark = self.mark_price(market.symbol)
                for account, position in self._positions.get(market.symbol, {}).items():
                    payment = -(position.net * mark * applied)
                    op.positions_before.setdefault(
                        position.position_id, (position, position.net)
                    )
                    position.funding += payment
                    self._balance(account, market.quote_symbol).available += payment
                    self._funding_history.add(
                        FundingPayment(account, market.symbol, payment, applied, op.ts),
                        [(account,), (account, "symbol", market.symbol)],
                    )
                    settled += 1
            self._commit(op)
        return settled

    def settle_due_funding(self) -> int:
        """Funding on the engine clock: settle every perpetual once per funding interval
        (``fundingInterval``, 8 h) that has ended since the previous call; the first call only
        starts the schedule. Returns how many positions were settled."""
        now = self._now_us()
        settled = 0
        for market in self._perp_markets():
            interval = market.funding_interval_ms * 1000
            due = self._funding_due_us.get(market.symbol, (now // interval + 1) * interval)
            while now >= due:
                settled += self.settle_funding(market.symbol)
                due += interval
            self._funding_due_us[market.symbol] = due
        return settled

    def net_position(self, account: str, symbol: str) -> Decimal:
        """Signed net quantity of the account on a perpetual (0 without a position)."""
        position = self._positions.get(symbol, {}).get(account)
        return ZERO if position is None else position.net

    def positions(self, account: str, symbol: str | None = None) -> list[Json]:
        """REST ``FuturePositionWithMargin`` JSON of the account's open positions."""
        held = self._account_positions.get(account, {})
        with localcontext(_EXACT):
            return [
                self._position_json(held[name])
                for name in sorted(held)
                if symbol is None or name == symbol
            ]

    def position_snapshot(self, account: str) -> list[Json]:
        """``account.positionUpdate`` payloads (without ``e``) of the open positions: the
        snapshot the exchange sends right after a subscription."""
        ts = self._now_us()
        held = self._account_positions.get(account, {})
        with localcontext(_EXACT):
            return [self._position_event(held[name], None, ts) for name in sorted(held)]

    def position_history_page(
        self,
        account: str,
        *,
        symbol: str | None = None,
        state: str | None = None,
        offset: int = 0,
        limit: int = 100,
        ascending: bool = False,
    ) -> list[Json]:
        """REST ``PositionHistoryRow`` JSON, newest first unless ``ascending``."""
        key = (account,) if symbol is None else (account, "symbol", symbol)
        rows = self._position_history.all(key)
        if state is not None:
            rows = [p for p in rows if (p.is_open if state == "Open" else not p.is_open)]
        ordered = rows if ascending else rows[::-1]
        with localcontext(_EXACT):
            return [self._position_history_json(p) for p in ordered[offset : offset + limit]]

    def funding_payments_page(
        self,
        account: str,
        *,
        symbol: str | None = None,
        offset: int = 0,
        limit: int = 100,
        ascending: bool = False,
    ) -> tuple[list[Json], int]:
        """REST ``FundingPayment`` JSON and the total count, newest first unless ``ascending``."""
        key = (account,) if symbol is None else (account, "symbol", symbol)
        payments, total = self._funding_history.page(
            key, offset=offset, limit=limit, ascending=ascending
        )
        return [
            {
                "userId": _user_id(payment.account),
                "subaccountId": None,
                "symbol": payment.symbol,
                "quantity": _dec(payment.quantity.quantize(_FEE_QUANTUM)),
                "intervalEndTimestamp": _naive_iso(payment.at_us),
                "fundingRate": _dec(payment.rate),
            }
            for payment in payments
        ], total

    def open_interest(self, symbol: str) -> Decimal:
        """Sum of the long positions on a perpetual (equal to the sum of the short ones)."""
        self._market(symbol)
        return sum((p.net for p in self._positions.get(symbol, {}).values() if p.net > 0), ZERO)

    def margin(self, account: str) -> dict[str, Decimal]:
        """The account's futures margin: ``equity`` (quote collateral + unrealized PnL),
        ``unrealized``, ``initial`` and ``maintenance`` margin, and ``exposure`` notional."""
        with localcontext(_EXACT):
            unrealized = ZERO
            maintenance = ZERO
            exposure = ZERO
            for symbol, position in self._account_positions.get(account, {}).items():
                mark = self.mark_price(symbol)
                market = position.market
                unrealized += position.unrealized(mark)
                notional = abs(position.net) * mark
                exposure += notional
                maintenance += notional * margin_fraction(
                    market.mmf_base, market.mmf_factor, notional
                )
            return {
                "equity": self._collateral(account) + unrealized,
                "unrealized": unrealized,
                "initial": self._initial_margin(account, None),
                "maintenance": maintenance,
                "exposure": exposure,
            }

    # ---------------------------------------------------------------- internals

    def _market(self, symbol: str) -> MarketSpec:
        market = self.markets.get(symbol)
        if market is None:
            raise EngineError(400, "INVALID_MARKET", f"Invalid market symbol: {symbol}")
        return market

    def _balance(self, account: str, asset: str) -> _Balance:
        """The balance to change (created empty); its prior state is kept for the events."""
        held = self._balances.setdefault(account, {})
        balance = held.get(asset)
        if balance is None:
            balance = held[asset] = _Balance()
        if self._op is not None:
            self._op.balances_before.setdefault(
                (account, asset), (balance.available, balance.locked)
            )
        return balance

    def _find_open(
        self, account: str, symbol: str, *, order_id: str | None, client_id: int | None
    ) -> _Order:
        if (order_id is None) == (client_id is None):
            raise _bad_request("Must specify either `clientId` or `orderId`")
        self._market(symbol)
        if order_id is not None:
            order = self._open.get(account, {}).get(order_id)
        else:
            assert client_id is not None
            order = self._open_by_client_id.get((account, client_id))
        if order is None or order.market.symbol != symbol:
            raise EngineError(404, "RESOURCE_NOT_FOUND", "Order not found")
        return order

    def _check_filters(self, market: MarketSpec, req: OrderRequest) -> None:
        if req.price is not None and req.order_type == "Limit":
            _check_grid(req.price, market.tick_size, "Price", "INVALID_PRICE")
            if req.price < market.min_price:
                raise EngineError(
                    400, "INVALID_PRICE", f"Price is below the minimum {market.min_price}"
                )
            if req.price > market.max_price:
                raise EngineError(
                    400, "INVALID_PRICE", f"Price is above the maximum {market.max_price}"
                )
        if req.quantity is not None:
            _check_grid(req.quantity, market.step_size, "Quantity", "INVALID_QUANTITY")
            if req.quantity < market.min_quantity:
                raise EngineError(
                    400, "INVALID_QUANTITY", f"Quantity is below the minimum {market.min_quantity}"
                )
            if market.max_quantity is not None and req.quantity > market.max_quantity:
                raise EngineError(
                    400, "INVALID_QUANTITY", f"Quantity is above the maximum {market.max_quantity}"
                )

    def _execute(
        self,
        account: str,
        req: OrderRequest,
        op: _Operation,
        *,
        seeding: bool,
        pending: _Order | None = None,
    ) -> _Order:
        order = self._place(account, req, op, seeding=seeding, pending=pending)
        if order.market.is_perp:
            self._enforce_reduce_only(order.market, op)
        return order

    @staticmethod
    def _new_order(account: str, market: MarketSpec, req: OrderRequest, ts: int) -> _Order:
        """The order a request describes, not yet accepted (no id)."""
        return _Order(
            order_id="",
            account=account,
            market=market,
            side=req.side,
            order_type=req.order_type,
            # Held on the market's grid so every wire string has the tick/step precision.
            quantity=None if req.quantity is None else req.quantity.quantize(market.step_size),
            quote_quantity=req.quote_quantity,
            price=(
                req.price.quantize(market.tick_size)
                if req.price is not None and req.order_type == "Limit"
                else None
            ),
            time_in_force=req.time_in_force,
            post_only=req.post_only,
            reduce_only=req.reduce_only,
            client_id=req.client_id,
            self_trade_prevention=req.self_trade_prevention,
            created_us=ts,
        )

    def _place(
        self,
        account: str,
        req: OrderRequest,
        op: _Operation,
        *,
        seeding: bool,
        pending: _Order | None = None,
    ) -> _Order:
        """Validate, then accept and match one order. ``pending`` is a trigger order being
        placed now that it triggered: it keeps its id and reports ``triggerPlaced``."""
        req.check_shape()
        market = self._market(req.symbol)
        if req.reduce_only and not market.is_perp:
            raise EngineError(400, "INVALID_ORDER", "Reduce-only orders are only for futures")
        if req.reduce_only and req.quote_quantity is not None:
            raise EngineError(400, "INVALID_ORDER", "Reduce-only orders must specify a `quantity`")
        self._check_filters(market, req)
        if req.client_id is not None and (account, req.client_id) in self._open_by_client_id:
            raise EngineError(
                400, "INVALID_ORDER", f"Order with client ID already exists: {req.client_id}"
            )
        if req.is_trigger:
            return self._park_trigger(account, market, req, op)
        book = self._books[market.symbol]
        if req.post_only and req.price is not None:
            best = book.side("Ask" if req.side == "Bid" else "Bid").best()
            crosses = best is not None and (
                best <= req.price if req.side == "Bid" else best >= req.price
            )
            if crosses:
                raise EngineError(400, "INVALID_ORDER", "Order would immediately match and take")

        taker = self._new_order(account, market, req, op.ts)
        not_reduced = False
        if req.reduce_only:
            net = self.net_position(account, market.symbol)
            not_reduced = not net or (req.side == "Bid") == (net > 0)
            if not not_reduced and taker.quantity is not None and taker.quantity > abs(net):
                taker.quantity = abs(net)  # a reduce-only order never flips the position
        plan = self._plan(book, taker)
        if market.is_perp and not seeding and not req.reduce_only:
            size = taker.quantity if taker.quantity is not None else plan.filled
            self._check_margin(account, market, taker.side, size)

        lock_asset = market.quote_symbol if req.side == "Bid" else market.base_symbol
        if market.is_perp:
            to_lock = ZERO  # perpetual orders are backed by margin, not by locked funds
        elif taker.order_type == "Limit":
            assert taker.price is not None and taker.quantity is not None
            to_lock = taker.price * taker.quantity if taker.side == "Bid" else taker.quantity
        elif taker.side == "Bid":
            to_lock = taker.quote_quantity if taker.quote_quantity is not None else plan.cost
        else:
            to_lock = taker.quantity if taker.quantity is not None else plan.filled
        held = self._balances.get(account, {}).get(lock_asset)
        if to_lock > (held.available if held is not None else ZERO):
            raise EngineError(400, "INSUFFICIENT_FUNDS", "Insufficient funds")

        # Validation is over: from here on the order exists and changes are applied.
        if pending is not None:
            pending.quantity, pending.price = taker.quantity, taker.price
            pending.status, pending.triggered_us = "New", op.ts
            taker = pending
            self._emit_order(op, taker, "triggerPlaced")
        else:
            taker.stop_loss, taker.take_profit = req.stop_loss, req.take_profit
            self._register(taker)
            self._emit_order(op, taker, "orderAccepted")
        if not_reduced:
            self._finish(taker, "Expired", "ReduceOnlyNotReduced", op)
            return taker
        if req.time_in_force == "FOK" and plan.stop != "complete":
            self._finish(taker, "Expired", "FillOrKill", op)
            return taker

        if to_lock:
            balance = self._balance(account, lock_asset)
            balance.available -= to_lock
            balance.locked += to_lock
            taker.lock_asset, taker.locked = lock_asset, to_lock

        for index, step in enumerate(plan.steps):
            if step.expire_maker:
                self._finish(step.maker, "Expired", "SelfTradePrevention", op)
                continue
            completes = plan.stop == "complete" and index == len(plan.steps) - 1
            self._fill(taker, step.maker, step.quantity, completes, op)

        if plan.stop == "complete":
            self._finish(taker, "Filled", None, op)
        elif plan.stop == "stp":
            self._finish(taker, "Expired", "SelfTradePrevention", op)
        elif req.order_type == "Market":
            self._finish(taker, "Expired", "InsufficientLiquidity", op)
        elif req.time_in_force == "IOC":
            self._finish(taker, "Expired", "ImmediateOrCancel", op)
        else:
            self._rest(taker, op)
        return taker

    def _plan(self, book: _Book, taker: _Order) -> _Plan:
        plan = _Plan()
        makers = book.side("Ask" if taker.side == "Bid" else "Bid")
        step_size = taker.market.step_size
        quantity_left = taker.quantity
        quote_left = taker.quote_quantity
        for price in makers.prices_best_first():
            if taker.price is not None and (
                price > taker.price if taker.side == "Bid" else price < taker.price
            ):
                return plan
            for maker in makers.levels[price]:
                if maker.account == taker.account:
                    if taker.self_trade_prevention == "RejectTaker":
                        plan.stop = "stp"
                        return plan
                    plan.steps.append(_Step(maker, ZERO, expire_maker=True))
                    if taker.self_trade_prevention == "RejectBoth":
                        plan.stop = "stp"
                        return plan
                    continue
                if quantity_left is not None:
                    quantity = min(maker.remaining, quantity_left)
                else:
                    assert quote_left is not None
                    affordable = (quote_left / (price * step_size)).to_integral_value(
                        rounding=ROUND_DOWN
                    ) * step_size
                    # The division may have rounded up across a whole step; never overspend.
                    while affordable * price > quote_left:
                        affordable -= step_size
                    quantity = min(maker.remaining, affordable)
                    if quantity <= 0:
                        if plan.filled > 0:
                            plan.stop = "complete"
                        return plan
                plan.steps.append(_Step(maker, quantity))
                plan.filled += quantity
                plan.cost += quantity * price
                if quantity_left is not None:
                    quantity_left -= quantity
                    done = quantity_left == 0
                else:
                    assert quote_left is not None
                    quote_left -= quantity * price
                    # Not even one more step at this price: deeper asks cost more, and selling
                    # dust into deeper bids is not what a quote-sized order asks for.
                    done = quote_left < price * step_size
                if done:
                    plan.stop = "complete"
                    return plan
        return plan

    def _fill(
        self, taker: _Order, maker: _Order, quantity: Decimal, completes: bool, op: _Operation
    ) -> None:
        market = taker.market
        assert maker.price is not None
        price = maker.price
        quote = price * quantity
        buyer, seller = (taker, maker) if taker.side == "Bid" else (maker, taker)
        self._touch(op, maker, price)
        fees: tuple[tuple[_Order, Decimal, str], ...]
        if market.is_perp:
            buyer_fee = _floor_fee(quote * (self.taker_fee if buyer is taker else self.maker_fee))
            seller_fee = _floor_fee(quote * (self.taker_fee if seller is taker else self.maker_fee))
            self._settle_perp(buyer.account, market, quantity, price, buyer_fee, op)
            self._settle_perp(seller.account, market, -quantity, price, seller_fee, op)
            fees = (
                (buyer, buyer_fee, market.quote_symbol),
                (seller, seller_fee, market.quote_symbol),
            )
        else:
            fees = self._settle_spot(buyer, seller, quantity, price, taker, market)
        self._record_trade(taker, maker, buyer, quantity, price, fees, completes, op)

    def _settle_spot(
        self,
        buyer: _Order,
        seller: _Order,
        quantity: Decimal,
        price: Decimal,
        taker: _Order,
        market: MarketSpec,
    ) -> tuple[tuple[_Order, Decimal, str], ...]:
        """Move base to the buyer and quote to the seller, fees in the asset received."""
        quote = price * quantity
        base_fee = _floor_fee(quantity * (self.taker_fee if buyer is taker else self.maker_fee))
        quote_fee = _floor_fee(quote * (self.taker_fee if seller is taker else self.maker_fee))
        buyer_quote = self._balance(buyer.account, market.quote_symbol)
        buyer_quote.locked -= quote
        buyer.locked -= quote
        if buyer.order_type == "Limit":
            assert buyer.price is not None
            # A bid locked at its own limit price; trading lower frees the difference.
            refund = (buyer.price - price) * quantity
            buyer_quote.locked -= refund
            buyer.locked -= refund
            buyer_quote.available += refund
        seller_base = self._balance(seller.account, market.base_symbol)
        seller_base.locked -= quantity
        seller.locked -= quantity
        self._balance(buyer.account, market.base_symbol).available += quantity - base_fee
        self._balance(self.fee_account, market.base_symbol).available += base_fee
        self._balance(seller.account, market.quote_symbol).available += quote - quote_fee
        self._balance(self.fee_account, market.quote_symbol).available += quote_fee
        return ((buyer, base_fee, market.base_symbol), (seller, quote_fee, market.quote_symbol))

    def _settle_perp(
        self,
        account: str,
        market: MarketSpec,
        signed_quantity: Decimal,
        price: Decimal,
        fee: Decimal,
        op: _Operation,
    ) -> None:
        """Move the position; realized PnL and the fee are settled in the quote asset at once.

        Realized PnL is paid by (or to) the ``pnl_account``, so every asset's total stays
        constant; that account's balance is always the sum of the open positions' unrealized
        PnL (which sums to zero over both sides of every trade at any one price).
        """
        position = self._position_for_change(account, market, op)
        realized = position.trade(signed_quantity, price)
        position.fees += fee
        self._balance(account, market.quote_symbol).available += realized - fee
        self._balance(self.fee_account, market.quote_symbol).available += fee
        if realized:
            self._balance(self.pnl_account, market.quote_symbol).available -= realized
        if not position.net:
            position.closed_us = op.ts
            position.closing_price = price
            del self._positions[market.symbol][account]
            del self._account_positions[account][market.symbol]

    def _record_trade(
        self,
        taker: _Order,
        maker: _Order,
        buyer: _Order,
        quantity: Decimal,
        price: Decimal,
        fees: tuple[tuple[_Order, Decimal, str], ...],
        completes: bool,
        op: _Operation,
    ) -> None:
        market = taker.market
        quote = price * quantity
        seller = maker if buyer is taker else taker
        trades = self._trades[market.symbol]
        trade = _Trade(
            trade_id=len(trades) + 1,
            price=price,
            quantity=quantity,
            timestamp_us=op.ts,
            is_buyer_maker=buyer is maker,
        )
        trades.append(trade)
        for stats in self._stats[market.symbol].values():
            stats.add(op.ts, price, quantity)
        op.traded.add(market.symbol)
        op.events.append(
            (
                "trade",
                market.symbol,
                {
                    "e": "trade",
                    "E": op.ts,
                    "s": market.symbol,
                    "p": self._price_wire(market, price),
                    "q": self._quantity_wire(market, quantity),
                    "b": buyer.order_id,
                    "a": seller.order_id,
                    "t": trade.trade_id,
                    "m": trade.is_buyer_maker,
                    "T": op.ts,
                },
            )
        )
        reports: list[tuple[_Order, _Fill]] = []
        for order, fee, fee_symbol in fees:
            order.executed_quantity += quantity
            order.executed_quote_quantity += quote
            if order.quantity is not None:
                order.status = "Filled" if order.remaining == 0 else "PartiallyFilled"
            else:
                order.status = "Filled" if completes else "PartiallyFilled"
            fill = _Fill(
                trade_id=trade.trade_id,
                order=order,
                price=price,
                quantity=quantity,
                fee=fee,
                fee_symbol=fee_symbol,
                is_maker=order is maker,
                timestamp_us=op.ts,
            )
            self._fills.add(fill, self._history_keys(order.account, market))
            if order.fills is None:
                order.fills = []
            order.fills.append(fill)
            reports.append((order, fill))
        # The maker hears about the trade first, as it was on the book before the taker came.
        for order, fill in sorted(reports, key=lambda report: report[0] is taker):
            self._emit_order(op, order, "orderFill", fill)
        if maker.remaining == 0:
            self._finish(maker, "Filled", None, op)

    def _rest(self, order: _Order, op: _Operation) -> None:
        assert order.price is not None
        self._touch(op, order, order.price)
        self._books[order.market.symbol].side(order.side).add(order, order.price)
        self._list_open(order)

    def _finish(self, order: _Order, status: str, reason: str | None, op: _Operation) -> None:
        """End an order: take it off the book, release what it still locks, report the end."""
        self._unlist(order, op)
        if order.lock_asset is not None and order.locked:
            balance = self._balance(order.account, order.lock_asset)
            balance.locked -= order.locked
            balance.available += order.locked
            order.locked = ZERO
        order.status = status
        order.expiry_reason = reason
        # Compact what a finished order keeps for history: share constants, not copies.
        order.locked, order.lock_asset = ZERO, None
        if order.quantity is not None and order.executed_quantity == order.quantity:
            order.executed_quantity = order.quantity
        if status == "Cancelled":
            self._emit_order(op, order, "orderCancelled")
        elif status == "Expired":
            self._emit_order(op, order, "orderExpired")
        if order.executed_quantity and (order.stop_loss or order.take_profit):
            self._protect(order, op)

    def _register(self, order: _Order) -> None:
        """Give a new order its id and file it in the history."""
        self._last_order_id += 1
        order.order_id = str(self._last_order_id)
        self._orders.add(order, self._history_keys(order.account, order.market))
        self._orders_by_id[order.order_id] = order

    def _list_open(self, order: _Order) -> None:
        self._open.setdefault(order.account, {})[order.order_id] = order
        self._open_by_market.setdefault((order.account, order.market.symbol), {})[
            order.order_id
        ] = order
        if order.client_id is not None:
            self._open_by_client_id[(order.account, order.client_id)] = order

    def _unlist(self, order: _Order, op: _Operation) -> None:
        """Take an open order out of the indexes and off its book (or trigger list)."""
        open_orders = self._open.get(order.account, {})
        if order.order_id not in open_orders:
            return
        del open_orders[order.order_id]
        del self._open_by_market[(order.account, order.market.symbol)][order.order_id]
        if order.client_id is not None:
            del self._open_by_client_id[(order.account, order.client_id)]
        if order.status == "TriggerPending":
            del self._triggers[order.market.symbol][order.order_id]
        else:
            assert order.price is not None
            self._touch(op, order, order.price)
            self._books[order.market.symbol].side(order.side).remove(order, order.price)

    # ---------------------------------------------------------- trigger orders

    def _reference_price(self, symbol: str, trigger_by: str) -> Decimal:
        if trigger_by == "MarkPrice":
            return self.mark_price(symbol)
        if trigger_by == "IndexPrice":
            return self.index_price(symbol)
        return self.last_price(symbol)

    def _park_trigger(
        self, account: str, market: MarketSpec, req: OrderRequest, op: _Operation
    ) -> _Order:
        """Accept a trigger order as ``TriggerPending``: no book, no funds locked yet."""
        assert req.trigger_price is not None and req.trigger_quantity is not None
        _check_grid(req.trigger_price, market.tick_size, "Trigger price", "INVALID_PRICE")
        if req.trigger_quantity.endswith("%"):
            if not market.is_perp:
                raise _bad_request("A percentage `triggerQuantity` needs a perpetual position")
        else:
            _check_grid(
                Decimal(req.trigger_quantity), market.step_size, "Quantity", "INVALID_QUANTITY"
            )
        order = self._new_order(account, market, req, op.ts)
        order.status = "TriggerPending"
        order.trigger_price = req.trigger_price.quantize(market.tick_size)
        order.trigger_quantity, order.trigger_by = req.trigger_quantity, req.trigger_by
        order.stop_loss, order.take_profit = req.stop_loss, req.take_profit
        reference = self._reference_price(market.symbol, req.trigger_by)
        order.trigger_above = req.trigger_price >= reference
        self._pend(order, op)
        return order

    def _pend(self, order: _Order, op: _Operation) -> None:
        self._register(order)
        self._list_open(order)
        self._triggers.setdefault(order.market.symbol, {})[order.order_id] = order
        self._emit_order(op, order, "orderAccepted")

    def _protect(self, parent: _Order, op: _Operation) -> None:
        """Attach the parent's stop-loss / take-profit as trigger orders for what it executed
        (reduce-only on perpetuals; one cancels the other when it triggers)."""
        market = parent.market
        side = "Ask" if parent.side == "Bid" else "Bid"
        quantity = parent.executed_quantity
        for protection, profit in ((parent.stop_loss, False), (parent.take_profit, True)):
            if protection is None:
                continue
            limit_price = protection.limit_price
            child = _Order(
                order_id="",
                account=parent.account,
                market=market,
                side=side,
                order_type="Market" if limit_price is None else "Limit",
                quantity=quantity,
                quote_quantity=None,
                price=None if limit_price is None else limit_price.quantize(market.tick_size),
                time_in_force="GTC",
                post_only=False,
                reduce_only=market.is_perp,
                client_id=None,
                self_trade_prevention=parent.self_trade_prevention,
                created_us=op.ts,
                status="TriggerPending",
                trigger_price=protection.trigger_price.quantize(market.tick_size),
                trigger_quantity=_dec(quantity),
                trigger_by=protection.trigger_by,
                # A long's take-profit fires on the way up, its stop-loss on the way down.
                trigger_above=profit == (parent.side == "Bid"),
                related_order_id=parent.order_id,
            )
            self._pend(child, op)

    def _run_triggers(self, op: _Operation) -> None:
        """Place every pending trigger whose reference price has been reached, repeatedly:
        a triggered order can trade and move the price that fires the next one."""
        for _ in range(10_000):  # each pass places one order; a pending one never returns
            fired = self._next_fired()
            if fired is None:
                return
            self._fire(fired, op)

    def _next_fired(self) -> _Order | None:
        for symbol, pending in self._triggers.items():
            prices: dict[str, Decimal] = {}
            for order in pending.values():
                assert order.trigger_by is not None and order.trigger_price is not None
                if order.trigger_by not in prices:
                    prices[order.trigger_by] = self._reference_price(symbol, order.trigger_by)
                price = prices[order.trigger_by]
                reached = (
                    price >= order.trigger_price
                    if order.trigger_above
                    else price <= order.trigger_price
                )
                if reached:
                    return order
        return None

    def _fire(self, order: _Order, op: _Operation) -> None:
        """Place a triggered order, or end it ``TriggerFailed`` if it cannot be placed."""
        market = order.market
        self._unlist(order, op)
        if order.related_order_id is not None:
            for sibling in list(self._triggers.get(market.symbol, {}).values()):
                if sibling.related_order_id == order.related_order_id:
                    self._finish(sibling, "Cancelled", None, op)
        assert order.trigger_quantity is not None
        if order.trigger_quantity.endswith("%"):
            share = Decimal(order.trigger_quantity[:-1]) / 100
            size = abs(self.net_position(order.account, market.symbol)) * share
            quantity = (size / market.step_size).to_integral_value(ROUND_DOWN) * market.step_size
        else:
            quantity = Decimal(order.trigger_quantity)
        request = OrderRequest(
            market.symbol,
            order.side,
            order.order_type,
            quantity=quantity if quantity > 0 else None,
            price=order.price,
            time_in_force=order.time_in_force,
            post_only=order.post_only,
            reduce_only=order.reduce_only,
            client_id=order.client_id,
            self_trade_prevention=order.self_trade_prevention,
        )
        try:
            if quantity <= 0:
                raise EngineError(400, "INVALID_QUANTITY", "Nothing to place")
            self._execute(order.account, request, op, seeding=False, pending=order)
        except EngineError:
            order.status, order.triggered_us = "TriggerFailed", op.ts
            self._emit_order(op, order, "triggerFailed")

    # ------------------------------------------------------- perpetual internals

    def _perp_market(self, symbol: str) -> MarketSpec:
        market = self._market(symbol)
        if not market.is_perp:
            raise EngineError(400, "INVALID_MARKET", f"Not a perpetual market: {symbol}")
        return market

    def _perp_markets(self) -> list[MarketSpec]:
        return [market for market in self.markets.values() if market.is_perp]

    def _position_for_change(
        self, account: str, market: MarketSpec, op: _Operation
    ) -> Position:
        """The open position to trade on (opened here if there is none), noted for events."""
        position = self._positions.get(market.symbol, {}).get(account)
        if position is None:
            self._last_position_id += 1
            position = Position(str(self._last_position_id), account, market, op.ts)
            self._positions.setdefault(market.symbol, {})[account] = position
            self._account_positions.setdefault(account, {})[market.symbol] = position
            self._position_history.add(
                position, [(account,), (account, "symbol", market.symbol)]
            )
        op.positions_before.setdefault(position.position_id, (position, position.net))
        return position

    def _collateral(self, account: str) -> Decimal:
        """Quote assets of the perpetual markets held by the account (available + locked)."""
        held = self._balances.get(account, {})
        quotes = {market.quote_symbol for market in self._perp_markets()}
        return sum(
            (held[asset].available + held[asset].locked for asset in quotes if asset in held),
            ZERO,
        )

    def _exposure(
        self, account: str, symbol: str, extra: tuple[str, Decimal] | None = None
    ) -> Decimal:
        """Largest absolute position the account could reach on ``symbol`` if every resting
        (not reduce-only) order, plus ``extra`` (side, quantity), filled."""
        net = self.net_position(account, symbol)
        bids = asks = ZERO
        for order in self._open_by_market.get((account, symbol), {}).values():
            if order.reduce_only or order.status == "TriggerPending":
                continue
            if order.side == "Bid":
                bids += order.remaining
            else:
                asks += order.remaining
        if extra is not None:
            side, quantity = extra
            if side == "Bid":
                bids += quantity
            else:
                asks += quantity
        return max(abs(net + bids), abs(net - asks))

    def _initial_fraction(self, account: str, market: MarketSpec, notional: Decimal) -> Decimal:
        leverage = self._leverage_limits.get(account, self.default_leverage_limit)
        return max(margin_fraction(market.imf_base, market.imf_factor, notional), 1 / leverage)

    def _initial_margin(
        self, account: str, extra: tuple[MarketSpec, str, Decimal] | None
    ) -> Decimal:
        total = ZERO
        for market in self._perp_markets():
            added = (extra[1], extra[2]) if extra is not None and extra[0] is market else None
            exposure = self._exposure(account, market.symbol, added)
            if exposure:
                notional = exposure * self.mark_price(market.symbol)
                total += notional * self._initial_fraction(account, market, notional)
        return total

    def _check_margin(self, account: str, market: MarketSpec, side: str, size: Decimal) -> None:
        """Reject an order that raises the initial margin the account needs above its equity.

        Orders that lower the requirement (reducing a position) always pass.
        """
        needed = self._initial_margin(account, (market, side, size))
        if needed <= self._initial_margin(account, None):
            return
        unrealized = sum(
            (
                position.unrealized(self.mark_price(symbol))
                for symbol, position in self._account_positions.get(account, {}).items()
            ),
            ZERO,
        )
        if needed > self._collateral(account) + unrealized:
            raise EngineError(400, "INSUFFICIENT_MARGIN", "Insufficient margin")

    def _enforce_reduce_only(self, market: MarketSpec, op: _Operation) -> None:
        """Shrink resting reduce-only orders larger than the position they reduce (an
        ``orderModified`` event); expire those that can no longer reduce it."""
        accounts = {
            position.account
            for position, _ in op.positions_before.values()
            if position.market is market
        }
        for account in sorted(accounts):
            net = self.net_position(account, market.symbol)
            resting = self._open_by_market.get((account, market.symbol), {})
            for order in [
                o for o in resting.values() if o.reduce_only and o.status != "TriggerPending"
            ]:
                if not net or (order.side == "Bid") == (net > 0):
                    self._finish(order, "Expired", "ReduceOnlyNotReduced", op)
                elif order.remaining > abs(net):
                    assert order.price is not None
                    self._touch(op, order, order.price)
                    order.quantity = order.executed_quantity + abs(net)
                    self._emit_order(op, order, "orderModified")

    def _next_funding_ms(self, market: MarketSpec, now_us: int) -> int:
        interval = market.funding_interval_ms
        return (now_us // 1000 // interval + 1) * interval

    def _mark_price_event(self, market: MarketSpec, ts: int) -> Json:
        payload: Json = {
            "e": "markPrice",
            "E": ts,
            "s": market.symbol,
            "p": _dec(self.mark_price(market.symbol)),
        }
        if market.is_perp:
            payload["f"] = _dec(self.funding_rate(market.symbol))
            payload["i"] = _dec(self.index_price(market.symbol))
            payload["n"] = self._next_funding_ms(market, ts)
        payload["T"] = ts
        return payload

    def _position_figures(self, position: Position) -> dict[str, Decimal]:
        market = position.market
        mark = self.mark_price(market.symbol)
        exposure = self._exposure(position.account, market.symbol)
        notional = exposure * mark
        return {
            "mark": mark,
            "exposure": exposure if position.net >= 0 else -exposure,
            "notional": notional,
            "imf": self._initial_fraction(position.account, market, notional),
            "mmf": margin_fraction(market.mmf_base, market.mmf_factor, notional),
            "unrealized": position.unrealized(mark),
        }

    def _position_event(self, position: Position, event: str | None, ts: int) -> Json:
        """An ``account.positionUpdate`` payload; ``event`` None for the subscribe snapshot."""
        market = position.market
        figures = self._position_figures(position)
        payload: Json = {} if event is None else {"e": event}
        payload.update(
            {
                "E": ts,
                "s": market.symbol,
                "b": self._price_wire(market, position.break_even_price),
                "B": self._price_wire(market, position.entry_price),
                "f": _dec(figures["imf"].quantize(_FEE_QUANTUM)),
                "M": self._price_wire(market, figures["mark"]),
                "m": _dec(figures["mmf"].quantize(_FEE_QUANTUM)),
                "q": self._quantity_wire(market, position.net),
                "Q": self._quantity_wire(market, figures["exposure"]),
                "n": _money(figures["notional"]),
                "i": position.position_id,
                "p": _money(position.realized),
                "P": _money(figures["unrealized"]),
                "T": ts,
            }
        )
        return payload

    def _position_json(self, position: Position) -> Json:
        market = position.market
        figures = self._position_figures(position)
        imf = {"type": "sqrt", "base": _dec(market.imf_base), "factor": _dec(market.imf_factor)}
        mmf = {"type": "sqrt", "base": _dec(market.mmf_base), "factor": _dec(market.mmf_factor)}
        return {
            "breakEvenPrice": self._price_wire(market, position.break_even_price),
            "entryPrice": self._price_wire(market, position.entry_price),
            "estLiquidationPrice": "0",  # liquidation is not modelled
            "imf": _dec(figures["imf"].quantize(_FEE_QUANTUM)),
            "imfFunction": imf,
            "markPrice": self._price_wire(market, figures["mark"]),
            "mmf": _dec(figures["mmf"].quantize(_FEE_QUANTUM)),
            "mmfFunction": mmf,
            "netCost": _money(position.cost),
            "netQuantity": self._quantity_wire(market, position.net),
            "netExposureQuantity": self._quantity_wire(market, figures["exposure"]),
            "netExposureNotional": _money(figures["notional"]),
            "pnlRealized": _money(position.realized),
            "pnlUnrealized": _money(figures["unrealized"]),
            "cumulativeFundingPayment": _money(position.funding),
            "subaccountId": None,
            "symbol": market.symbol,
            "userId": _user_id(position.account),
            "positionId": position.position_id,
            "cumulativeInterest": "0",
        }

    def _position_history_json(self, position: Position) -> Json:
        market = position.market
        mark = self.mark_price(market.symbol)
        return {
            "id": position.position_id,
            "symbol": market.symbol,
            "netQuantity": self._quantity_wire(market, position.net),
            "netExposureQuantity": self._quantity_wire(market, position.net),
            "netExposureNotional": _money(abs(position.net) * mark),
            "netCost": _money(position.cost),
            "markPrice": self._price_wire(market, mark),
            "entryPrice": self._price_wire(market, position.entry_price),
            "cumulativePnlRealized": _money(position.realized),
            "unrealizedPnl": _money(position.unrealized(mark)),
            "fundingQuantity": _money(position.funding),
            "interest": "0",
            "liquidated": "0",
            "imf": _dec(self._initial_fraction(position.account, market, ZERO)),
            "fees": _money(position.fees),
            "state": "Open" if position.is_open else "Closed",
            "closedVolume": self._quantity_wire(market, position.closed_volume),
            "liquidationFees": "0",
            "closingPrice": (
                None
                if position.closing_price is None
                else self._price_wire(market, position.closing_price)
            ),
            "accountLeverage": None,
            "openedAt": _naive_iso(position.opened_us),
            "closedAt": None if position.closed_us is None else _naive_iso(position.closed_us),
        }

    # ----------------------------------------------------------- event plumbing

    def _begin(self) -> _Operation:
        self._op = _Operation(
            ts=self._now_us(),
            tops={symbol: book.top() for symbol, book in self._books.items()},
        )
        return self._op

    def _touch(self, op: _Operation, order: _Order, price: Decimal) -> None:
        sides = op.touched.setdefault(order.market.symbol, {"Bid": set(), "Ask": set()})
        sides[order.side].add(price)

    def _commit(self, op: _Operation) -> None:
        for symbol, sides in op.touched.items():
            market = self.markets[symbol]
            book = self._books[symbol]
            changes = len(sides["Bid"]) + len(sides["Ask"])
            if not changes:
                continue
            first_id = book.update_id + 1
            book.update_id += changes  # one engine update id per changed level
            op.events.append(
                (
                    "depth",
                    symbol,
                    {
                        "e": "depth",
                        "E": op.ts,
                        "s": symbol,
                        "a": self._changed_levels(market, book.asks, sides["Ask"]),
                        "b": self._changed_levels(market, book.bids, sides["Bid"]),
                        "U": first_id,
                        "u": book.update_id,
                        "T": op.ts,
                    },
                )
            )
            top = book.top()
            if top != op.tops[symbol]:
                op.events.append(("bookTicker", symbol, self._book_ticker(market, book, op.ts)))
        self._op = None
        for position, net_before in op.positions_before.values():
            if position.net == net_before == 0:
                continue
            if not position.net:
                event = "positionClosed"
            elif not net_before:
                event = "positionOpened"
            else:
                event = "positionAdjusted"
            op.events.append(
                ("positionUpdate", position.account, self._position_event(position, event, op.ts))
            )
        for (account, asset), (available, locked) in op.balances_before.items():
            balance = self._balances[account][asset]
            if (balance.available, balance.locked) != (available, locked):
                op.events.append(
                    (
                        "balanceUpdate",
                        account,
                        {
                            "e": "balanceUpdate",
                            "E": op.ts,
                            "a": asset,
                            "A": _dec(balance.available),
                            "L": _dec(balance.locked),
                            "S": "0",
                            "T": op.ts,
                        },
                    )
                )
        for symbol in sorted(op.traded):
            op.events.append(("ticker", symbol, self._ticker_event(symbol, op.ts)))
        failures: list[Exception] = []
        for subscriber in list(self._subscribers):
            try:
                for kind, key, payload in op.events:
                    subscriber(kind, key, payload)
            except Exception as failure:  # one broken listener must not starve the others
                failures.append(failure)
        if failures:
            raise failures[0]

    def _changed_levels(
        self, market: MarketSpec, side: _BookSide, prices: set[Decimal]
    ) -> list[list[str]]:
        levels = []
        for price in sorted(prices):
            quantity = side.level_quantity(price)
            levels.append(
                [
                    self._price_wire(market, price),
                    self._quantity_wire(market, quantity) if quantity else "0",
                ]
            )
        return levels

    def _book_ticker(self, market: MarketSpec, book: _Book, ts: int) -> Json:
        bid, bid_qty, ask, ask_qty = book.top()
        return {
            "e": "bookTicker",
            "E": ts,
            "s": market.symbol,
            "a": None if ask is None else self._price_wire(market, ask),
            "A": None if ask is None else self._quantity_wire(market, ask_qty),
            "b": None if bid is None else self._price_wire(market, bid),
            "B": None if bid is None else self._quantity_wire(market, bid_qty),
            "u": book.update_id,
            "T": ts,
        }

    def _emit_order(
        self, op: _Operation, order: _Order, event: str, fill: _Fill | None = None
    ) -> None:
        market = order.market
        payload: Json = {"e": event, "E": op.ts, "s": market.symbol}
        if order.client_id is not None:
            payload["c"] = order.client_id
        payload["S"] = order.side
        payload["o"] = order.order_type.upper()
        payload["f"] = order.time_in_force
        if order.quantity is not None:
            payload["q"] = self._quantity_wire(market, order.quantity)
        if order.quote_quantity is not None:
            payload["Q"] = _dec(order.quote_quantity)
        if order.price is not None:
            payload["p"] = self._price_wire(market, order.price)
        if order.trigger_price is not None:
            payload["P"] = self._price_wire(market, order.trigger_price)
            payload["B"] = order.trigger_by
            payload["Y"] = order.trigger_quantity
        for protection, trigger, limit, by in (
            (order.take_profit, "a", "j", "d"),
            (order.stop_loss, "b", "k", "g"),
        ):
            if protection is not None:
                payload[trigger] = self._price_wire(market, protection.trigger_price)
                if protection.limit_price is not None:
                    payload[limit] = self._price_wire(market, protection.limit_price)
                payload[by] = protection.trigger_by
        payload["X"] = order.status
        if event == "orderExpired" and order.expiry_reason is not None:
            payload["R"] = _upper_snake(order.expiry_reason)
        payload["i"] = order.order_id
        if fill is not None:
            payload["t"] = fill.trade_id
            payload["l"] = self._quantity_wire(market, fill.quantity)
            payload["L"] = self._price_wire(market, fill.price)
            payload["m"] = fill.is_maker
            payload["n"] = _dec(fill.fee)
            payload["N"] = fill.fee_symbol
        payload["z"] = self._quantity_wire(market, order.executed_quantity)
        payload["Z"] = self._quote_wire(market, order.executed_quote_quantity)
        payload["V"] = order.self_trade_prevention
        payload["T"] = op.ts
        payload["O"] = "USER"
        if order.related_order_id is not None:
            payload["I"] = order.related_order_id
        payload["y"] = order.post_only
        payload["r"] = order.reduce_only
        op.events.append(("orderUpdate", order.account, payload))

    # ------------------------------------------------------------- wire shapes

    @staticmethod
    def _price_wire(market: MarketSpec, price: Decimal) -> str:
        return _dec(price.quantize(market.tick_size))

    @staticmethod
    def _quantity_wire(market: MarketSpec, quantity: Decimal) -> str:
        return _dec(quantity.quantize(market.step_size))

    @staticmethod
    def _quote_wire(market: MarketSpec, amount: Decimal) -> str:
        """A price * quantity amount, at the precision such products exactly have."""
        places = _decimal_places(market.tick_size) + _decimal_places(market.step_size)
        return _dec(amount.quantize(Decimal(1).scaleb(-places)))

    def _level_wire(self, market: MarketSpec, side: _BookSide, price: Decimal) -> list[str]:
        return [
            self._price_wire(market, price),
            self._quantity_wire(market, side.level_quantity(price)),
        ]

    def _order_type_json(self, order: _Order) -> Json:
        market = order.market
        wire: Json = {
            "orderType": order.order_type,
            "id": order.order_id,
            "clientId": order.client_id,
            "createdAt": order.created_us // 1000,
            "executedQuantity": self._quantity_wire(market, order.executed_quantity),
            "executedQuoteQuantity": self._quote_wire(market, order.executed_quote_quantity),
            "reduceOnly": order.reduce_only,
            "selfTradePrevention": order.self_trade_prevention,
            "side": order.side,
            "status": order.status,
            "symbol": market.symbol,
            "timeInForce": order.time_in_force,
        }
        if order.order_type == "Limit":
            assert order.price is not None
            wire["postOnly"] = order.post_only
            wire["price"] = self._price_wire(market, order.price)
            wire["quantity"] = (
                None if order.quantity is None else self._quantity_wire(market, order.quantity)
            )
        else:
            wire["quantity"] = (
                None if order.quantity is None else self._quantity_wire(market, order.quantity)
            )
            wire["quoteQuantity"] = (
                None if order.quote_quantity is None else _dec(order.quote_quantity)
            )
            wire["slippageTolerance"] = None
            wire["slippageToleranceType"] = None
        wire.update(self._trigger_fields(order))
        wire["triggeredAt"] = None if order.triggered_us is None else order.triggered_us // 1000
        return wire

    def _trigger_fields(self, order: _Order) -> Json:
        """The REST trigger / stop-loss / take-profit members of an order (null when unset)."""
        market = order.market

        def price(value: Decimal | None) -> str | None:
            return None if value is None else self._price_wire(market, value)

        stop, profit = order.stop_loss, order.take_profit
        return {
            "stopLossTriggerPrice": None if stop is None else price(stop.trigger_price),
            "stopLossLimitPrice": None if stop is None else price(stop.limit_price),
            "stopLossTriggerBy": None if stop is None else stop.trigger_by,
            "takeProfitTriggerPrice": None if profit is None else price(profit.trigger_price),
            "takeProfitLimitPrice": None if profit is None else price(profit.limit_price),
            "takeProfitTriggerBy": None if profit is None else profit.trigger_by,
            "triggerBy": order.trigger_by,
            "triggerPrice": price(order.trigger_price),
            "triggerQuantity": order.trigger_quantity,
            "relatedOrderId": order.related_order_id,
            "strategyId": None,
        }

    def _order_history_json(self, order: _Order) -> Json:
        market = order.market
        return {
            "id": order.order_id,
            "createdAt": _naive_iso(order.created_us),
            "executedQuantity": self._quantity_wire(market, order.executed_quantity),
            "executedQuoteQuantity": self._quote_wire(market, order.executed_quote_quantity),
            "expiryReason": order.expiry_reason,
            "orderType": order.order_type,
            "postOnly": order.post_only,
            "price": None if order.price is None else self._price_wire(market, order.price),
            "quantity": (
                None if order.quantity is None else self._quantity_wire(market, order.quantity)
            ),
            "quoteQuantity": (
                None if order.quote_quantity is None else _dec(order.quote_quantity)
            ),
            "selfTradePrevention": order.self_trade_prevention,
            "status": order.status,
            "side": order.side,
            "symbol": market.symbol,
            "timeInForce": order.time_in_force,
            "clientId": order.client_id,
            "systemOrderType": None,
            **self._trigger_fields(order),
            "slippageTolerance": None,
            "slippageToleranceType": None,
        }

    def _fill_json(self, fill: _Fill) -> Json:
        market = fill.order.market
        return {
            "clientId": None if fill.order.client_id is None else str(fill.order.client_id),
            "fee": _dec(fill.fee),
            "feeSymbol": fill.fee_symbol,
            "isMaker": fill.is_maker,
            "orderId": fill.order.order_id,
            "price": self._price_wire(market, fill.price),
            "quantity": self._quantity_wire(market, fill.quantity),
            "side": fill.order.side,
            "symbol": market.symbol,
            "systemOrderType": None,
            "timestamp": _naive_iso(fill.timestamp_us),
            "tradeId": fill.trade_id,
        }
