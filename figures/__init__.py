"""The dashboard's charts by id: indicators queried and drawn with charts/ and maps/, for the pages,
the exports and the briefing deck."""
