"""No notification data in the Django admin: notifications name patients' stop points, and the
pages in Forløp apply the access rule (docs/security.md)."""
