"""The shop's admin reports: the Sales dashboard (figures in SQL, charts as server-side SVG)."""
