"""Reference data shipped in the package: GB/T 4754-2017 industries, the 2022 discipline
catalogue, the MoE universities list, known zones, stopwords and the programme's public baseline."""
