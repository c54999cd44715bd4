"""Joint R&D projects (合作研发项目) of zones, universities and enterprises."""
