"""The API's request and response models, shared by the server and the client (plain Pydantic)."""
