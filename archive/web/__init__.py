"""The browser interface (daiban serve): the CLI's services for staff, archivists, auditors and enterprises."""
