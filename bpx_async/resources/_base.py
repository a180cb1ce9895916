"""The base of resource groups and the decorators that turn a method signature into a call.

A resource method is declared once, as its typed signature and docstring::

    @operation(ep.DEPTH)
    async def depth(self, symbol: str, *, limit: int | None = None) -> Depth:
        \"\"\"Order-book snapshot of one market.\"\"\"

:func:`operation` supplies the body: the call's arguments, named as the request model's fields,
become the parameters of ``client.request(endpoint, params)``. The endpoint record ties the
return annotation to the response type, so mypy refuses a method that promises another type.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ._paging import AsyncPager

if TYPE_CHECKING:
    from ..client import AsyncClient
    from ..endpoints._spec import Endpoint

__all__ = ["Resource", "documents", "operation", "paginated"]

P = ParamSpec("P")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound="Resource")


class Resource:
    """A group of operations named after a Backpack docs tag (``client.markets`` ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client


class _Binding:
    """How one method's arguments become request parameters, worked out once at decoration.

    Python's own argument checks are reproduced (too many positional arguments, unknown or
    repeated keywords, missing required ones raise ``TypeError``) without binding an
    ``inspect.Signature`` on every call. An omitted argument whose default is None is left out
    (the pipeline sends no None); any other default is filled in.
    """

    __slots__ = (
        "defaults",
        "keyword",
        "positional",
        "qualname",
        "renamed",
        "required",
        "required_set",
        "wire",
    )

    def __init__(self, func: Callable[..., Any], renames: Mapping[str, str]) -> None:
        self.qualname = func.__qualname__
        params = list(inspect.signature(func).parameters.values())[1:]  # without self
        names = [p.name for p in params]
        for p in params:
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{self.qualname}: *args/**kwargs hide the parameters")
        unknown = set(renames) - set(names)
        if unknown:
            raise TypeError(f"{self.qualname}: renames name no parameter: {sorted(unknown)}")
        self.positional = tuple(
            p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        )
        self.keyword = frozenset(p.name for p in params if p.kind != p.POSITIONAL_ONLY)
        self.required = tuple(p.name for p in params if p.default is p.empty)
        self.required_set = frozenset(self.required)
        self.defaults = {
            p.name: p.default for p in params if p.default is not p.empty and p.default is not None
        }
        self.wire = {name: renames.get(name, name) for name in names}
        self.renamed = bool(renames)

    def params(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The request parameters of one call, keyed by request-model field."""
        positional = self.positional
        if len(args) > len(positional):
            raise TypeError(
                f"{self.qualname}() takes {len(positional)} positional argument(s) "
                f"but {len(args)} were given"
            )
        # zip stops at the shorter on purpose (omitted arguments); without the strict= keyword,
        # whose parsing costs a third of this line.
        values = dict(zip(positional, args))  # noqa: B905
        if kwargs:
            keyword = self.keyword
            for name, value in kwargs.items():
                if name not in keyword:
                    raise TypeError(
                        f"{self.qualname}() got an unexpected keyword argument {name!r}"
                    )
                if name in values:
                    raise TypeError(f"{self.qualname}() got multiple values for argument {name!r}")
                values[name] = value
        if self.defaults:
            for name, default in self.defaults.items():
                values.setdefault(name, default)
        if not values.keys() >= self.required_set:
            missing = next(name for name in self.required if name not in values)
            raise TypeError(f"{self.qualname}() missing required argument {missing!r}")
        if not self.renamed:
            return values
        wire = self.wire
        return {wire[name]: value for name, value in values.items()}


def _link_docs(method: Callable[..., Any], endpoint: Endpoint[Any]) -> None:
    doc = inspect.cleandoc(method.__doc__ or "")
    method.__doc__ = f"{doc}\n\nOfficial docs: {endpoint.docs_url}".lstrip()


def documents(endpoint: Endpoint[Any]) -> Callable[[F], F]:
    """Link a hand-written method's docstring to ``endpoint``'s page in the official docs."""

    def decorate(method: F) -> F:
        _link_docs(method, endpoint)
        return method

    return decorate


def operation(
    endpoint: Endpoint[T], **renames: str
) -> Callable[
    [Callable[Concatenate[R, P], Coroutine[Any, Any, T]]],
    Callable[Concatenate[R, P], Coroutine[Any, Any, T]],
]:
    """Give a signature-only method its body: send the arguments to ``endpoint``.

    Each parameter is the request-model field of the same name, unless ``renames`` maps it to
    another (``withdrawal_id="id"``). The method keeps its signature and docstring (``help()``
    and ``inspect.signature`` show them), plus a link to the operation in the official docs.
    """

    def decorate(
        func: Callable[Concatenate[R, P], Coroutine[Any, Any, T]],
    ) -> Callable[Concatenate[R, P], Coroutine[Any, Any, T]]:
        binding = _Binding(func, renames)

        async def method(resource: Resource, /, *args: Any, **kwargs: Any) -> Any:
            return await resource._client.request(endpoint, binding.params(args, kwargs))

        functools.update_wrapper(method, func)
        _link_docs(method, endpoint)
        return method

    return decorate


def paginated(
    endpoint: Endpoint[list[T]], **renames: str
) -> Callable[
    [Callable[Concatenate[R, P], AsyncPager[T]]], Callable[Concatenate[R, P], AsyncPager[T]]
]:
    """Like :func:`operation` for an operation paged by ``limit``/``offset``: the method returns an
    :class:`AsyncPager`, awaited for one page or iterated with ``async for`` for every row.
    """

    def decorate(
        func: Callable[Concatenate[R, P], AsyncPager[T]],
    ) -> Callable[Concatenate[R, P], AsyncPager[T]]:
        binding = _Binding(func, renames)
        if "limit" not in binding.wire.values() or "offset" not in binding.wire.values():
            raise TypeError(f"{binding.qualname}: a paged method takes limit and offset")

        def method(resource: Resource, /, *args: Any, **kwargs: Any) -> AsyncPager[T]:
            return AsyncPager(resource._client, endpoint, binding.params(args, kwargs))

        functools.update_wrapper(method, func)
        _link_docs(method, endpoint)
        return method

    return decorate
