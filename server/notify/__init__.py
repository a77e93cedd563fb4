"""Outgoing notifications: the mail outbox and its SMTP sender."""
