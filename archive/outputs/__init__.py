"""What the archive produces: forms and stage packets (later dossiers and reports)."""
