"""Server-side check of Backpack's Ed25519 request signatures for the fake exchange.

Rebuilds the signing string from what actually arrived (method, path, query pairs, JSON body) and
verifies it, deliberately independent of the client's ``bpx_async.signing`` (the rules of
https://docs.backpack.exchange/#section/Authentication).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "DEFAULT_WINDOW_MS",
    "INSTRUCTIONS",
    "SESSION_ONLY",
    "AuthError",
    "KeyRing",
    "Verifier",
    "body_pairs",
    "query_pairs",
    "signing_string",
]

DEFAULT_WINDOW_MS = 5_000
_KEY_LEN = 32
_SIGNATURE_LEN = 64

Pairs = list[tuple[str, str]]

#: (method, path) -> instruction, as the docs list them per operation. POST /api/v1/orders signs
#: ``orderExecute`` once per batch item.
INSTRUCTIONS: Mapping[tuple[str, str], str] = {
    ("GET", "/api/v1/account"): "accountQuery",
    ("PATCH", "/api/v1/account"): "accountUpdate",
    ("POST", "/api/v1/account/convertDust"): "convertDust",
    ("GET", "/api/v1/account/limits/borrow"): "maxBorrowQuantity",
    ("GET", "/api/v1/account/limits/order"): "maxOrderQuantity",
    ("GET", "/api/v1/account/limits/withdrawal"): "maxWithdrawalQuantity",
    ("GET", "/api/v1/capital"): "balanceQuery",
    ("GET", "/api/v1/capital/collateral"): "collateralQuery",
    ("GET", "/wapi/v1/capital/deposit/address"): "depositAddressQuery",
    ("GET", "/wapi/v1/capital/deposits"): "depositQueryAll",
    ("GET", "/wapi/v1/capital/withdrawals"): "withdrawalQueryAll",
    ("POST", "/wapi/v1/capital/withdrawals"): "withdraw",
    ("POST", "/api/v1/borrowLend"): "borrowLendExecute",
    ("GET", "/api/v1/borrowLend/positions"): "borrowLendPositionQuery",
    ("GET", "/wapi/v1/history/borrowLend"): "borrowHistoryQueryAll",
    ("GET", "/wapi/v1/history/borrowLend/positions"): "borrowPositionHistoryQueryAll",
    ("GET", "/wapi/v1/history/interest"): "interestHistoryQueryAll",
    ("GET", "/wapi/v1/history/dust"): "dustHistoryQueryAll",
    ("GET", "/wapi/v1/history/settlement"): "settlementHistoryQueryAll",
    ("GET", "/wapi/v1/history/fills"): "fillHistoryQueryAll",
    ("GET", "/wapi/v1/history/orders"): "orderHistoryQueryAll",
    ("GET", "/wapi/v1/history/funding"): "fundingHistoryQueryAll",
    ("GET", "/wapi/v1/history/position"): "positionHistoryQueryAll",
    ("GET", "/api/v1/order"): "orderQuery",
    ("POST", "/api/v1/order"): "orderExecute",
    ("DELETE", "/api/v1/order"): "orderCancel",
    ("GET", "/api/v1/orders"): "orderQueryAll",
    ("POST", "/api/v1/orders"): "orderExecute",
    ("DELETE", "/api/v1/orders"): "orderCancelAll",
    ("GET", "/api/v1/position"): "positionQuery",
    ("POST", "/api/v1/rfq"): "rfqSubmit",
    ("POST", "/api/v1/rfq/accept"): "quoteAccept",
    ("POST", "/api/v1/rfq/cancel"): "rfqCancel",
    ("POST", "/api/v1/rfq/refresh"): "rfqRefresh",
    ("POST", "/api/v1/rfq/quote"): "quoteSubmit",
    ("GET", "/api/v1/rfqs"): "rfqQuery",
    ("GET", "/wapi/v1/history/rfq"): "rfqHistoryQueryAll",
    ("GET", "/wapi/v1/history/rfq/fill"): "rfqFillHistoryQueryAll",
    ("GET", "/wapi/v1/history/quote"): "quoteHistoryQueryAll",
    ("GET", "/wapi/v1/history/quote/fill"): "quoteFillHistoryQueryAll",
    ("GET", "/api/v1/strategy"): "strategyQuery",
    ("POST", "/api/v1/strategy"): "strategyCreate",
    ("DELETE", "/api/v1/strategy"): "strategyCancel",
    ("GET", "/api/v1/strategies"): "strategyQueryAll",
    ("DELETE", "/api/v1/strategies"): "strategyCancelAll",
    ("GET", "/wapi/v1/history/strategies"): "strategyHistoryQueryAll",
    ("POST", "/api/v1/vault/mint"): "vaultMint",
    ("POST", "/api/v1/vault/redeem"): "vaultRedeemRequest",
    ("DELETE", "/api/v1/vault/redeem"): "vaultRedeemCancel",
    ("GET", "/api/v1/vault/nav"): "vaultNavQuery",
    ("GET", "/api/v1/vault/redeems/pending"): "vaultPendingRedeemsQuery",
    ("GET", "/wapi/v1/history/vault/mint"): "vaultMintHistoryQueryAll",
    ("GET", "/wapi/v1/history/vault/redeem"): "vaultRedeemHistoryQueryAll",
    ("POST", "/wapi/v1/user/2fa"): "issueTwoFactorToken",
}

#: Operations that need an authentication API keys cannot provide (the docs give them no API-key
#: instruction): the fake answers them 401 like the real exchange reportedly does.
SESSION_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/borrowLend/position/liquidationPrice"),
        ("GET", "/wapi/v1/capital/withdrawals/delay"),
        ("POST", "/wapi/v1/capital/withdrawals/delay"),
        ("PATCH", "/wapi/v1/capital/withdrawals/delay"),
    }
)


class AuthError(Exception):
    """A request or subscription the exchange would refuse, with its wire error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def to_wire(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _render(value: Any) -> str:
    # Mirrors how the exchange turns a typed parameter back into text: JSON literals for
    # booleans, digits for numbers (the numeric text as sent, kept by parse_float=Decimal),
    # compact JSON for a nested object.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def body_pairs(body: Mapping[str, Any]) -> Pairs:
    """Sorted ``(key, text)`` pairs of one JSON object's top-level members, nulls left out.

    A top-level array member stands for a repeated key, like a repeated query parameter.
    """
    pairs: Pairs = []
    for key in sorted(body):
        value = body[key]
        if value is None:
            continue
        if isinstance(value, list):
            pairs.extend((key, _render(item)) for item in value if item is not None)
        else:
            pairs.append((key, _render(value)))
    return pairs


def query_pairs(query: Iterable[tuple[str, str]]) -> Pairs:
    """Decoded query pairs sorted by key; repeated keys stay in arrival order (stable sort)."""
    return sorted(query, key=lambda pair: pair[0])


def signing_string(
    instruction: str, groups: Sequence[Pairs], *, timestamp: int, window: int
) -> str:
    """``instruction=..&k=v..`` once per group (one group, or one per batch item) + time."""
    parts = []
    for pairs in groups:
        joined = "&".join(f"{key}={value}" for key, value in pairs)
        parts.append(f"instruction={instruction}" + (f"&{joined}" if joined else ""))
    return "&".join(parts) + f"&timestamp={timestamp}&window={window}"


def _decode_key(api_key: str) -> bytes | None:
    try:
        raw = base64.b64decode(api_key, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _KEY_LEN else None


class KeyRing:
    """The API keys (base64 Ed25519 public keys) the fake exchange knows."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519PublicKey] = {}

    def add(self, api_key: str) -> None:
        raw = _decode_key(api_key)
        if raw is None:
            raise ValueError("api_key must be the base64 of a 32-byte Ed25519 public key")
        self._keys[api_key] = Ed25519PublicKey.from_public_bytes(raw)

    def get(self, api_key: str) -> Ed25519PublicKey | None:
        return self._keys.get(api_key)

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._keys

    def __len__(self) -> int:
        return len(self._keys)


def _parse_int(text: str, what: str) -> int:
    if not text.isdigit():  # no sign, no spaces, no exponent: the exchange wants plain digits
        raise AuthError(400, "INVALID_CLIENT_REQUEST", f"Invalid {what}")
    return int(text)


class Verifier:
    """Checks the four authentication values against the key ring and the server clock."""

    def __init__(
        self, keys: KeyRing, *, clock_ms: Callable[[], int], window_limit_ms: int = 60_000
    ) -> None:
        self.keys = keys
        self._clock_ms = clock_ms
        self.window_limit_ms = window_limit_ms

    def authenticate(
        self, headers: Mapping[str, str], instruction: str, groups: Sequence[Pairs]
    ) -> str:
        """Verify a signed REST request; return its API key (the account) or raise AuthError."""
        api_key = headers.get("X-API-Key")
        signature = headers.get("X-Signature")
        timestamp = headers.get("X-Timestamp")
        if not api_key:
            raise AuthError(401, "UNAUTHORIZED", "Missing X-API-Key header")
        if not signature:
            raise AuthError(401, "UNAUTHORIZED", "Missing X-Signature header")
        if not timestamp:
            raise AuthError(401, "UNAUTHORIZED", "Missing X-Timestamp header")
        window = headers.get("X-Window")
        return self._check(
            api_key,
            signature,
            timestamp,
            window if window is not None else str(DEFAULT_WINDOW_MS),
            instruction,
            groups,
        )

    def authenticate_subscription(self, signature: object) -> str:
        """Verify the ``signature`` array of a private WebSocket SUBSCRIBE (instruction
        ``subscribe``, no parameters)."""
        if not isinstance(signature, list) or len(signature) != 4:
            raise AuthError(401, "UNAUTHORIZED", "Private streams need a 4-item signature")
        items = [str(item) if isinstance(item, int) else item for item in signature]
        if not all(isinstance(item, str) for item in items):
            raise AuthError(401, "UNAUTHORIZED", "Signature items must be strings")
        api_key, sig, timestamp, window = items
        return self._check(api_key, sig, timestamp, window, "subscribe", [[]])

    def _check(
        self,
        api_key: str,
        signature: str,
        timestamp_text: str,
        window_text: str,
        instruction: str,
        groups: Sequence[Pairs],
    ) -> str:
        public_key = self.keys.get(api_key)
        if public_key is None:
            raise AuthError(401, "UNAUTHORIZED", "Invalid API key")
        timestamp = _parse_int(timestamp_text, "timestamp")
        window = _parse_int(window_text, "window")
        if not 0 < window <= self.window_limit_ms:
            raise AuthError(
                400,
                "INVALID_CLIENT_REQUEST",
                f"Invalid window: must be between 1 and {self.window_limit_ms} ms",
            )
        # Symmetric tolerance: the real rule for future timestamps is undocumented (2.7).
        if abs(self._clock_ms() - timestamp) > window:
            raise AuthError(400, "INVALID_CLIENT_REQUEST", "Request has expired")
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raw_signature = b""
        message = signing_string(instruction, groups, timestamp=timestamp, window=window)
        if len(raw_signature) != _SIGNATURE_LEN:
            raise AuthError(400, "INVALID_CLIENT_REQUEST", "Invalid signature")
        try:
            public_key.verify(raw_signature, message.encode("utf-8"))
        except InvalidSignature:
            raise AuthError(400, "INVALID_CLIENT_REQUEST", "Invalid signature") from None
        return api_key
