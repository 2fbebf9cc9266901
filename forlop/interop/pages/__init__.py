"""Interop's own pages: templates travel (export and import on the template pages)."""
