"""The check-then-confirm plumbing every file import shares, whatever it imports.

`uploads` keeps an uploaded file between its preview and its confirmation;
`command` is the base of the import management commands (a progress bar, the
encoding a file was read in, each error with its row and column, one summary).
Apps supply what a row means; nothing here knows partners, awards or assets.
"""
