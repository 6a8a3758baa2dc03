"""Markdown reports: a summary, one page per case, results.csv; written whole or not at all."""
