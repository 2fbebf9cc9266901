"""FHIR R4: mappers, validation, the endpoint under /fhir/r4/, writes and bulk data."""
