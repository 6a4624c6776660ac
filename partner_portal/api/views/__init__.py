"""The API's endpoints: `records` (partners, sales lines, certification awards) and
`search`."""
