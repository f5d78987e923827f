"""What a file is and what it says: type by bytes, checksum, pages, text."""
