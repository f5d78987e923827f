"""Scans in (扫描件入库): input checks, OCR, QR codes, stack splitting, the review queue, the inbox."""
