"""The JSON API for integrations and Forløp's own front-ends, described by OpenAPI."""
