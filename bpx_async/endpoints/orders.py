"""Endpoint records of the Orders group (REFERENCE.md section 3)."""

from __future__ import annotations
