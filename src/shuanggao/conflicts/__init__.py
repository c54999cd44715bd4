"""Conflicts of interest (利益冲突): researchers' declared ties to enterprises, and the check
every match list and event schedule asks of a (researcher, enterprise) pair."""
