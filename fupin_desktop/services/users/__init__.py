"""Accounts, roles and the audit log: login, who may do what, reading and verifying the log."""
