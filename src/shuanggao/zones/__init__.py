"""High-tech zones (高新区)."""
