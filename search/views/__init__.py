"""Views of search: `portal` (the search page, suggestions, result clicks), `admin`
(the search terms report) and `status` (the search status page)."""
