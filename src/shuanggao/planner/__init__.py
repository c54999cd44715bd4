"""Pairing recommendations and the province-wide coverage plan to 2027 (一区多校)."""
