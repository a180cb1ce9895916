"""Endpoint records of the Capital group (REFERENCE.md section 3)."""

from __future__ import annotations
