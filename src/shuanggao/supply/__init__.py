"""Supply items (技术供给清单条目): what universities offer — results, experts, platforms, data."""
