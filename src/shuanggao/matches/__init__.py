"""Matches (匹配): the app side of the matching engine — index, searches, stored recommendations."""
