"""Views of the content hub: `portal` (checked images, policy acknowledgement) and
`admin` (policy acknowledgement coverage and its export)."""
