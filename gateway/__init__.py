"""SciCat OAI-PMH and DataCite export gateway."""
