"""Driver messages reach users in French; the driver's own (English) text, masked, only in the
DEBUG log after the French line (issue 12, item 12). Real psycopg errors, no server needed."""

from __future__ import annotations

import psycopg
import pytest

from oracxpred.errors import StoreUnavailable
from oracxpred.store.sql.errors import guard
from tests.helpers import debug_log, free_port


def test_driver_text_is_debug_only_and_masked():
    port = free_port()  # nothing listens there: libpq says "Connection refused"
    url = f"postgresql://oracx:s3cr3t-pw@127.0.0.1:{port}/base"
    with (
        debug_log() as stream,
        pytest.raises(StoreUnavailable) as raised,
        guard("Connexion", f"postgresql://oracx:***@127.0.0.1:{port}/base", ("s3cr3t-pw",)),
    ):
        psycopg.connect(url, connect_timeout=5)
    message = str(raised.value)
    assert message == (
        f"Connexion : connexion refusée (serveur arrêté ou mauvais port ?) "
        f"[postgresql://oracx:***@127.0.0.1:{port}/base]"
    )
    assert "refused" not in message
    assert "détail" not in message
    (line,) = stream.getvalue().splitlines()
    assert "[DEBUG]" in line
    assert line.split("] ", 3)[3].startswith(message + " — détail du pilote : ")
    assert "Connection refused" in line
    assert "s3cr3t-pw" not in line
