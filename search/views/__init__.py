"""Views of search: `portal` (the search page, suggestions, result clicks) and
`admin` (the search terms report)."""
