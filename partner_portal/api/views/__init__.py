"""The API's endpoints: `records` (partners, sales lines, certification awards),
`incentives` (statements and programs) and `search`; `unknown` answers, in JSON,
any other address under /api/."""
