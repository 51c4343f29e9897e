"""Names and values quoted into SQL text: DuckDB, PostgreSQL and SQLite read them alike."""


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
