"""Request and response models of the Account group."""

from __future__ import annotations

__all__: list[str] = []
