"""Bulk export (filled in below)."""
