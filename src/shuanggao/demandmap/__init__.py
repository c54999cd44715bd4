"""The supply–demand coverage map drawn on the zones' industry chains (产业需求图谱)."""
