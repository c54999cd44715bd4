"""Funds (资金): conversion funds (转化基金) with their investments, and co-operation
funding (合作经费)."""
