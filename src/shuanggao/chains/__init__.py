"""Industry chains (产业链): a zone's leading and future industries as ordered nodes."""
