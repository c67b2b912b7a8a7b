"""Figures 统计: every reported figure computed from the records, per community or street and
period; monthly series, the Excel workbook (built in the background when large) and the
public impact page. Reads every domain and writes only its own export jobs."""
