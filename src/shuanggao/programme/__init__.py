"""The programme itself: task areas, the 五个一 system, batches, public facts and policy lists."""
