"""Messages to people by e-mail: invitations, reminders before a deadline, notices when a
unit is submitted or returned and when a report is approved."""
