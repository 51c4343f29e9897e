"""Records: the rows of a service's own systems (cases, calls and chats, survey answers,
supplier invoices) kept to compute indicators from, and the values computed from them."""
