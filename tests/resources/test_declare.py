"""@operation and @paginated: a signature-only method becomes a call whose parameters are its
arguments named as request-model fields, with Python's own argument errors, the signature and
docstring kept, and declaration mistakes refused when the class is defined."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from bpx_async import AsyncClient
from bpx_async.endpoints import Endpoint
from bpx_async.endpoints import history as history_endpoints
from bpx_async.endpoints import markets as market_endpoints
from bpx_async.models.history import OrderFill
from bpx_async.models.markets import Depth, DepthRequest
from bpx_async.resources import AsyncPager
from bpx_async.resources._base import Resource, operation, paginated

DEPTH = market_endpoints.DEPTH
FILLS = history_endpoints.FILLS


class RecordingClient:
    """Stands in for AsyncClient: records what each call would send."""

    def __init__(self) -> None:
        self.calls: list[tuple[Endpoint[Any], dict[str, Any]]] = []
        self._pipeline = self  # resource methods call the client's engine directly

    async def request(self, endpoint: Endpoint[Any], params: dict[str, Any]) -> Any:
        self.calls.append((endpoint, params))
        return []


class Book(Resource):
    @operation(DEPTH, depth_limit="limit")
    async def depth(self, symbol: str, *, depth_limit: int | None = None) -> Depth:
        """Depth with a renamed parameter."""

    @operation(DEPTH)
    async def depth_of_ten(self, symbol: str, limit: int = 10) -> Depth:
        """Depth with a non-None default."""

    @paginated(FILLS)
    def fills(
        self, *, symbol: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> AsyncPager[OrderFill]:
        """Fills."""


@pytest.fixture
def book() -> tuple[Book, RecordingClient]:
    client = RecordingClient()
    return Book(client), client  # type: ignore[arg-type]


async def test_arguments_become_fields_by_name_with_renames_applied(
    book: tuple[Book, RecordingClient],
) -> None:
    resource, client = book
    await resource.depth("SOL_USDC", depth_limit=5)
    await resource.depth(symbol="BTC_USDC")
    assert client.calls == [
        (DEPTH, {"symbol": "SOL_USDC", "limit": 5}),
        (DEPTH, {"symbol": "BTC_USDC"}),  # an omitted None default is not sent
    ]


async def test_a_non_none_default_is_filled_in_and_can_be_overridden(
    book: tuple[Book, RecordingClient],
) -> None:
    resource, client = book
    await resource.depth_of_ten("SOL_USDC")
    await resource.depth_of_ten("SOL_USDC", 20)
    assert [params for _, params in client.calls] == [
        {"symbol": "SOL_USDC", "limit": 10},
        {"symbol": "SOL_USDC", "limit": 20},
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing 1 required positional argument: 'symbol'"),
        (("SOL_USDC", 5), {}, "takes 2 positional arguments but 3 were given"),
        (("SOL_USDC",), {"symbol": "BTC_USDC"}, "multiple values for argument 'symbol'"),
        (("SOL_USDC",), {"limit": 5}, "unexpected keyword argument 'limit'"),
    ],
)
async def test_bad_arguments_raise_type_error_and_send_nothing(
    book: tuple[Book, RecordingClient], args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    resource, client = book
    with pytest.raises(TypeError, match=message):
        await resource.depth(*args, **kwargs)
    assert client.calls == []


async def test_paginated_method_returns_a_pager_that_sends_nothing_until_used(
    book: tuple[Book, RecordingClient],
) -> None:
    resource, client = book
    pager = resource.fills(symbol="SOL_USDC", limit=2)
    assert isinstance(pager, AsyncPager) and client.calls == []
    assert await pager == []
    assert client.calls == [(FILLS, {"symbol": "SOL_USDC", "limit": 2})]


def test_signature_docstring_and_coroutine_nature_are_kept() -> None:
    client = AsyncClient()
    depth = client.markets.depth
    assert list(inspect.signature(depth).parameters) == ["symbol", "limit"]
    assert inspect.signature(depth).parameters["limit"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.iscoroutinefunction(depth)
    assert depth.__name__ == "depth" and depth.__qualname__ == "Markets.depth"
    doc = inspect.getdoc(depth) or ""
    assert doc.startswith("Order-book snapshot")
    assert doc.endswith(f"Official docs: {DEPTH.docs_url}")
    assert DEPTH.docs_url == "https://docs.backpack.exchange/#tag/Markets/operation/get_depth"


def test_variadic_parameters_are_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match=r"\*args/\*\*kwargs"):

        class Loose(Resource):
            @operation(DEPTH)
            async def depth(self, **params: Any) -> Depth:
                """Hides its parameters."""


def test_a_rename_of_no_parameter_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="renames name no parameter"):

        class Misnamed(Resource):
            @operation(DEPTH, depht="limit")
            async def depth(self, symbol: str) -> Depth:
                """Misspelled rename."""


def test_a_paged_method_without_limit_and_offset_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="takes limit and offset"):

        class Unpaged(Resource):
            @paginated(FILLS)
            def fills(self, *, symbol: str | None = None) -> AsyncPager[OrderFill]:
                """No paging parameters."""


def test_depth_request_model_is_what_the_method_parameters_mirror() -> None:
    # The test above relies on these two fields; see test_endpoints for every operation.
    assert set(DepthRequest.model_fields) == {"symbol", "limit"}


async def _shape(self: Any, a: int, b: int = 2, *, c: int, d: int | None = None) -> None:
    """Two required parameters (one keyword-only), a non-None default and a None default."""


class _Shaped(Resource):
    shape = operation(DEPTH)(_shape)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((1,), {"c": 3}),
        ((1, 5), {"c": 3, "d": 4}),
        ((), {"a": 1, "c": 3}),
        ((), {"c": 3, "a": 1, "b": 7}),
        ((1,), {}),
        ((), {}),
        ((), {"a": 1}),
        ((1, 2, 3), {"c": 3}),
        ((1,), {"a": 1, "c": 3}),
        ((1,), {"c": 3, "e": 0}),
        ((1,), {"e": 0, "a": 1}),
        ((1,), {"c": 3, "d": None}),
        ((None,), {"c": None, "b": None}),
    ],
)
async def test_a_generated_method_binds_exactly_as_its_declared_signature(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    client = RecordingClient()
    shaped = _Shaped(client)  # type: ignore[arg-type]
    try:
        bound = inspect.signature(_shape).bind(None, *args, **kwargs)
    except TypeError:
        with pytest.raises(TypeError):
            await shaped.shape(*args, **kwargs)
        assert client.calls == []
        return
    bound.apply_defaults()
    # Sent: every argument, except one whose default is None while it is None.
    defaults = {n: p.default for n, p in inspect.signature(_shape).parameters.items()}
    expected = {
        name: value
        for name, value in bound.arguments.items()
        if name != "self" and not (defaults[name] is None and value is None)
    }
    await shaped.shape(*args, **kwargs)
    assert client.calls == [(DEPTH, expected)]


def test_a_positional_only_declaration_stays_positional_only() -> None:
    class Strict(Resource):
        @operation(DEPTH)
        async def depth(self, symbol: str, /, *, limit: int | None = None) -> Depth:
            """Symbol by position only."""

    client = RecordingClient()
    method = Strict(client).depth  # type: ignore[arg-type]
    assert str(inspect.signature(method)).startswith("(symbol: 'str', /, *, limit: ")
    with pytest.raises(TypeError, match="positional-only"):
        method(symbol="SOL_USDC").close()  # type: ignore[call-arg]


def test_a_parameter_named_like_the_generated_code_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="reserved"):

        class Clashing(Resource):
            @operation(DEPTH)
            async def depth(self, _bpx_params: str) -> Depth:
                """Takes a reserved name."""
