"""Push: each stored match POSTed to webhooks, in ``seq`` order, at least once
(``push/webhooks.py``); the matches themselves are the queue (``Store.matches_after``)."""
