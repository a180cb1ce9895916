"""Endpoint records of the Strategies group (REFERENCE.md section 3)."""

from __future__ import annotations
