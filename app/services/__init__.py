"""Service-layer helpers of zonescore that sit between the HTTP API / CLI and the stores."""
