"""Profile templates written by ``netsep-check init``."""
