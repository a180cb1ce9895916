"""Endpoint records of the RFQ group (history is in ``history``)."""

from __future__ import annotations

from ..models.rfq import (
    OpenRfqsRequest,
    Quote,
    QuoteAcceptRequest,
    QuoteSubmitRequest,
    RequestForQuote,
    RfqCancelRequest,
    RfqRefreshRequest,
    RfqSubmitRequest,
    RfqWithQuotes,
)
from ._spec import Endpoint

SUBMIT: Endpoint[RequestForQuote] = Endpoint(
    name="rfq.submit",
    docs=("RFQ", "submit_rfq"),
    method="POST",
    path="/api/v1/rfq",
    instruction="rfqSubmit",
    request=RfqSubmitRequest,
    response=RequestForQuote,
    auth="signed",
)
ACCEPT_QUOTE: Endpoint[RequestForQuote] = Endpoint(
    name="rfq.accept_quote",
    docs=("RFQ", "accept_quote"),
    method="POST",
    path="/api/v1/rfq/accept",
    instruction="quoteAccept",
    request=QuoteAcceptRequest,
    response=RequestForQuote,
    auth="signed",
)
CANCEL: Endpoint[RequestForQuote] = Endpoint(
    name="rfq.cancel",
    docs=("RFQ", "cancel_rfq"),
    method="POST",
    path="/api/v1/rfq/cancel",
    instruction="rfqCancel",
    request=RfqCancelRequest,
    response=RequestForQuote,
    auth="signed",
)
REFRESH: Endpoint[RequestForQuote] = Endpoint(
    name="rfq.refresh",
    docs=("RFQ", "refresh_rfq"),
    method="POST",
    path="/api/v1/rfq/refresh",
    instruction="rfqRefresh",
    request=RfqRefreshRequest,
    response=RequestForQuote,
    auth="signed",
)
SUBMIT_QUOTE: Endpoint[Quote] = Endpoint(
    name="rfq.submit_quote",
    docs=("RFQ", "submit_quote"),
    method="POST",
    path="/api/v1/rfq/quote",
    instruction="quoteSubmit",
    request=QuoteSubmitRequest,
    response=Quote,
    auth="signed",
)
OPEN: Endpoint[list[RfqWithQuotes]] = Endpoint(
    name="rfq.open",
    docs=("RFQ", "get_open_rfqs"),
    method="GET",
    path="/api/v1/rfqs",
    instruction="rfqQuery",
    request=OpenRfqsRequest,
    response=list[RfqWithQuotes],
    auth="signed",
)
