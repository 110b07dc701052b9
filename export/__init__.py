"""Exports for presentations: static charts, data files and the briefing deck."""
