"""Ed25519 request signing for the Backpack API, with no I/O, clock reads or globals.

The caller (the client pipeline) supplies the timestamp and window; the signer only turns
``(instruction, params, timestamp, window)`` into the signing string and its signature.
The rules (https://docs.backpack.exchange/#section/Authentication): ``instruction=<name>``, then the
parameters sorted by key as ``key=value`` joined by ``&`` (booleans ``true``/``false``), then
``timestamp=<ms>&window=<ms>``; a batch repeats ``instruction=...&<params>`` per item.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["Params", "Signer", "render_value", "sorted_pairs"]

#: A query or JSON body (a mapping), a batch of bodies (a sequence of mappings), or nothing.
Params = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], None]

_SEED_LEN = 32
MAX_WINDOW_MS = 60_000


def render_value(value: Any) -> str:
    """Render one parameter value exactly as it appears in the signing string.

    Strings are used raw (no quoting, no URL-encoding); booleans are ``true``/``false``;
    integers are base-10 digits; a nested mapping becomes compact JSON text. Floats are
    refused because their text form is ambiguous; the pipeline never produces them.
    """
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    raise TypeError(f"cannot sign a parameter of type {type(value).__name__}")


def sorted_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``(key, rendered value)`` pairs of one parameter set, None dropped, sorted by key.

    A list or tuple value stands for a repeated key (``marketType=SPOT&marketType=PERP``);
    its items keep their order because the sort is stable.
    """
    pairs: list[tuple[str, str]] = []
    for key in sorted(params):
        value = params[key]
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, render_value(item)) for item in value if item is not None)
        else:
            pairs.append((key, render_value(value)))
    return pairs


def _join(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in pairs)


class Signer:
    """Signs Backpack requests with an Ed25519 key.

    >>> signer = Signer.from_secret("TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams=")
    >>> signer.api_key
    '5+yQgwU0ZdJ/9s+GXfuPFfo7yQQpl9CgvQedJXne30o='
    """

    __slots__ = ("_api_key", "_key")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._api_key = base64.b64encode(public).decode("ascii")

    @classmethod
    def from_secret(cls, secret_b64: str) -> Signer:
        """Build a signer from the base64 API secret.

        Accepts the 32-byte Ed25519 seed (what Backpack hands out) or the 64-byte
        seed-plus-public-key form, whose public half must match the seed. Errors never
        repeat the secret.
        """
        if not isinstance(secret_b64, str):
            raise ValueError("API secret must be a base64 string")
        try:
            raw = base64.b64decode(secret_b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("API secret is not valid base64") from None
        if len(raw) not in (_SEED_LEN, 2 * _SEED_LEN):
            raise ValueError(
                f"API secret must decode to 32 bytes (seed) or 64 bytes (seed + public key), "
                f"got {len(raw)} bytes"
            )
        signer = cls(Ed25519PrivateKey.from_private_bytes(raw[:_SEED_LEN]))
        if len(raw) == 2 * _SEED_LEN and raw[_SEED_LEN:] != base64.b64decode(signer.api_key):
            raise ValueError("API secret: the public-key half does not match the seed half")
        return signer

    @property
    def api_key(self) -> str:
        """The base64 public key, sent as ``X-API-Key``."""
        return self._api_key

    def __repr__(self) -> str:
        return f"Signer(api_key={self._api_key!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Signer holds a private key and cannot be pickled")

    def signing_string(
        self, instruction: str, params: Params, *, timestamp: int, window: int
    ) -> str:
        """The exact text that is signed: ``instruction=...&`` the sorted parameters, then
        ``timestamp`` and ``window``; a batch repeats ``instruction=...&`` its parameters per
        item, joined by ``&``, before the shared ``timestamp`` and ``window``."""
        if not instruction:
            raise ValueError("instruction must be a non-empty string")
        _check_time(timestamp, window)
        if params is None or isinstance(params, Mapping):
            head = f"instruction={instruction}"
            body = _join(sorted_pairs(params or {}))
            parts = [head + ("&" + body if body else "")]
        else:
            parts = []
            for item in params:
                body = _join(sorted_pairs(item))
                parts.append(f"instruction={instruction}" + ("&" + body if body else ""))
            if not parts:
                raise ValueError("a batch must hold at least one item")
        return "&".join(parts) + f"&timestamp={timestamp}&window={window}"

    def signature(self, message: str) -> str:
        """Base64 Ed25519 signature of ``message`` (UTF-8)."""
        return base64.b64encode(self._key.sign(message.encode("utf-8"))).decode("ascii")

    def sign(
        self, instruction: str, params: Params, *, timestamp: int, window: int
    ) -> dict[str, str]:
        """The four authentication headers for one REST request."""
        message = self.signing_string(instruction, params, timestamp=timestamp, window=window)
        return {
            "X-API-Key": self._api_key,
            "X-Signature": self.signature(message),
            "X-Timestamp": str(timestamp),
            "X-Window": str(window),
        }

    def ws_signature(self, *, timestamp: int, window: int) -> list[str]:
        """The ``signature`` array of a private WebSocket SUBSCRIBE message: the key, the
        signature of ``instruction=subscribe&timestamp=...&window=...``, the timestamp and the
        window."""
        message = self.signing_string("subscribe", None, timestamp=timestamp, window=window)
        return [self._api_key, self.signature(message), str(timestamp), str(window)]


def _check_time(timestamp: int, window: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be a non-negative integer of milliseconds")
    if isinstance(window, bool) or not isinstance(window, int) or not 0 < window <= MAX_WINDOW_MS:
        raise ValueError(f"window must be an integer of milliseconds in 1..{MAX_WINDOW_MS}")
