"""Endpoint records of the History group (REFERENCE.md section 3)."""

from __future__ import annotations
