from __future__ import annotations

import numpy as np
import pytest

from shuanggao_matching.fusion import FusionConfig, fuse, normalize_scores, rrf


def test_zscore_worked_example() -> None:
    scores = np.array([4.0, 2.0, 0.0], dtype=np.float32)  # mean 2, std sqrt(8/3)
    std = np.sqrt(8 / 3)
    np.testing.assert_allclose(
        normalize_scores(scores, "zscore"), [2 / std, 0.0, -2 / std], rtol=1e-6
    )


def test_minmax_worked_example() -> None:
    scores = np.array([10.0, 5.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(normalize_scores(scores, "minmax"), [1.0, 0.5, 0.0])


def test_constant_scores_do_not_divide_by_zero() -> None:
    out = normalize_scores(np.array([3.0, 3.0], dtype=np.float32), "zscore")
    np.testing.assert_allclose(out, [0.0, 0.0])


def test_fuse_uses_each_components_reference_statistics() -> None:
    # Lexical reference: [10, 0] -> mean 5, std 5; dense reference: [0.9, 0.7] -> mean .8, std .1
    lex = np.array([10.0, 0.0, 5.0], dtype=np.float32)
    den = np.array([0.7, 0.9, 0.8], dtype=np.float32)
    fused, lex_n, den_n = fuse(
        lex,
        den,
        lexical_reference=np.array([10.0, 0.0], dtype=np.float32),
        dense_reference=np.array([0.9, 0.7], dtype=np.float32),
        weight=0.25,
    )
    np.testing.assert_allclose(lex_n, [1.0, -1.0, 0.0], atol=1e-5)
    np.testing.assert_allclose(den_n, [-1.0, 1.0, 0.0], atol=1e-4)
    np.testing.assert_allclose(fused, [0.25 - 0.75, -0.25 + 0.75, 0.0], atol=1e-4)


def test_rrf_worked_example() -> None:
    out = rrf([["a", "b"], ["b", "c"]], k=60)
    assert out["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert out["a"] == pytest.approx(1 / 61)
    assert out["c"] == pytest.approx(1 / 62)
    assert max(out, key=lambda d: out[d]) == "b"


def test_config_round_trip() -> None:
    cfg = FusionConfig(lexical_weight=0.7, prf_docs=3)
    assert FusionConfig.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg
