"""Endpoint records of the System group."""

from __future__ import annotations

from ..models.system import Status, Wallet
from ._spec import Endpoint

STATUS: Endpoint[Status] = Endpoint(
    name="system.status",
    docs=("System", "get_status"),
    method="GET",
    path="/api/v1/status",
    instruction=None,
    request=None,
    response=Status,
)
PING: Endpoint[str] = Endpoint(
    name="system.ping",
    docs=("System", "ping"),
    method="GET",
    path="/api/v1/ping",
    instruction=None,
    request=None,
    response=str,
    kind="text",
)
TIME: Endpoint[str] = Endpoint(
    name="system.time",
    docs=("System", "get_time"),
    method="GET",
    path="/api/v1/time",
    instruction=None,
    request=None,
    response=str,
    kind="text",
)
WALLETS: Endpoint[list[Wallet]] = Endpoint(
    name="system.wallets",
    docs=("System", "get_wallets"),
    method="GET",
    path="/api/v1/wallets",
    instruction=None,
    request=None,
    response=list[Wallet],
)
