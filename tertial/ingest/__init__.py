"""Files in: the organisation folder, ledger and budget exports, indicator files, Kolada."""
