"""Endpoint records of the Account group (REFERENCE.md section 3)."""

from __future__ import annotations
