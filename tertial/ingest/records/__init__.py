"""Record exports (cases, calls and chats, survey answers, supplier invoices) read through a
mapping per source system and handed to the records app's services (docs/record-import.md)."""
