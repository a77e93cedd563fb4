"""Small widgets of the full-screen client."""
