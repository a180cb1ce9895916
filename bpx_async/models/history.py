"""Request and response models of the History group."""

from __future__ import annotations

__all__: list[str] = []
