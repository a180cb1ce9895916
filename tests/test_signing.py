"""The Signer: REFERENCE 2.8 vectors byte for byte, key handling, and signing properties."""

from __future__ import annotations

import base64
import pickle
import string
from decimal import Decimal
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async import Signer

SECRET = "TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams="
API_KEY = "5+yQgwU0ZdJ/9s+GXfuPFfo7yQQpl9CgvQedJXne30o="
TS = 1_700_000_000_000

V2_ORDER: dict[str, Any] = {
    "symbol": "SOL_USDC",
    "side": "Bid",
    "orderType": "Limit",
    "price": "170.50",
    "quantity": "1.0",
    "timeInForce": "GTC",
    "clientId": 123456,
    "selfTradePrevention": "RejectTaker",
    "postOnly": True,
}
V3B_SECOND: dict[str, Any] = {
    "symbol": "SOL_USDC",
    "side": "Ask",
    "orderType": "Limit",
    "price": "185.25",
    "quantity": "2.5",
    "timeInForce": "GTC",
    "clientId": 123457,
    "selfTradePrevention": "RejectTaker",
    "postOnly": False,
}

VECTORS: list[tuple[str, str, Any, int, str, str]] = [
    (
        "V1",
        "depositAddressQuery",
        {"blockchain": "Solana"},
        TS,
        "instruction=depositAddressQuery&blockchain=Solana&timestamp=1700000000000&window=5000",
        "C3kk7v1e+5FzGO0CXviqzYXCDZ4mkGyH3ccRnDj7U1irwZNWPABz5TTMmDxFm6DcqjfC29C77Z6JXDhBfv65CA==",
    ),
    (
        "V2",
        "orderExecute",
        V2_ORDER,
        TS,
        "instruction=orderExecute&clientId=123456&orderType=Limit&postOnly=true&price=170.50"
        "&quantity=1.0&selfTradePrevention=RejectTaker&side=Bid&symbol=SOL_USDC&timeInForce=GTC"
        "&timestamp=1700000000000&window=5000",
        "JF6mXrZyLkd2+uRFCerw6PX31BoR5NZ0cKAkxWtq9bNBM8YJxvNfL9N5fbsSdqnHmjow07Nzo49UCmefw0o9Dg==",
    ),
    (
        "V3",
        "orderExecute",
        [
            {
                "symbol": "SOL_USDC_PERP",
                "side": "Bid",
                "orderType": "Limit",
                "price": "141",
                "quantity": "12",
            },
            {
                "symbol": "SOL_USDC_PERP",
                "side": "Bid",
                "orderType": "Limit",
                "price": "140",
                "quantity": "11",
            },
        ],
        TS,
        "instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid"
        "&symbol=SOL_USDC_PERP&instruction=orderExecute&orderType=Limit&price=140&quantity=11"
        "&side=Bid&symbol=SOL_USDC_PERP&timestamp=1700000000000&window=5000",
        "8tVdmxcPsmbjOi115v67vFKUNZr9s7apF/a8cJqMXawN9/b91zIMVaJrjOqwWG2hO5twP9PvC+a31xHDeUz3Dw==",
    ),
    (
        "V3b",
        "orderExecute",
        [V2_ORDER, V3B_SECOND],
        TS,
        "instruction=orderExecute&clientId=123456&orderType=Limit&postOnly=true&price=170.50"
        "&quantity=1.0&selfTradePrevention=RejectTaker&side=Bid&symbol=SOL_USDC&timeInForce=GTC"
        "&instruction=orderExecute&clientId=123457&orderType=Limit&postOnly=false&price=185.25"
        "&quantity=2.5&selfTradePrevention=RejectTaker&side=Ask&symbol=SOL_USDC&timeInForce=GTC"
        "&timestamp=1700000000000&window=5000",
        "LWje4U3bZ8obKxyrGipNNLPj8Hd+4HmRE7U57wvkngXrLyjF6vw/RZluVMn0Rv6jvdeNiA5NRqU5zzvYsbm8CA==",
    ),
    (
        "V4",
        "balanceQuery",
        None,
        TS,
        "instruction=balanceQuery&timestamp=1700000000000&window=5000",
        "R2zkfTE02MtqmkanJNQgP0sk1yKtfC4KEtFP6Xbrej3ZJc9Q+4dzePcr1LOCZMQmOeUGCo1+UbOk4n3Lf+FzCQ==",
    ),
    (
        "V6",
        "orderCancel",
        {"orderId": "28", "symbol": "BTC_USDT"},
        1_614_550_000_000,
        "instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000",
        "aKisDELOQeekrU+Up7rS/6gZBp0qunOsPwThvby1n5TaohLLP7NghvHoc4peKNGCg/rWC1gtiOKKSW2xNxCGAQ==",
    ),
]


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer.from_secret(SECRET)


def _verify(api_key: str, signature: str, message: str) -> None:
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(api_key))
    public.verify(base64.b64decode(signature), message.encode("utf-8"))


def test_api_key_is_derived_from_the_seed(signer: Signer) -> None:
    assert signer.api_key == API_KEY


@pytest.mark.parametrize(
    ("instruction", "params", "timestamp", "message", "signature"),
    [v[1:] for v in VECTORS],
    ids=[v[0] for v in VECTORS],
)
def test_reference_vectors_reproduce_byte_for_byte(
    signer: Signer, instruction: str, params: Any, timestamp: int, message: str, signature: str
) -> None:
    assert signer.signing_string(instruction, params, timestamp=timestamp, window=5000) == message
    headers = signer.sign(instruction, params, timestamp=timestamp, window=5000)
    assert headers == {
        "X-API-Key": API_KEY,
        "X-Signature": signature,
        "X-Timestamp": str(timestamp),
        "X-Window": "5000",
    }


def test_websocket_signature_matches_vector_v5(signer: Signer) -> None:
    assert signer.ws_signature(timestamp=TS, window=5000) == [
        API_KEY,
        "+SIPaXswE0k1D2zIQvObFxsbH99T3Q48hiJBGzf0F73zxItCgf77BkFUpy6kByKSANdqYNh71LyZ544sdHFqDg==",
        "1700000000000",
        "5000",
    ]


def test_none_values_are_omitted_from_the_signing_string(signer: Signer) -> None:
    with_none = signer.signing_string(
        "orderQuery", {"symbol": "SOL_USDC", "orderId": None}, timestamp=TS, window=5000
    )
    assert with_none == "instruction=orderQuery&symbol=SOL_USDC&timestamp=1700000000000&window=5000"


def test_list_values_sign_as_repeated_keys_in_order(signer: Signer) -> None:
    message = signer.signing_string(
        "fillHistoryQueryAll",
        {"symbol": "SOL_USDC", "marketType": ["SPOT", "PERP"], "limit": 10},
        timestamp=TS,
        window=5000,
    )
    assert message == (
        "instruction=fillHistoryQueryAll&limit=10&marketType=SPOT&marketType=PERP"
        "&symbol=SOL_USDC&timestamp=1700000000000&window=5000"
    )


def test_nested_object_signs_as_compact_json(signer: Signer) -> None:
    message = signer.signing_string(
        "withdraw",
        {"recipientInformation": {"withdrawal_address_id": 1}, "symbol": "USDC"},
        timestamp=TS,
        window=5000,
    )
    assert 'recipientInformation={"withdrawal_address_id":1}&symbol=USDC' in message


def test_decimal_values_keep_their_digits(signer: Signer) -> None:
    message = signer.signing_string(
        "orderExecute", {"price": Decimal("170.50")}, timestamp=TS, window=5000
    )
    assert "price=170.50&" in message


def test_floats_are_refused(signer: Signer) -> None:
    with pytest.raises(TypeError, match="float"):
        signer.signing_string("orderExecute", {"price": 1.5}, timestamp=TS, window=5000)


@pytest.mark.parametrize("window", [0, -1, 60_001, True])
def test_window_outside_1_to_60000_is_refused(signer: Signer, window: Any) -> None:
    with pytest.raises(ValueError, match="window"):
        signer.sign("balanceQuery", None, timestamp=TS, window=window)


def test_empty_batch_is_refused(signer: Signer) -> None:
    with pytest.raises(ValueError, match="at least one"):
        signer.signing_string("orderExecute", [], timestamp=TS, window=5000)


def test_64_byte_secret_with_matching_public_half_is_accepted() -> None:
    full = base64.b64encode(base64.b64decode(SECRET) + base64.b64decode(API_KEY)).decode()
    assert Signer.from_secret(full).api_key == API_KEY


def test_64_byte_secret_with_wrong_public_half_is_refused() -> None:
    full = base64.b64encode(base64.b64decode(SECRET) + bytes(32)).decode()
    with pytest.raises(ValueError, match="does not match") as info:
        Signer.from_secret(full)
    assert full not in str(info.value)


@pytest.mark.parametrize(
    "bad",
    ["not base64!!", base64.b64encode(b"short").decode(), base64.b64encode(bytes(48)).decode(), ""],
)
def test_malformed_secret_raises_without_echoing_it(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        Signer.from_secret(bad)
    if bad:
        assert bad not in str(info.value)


def test_secret_never_appears_in_repr_str_or_pickle(signer: Signer) -> None:
    assert SECRET not in repr(signer)
    assert SECRET not in str(signer)
    assert API_KEY in repr(signer)
    with pytest.raises(TypeError):
        pickle.dumps(signer)


_keys = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
_values = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=1, max_size=20),
    st.booleans(),
    st.integers(min_value=0, max_value=2**63),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda d: format(d, "f")),
)
_params = st.dictionaries(_keys, _values, min_size=0, max_size=8)


@settings(max_examples=150, deadline=None)
@given(params=_params, timestamp=st.integers(min_value=0, max_value=2**53))
def test_signature_verifies_with_the_public_key(
    signer: Signer, params: dict[str, Any], timestamp: int
) -> None:
    headers = signer.sign("orderExecute", params, timestamp=timestamp, window=5000)
    message = signer.signing_string("orderExecute", params, timestamp=timestamp, window=5000)
    _verify(signer.api_key, headers["X-Signature"], message)


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return value + "0" if value != "" else "x"


@settings(max_examples=150, deadline=None)
@given(params=_params.filter(bool), data=st.data())
def test_changing_any_sent_value_changes_the_signed_string(
    signer: Signer, params: dict[str, Any], data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(sorted(params)))
    altered = {**params, key: _changed(params[key])}
    original = signer.signing_string("orderExecute", params, timestamp=TS, window=5000)
    changed = signer.signing_string("orderExecute", altered, timestamp=TS, window=5000)
    assert original != changed
    signature = signer.sign("orderExecute", params, timestamp=TS, window=5000)["X-Signature"]
    with pytest.raises(InvalidSignature):
        _verify(signer.api_key, signature, changed)
