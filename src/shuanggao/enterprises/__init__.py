"""Enterprises (企业) keyed by 统一社会信用代码, and the services universities give them."""
