"""The catalog (目录库): the only code that speaks SQL, and the store that files documents into case folders."""
