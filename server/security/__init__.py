"""Security helpers: password hashing, opaque session tokens."""
