"""Reading ledger and budget exports at municipal scale.

The public service functions are in ``tertial.ingest.ledger.importer``. This package holds
the parts they are built from: column mappings (``mapping``), the DuckDB expressions that
parse amounts and periods exactly (``expressions``), staging a source file as Parquet with
its line numbers (``staging``) and writing the aggregated rows into the database fast
(``bulk``). Only ``bulk`` uses Django.
"""
