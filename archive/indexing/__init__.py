"""The archive's side of the full-text index: records, the outbox, rebuild/sync/check, logged searches."""
