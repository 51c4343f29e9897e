"""Plain-Python domain logic: no Django, no database; tested on its own."""
