"""Signed webhook notifications: an event registry, signing, delivery with retries."""
