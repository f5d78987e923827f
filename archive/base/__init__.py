"""Shared by every package, docgen and index included: errors and exit codes, vocabulary, atomic writes, locks."""
