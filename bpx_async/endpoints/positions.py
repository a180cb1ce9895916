"""Endpoint records of the Positions group (REFERENCE.md section 3)."""

from __future__ import annotations
