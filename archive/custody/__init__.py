"""Custody (保管): backups a live archive can be restored from, shown to be restorable (DA/T 70)."""
