"""In a browser, on the demo data: a zone official opens 南京建邺高新区's 新型储能 chain, sees
江苏林洋储能's safety-prediction need on its node coloured as answered by 南京工程学院, clicks
through to the match and its reasons, and exports the gap report. The graph draws the numbers
the API returns for the same zone."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import SignIn, screenshot

pytestmark = pytest.mark.browser

# The first map of the server loads the tokenizer and builds the index.
FIRST_MAP_MS = 180_000
NEED = "锂电池储能系统安全预测与预警"
NODE = "运维与安全"


def _click_graph_node(page: Any, chain_id: str, index: int) -> None:
    """Click the ``index``-th node of a chain's ECharts graph (laid out at x = 160·i)."""
    chart = page.locator(f"#chain-chart-{chain_id}")
    box = chart.bounding_box()
    assert box is not None
    point = page.evaluate(
        """([id, i]) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            return chart.convertToPixel({ seriesIndex: 0 }, [i * 160, (i % 2) * 60]);
        }""",
        [f"chain-chart-{chain_id}", index],
    )
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_zone_official_reads_the_storage_chain(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "demo.zone", next_path="/chainmap")
    page.wait_for_url(re.compile(r"/zones/\d+/chains"), timeout=FIRST_MAP_MS)
    zone_id = re.search(r"/zones/(\d+)/chains", page.url).group(1)  # type: ignore[union-attr]
    assert "南京建邺高新区" in page.locator("h1").inner_text()
    page.click("nav.tabs a[data-chain='新型储能']", no_wait_after=True)
    page.wait_for_url(re.compile(r"chain_id=\d+"), timeout=FIRST_MAP_MS)
    chain_id = re.search(r"chain_id=(\d+)", page.url).group(1)  # type: ignore[union-attr]
    chart = page.locator(f"#chain-chart-{chain_id}[data-rendered='true']")
    chart.wait_for()

    # The graph draws exactly what the API returns for the same zone and chain.
    drawn = json.loads(page.locator("#chain-map-data").text_content())
    api = page.evaluate(
        """async (url) => (await fetch(url, { headers: { Accept: "application/json" } })).json()""",
        f"/api/v1/chainmap/zones/{zone_id}?chain_id={chain_id}",
    )
    assert drawn == api
    nodes = drawn["chains"][0]["nodes"]
    index = next(i for i, n in enumerate(nodes) if n["name"] == NODE)
    node = nodes[index]
    assert node["state"] == "answered" and "南京工程学院" in node["answered_by"]
    row = page.locator(f"tr[data-node='{node['node_id']}']")
    assert row.get_attribute("data-state") == "answered"
    assert "南京工程学院" in row.locator(".answered-by").inner_text()
    # The node's colour on the canvas is the 已有较好供给 colour.
    colour = page.evaluate(
        """([id, nodeId]) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            const item = chart.getOption().series[0].data.find((d) => d.id === String(nodeId));
            return item.itemStyle.color;
        }""",
        [f"chain-chart-{chain_id}", node["node_id"]],
    )
    assert colour == "#2f9e6a"

    # Clicking the node on the graph opens its panel: the need, answered by 南京工程学院.
    _click_graph_node(page, chain_id, index)
    panel = page.locator(f"#node-panel-body[data-node='{node['node_id']}']")
    panel.wait_for()
    need = panel.locator("tr", has_text=NEED)
    assert need.get_attribute("data-answered") == "yes"
    assert "南京工程学院" in need.locator(".best-owner").inner_text()
    screenshot(page, "chainmap_storage_chain")

    # Through to the match and its reasons.
    need.locator("a", has_text="匹配与理由").click()
    page.wait_for_url(re.compile(r"/demands/\d+/matches"), timeout=FIRST_MAP_MS)
    cards = page.locator("article.match-card")
    cards.first.wait_for(timeout=FIRST_MAP_MS)
    titles = [
        cards.nth(i).locator(".match-title").inner_text() for i in range(min(3, cards.count()))
    ]
    assert any("锂电池储能系统安全实验数据" in t for t in titles), titles
    assert cards.first.locator(".match-terms mark").count() >= 1

    # Back on the map, the gap report downloads as a workbook.
    page.go_back()
    page.locator("#export-gaps").wait_for()
    with page.expect_download() as info:
        page.click("#export-gaps")
    path = info.value.path()
    book = load_workbook(io.BytesIO(Path(path).read_bytes()))
    header = [c.value for c in book["缺口"][1]]
    assert header[:4] == ["产业链", "环节", "需求编号", "产业需求"]
    titles = {row[3].value for row in book["缺口"].iter_rows(min_row=2)}
    assert NEED not in titles
