"""The demo world: a local simulator of Meta's APIs over the bundled demo data set."""
