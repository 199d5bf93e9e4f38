"""Front doors, one per wire protocol, each turning its format into the same validated events."""
