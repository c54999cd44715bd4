"""Demo data (演示数据): ``shuanggao demo load`` fills a database so that every list and chart
has content.

Every domain may ship a ``shuanggao.<domain>.demo`` module exposing ``ORDER: int`` and
``load_demo(session, actor, ctx) -> int`` (rows written); the loader runs them in ``ORDER`` inside
one transaction. Rows are written through the registers with ``is_demo=True`` and looked up by
their natural keys first, so loading twice changes nothing. Orders in use: 10 pairings and the
programme registers (``shuanggao.demo.programme``), 30 residents, 40 funds and funding,
90 periodic reports. Supply, demand and accounts modules pick their own orders between these.
"""
