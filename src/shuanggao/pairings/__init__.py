"""Pairings (结对): a zone with its universities, the 五个一 board and coverage of the 2027 target."""
