"""The data root: its folders and its settings file daiban.toml."""
