"""Endpoint records of the Assets group."""

from __future__ import annotations

from ..models.assets import AssetsRequest, CollateralSummary, MarketAsset
from ._spec import Endpoint

LIST: Endpoint[list[MarketAsset]] = Endpoint(
    name="assets.list",
    docs=("Assets", "get_assets"),
    method="GET",
    path="/api/v1/assets",
    instruction=None,
    request=AssetsRequest,
    response=list[MarketAsset],
)
COLLATERAL: Endpoint[list[CollateralSummary]] = Endpoint(
    name="assets.collateral",
    docs=("Assets", "get_collateral_parameters"),
    method="GET",
    path="/api/v1/collateral",
    instruction=None,
    request=None,
    response=list[CollateralSummary],
)
