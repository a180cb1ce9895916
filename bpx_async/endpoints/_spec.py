"""The declarative record of one REST operation.

Each :class:`Endpoint` says how to call an operation (method, path, signing instruction) and how to
check what goes out and what comes back (request and response types). The client pipeline reads
nothing else, so adding an operation means adding one record, one request model and one resource
method signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, get_origin
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from ..models._fast import json_decoder

__all__ = ["DOCS_URL", "Auth", "Endpoint", "ResponseKind"]

#: The official API documentation; every record links its operation there.
DOCS_URL = "https://docs.backpack.exchange/"

T = TypeVar("T")

#: ``signed``: Ed25519 ``X-API-Key``/``X-Signature``/``X-Timestamp``/``X-Window`` headers over the
#: instruction and the sorted parameters. ``public``: no auth headers. ``session``: the spec
#: documents no API-key instruction (the web app uses a login session); sent unsigned, see README.
Auth = Literal["public", "signed", "session"]
#: How to read a 2xx answer: JSON validated by ``response``, text (``/ping``, ``/time``), or
#: nothing (operations that answer an empty body).
ResponseKind = Literal["json", "text", "empty"]


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[T]):
    """One REST operation. ``T`` is what the client returns for it.

    ``request`` is a pydantic model class (query for GET, JSON body otherwise), ``list[Model]`` for
    the batch body, or None for an operation without parameters. ``response`` is the type pydantic
    validates a JSON answer into (a model, ``list[Model]``, ``dict[str, Model]``; ``str`` for text
    answers, ``type(None)`` for empty ones) and is what ``T`` must be: mypy refuses a record
    annotated ``Endpoint[Depth]`` whose response is ``Ticker``. With ``allow_no_content`` an HTTP
    204 (or 202) with no body yields None, so such records are ``Endpoint[Model | None]``.
    ``docs`` is the operation's ``(tag, operationId)`` in the official docs (:attr:`docs_url`);
    every record of the package has it.
    """

    name: str
    method: Literal["GET", "POST", "PATCH", "DELETE"]
    path: str
    instruction: str | None
    request: Any
    response: type[T]
    kind: ResponseKind = "json"
    auth: Auth = "public"
    allow_no_content: bool = False
    #: Counts against the 30/min historical-data budget rather than the general 2000/min one.
    historical_data: bool = False
    docs: tuple[str, str] | None = None
    _adapters: dict[str, TypeAdapter[Any]] = field(default_factory=dict, repr=False, compare=False)
    _decoders: dict[str, Callable[[bytes], Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.auth == "signed" and not self.instruction:
            raise ValueError(f"{self.name}: a signed endpoint needs an instruction")
        if self.auth != "signed" and self.instruction:
            raise ValueError(f"{self.name}: only signed endpoints have an instruction")
        if not self.path.startswith(("/api/", "/wapi/")):
            raise ValueError(f"{self.name}: unexpected path {self.path!r}")

    @property
    def docs_url(self) -> str:
        """The operation in the official docs (their anchors spell spaces as dashes), or the
        docs' front page for a record without ``docs``."""
        if self.docs is None:
            return DOCS_URL
        tag, operation_id = self.docs
        return f"{DOCS_URL}#tag/{quote(tag.replace(' ', '-'))}/operation/{quote(operation_id)}"

    @property
    def request_adapter(self) -> TypeAdapter[Any] | None:
        """Validator for the parameters, built once on first use."""
        if self.request is None:
            return None
        adapter = self._adapters.get("request")
        if adapter is None:
            adapter = self._adapters["request"] = TypeAdapter(self.request)
        return adapter

    @property
    def response_adapter(self) -> TypeAdapter[Any]:
        """Validator for a JSON answer, built once on first use."""
        adapter = self._adapters.get("response")
        if adapter is None:
            adapter = self._adapters["response"] = TypeAdapter(self.response)
        return adapter

    @property
    def decode_json(self) -> Callable[[bytes], Any]:
        """Reads a JSON answer: the response adapter, or a faster decoder with the same results
        for models with large decimal lists (``models._fast.json_decoder``). Built once."""
        decode = self._decoders.get("json")
        if decode is None:
            response = self.response
            fast = (
                json_decoder(response)
                # get_origin: on 3.10 ``list[Model]`` passes isinstance(..., type), not issubclass.
                if get_origin(response) is None
                and isinstance(response, type)
                and issubclass(response, BaseModel)
                else None
            )
            # The adapter's core validator itself: TypeAdapter.validate_json only forwards to it.
            decode = self._decoders["json"] = fast or self.response_adapter.validator.validate_json
        return decode

    @property
    def has_body(self) -> bool:
        """Whether parameters travel as a JSON body (otherwise as the query string)."""
        return self.method != "GET"
