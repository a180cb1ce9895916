"""Request-for-quote: RFQs, quotes and their acceptance."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Rfq"]


class Rfq(Resource):
    """Request-for-quote: RFQs, quotes and their acceptance."""

    __slots__ = ()
