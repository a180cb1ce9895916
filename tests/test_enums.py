"""Every enumeration formats as its exact wire value on every supported Python."""

from __future__ import annotations

import enum

import pytest

from bpx_async.models import enums
from bpx_async.models.enums import OrderStatus, Side, WireEnum

ALL_ENUMS = sorted(
    (
        value
        for value in vars(enums).values()
        if isinstance(value, type)
        and issubclass(value, enum.Enum)
        and value.__module__ == enums.__name__
        and value is not WireEnum
    ),
    key=lambda cls: cls.__name__,
)


def test_every_enum_of_the_module_derives_from_wire_enum() -> None:
    assert len(ALL_ENUMS) >= 40
    assert [cls.__name__ for cls in ALL_ENUMS if not issubclass(cls, WireEnum)] == []


@pytest.mark.parametrize("cls", ALL_ENUMS, ids=lambda cls: cls.__name__)
def test_str_format_and_percent_give_the_wire_value(cls: type[WireEnum]) -> None:
    for member in cls:
        assert str(member) == member.value
        assert f"{member}" == member.value
        assert "%s" % member == member.value  # noqa: UP031 - the old formatting too
        assert member == member.value


def test_format_specs_apply_to_the_wire_value() -> None:
    assert f"[{Side.BID:>5}]" == "[  Bid]"
    assert f"{OrderStatus.FILLED:.4}" == "Fill"
    assert repr(Side.ASK) == "<Side.ASK: 'Ask'>"
