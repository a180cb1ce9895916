"""The base of resource groups and the decorators that turn a method signature into a call.

A resource method is declared once, as its typed signature and docstring::

    @operation(ep.DEPTH)
    async def depth(self, symbol: str, *, limit: int | None = None) -> Depth:
        \"\"\"Order-book snapshot of one market.\"\"\"

:func:`operation` supplies the body: the call's arguments, named as the request model's fields,
become the parameters of the client's ``request(endpoint, params)``. The endpoint record ties the
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


#: Names the generated bodies use; a parameter can't take them (they start with ``_bpx_``).
_ENDPOINT, _PARAMS, _PAGER = "_bpx_endpoint", "_bpx_params", "_bpx_pager"


def _compile(
    func: Callable[..., Any],
    endpoint: Endpoint[Any],
    renames: Mapping[str, str],
    *,
    paged: bool,
) -> Callable[..., Any]:
    """The body of a signature-only method, written as Python source and compiled once.

    The generated method has the declared parameters (defaults included, annotations left to
    ``__wrapped__``), so Python itself binds every call: wrong arguments raise the interpreter's
    own ``TypeError``, and a call costs no ``*args``/``**kwargs`` packing and no binding loop
    (the way ``dataclasses`` writes ``__init__``). A parameter whose default is None is sent only
    when it is not None (the pipeline sends no None anyway); every other one always is, under its
    request-model field name (``renames`` maps a parameter to another field).
    """
    qualname = func.__qualname__
    params = list(inspect.signature(func).parameters.values())
    if not params or params[0].kind not in (
        params[0].POSITIONAL_ONLY,
        params[0].POSITIONAL_OR_KEYWORD,
    ):
        raise TypeError(f"{qualname}: the first parameter must be the resource (self)")
    this, params = params[0].name, params[1:]
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{qualname}: *args/**kwargs hide the parameters")
        if p.name.startswith("_bpx_"):
            raise TypeError(f"{qualname}: parameter names starting with _bpx_ are reserved")
    unknown = set(renames) - {p.name for p in params}
    if unknown:
        raise TypeError(f"{qualname}: renames name no parameter: {sorted(unknown)}")
    namespace: dict[str, Any] = {_ENDPOINT: endpoint, _PAGER: AsyncPager}
    signature = [this]
    slash_at = 0  # after the last positional-only parameter, if any
    always: list[str] = []
    if_given: list[str] = []
    for index, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and "*" not in signature:
            signature.append("*")
        text = p.name
        if p.default is not p.empty:
            namespace[f"_bpx_default{index}"] = p.default
            text += f"=_bpx_default{index}"
        signature.append(text)
        if p.kind is p.POSITIONAL_ONLY:
            slash_at = len(signature)
        (if_given if p.default is None else always).append(p.name)
    if slash_at:
        signature.insert(slash_at, "/")
    wire = {p.name: renames.get(p.name, p.name) for p in params}
    body = [f"{_PARAMS} = {{{', '.join(f'{wire[n]!r}: {n}' for n in always)}}}"]
    for name in if_given:
        body += [f"if {name} is not None:", f"    {_PARAMS}[{wire[name]!r}] = {name}"]
    if paged:
        head = f"def {func.__name__}({', '.join(signature)}):"
        body.append(f"return {_PAGER}({this}._client, {_ENDPOINT}, {_PARAMS})")
    else:
        head = f"async def {func.__name__}({', '.join(signature)}):"
        body.append(f"return await {this}._client._pipeline.request({_ENDPOINT}, {_PARAMS})")
    source = "\n    ".join([head, *body]) + "\n"
    exec(compile(source, f"<bpx_async operation {qualname}>", "exec"), namespace)
    method: Callable[..., Any] = namespace[func.__name__]
    return method


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
        method = _compile(func, endpoint, renames, paged=False)
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
        fields = {renames.get(name, name) for name in inspect.signature(func).parameters}
        if not {"limit", "offset"} <= fields:
            raise TypeError(f"{func.__qualname__}: a paged method takes limit and offset")
        method = _compile(func, endpoint, renames, paged=True)
        functools.update_wrapper(method, func)
        _link_docs(method, endpoint)
        return method

    return decorate
