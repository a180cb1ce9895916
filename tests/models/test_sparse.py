"""Request models narrowed to the given fields (models/_sparse.py) validate and serialize exactly
like the full models: the same wire dict or the same errors, for every model that takes part."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

import bpx_async.endpoints as endpoint_modules
from bpx_async._pipeline import _describe
from bpx_async.endpoints import Endpoint
from bpx_async.models import _sparse
from bpx_async.models._base import RequestModel
from bpx_async.models._sparse import MAX_SHAPES, SparseShapes, sparse_shapes
from bpx_async.models.orders import OrderExecuteRequest


def _request_models() -> list[type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(endpoint_modules.__path__):
        module = importlib.import_module(f"bpx_async.endpoints.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Endpoint) and sparse_shapes(value.request) is not None:
                models[value.request.__qualname__] = value.request
    return [models[name] for name in sorted(models)]


SPARSE_MODELS = _request_models()

# Values of every kind a parameter takes, valid for some fields and wrong for others.
_VALUES = [
    "SOL_USDC",
    "Bid",
    "Ask",
    "Limit",
    "Market",
    "GTC",
    "IOC",
    "MarkPrice",
    "RejectTaker",
    "Solana",
    "1.5",
    "150.25",
    "0",
    "-1",
    "50%",
    "150%",
    "",
    "1d",
    "abc",
    1,
    0,
    -1,
    5000,
    2**32,
    True,
    False,
    None,
    1.5,
    Decimal("2.5"),
    Decimal("NaN"),
    datetime(2025, 1, 2, tzinfo=timezone.utc),
    ["SPOT", "PERP"],
]


def _outcome(model: type[BaseModel], shapes: SparseShapes | None, params: dict[str, Any]) -> Any:
    validate = model.__pydantic_validator__.validate_python
    serialize = model.__pydantic_serializer__.to_python
    shape = None if shapes is None else shapes.shape(params)
    if shape is not None:
        validate, serialize = shape
    try:
        validated = validate(params)
    except ValidationError as exc:
        return ("refused", _describe(exc, limit=100), exc.error_count())
    wire = serialize(validated, mode="json", by_alias=True, exclude_none=True)
    return ("sent", list(wire.items()))  # in order: the JSON body is written from it


@st.composite
def _model_and_params(draw: st.DrawFn) -> tuple[type[BaseModel], dict[str, Any]]:
    model = draw(st.sampled_from(SPARSE_MODELS))
    params: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if draw(st.integers(0, 3)) == 0:  # about a quarter of the fields given
            continue
        key = draw(st.sampled_from([name, field.alias or name]))
        params[key] = draw(st.sampled_from(_VALUES))
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        params["notAField"] = "x"
    return model, params


@settings(max_examples=400, deadline=None)
@given(_model_and_params())
def test_a_narrowed_model_sends_or_refuses_exactly_what_the_full_model_does(
    case: tuple[type[BaseModel], dict[str, Any]],
) -> None:
    model, params = case
    assert _outcome(model, sparse_shapes(model), params) == _outcome(model, None, params)


# Per field of an order: mostly values it accepts, so that most drawn orders are sent.
_ORDER_VALUES: dict[str, list[Any]] = {
    "symbol": ["SOL_USDC"],
    "side": ["Bid", "Ask"],
    "order_type": ["Limit", "Market", "Limit"],
    "price": ["150.25", Decimal("150"), 150, "150.25", "-1"],
    "quantity": ["1.5", "0.001", 2, "1.5", "0"],
    "quote_quantity": ["25"],
    "time_in_force": ["GTC", "IOC", "FOK"],
    "client_id": [7, 2**32],
    "self_trade_prevention": ["RejectTaker", "RejectBoth"],
    "post_only": [True, False],
    "reduce_only": [True, False, "yes"],
    "trigger_price": ["140"],
    "trigger_quantity": ["50%", "2"],
    "trigger_by": ["MarkPrice", "LastPrice"],
    "stop_loss_trigger_price": ["130"],
    "stop_loss_limit_price": ["129"],
    "take_profit_trigger_price": ["170"],
    "take_profit_limit_price": ["171"],
    "auto_lend": [True],
    "broker_id": [1, 2**16],
}


@st.composite
def _orders(draw: st.DrawFn) -> dict[str, Any]:
    fields = OrderExecuteRequest.model_fields
    order: dict[str, Any] = {}
    for name, values in _ORDER_VALUES.items():
        required = name in {"symbol", "side", "order_type"}
        usual = name in {"price", "quantity"}  # most orders have both
        if required or draw(st.integers(0, 4)) < (4 if usual else 1):
            key = draw(st.sampled_from([name, fields[name].alias or name]))
            order[key] = draw(st.sampled_from(values))
    return order


@settings(max_examples=300, deadline=None)
@given(_orders())
def test_drawn_orders_are_sent_or_refused_alike(order: dict[str, Any]) -> None:
    assert _outcome(OrderExecuteRequest, sparse_shapes(OrderExecuteRequest), order) == (
        _outcome(OrderExecuteRequest, None, order)
    )


_GOOD_ORDERS: list[dict[str, Any]] = [
    {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Limit", "price": "150", "quantity": "1"},
    {"symbol": "SOL_USDC", "side": "Ask", "orderType": "Market", "quoteQuantity": "25"},
    {
        "symbol": "SOL_USDC_PERP",
        "side": "Bid",
        "order_type": "Market",
        "trigger_price": "140",
        "trigger_quantity": "50%",
        "trigger_by": "MarkPrice",
        "reduce_only": True,
        "client_id": 7,
    },
    {
        "symbol": "SOL_USDC",
        "side": "Bid",
        "order_type": "Limit",
        "price": Decimal("150.10"),
        "quantity": 2,
        "stop_loss_trigger_price": "140",
        "stop_loss_limit_price": "139.5",
        "take_profit_trigger_price": "170",
        "take_profit_trigger_by": "LastPrice",
        "time_in_force": "IOC",
        "post_only": False,
    },
]


@pytest.mark.parametrize("order", _GOOD_ORDERS, ids=range(len(_GOOD_ORDERS)))
def test_orders_of_every_shape_are_sent_alike(order: dict[str, Any]) -> None:
    shapes = sparse_shapes(OrderExecuteRequest)
    assert shapes is not None and shapes.shape(order) is not None  # the narrowed path is taken
    sent = _outcome(OrderExecuteRequest, shapes, order)
    assert sent[0] == "sent"
    assert sent == _outcome(OrderExecuteRequest, None, order)


def test_the_shape_rules_hold_on_a_narrowed_order() -> None:
    shapes = sparse_shapes(OrderExecuteRequest)
    assert shapes is not None
    base = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Limit"}
    for params, why in [
        ({**base, "quantity": "1"}, "needs a price"),
        ({**base, "price": "1", "quantity": "1", "take_profit_trigger_by": "MarkPrice"}, "needs"),
        ({**base, "price": "1", "trigger_price": "2"}, "go together"),
    ]:
        assert shapes.shape(params) is not None
        outcome = _outcome(OrderExecuteRequest, shapes, params)
        assert outcome[0] == "refused" and why in outcome[1]
        assert outcome == _outcome(OrderExecuteRequest, None, params)


def test_keys_the_narrowed_models_cannot_answer_for_go_to_the_full_model() -> None:
    shapes = sparse_shapes(OrderExecuteRequest)
    assert shapes is not None
    base = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Market", "quantity": "1"}
    assert shapes.shape({**base, "unknown": 1}) is None  # the full model refuses it by name
    assert shapes.shape({**base, "orderType": "Market"}) is None  # a field under both spellings
    assert shapes.shape({"symbol": "SOL_USDC", "side": "Bid"}) is None  # a required field missing
    every = {name: None for name in OrderExecuteRequest.model_fields}
    assert shapes.shape(every) is None  # nothing to leave out


def test_at_most_max_shapes_models_are_built_per_request_model() -> None:
    shapes = sparse_shapes(OrderExecuteRequest)
    assert shapes is not None
    base = {"symbol": "SOL_USDC", "side": "Bid", "order_type": "Market", "quantity": "1"}
    optional = [n for n, f in OrderExecuteRequest.model_fields.items() if n not in {*base}]
    built = [shapes.shape({**base, name: None}) for name in optional[: MAX_SHAPES + 3]]
    assert all(shape is not None for shape in built[:MAX_SHAPES])
    assert all(shape is None for shape in built[MAX_SHAPES:])
    assert shapes.shape({**base, optional[0]: None}) is built[0]  # kept, not rebuilt


class _Defaults(RequestModel):
    symbol: str
    limit: int = 100  # absent, the full model sends 100; a narrowed one would not


class _Ignores(BaseModel):
    model_config = ConfigDict(extra="ignore")
    symbol: str | None = None


class _Checks(RequestModel):
    symbol: str | None = None

    @model_validator(mode="after")
    def _check(self) -> _Checks:
        assert self.symbol != "x"  # reads an attribute a narrowed model may not have
        return self


class _ChecksBefore(RequestModel):
    __bpx_sparse_safe__ = True
    symbol: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any) -> Any:
        return data


@pytest.mark.parametrize(
    "model", [_Defaults, _Ignores, _Checks, _ChecksBefore, list[OrderExecuteRequest], list, None]
)
def test_models_a_narrowed_model_would_change_are_left_whole(model: Any) -> None:
    assert sparse_shapes(model) is None


def test_orders_and_the_common_requests_take_part() -> None:
    names = {model.__name__ for model in SPARSE_MODELS}
    assert {"OrderExecuteRequest", "TickerRequest", "DepthRequest"} <= names
    assert _sparse.MAX_SHAPES == MAX_SHAPES
