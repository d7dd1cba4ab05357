"""The API's DRF plumbing: fields, parsers, renderers, negotiation, filtering, throttling, schema."""
