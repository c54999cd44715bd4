"""Universities (高等院校), keyed by the MoE 学校标识码."""
