"""The order tracker: orders that are never lost and never doubled.

:class:`OrderTracker` places and cancels orders for a bot and follows each one through the REST
answers, the private ``account.orderUpdate`` stream and reconciliation against the exchange, so
that after a timeout, a dropped socket or a 404 the bot still knows the truth about its orders.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import logging
import random
from collections import deque
from collections.abc import AsyncIterable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Union

from .errors import (
    APIError,
    BpxError,
    ClientClosedError,
    CredentialsError,
    EventLoopError,
    NotFoundError,
    OutcomeUnknownError,
    RequestValidationError,
    TransportError,
)
from .streams import Stream, StreamConnection
from .streams.errors import StreamClosedError, StreamError
from .streams.events import EventsDropped, StreamErrorEvent, StreamReset

if TYPE_CHECKING:
    from .client import AsyncClient

__all__ = [
    "ExternalOrder",
    "Fill",
    "OrderState",
    "OrderTracker",
    "Source",
    "TrackedOrder",
    "Transition",
    "TransitionFeed",
]

log = logging.getLogger("bpx_async.tracking")

ZERO = Decimal(0)
_UINT32_MAX = 2**32 - 1
#: Rows per history request (the history endpoints accept at most 1000).
_HISTORY_PAGE = 1000
#: Most history pages read for one lookup, so a huge account cannot stall a resolution.
_HISTORY_MAX_PAGES = 20


class OrderState(str, Enum):
    """Where a tracked order stands. A state only ever moves to an equal or higher rank."""

    #: Tracked locally; nothing has been sent yet.
    PENDING_SUBMIT = "PENDING_SUBMIT"
    #: Sent; no answer yet.
    SUBMITTED = "SUBMITTED"
    #: The submit's outcome is ambiguous (timeout, dropped connection, 5xx, unreadable answer):
    #: the order may or may not exist. Resolved by the tracker, never reported as failed.
    UNKNOWN = "UNKNOWN"
    #: A trigger order waiting for its trigger price.
    TRIGGER_PENDING = "TRIGGER_PENDING"
    #: Resting on the book, nothing executed.
    OPEN = "OPEN"
    #: Resting on the book, partly executed.
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    #: Ended by the exchange (IOC/FOK remainder, self-trade prevention, ...).
    EXPIRED = "EXPIRED"
    #: Refused by the exchange with a definitive error, or a trigger that failed.
    REJECTED = "REJECTED"
    #: Proved never placed: it appeared nowhere after the request's deadline had passed.
    NOT_PLACED = "NOT_PLACED"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def terminal(self) -> bool:
        return _RANK[self] == 4


_RANK: dict[OrderState, int] = {
    OrderState.PENDING_SUBMIT: 0,
    OrderState.SUBMITTED: 1,
    OrderState.UNKNOWN: 1,
    OrderState.TRIGGER_PENDING: 2,
    OrderState.OPEN: 2,
    OrderState.PARTIALLY_FILLED: 3,
    OrderState.FILLED: 4,
    OrderState.CANCELLED: 4,
    OrderState.EXPIRED: 4,
    OrderState.REJECTED: 4,
    OrderState.NOT_PLACED: 4,
}

#: Exchange order statuses (REST ``status``, stream ``X``). Any other string is kept as is.
_BY_STATUS: dict[str, OrderState] = {
    "New": OrderState.OPEN,
    "PartiallyFilled": OrderState.PARTIALLY_FILLED,
    "Filled": OrderState.FILLED,
    "Cancelled": OrderState.CANCELLED,
    "Expired": OrderState.EXPIRED,
    "TriggerPending": OrderState.TRIGGER_PENDING,
    "TriggerFailed": OrderState.REJECTED,
}

#: Where a piece of knowledge came from: the tracker itself, the answer to its own request,
#: the private order stream, or a lookup made to reconcile (open orders, history, fills).
Source = Literal["local", "rest", "stream", "reconcile"]

#: ``_outcome`` of a failed request: refused for good, provably never sent, or either way.
Outcome = Literal["rejected", "not_sent", "unknown"]


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of a tracked order, counted once per ``trade_id``."""

    trade_id: int
    quantity: Decimal
    price: Decimal | None
    source: Source


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of a tracked order: its state, its executed quantity, or its cancel flag.

    ``old`` and ``new`` are equal when only a fill or the ``cancel_pending`` flag changed (a
    fill after CANCELLED, a 202 cancel). ``time_ms`` is the tracker's clock (server time).
    """

    client_id: int
    order_id: str | None
    old: OrderState
    new: OrderState
    source: Source
    time_ms: int
    fill: Fill | None = None
    detail: str = ""


@dataclass(eq=False)
class TrackedOrder:
    """An order the tracker placed, as the tracker knows it. ``snapshot()`` returns copies."""

    client_id: int
    symbol: str
    side: str
    order_type: str
    quantity: Decimal | None = None
    price: Decimal | None = None
    state: OrderState = OrderState.PENDING_SUBMIT
    #: The exchange's order id, once any source has told it.
    order_id: str | None = None
    #: The exchange's last status string, verbatim (an unknown status is kept here).
    status: str | None = None
    executed_quantity: Decimal = ZERO
    executed_quote_quantity: Decimal = ZERO
    #: A cancel was sent or accepted (202) and the order has not ended yet.
    cancel_pending: bool = False
    #: Server time (ms) after which a cancel with an ambiguous outcome that left the order
    #: resting is known not to have been executed (None: none, or accepted with 202).
    cancel_deadline_ms: int | None = None
    trade_ids: set[int] = field(default_factory=set)
    #: Server time (ms) after which an order that appears nowhere was never placed.
    deadline_ms: int | None = None
    #: Server time (ms) the submit was sent.
    sent_ms: int | None = None
    #: The error of the last request about this order that did not succeed, if any.
    error: BaseException | None = None
    #: Sum of the distinct fills seen (one of the sources max-merged into executed_quantity).
    fills_quantity: Decimal = ZERO
    #: Loop time of the last local action or stream event (reconciliation skips busy orders).
    active_at: float = field(default=0.0, repr=False)


@dataclass(frozen=True, slots=True)
class ExternalOrder:
    """An order of the account the tracker did not place (its last known view)."""

    order_id: str
    client_id: int | None
    symbol: str
    status: str | None
    executed_quantity: Decimal | None
    source: Source
    time_ms: int


# -- classification and parsing -----------------------------------------------------------------


def _outcome(exc: BaseException) -> Outcome:
    """Whether a failed request was refused, never sent, or may have been processed.

    Only a 4xx answer carrying the API's JSON error code is a refusal; only an error that proves
    the request never left (bad input, no keys, a closed client, a transport failure before
    sending) means not sent. 404, 429, 5xx, a plain text error, a timeout or a dropped connection
    after sending, an unreadable 2xx and anything unexpected leave the outcome open.
    """
    if isinstance(exc, OutcomeUnknownError):
        return "unknown"
    if isinstance(
        exc, (RequestValidationError, CredentialsError, ClientClosedError, EventLoopError)
    ):
        return "not_sent"
    if isinstance(exc, TransportError):
        return "unknown" if exc.request_sent else "not_sent"
    if isinstance(exc, APIError):
        if exc.status in (404, 429) or exc.status >= 500:
            return "unknown"
        if 400 <= exc.status < 500 and exc.code is not None:
            return "rejected"
    return "unknown"


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _event_data(event: Any) -> dict[str, Any] | None:
    """The raw ``account.orderUpdate`` data of a dict, a ``{"stream","data"}`` frame or a model."""
    if not isinstance(event, Mapping):
        dump = getattr(event, "model_dump", None)
        if dump is None:
            return None
        event = dump(by_alias=True)
        if not isinstance(event, Mapping):
            return None
    if "data" in event and isinstance(event["data"], Mapping) and "i" not in event:
        event = event["data"]
    return dict(event)


def _ms(value: Any) -> int | None:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return _int(value)


# -- the tracker --------------------------------------------------------------------------------


#: Events the tracker's own stream may hold before it counts as fallen behind.
_STREAM_QUEUE = 10_000


class _OrderUpdates(Stream):
    """The tracker's own ``account.orderUpdate`` consumer: unlike a plain :class:`Stream`, it
    tells the tracker the moment the socket drops, not only once it is back."""

    def __init__(self, connection: StreamConnection, tracker: OrderTracker) -> None:
        super().__init__(connection, ["account.orderUpdate"], maxsize=_STREAM_QUEUE)
        self._tracker = tracker

    def disconnected(self, reason: str) -> None:
        log.info("order stream dropped (%s): reconciling by REST until it is back", reason)
        self._tracker.on_stream_down()

Until = Union[OrderState, Collection[OrderState], Callable[[TrackedOrder], bool], None]


class TransitionFeed:
    """``async for t in tracker.transitions()``: every transition from the moment it was made.

    Ends when the tracker closes; ``close()`` stops it early.
    """

    def __init__(self, tracker: OrderTracker) -> None:
        self._tracker = tracker
        self._queue: asyncio.Queue[Transition | None] = asyncio.Queue()

    def __aiter__(self) -> TransitionFeed:
        return self

    async def __anext__(self) -> Transition:
        item = await self._queue.get()
        if item is None:
            self._queue.put_nowait(None)  # stay ended
            raise StopAsyncIteration
        return item

    def put(self, transition: Transition | None) -> None:
        self._queue.put_nowait(transition)

    def close(self) -> None:
        self._tracker._feeds.discard(self)
        self.put(None)


class OrderTracker:
    """Places, cancels and follows orders so none is lost and none is doubled.

    ::

        async with OrderTracker(client) as tracker:
            order = await tracker.submit("SOL_USDC", "Bid", "Limit", quantity="1", price="140")
            await tracker.wait(order.client_id, until=OrderState.OPEN, timeout=5)
            await tracker.cancel(order.client_id)

    Every order is tracked under a clientId the tracker picks before anything is sent. Its
    state comes from the REST answers, from ``account.orderUpdate`` events fed to
    :meth:`on_order_update` (or :meth:`run_stream`), and from reconciliation against the
    exchange (open orders, order history, fills), which runs on every stream (re)subscribe and on
    a timer: every ``reconcile_interval`` seconds, or ``reconcile_interval_stream_down`` while no
    stream is up. Without any stream the tracker works on REST alone (``stream_up`` is False).

    ``stream`` (default: on when the client has keys) makes the tracker subscribe
    ``account.orderUpdate`` itself on the client's WebSocket: a drop is known at once (REST
    reconciliation takes over, more often) and every reconnect reconciles. With ``stream=False``
    feed it yourself through :meth:`run_stream` or :meth:`on_order_update`, or not at all.

    ``clock`` is the server time in ms (default: the client's clock); a submit whose outcome is
    ambiguous is declared ``NOT_PLACED`` only once it appears nowhere after its deadline: the
    request's timestamp + the client's ``window`` + ``deadline_margin_ms``. ``quiet_period`` is
    how long (s) reconciliation leaves an order alone after local activity or a stream event.
    Lookups that fail or find nothing yet are retried from ``retry_delay`` to ``max_retry_delay``
    seconds apart. ``audit_limit`` bounds the audit trail (oldest entries drop first).
    """

    def __init__(
        self,
        client: AsyncClient,
        *,
        stream: bool | None = None,
        clock: Callable[[], int] | None = None,
        deadline_margin_ms: int = 5000,
        reconcile_interval: float = 30.0,
        reconcile_interval_stream_down: float = 5.0,
        quiet_period: float = 1.0,
        retry_delay: float = 0.25,
        max_retry_delay: float = 5.0,
        audit_limit: int = 100_000,
    ) -> None:
        if deadline_margin_ms < 0:
            raise ValueError("deadline_margin_ms must not be negative")
        for name, value in (
            ("reconcile_interval", reconcile_interval),
            ("reconcile_interval_stream_down", reconcile_interval_stream_down),
            ("retry_delay", retry_delay),
            ("max_retry_delay", max_retry_delay),
        ):
            if value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds")
        if quiet_period < 0:
            raise ValueError("quiet_period must not be negative")
        self._client = client
        self._clock: Callable[[], int] = clock or client.now_ms
        self.deadline_margin_ms = deadline_margin_ms
        self.reconcile_interval = reconcile_interval
        self.reconcile_interval_stream_down = reconcile_interval_stream_down
        self.quiet_period = quiet_period
        self.retry_delay = retry_delay
        self.max_retry_delay = max(max_retry_delay, retry_delay)
        self._by_client: dict[int, TrackedOrder] = {}
        self._by_order_id: dict[str, TrackedOrder] = {}
        self._external: dict[str, ExternalOrder] = {}
        # Orders the bot told the tracker to forget: their ids stay reserved.
        self._retired: set[int] = set()
        self._retired_order_ids: set[str] = set()
        self._audit: deque[Transition] = deque(maxlen=audit_limit)
        self._feeds: set[TransitionFeed] = set()
        self._waiters: list[
            tuple[TrackedOrder, Callable[[TrackedOrder], bool], asyncio.Future[TrackedOrder]]
        ] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._settling: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._reconcile_lock = asyncio.Lock()
        self._stream_up = False
        #: Whether the tracker follows the private order stream itself.
        self.follows_stream = client.signer is not None if stream is None else stream
        # Set once the tracker's own stream was subscribed, or its first attempt failed.
        self._stream_tried = asyncio.Event()
        self._started = False
        self._closed = False
        self.last_reconciled_ms: int | None = None
        self._random = random.Random()

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> OrderTracker:
        """Start, and when the tracker follows the stream, wait for its first subscription (or
        its first failure: the tracker then works on REST and keeps trying)."""
        self.start()
        if self.follows_stream:
            await self._stream_tried.wait()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def start(self) -> None:
        """Start the reconciliation timer (``async with`` does this)."""
        if self._closed:
            raise RuntimeError("this OrderTracker is closed; create a new one")
        if not self._started:
            self._started = True
            self._spawn(self._reconcile_loop())
            if self.follows_stream:
                self._spawn(self._follow_stream())

    async def aclose(self) -> None:
        """Stop every background task; waiters and transition feeds end. Safe to call twice."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        # return_exceptions: the tasks' own endings are swallowed, a cancel of aclose() is not.
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.difference_update(tasks)
        for _, _, future in self._waiters:
            if not future.done():
                future.set_exception(RuntimeError("the OrderTracker was closed"))
        self._waiters.clear()
        for feed in list(self._feeds):
            feed.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this OrderTracker is closed; create a new one")
        if not self._started:
            raise RuntimeError("start the tracker first: async with OrderTracker(client) as t")

    def _spawn(self, coro: Any) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- what a bot sees ------------------------------------------------------------------------

    @property
    def stream_up(self) -> bool:
        """Whether a private order stream is feeding the tracker; False means REST only."""
        return self._stream_up

    @property
    def audit(self) -> list[Transition]:
        """Every transition (oldest first, at most ``audit_limit``), with its source and time."""
        return list(self._audit)

    @property
    def external(self) -> list[ExternalOrder]:
        """Orders of the account seen on the stream or in reconciliation that the tracker did
        not place (another bot, the web UI, a liquidation). Never mixed into tracked orders."""
        return list(self._external.values())

    def get(self, client_id: int) -> TrackedOrder:
        """A copy of one tracked order (``KeyError`` if the tracker does not know it)."""
        return self._copy(self._by_client[client_id])

    def snapshot(self) -> dict[int, TrackedOrder]:
        """A copy of every tracked order, by clientId."""
        return {cid: self._copy(order) for cid, order in self._by_client.items()}

    @staticmethod
    def _copy(order: TrackedOrder) -> TrackedOrder:
        clone = copy.copy(order)
        clone.trade_ids = set(order.trade_ids)
        return clone

    def transitions(self) -> TransitionFeed:
        """An async iterator of every transition from now on (``async for t in ...``)."""
        feed = TransitionFeed(self)
        if self._closed:
            feed.put(None)
        else:
            self._feeds.add(feed)
        return feed

    async def wait(
        self, client_id: int, *, until: Until = None, timeout: float | None = None
    ) -> TrackedOrder:
        """Wait until the order matches ``until`` and return a copy of it.

        ``until`` is a state, a collection of states, or a predicate on the order; by default
        any terminal state. It also returns once the order is terminal, since it cannot change
        any more (an order waited for OPEN may be FILLED at once): check ``state``. Raises
        ``asyncio.TimeoutError`` after ``timeout`` seconds.
        """
        order = self._by_client[client_id]
        if self._closed and not order.state.terminal:
            raise RuntimeError("this OrderTracker is closed; nothing will change any more")
        wanted = _predicate(until)

        def predicate(order: TrackedOrder) -> bool:
            return order.state.terminal or wanted(order)

        if predicate(order):
            return self._copy(order)
        future: asyncio.Future[TrackedOrder] = asyncio.get_running_loop().create_future()
        entry = (order, predicate, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)
        return self._copy(order)

    # -- placing and cancelling -----------------------------------------------------------------

    def _pick_client_id(self) -> int:
        while True:
            candidate = self._random.randint(1, _UINT32_MAX)
            if candidate not in self._by_client and candidate not in self._retired:
                return candidate

    async def submit(
        self,
        symbol: str,
        side: str,
        order_type: str,
        *,
        client_id: int | None = None,
        **options: Any,
    ) -> TrackedOrder:
        """Place one order through ``client.orders.execute`` and return a copy of it.

        The order is tracked under a fresh uint32 clientId (or ``client_id``, which must be
        new to the tracker) before it is sent. The returned state tells what is known: OPEN,
        FILLED ... on an answer, REJECTED on a definitive refusal (``error`` holds it), UNKNOWN
        when the outcome is ambiguous (the tracker then resolves it in the background: await
        :meth:`wait`). Bad input (``RequestValidationError``) raises and nothing is tracked.
        """
        self._check_open()
        if client_id is None:
            client_id = self._pick_client_id()
        elif client_id in self._by_client or client_id in self._retired:
            raise ValueError(
                f"clientId {client_id} is already tracked; an order id is never re-used"
            )
        order = TrackedOrder(
            client_id=client_id,
            symbol=symbol,
            side=_text(side) or "",
            order_type=_text(order_type) or "",
            quantity=_decimal(options.get("quantity")),
            price=_decimal(options.get("price")),
        )
        # Tracked before sending: the stream's orderAccepted can beat the REST answer.
        self._by_client[client_id] = order
        self._touch(order)
        self._record(order, order.state, "local", detail="tracked")
        order.sent_ms = self._clock()
        self._set_state(order, OrderState.SUBMITTED, "local", detail="sent")
        try:
            placed = await self._client.orders.execute(
                symbol, side, order_type, client_id=client_id, **options
            )
        except (RequestValidationError, CredentialsError, ClientClosedError, TypeError):
            # Refused before anything was sent (bad input, no keys, a wrong keyword): the
            # order never existed.
            self._forget(order)
            raise
        except BpxError as exc:
            self._after_failed_submit(order, exc)
        except BaseException as exc:
            # Cancelled while in flight, or an unexpected failure: the request may have gone
            # out, so the order is UNKNOWN and resolved like any ambiguous submit.
            self._after_failed_submit(order, exc)
            raise
        else:
            self._touch(order)
            self._apply_order(order, placed, "rest", detail="submit answer")
        return self._copy(order)

    def _after_failed_submit(self, order: TrackedOrder, exc: BaseException) -> None:
        order.error = exc
        outcome = _outcome(exc)
        order.deadline_ms = self._deadline(exc)
        if order.order_id is not None:
            return  # the stream already proved the order exists
        if outcome == "rejected":
            self._set_state(order, OrderState.REJECTED, "rest", detail=str(exc))
        elif outcome == "not_sent":
            self._set_state(order, OrderState.NOT_PLACED, "local", detail=str(exc))
        else:
            self._set_state(order, OrderState.UNKNOWN, "local", detail=str(exc))
            self._settle_soon(order)

    def _deadline(self, exc: BaseException) -> int:
        """When a failed request can no longer be executed (server ms), plus the margin: the
        error's ``deadline_ms`` (timestamp + window) or, without one, now + window (taken after
        the failure, so never earlier than the real one)."""
        deadline = exc.deadline_ms if isinstance(exc, BpxError) else None
        if deadline is None:
            deadline = self._clock() + self._client.window
        return deadline + self.deadline_margin_ms

    def _forget(self, order: TrackedOrder) -> None:
        self._by_client.pop(order.client_id, None)
        if order.order_id is not None:
            self._by_order_id.pop(order.order_id, None)

    def forget(self, client_id: int) -> None:
        """Stop tracking a terminal order, to bound a long-running bot's memory.

        Its clientId is never picked again and late events about it are ignored (a fill after
        a cancel then goes unseen: forget an order once it no longer matters to you).
        Raises ``ValueError`` for an order that is not terminal yet.
        """
        order = self._by_client[client_id]
        if not order.state.terminal:
            raise ValueError(f"clientId {client_id} is {order.state.value}, not terminal")
        self._forget(order)
        self._retired.add(client_id)
        if order.order_id is not None:
            self._retired_order_ids.add(order.order_id)

    async def cancel(self, client_id: int) -> TrackedOrder:
        """Cancel a tracked order and return a copy of it.

        An answer with the order applies its status; 202 (accepted, not yet done) or an
        ambiguous failure leaves ``cancel_pending`` set until the stream or reconciliation
        tells the end; "not found" means the order no longer rests (it may have filled) and
        starts a lookup. A fill is never hidden by a cancel in flight.
        """
        self._check_open()
        order = self._by_client[client_id]
        if order.state.terminal:
            return self._copy(order)
        self._touch(order)
        order.cancel_deadline_ms = None
        self._set_flag(order, True, "local", detail="cancel sent")
        try:
            if order.order_id is not None:
                answer = await self._client.orders.cancel(order.symbol, order_id=order.order_id)
            else:
                answer = await self._client.orders.cancel(order.symbol, client_id=client_id)
        except (RequestValidationError, CredentialsError, ClientClosedError, TypeError):
            self._set_flag(order, False, "local", detail="cancel not sent")
            raise
        except NotFoundError as exc:
            # Nothing was cancelled: the order is not resting (filled, cancelled, never placed
            # or not arrived yet). Find out where it is.
            order.error = exc
            self._set_flag(order, False, "rest", detail="cancel: order not found")
            self._settle_soon(order)
        except BpxError as exc:
            order.error = exc
            if _outcome(exc) == "unknown":
                order.cancel_deadline_ms = self._deadline(exc)
                self._settle_soon(order)
            else:
                self._set_flag(order, False, "rest", detail=f"cancel refused: {exc}")
        except BaseException as exc:
            # Cancelled in flight: the cancel may have been executed.
            order.cancel_deadline_ms = self._deadline(exc)
            self._settle_soon(order)
            raise
        else:
            self._touch(order)
            if answer is None:
                self._record(order, order.state, "rest", detail="cancel accepted (202)")
                self._settle_soon(order)
            else:
                self._apply_order(order, answer, "rest", detail="cancel answer")
        return self._copy(order)

    async def cancel_replace(
        self, client_id: int, *, timeout: float = 10.0, **order: Any
    ) -> TrackedOrder:
        """Cancel an order and, once it has ended, place its replacement; return the new one.

        The replacement takes the options of :meth:`submit`; ``symbol``, ``side``,
        ``order_type``, ``quantity`` and ``price`` default to the old order's. It is placed only
        after the old order is terminal, so both are never live at once (check the old one's
        ``executed_quantity``: it may have filled meanwhile). If the old order has not ended
        within ``timeout`` seconds, ``asyncio.TimeoutError`` is raised and nothing is placed.
        """
        old = self._by_client[client_id]
        await self.cancel(client_id)
        await self.wait(client_id, timeout=timeout)
        symbol = order.pop("symbol", old.symbol)
        side = order.pop("side", old.side)
        order_type = order.pop("order_type", old.order_type)
        if old.quantity is not None and "quote_quantity" not in order:
            order.setdefault("quantity", old.quantity)
        if old.price is not None:
            order.setdefault("price", old.price)
        return await self.submit(symbol, side, order_type, **order)

    # -- stream input ---------------------------------------------------------------------------

    def on_order_update(self, event: Any) -> None:
        """Apply one ``account.orderUpdate`` event: the raw ``data`` dict (or a frame, or a
        model with ``model_dump(by_alias=True)``). Events of other orders go to ``external``."""
        data = _event_data(event)
        if data is None or data.get("i") is None:
            return
        order_id = str(data["i"])
        symbol = str(data.get("s", ""))
        client_id = _int(data.get("c"))
        order = self._match(client_id, order_id, symbol)
        status = _text(data.get("X"))
        if order is None and order_id in self._retired_order_ids:
            return  # about an order the bot chose to forget
        if order is None:
            self._note_external(
                order_id, client_id, symbol, status, _decimal(data.get("z")), "stream"
            )
            return
        self._touch(order)
        fill = None
        trade_id = _int(data.get("t"))
        quantity = _decimal(data.get("l"))
        if trade_id is not None and quantity is not None:
            fill = Fill(trade_id, quantity, _decimal(data.get("L")), "stream")
        self._apply(
            order,
            "stream",
            order_id=order_id,
            status=status,
            executed=_decimal(data.get("z")),
            executed_quote=_decimal(data.get("Z")),
            fills=[fill] if fill else [],
            detail=str(data.get("e") or ""),
        )

    def on_stream_up(self) -> None:
        """A private order stream is (re)subscribed: reconcile now, events may have been missed."""
        self._stream_up = True
        self._wake.set()

    def on_stream_reset(self) -> None:
        """The stream reconnected (events in between are lost): reconcile now."""
        self.on_stream_up()

    def on_stream_down(self) -> None:
        """The private stream is down: reconcile by REST, more often, until it is back."""
        self._stream_up = False
        self._wake.set()

    async def run_stream(self, stream: AsyncIterable[Any]) -> None:
        """Feed the tracker from an async iterator of order events until it ends.

        Items are what ``client.stream(["account.orderUpdate"])`` yields: a
        :class:`~bpx_async.streams.StreamReset` (or ``EventsDropped``) means events were lost
        and the tracker reconciles; error events are logged; anything else goes to
        :meth:`on_order_update`. The tracker counts the stream up meanwhile.
        """
        self.on_stream_up()
        try:
            async for item in stream:
                if isinstance(item, (StreamReset, EventsDropped)):
                    self.on_stream_reset()
                elif isinstance(item, StreamErrorEvent):
                    log.warning("order stream error %s: %s", item.code, item.message)
                else:
                    self.on_order_update(item)
        finally:
            self.on_stream_down()

    async def _follow_stream(self) -> None:
        """Subscribe ``account.orderUpdate`` on the client's socket and feed it to the tracker,
        opening it again (with backoff) whenever it fails; ends when the client closes."""
        delay = self.retry_delay
        # Loops test _closed too: a cancellation lost inside asyncio.wait_for (possible before
        # Python 3.12) must not keep a closed tracker's task alive.
        while not self._closed:
            try:
                async with _OrderUpdates(self._client.streams, self) as updates:
                    self._stream_tried.set()
                    delay = self.retry_delay
                    await self.run_stream(updates)
                if self._client.closed:
                    return
            except StreamClosedError:
                return  # the client was closed
            except (StreamError, BpxError) as exc:
                # Could not connect or subscribe, or fell behind (overflow): REST reconciliation
                # covers the gap; the stream is opened again.
                log.warning("order stream unavailable, reconciling by REST: %s", exc)
            except Exception:  # a bug must not stop the tracker from following for good
                log.exception("order stream failed unexpectedly, reconciling by REST")
            finally:
                self._stream_tried.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_retry_delay)

    # -- reconciliation -------------------------------------------------------------------------

    async def reconcile(self) -> None:
        """Compare the tracked orders with the exchange's open orders (one request) and look up
        every tracked order that stopped resting. Orders with activity in the last
        ``quiet_period`` seconds are left to the events in flight."""
        async with self._reconcile_lock:
            loop = asyncio.get_running_loop()
            started = loop.time()
            open_orders = await self._client.orders.open()
            resting: set[int] = set()
            for placed in open_orders:
                order = self._match(placed.client_id, placed.id, placed.symbol)
                if order is None:
                    self._note_external(
                        placed.id,
                        placed.client_id,
                        placed.symbol,
                        _text(placed.status),
                        placed.executed_quantity,
                        "reconcile",
                    )
                    continue
                resting.add(order.client_id)
                if not self._busy(order, started):
                    self._apply_order(order, placed, "reconcile", detail="open orders")
            for order in list(self._by_client.values()):
                if order.state.terminal or order.client_id in resting:
                    continue
                if order.state in (OrderState.PENDING_SUBMIT, OrderState.SUBMITTED):
                    continue  # the submit in flight owns it
                if self._busy(order, started):
                    continue
                self._settle_soon(order)
            self.last_reconciled_ms = self._clock()

    def _busy(self, order: TrackedOrder, now: float) -> bool:
        return now - order.active_at < self.quiet_period

    async def _reconcile_loop(self) -> None:
        while not self._closed:
            interval = (
                self.reconcile_interval if self._stream_up else self.reconcile_interval_stream_down
            )
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
            try:
                await self.reconcile()
            except BpxError as exc:
                log.warning("reconciliation failed, will retry: %s", exc)
            except Exception:  # a bug must not stop the timer for good
                log.exception("reconciliation failed unexpectedly, will retry")

    def _settle_soon(self, order: TrackedOrder) -> None:
        """Start (once per order) the lookups that tell where an order ended up."""
        task = self._settling.get(order.client_id)
        if task is not None and not task.done():
            return
        if self._closed:
            return
        self._settling[order.client_id] = self._spawn(self._settle(order))

    async def _settle(self, order: TrackedOrder) -> None:
        delay = self.retry_delay
        # An ambiguous submit the stream resolves needs no lookup; an order that stopped
        # resting (or whose cancel is pending) does, whatever the stream said before.
        unresolved = order.order_id is None
        try:
            while not order.state.terminal:
                # Let the stream speak first; then ask the exchange.
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)
                if order.state.terminal:
                    return
                if (
                    unresolved
                    and order.order_id is not None
                    and order.state.rank >= 2
                    and not order.cancel_pending
                ):
                    return  # the stream resolved it; it and reconciliation follow it now
                try:
                    if await self._look_up(order):
                        return
                except BpxError as exc:
                    log.info("lookup of clientId %s failed, will retry: %s", order.client_id, exc)
                except Exception:
                    log.exception("lookup of clientId %s failed unexpectedly", order.client_id)
        finally:
            self._settling.pop(order.client_id, None)

    async def _look_up(self, order: TrackedOrder) -> bool:
        """One round of lookups; True once the order is settled (resting or terminal)."""
        now = self._clock()
        deadline_passed = order.deadline_ms is not None and now > order.deadline_ms
        cancel_expired = order.cancel_deadline_ms is not None and now > order.cancel_deadline_ms
        try:
            if order.order_id is not None:
                placed = await self._client.orders.get(order.symbol, order_id=order.order_id)
            else:
                placed = await self._client.orders.get(order.symbol, client_id=order.client_id)
        except NotFoundError:
            pass  # not resting: filled, cancelled, expired, or never placed
        else:
            if placed.client_id in (None, order.client_id) or placed.id == order.order_id:
                detail = "order lookup" if order.order_id else "clientId lookup"
                self._apply_order(order, placed, "reconcile", detail=detail)
                if order.cancel_pending and cancel_expired and not order.state.terminal:
                    # Still resting after the cancel's deadline: it was never executed.
                    self._set_flag(
                        order, False, "reconcile", detail="cancel not executed by its deadline"
                    )
                return not order.cancel_pending or order.state.terminal
        row = await self._find_in_history(order)
        if row is not None:
            # Fills first, so the final state is reported with its full executed quantity.
            await self._apply_fills(order, row.id)
            self._apply_order(order, row, "reconcile", detail="order history")
            return order.state.terminal or not order.cancel_pending
        if order.order_id is None and deadline_passed:
            self._set_state(
                order,
                OrderState.NOT_PLACED,
                "reconcile",
                detail="not found after the request deadline",
            )
            return True
        return False  # history lags, or the deadline has not passed yet: try again

    async def _find_in_history(self, order: TrackedOrder) -> Any:
        if order.order_id is not None:
            rows = await self._history("orders", order_id=order.order_id, symbol=order.symbol)
            return next((row for row in rows if row.id == order.order_id), None)
        # No clientId filter exists: scan the newest orders of the market back to the send time.
        since = (order.sent_ms or 0) - self.deadline_margin_ms
        rows = await self._history(
            "orders",
            symbol=order.symbol,
            sort_direction="Desc",
            stop=lambda row: (_ms(row.created_at) or since) < since,
        )
        for row in rows:
            if row.client_id != order.client_id:
                continue
            if row.id in self._by_order_id and self._by_order_id[row.id] is not order:
                continue
            created = _ms(row.created_at)
            if created is not None and created < since:
                continue  # an older order that used the same clientId
            return row
        return None

    async def _apply_fills(self, order: TrackedOrder, order_id: str) -> None:
        rows = await self._history("fills", order_id=order_id, symbol=order.symbol)
        fills = [
            Fill(row.trade_id, row.quantity, row.price, "reconcile")
            for row in rows
            if row.trade_id is not None
            and row.quantity is not None
            and (row.order_id is None or str(row.order_id) == order_id)
        ]
        if fills:
            self._apply(order, "reconcile", order_id=order_id, fills=fills, detail="fills")

    async def _history(
        self, name: str, *, stop: Callable[[Any], bool] | None = None, **filters: Any
    ) -> list[Any]:
        """Rows of ``client.history.<name>(...)``, page by page, until a short page or a row
        for which ``stop`` is true. The one place that knows how history methods are called."""
        method = getattr(self._client.history, name)
        rows: list[Any] = []
        for page_number in range(_HISTORY_MAX_PAGES):
            result = method(**filters, limit=_HISTORY_PAGE, offset=page_number * _HISTORY_PAGE)
            if inspect.isawaitable(result):
                page = list(await result)
            else:
                page = [row async for row in result]
            rows.extend(page)
            if len(page) < _HISTORY_PAGE or (stop is not None and page and stop(page[-1])):
                break
        return rows

    # -- the one merge of every source ----------------------------------------------------------

    def _match(
        self, client_id: int | None, order_id: str | None, symbol: str
    ) -> TrackedOrder | None:
        if client_id is not None:
            order = self._by_client.get(client_id)
            if (
                order is not None
                and order.symbol == symbol
                and (order.order_id is None or order_id is None or order.order_id == order_id)
            ):
                if order.order_id is None and order.state in (
                    OrderState.NOT_PLACED,
                    OrderState.REJECTED,
                ):
                    log.error(
                        "clientId %s was settled %s but the exchange reports order %s; "
                        "reported as external",
                        client_id,
                        order.state.value,
                        order_id,
                    )
                    return None
                return order
        if order_id is not None:
            return self._by_order_id.get(order_id)
        return None

    def _note_external(
        self,
        order_id: str,
        client_id: int | None,
        symbol: str,
        status: str | None,
        executed: Decimal | None,
        source: Source,
    ) -> None:
        self._external[order_id] = ExternalOrder(
            order_id, client_id, symbol, status, executed, source, self._clock()
        )

    def _apply_order(
        self, order: TrackedOrder, placed: Any, source: Source, *, detail: str
    ) -> None:
        """Apply an order as a REST endpoint returned it (open, lookup, history, answers)."""
        self._apply(
            order,
            source,
            order_id=placed.id,
            status=_text(placed.status),
            executed=placed.executed_quantity,
            executed_quote=placed.executed_quote_quantity,
            detail=detail,
        )

    def _apply(
        self,
        order: TrackedOrder,
        source: Source,
        *,
        order_id: str | None = None,
        status: str | None = None,
        executed: Decimal | None = None,
        executed_quote: Decimal | None = None,
        fills: Sequence[Fill] = (),
        detail: str = "",
    ) -> None:
        if order_id is not None and order.order_id is None:
            order.order_id = order_id
            self._by_order_id[order_id] = order
        if status is not None and status != order.status:
            order.status = status
            if status not in _BY_STATUS:
                # Kept verbatim, never mapped to a failure.
                self._record(order, order.state, source, detail=f"unknown status {status!r} kept")
        # Fills are always applied, once per trade id, whatever the state.
        for fill in fills:
            if fill.trade_id in order.trade_ids:
                continue
            order.trade_ids.add(fill.trade_id)
            order.fills_quantity += fill.quantity
            self._merge_quantity(order, executed)
            self._record(order, order.state, source, fill=fill, detail=detail)
        # Cumulative quantities only grow: never subtract, never infer a fill from a decrease.
        self._merge_quantity(order, executed)
        if executed_quote is not None and executed_quote > order.executed_quote_quantity:
            order.executed_quote_quantity = executed_quote
        target = _BY_STATUS.get(status) if status is not None else None
        if status is not None and target is None and order.state.rank < 2:
            # An unknown status still proves the exchange holds the order; it is kept verbatim.
            target = OrderState.OPEN
        if order.quantity is not None and order.quantity > 0:
            if order.executed_quantity >= order.quantity:
                target = OrderState.FILLED  # fully executed: FILLED wins over anything
            elif target is OrderState.OPEN and order.executed_quantity > 0:
                target = OrderState.PARTIALLY_FILLED
        if target is not None:
            self._set_state(order, target, source, detail=detail or (status or ""))

    @staticmethod
    def _merge_quantity(order: TrackedOrder, executed: Decimal | None) -> None:
        best = max(order.executed_quantity, order.fills_quantity, executed or ZERO)
        order.executed_quantity = best

    def _set_state(
        self, order: TrackedOrder, new: OrderState, source: Source, *, detail: str = ""
    ) -> None:
        old = order.state
        if new is old:
            return
        if old.terminal:
            # Terminal states absorb later changes, except that a complete execution wins.
            if not (new is OrderState.FILLED and old is not OrderState.NOT_PLACED):
                return
        elif new.rank < old.rank:
            return  # never backwards (a late REST "New" after a stream fill)
        order.state = new
        if new.terminal:
            order.cancel_pending = False
        self._record(order, old, source, detail=detail)

    def _set_flag(self, order: TrackedOrder, pending: bool, source: Source, *, detail: str) -> None:
        if order.cancel_pending == pending or (pending and order.state.terminal):
            return
        order.cancel_pending = pending
        self._record(order, order.state, source, detail=detail)

    def _touch(self, order: TrackedOrder) -> None:
        order.active_at = asyncio.get_running_loop().time()

    def _record(
        self,
        order: TrackedOrder,
        old: OrderState,
        source: Source,
        *,
        fill: Fill | None = None,
        detail: str = "",
    ) -> None:
        transition = Transition(
            order.client_id, order.order_id, old, order.state, source, self._clock(), fill, detail
        )
        self._audit.append(transition)
        for feed in self._feeds:
            feed.put(transition)
        for entry in list(self._waiters):
            waited, predicate, future = entry
            if waited is order and not future.done() and predicate(order):
                future.set_result(order)


def _predicate(until: Until) -> Callable[[TrackedOrder], bool]:
    if until is None:
        return lambda order: order.state.terminal
    if isinstance(until, OrderState):
        return lambda order: order.state is until
    if callable(until):
        return until
    states = frozenset(until)
    return lambda order: order.state in states
