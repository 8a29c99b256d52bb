"""The feed simulator: a seeded virtual FIFA league served at the real 1xBet feed paths.

``league`` (pure model and ground truth), ``payload`` (real-shaped JSON), ``faults``, ``handler``
(HTTP), ``server`` (``start_simulator``), ``cli`` (``oracxpred feed-sim``). Usage: the README,
"Essayer hors ligne avec le simulateur"; the feed it imitates: docs/feed.md.
"""
