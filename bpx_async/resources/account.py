"""Account settings and limits."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Account"]


class Account(Resource):
    """Account settings and limits."""

    __slots__ = ()
