"""Endpoint records of the System group (REFERENCE.md section 3, System)."""

from __future__ import annotations

from ..models.system import Status, Wallet
from ._spec import Endpoint

STATUS: Endpoint[Status] = Endpoint(
    name="system.status",
    method="GET",
    path="/api/v1/status",
    instruction=None,
    request=None,
    response=Status,
    doc="Exchange status: Ok or Maintenance.",
)
PING: Endpoint[str] = Endpoint(
    name="system.ping",
    method="GET",
    path="/api/v1/ping",
    instruction=None,
    request=None,
    response=str,
    kind="text",
    doc="Answers the text pong.",
)
TIME: Endpoint[str] = Endpoint(
    name="system.time",
    method="GET",
    path="/api/v1/time",
    instruction=None,
    request=None,
    response=str,
    kind="text",
    doc="Server time in milliseconds, as text.",
)
WALLETS: Endpoint[list[Wallet]] = Endpoint(
    name="system.wallets",
    method="GET",
    path="/api/v1/wallets",
    instruction=None,
    request=None,
    response=list[Wallet],
    doc="The exchange's deposit wallets.",
)
