"""Endpoint records of the Positions group (docs tag Position; the position and
funding histories under ``/wapi/v1/history`` belong to ``client.history``).
"""

from __future__ import annotations

from ..models.positions import FuturePosition, PositionsRequest
from ._spec import Endpoint

LIST: Endpoint[list[FuturePosition]] = Endpoint(
    name="positions.list",
    docs=("Position", "get_positions"),
    method="GET",
    path="/api/v1/position",
    instruction="positionQuery",
    request=PositionsRequest,
    response=list[FuturePosition],
    auth="signed",
)
