"""Reports (填报): the figures pilots report for a period, and the programme statistics
(数说双高协同) that set reported figures beside the counts of records."""
