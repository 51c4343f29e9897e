"""Ledger and budget exports in: read, checked and summed by DuckDB at municipal scale.

``importer`` reads a file through its column ``mapping`` (``tertial/ingest/ledger/mappings/``
ships the known layouts), with the DuckDB ``expressions`` that parse amounts and periods
exactly and, for a file that needs its line numbers, ``staging`` as Parquet; it hands the sums
to ``tertial.economy.services.imports``, which stores them. ``tracing`` finds the rows of the
files behind a stored balance.
"""
