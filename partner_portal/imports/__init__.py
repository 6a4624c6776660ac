"""The check-then-confirm plumbing every file import shares, whatever it imports.

`uploads` keeps an uploaded file between its preview and its confirmation;
`command` is the base of the import management commands (a progress bar, the
encoding a file was read in, each error with its row and column, one summary);
`forms` and `views` are the admin's upload form and its upload and preview pages
(the sales import's page is built on them too), and `wagtail_hooks` adds their
stylesheet to the admin.
Apps supply what a row means; nothing here knows partners, awards or assets.
"""
