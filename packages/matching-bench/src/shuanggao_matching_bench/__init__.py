"""shuanggao_matching_bench: the benchmarks of ``shuanggao_matching``, kept out of the runtime
library (it ships nothing of this). It uses only the library's public names.

* :func:`run_matching_bench`: quality and speed of lexical, dense and hybrid retrieval on a BEIR
  data set (or of the classifier on a routing data set), with in-process baselines;
* :func:`run_scale_bench`: latency, memory, build speed and the dense index's recall on 10k /
  100k / 1M items; :func:`recall_failures` lists sizes below the recall floor;
* :func:`build_benchmark_datasets`: the topical / known-item / routing data sets from CSL and
  FewCLUE;
* :func:`format_report`: a result as a text table or JSON.
"""

from .common import DEFAULT_CACHE
from .datasets import DatasetSummary, build_benchmark_datasets
from .items import clauses, fragments, generate_items, real_vectors, synthetic_vectors
from .retrieval import documents, format_report, run_matching_bench
from .scale import RECALL_FLOOR, recall_at, recall_failures, run_scale_bench

__all__ = [
    "DEFAULT_CACHE",
    "RECALL_FLOOR",
    "DatasetSummary",
    "build_benchmark_datasets",
    "clauses",
    "documents",
    "format_report",
    "fragments",
    "generate_items",
    "real_vectors",
    "recall_at",
    "recall_failures",
    "run_matching_bench",
    "run_scale_bench",
    "synthetic_vectors",
]
