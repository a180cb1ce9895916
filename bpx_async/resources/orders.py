# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Placing, querying and cancelling orders, single and batch.

Nothing here rounds a price or quantity: what the caller passes is what is sent (round
explicitly with :mod:`bpx_async.rounding`). Order placement is never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..endpoints import orders as ep
from ..errors import BatchError, BpxError
from ..models._base import DecimalInput
from ..models.enums import (
    CancelOrderType,
    MarketType,
    OrderType,
    SelfTradePrevention,
    Side,
    SlippageToleranceType,
    TimeInForce,
    TriggerBy,
)
from ..models.orders import BatchOrderResult, OrderExecuteRequest, PlacedOrder
from ._base import Resource, documents, operation

__all__ = ["MAX_BATCH_SIZE", "Orders"]

#: Most orders sent in one ``POST /api/v1/orders``. The exchange documents no limit; 20 is what
#: ccxt declares for Backpack, so longer lists are split into requests of at most this many.
MAX_BATCH_SIZE = 20


class Orders(Resource):
    """Placing, querying and cancelling orders, single and batch."""

    __slots__ = ()

    @operation(ep.EXECUTE)
    async def execute(
        self,
        symbol: str,
        side: Side | str,
        order_type: OrderType | str,
        *,
        quantity: DecimalInput | None = None,
        quote_quantity: DecimalInput | None = None,
        price: DecimalInput | None = None,
        time_in_force: TimeInForce | str | None = None,
        post_only: bool | None = None,
        reduce_only: bool | None = None,
        client_id: int | None = None,
        self_trade_prevention: SelfTradePrevention | str | None = None,
        trigger_price: DecimalInput | None = None,
        trigger_quantity: DecimalInput | None = None,
        trigger_by: TriggerBy | str | None = None,
        stop_loss_trigger_price: DecimalInput | None = None,
        stop_loss_limit_price: DecimalInput | None = None,
        stop_loss_trigger_by: TriggerBy | str | None = None,
        take_profit_trigger_price: DecimalInput | None = None,
        take_profit_limit_price: DecimalInput | None = None,
        take_profit_trigger_by: TriggerBy | str | None = None,
        auto_lend: bool | None = None,
        auto_lend_redeem: bool | None = None,
        auto_borrow: bool | None = None,
        auto_borrow_repay: bool | None = None,
        broker_id: int | None = None,
        slippage_tolerance: DecimalInput | None = None,
        slippage_tolerance_type: SlippageToleranceType | str | None = None,
    ) -> PlacedOrder:
        """Place one order and return it as the exchange accepted it. ``POST /api/v1/order``.

        The rules of :class:`~bpx_async.models.orders.OrderExecuteRequest` are checked first;
        ``trigger_quantity`` may be a percentage such as ``"50%"``.
        """

    @documents(ep.EXECUTE)
    async def execute_request(self, order: OrderExecuteRequest | Mapping[str, Any]) -> PlacedOrder:
        """Place one order given as a prebuilt request model or mapping. ``POST /api/v1/order``."""
        return await self._client.request(ep.EXECUTE, order)

    @documents(ep.EXECUTE_BATCH)
    async def execute_batch(
        self, orders: Sequence[OrderExecuteRequest | Mapping[str, Any]]
    ) -> list[BatchOrderResult]:
        """Place several orders; one result per order, in input order. ``POST /api/v1/orders``.

        Every order is validated before any is sent. A failed order does not fail the call: its
        result has ``ok`` False with the exchange's ``code`` and ``message``. Lists longer than
        :data:`MAX_BATCH_SIZE` go out as consecutive requests; if one of them fails after an
        earlier one was answered, :class:`BatchError` carries the answers received so far; if
        the first request fails, its own error is raised and no later order was sent.
        """
        # A non-list (None, one mapping) goes to validation as is and fails there, typed.
        listed = isinstance(orders, Iterable) and not isinstance(orders, (str, bytes, Mapping))
        batch = list(orders) if listed else orders
        self._client.prepare(ep.EXECUTE_BATCH, batch)  # raises before any request is sent
        results: list[BatchOrderResult] = []
        for start in range(0, len(batch), MAX_BATCH_SIZE):
            chunk = batch[start : start + MAX_BATCH_SIZE]
            try:
                # Results are matched to orders by position; a short answer cannot be.
                answered = await self._client.request(
                    ep.EXECUTE_BATCH, chunk, check=_one_result_per_order(len(chunk))
                )
            except BpxError as exc:
                if not results:
                    raise
                end = start + len(chunk)
                raise BatchError(
                    f"{ep.EXECUTE_BATCH.name}: orders {start}..{end - 1} failed after "
                    f"{len(results)} were answered: {exc}",
                    results=results,
                    failed_indices=range(start, end),
                    unsent_indices=range(end, len(batch)),
                    cause=exc,
                ) from exc
            results.extend(r.model_copy(update={"index": start + r.index}) for r in answered)
        return results

    @operation(ep.QUERY)
    async def get(
        self, symbol: str, *, order_id: str | None = None, client_id: int | None = None
    ) -> PlacedOrder:
        """One open order by ``order_id`` or ``client_id`` (exactly one). ``GET /api/v1/order``.

        Only orders still on the book are found; others answer 404 (:class:`NotFoundError`).
        """

    @operation(ep.CANCEL)
    async def cancel(
        self, symbol: str, *, order_id: str | None = None, client_id: int | None = None
    ) -> PlacedOrder | None:
        """Cancel one order by ``order_id`` or ``client_id`` (exactly one).

        Returns the cancelled order, or None when the exchange answers 202 (accepted, not yet
        done). ``DELETE /api/v1/order``.
        """

    @operation(ep.OPEN_ORDERS)
    async def open(
        self, symbol: str | None = None, *, market_type: MarketType | str | None = None
    ) -> list[PlacedOrder]:
        """Every open order, optionally of one market or market type. ``GET /api/v1/orders``."""

    @operation(ep.CANCEL_ALL)
    async def cancel_all(
        self, symbol: str, *, order_type: CancelOrderType | str | None = None
    ) -> list[PlacedOrder] | None:
        """Cancel every open order of ``symbol`` (optionally only resting limit or conditional
        orders). ``DELETE /api/v1/orders``.

        Returns the cancelled orders, or None when the exchange answers 202 (not yet done).
        """
def _one_result_per_order(count: int) -> Callable[[list[BatchOrderResult]], str | None]:
    def check(answered: list[BatchOrderResult]) -> str | None:
        return None if len(answered) == count else f"{len(answered)} results for {count} orders"

    return check
