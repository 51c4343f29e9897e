"""Read-only JSON API for Power BI, Excel and other tools, authenticated by tokens."""
