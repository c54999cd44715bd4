"""Pairings (结对): zones with their universities, the 五个一 board and 2027 coverage."""
