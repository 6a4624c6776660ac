"""The support app's views."""
