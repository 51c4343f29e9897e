"""Loading an organisation folder (docs/input-format.md): `tertial load DIR`.

``read_folder`` reads and validates every file without touching the database (the ledger
and budget files through the ledger importer, by the folder's rules); ``store_folder``
writes the result in one transaction. Nothing is stored unless the whole folder is valid.
"""

from __future__ import annotations

from pathlib import Path

from tertial.ingest.folder.folder import FolderData, read_folder


def load_folder(path: Path, *, actor=None, force: bool = False):
    """Validate and store the folder; returns a LoadResult (organisation, counts, notes).

    ``force`` replaces the data of periods approved or locked in the database too.
    """
    from tertial.ingest.folder.storing import store_folder

    with read_folder(Path(path)) as data:
        return store_folder(data, actor=actor, force=force)


def load_organisation(path: Path, *, actor=None, force: bool = False):
    """Validate and store the folder at ``path``; returns the Organisation.

    Raises tertial.core.errors.InputErrors with every error found, having stored nothing;
    without ``force`` also when the folder would change a period approved or locked in the
    database.
    """
    return load_folder(path, actor=actor, force=force).organisation


__all__ = ["FolderData", "load_folder", "load_organisation", "read_folder"]
