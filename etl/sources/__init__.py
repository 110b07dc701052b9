"""One adapter per input format: raw file -> (canonical events frame, rejects frame)."""
