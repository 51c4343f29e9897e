"""The record import tests share the records tests' small organisation (fixture ``org``)."""

from tests.records.conftest import data_dir, org, write  # noqa: F401
