# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Request-for-quote: submit RFQs and accept quotes (requester), submit quotes (maker).

RFQ and quote history live on ``client.history`` (``rfq``, ``rfq_fills``, ``quotes``,
``quote_fills``).
"""

from __future__ import annotations

from ..endpoints import rfq as ep
from ..models._base import DecimalInput
from ..models.enums import RfqExecutionMode, Side
from ..models.rfq import Quote, RequestForQuote, RfqWithQuotes
from ._base import Resource, operation

__all__ = ["Rfq"]


class Rfq(Resource):
    """Request-for-quote: submit RFQs and accept quotes (requester), submit quotes (maker)."""

    __slots__ = ()

    @operation(ep.SUBMIT)
    async def submit(
        self,
        symbol: str,
        side: Side | str,
        *,
        quantity: DecimalInput | None = None,
        quote_quantity: DecimalInput | None = None,
        price: DecimalInput | None = None,
        client_id: int | None = None,
        execution_mode: RfqExecutionMode | str | None = None,
        auto_lend: bool | None = None,
        auto_lend_redeem: bool | None = None,
        auto_borrow: bool | None = None,
        auto_borrow_repay: bool | None = None,
    ) -> RequestForQuote:
        """Ask makers for quotes on ``symbol`` (an ``_RFQ`` market such as ``SOL_USDC_RFQ``).

        Give exactly one of ``quantity`` (base asset) and ``quote_quantity`` (quote asset).
        ``execution_mode="Immediate"`` needs a ``price`` and accepts the first quote within it;
        the default (``AwaitAccept``) waits for :meth:`accept_quote`. ``POST /api/v1/rfq``.
        """

    @operation(ep.ACCEPT_QUOTE)
    async def accept_quote(
        self, quote_id: str, *, rfq_id: str | None = None, client_id: int | None = None
    ) -> RequestForQuote:
        """Accept a quote on one of the account's RFQs. ``POST /api/v1/rfq/accept``."""

    @operation(ep.CANCEL)
    async def cancel(
        self, *, rfq_id: str | None = None, client_id: int | None = None
    ) -> RequestForQuote:
        """Cancel an RFQ named by exactly one of ``rfq_id`` and ``client_id``.

        ``POST /api/v1/rfq/cancel``.
        """

    @operation(ep.REFRESH)
    async def refresh(self, rfq_id: str) -> RequestForQuote:
        """Extend an RFQ's quoting window (by RFQ id only). ``POST /api/v1/rfq/refresh``."""

    @operation(ep.SUBMIT_QUOTE)
    async def submit_quote(
        self,
        rfq_id: str,
        bid_price: DecimalInput,
        ask_price: DecimalInput,
        *,
        client_id: int | None = None,
        auto_lend: bool | None = None,
        auto_lend_redeem: bool | None = None,
        auto_borrow: bool | None = None,
        auto_borrow_repay: bool | None = None,
    ) -> Quote:
        """Answer an RFQ with a two-sided quote (as a maker). ``POST /api/v1/rfq/quote``."""

    @operation(ep.OPEN)
    async def open(
        self,
        *,
        symbol: str | None = None,
        rfq_id: int | str | None = None,
        deferred_settlement: bool | None = None,
        subaccount_id: int | None = None,
    ) -> list[RfqWithQuotes]:
        """The account's open RFQs with the quotes received so far. ``GET /api/v1/rfqs``."""
