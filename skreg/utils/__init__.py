"""Internal utilities of skreg (not public API)."""
