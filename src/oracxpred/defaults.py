"""Every tunable default of the collector, in one place."""

DEFAULT_FEED_URL = (
    "https://1xbet.com/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40&lng=fr"
    "&gr=285&mode=4&country=96&getEmpty=true&virtualSports=true&noFilterBlockEvent=true"
)
"""The reference app's feed URL (docs/feed.md §1)."""

RESULTS_PATH = "/service-api/result/web/api/v3/games"
"""Path of the results service on the feed's host (docs/feed.md §7)."""

DEFAULT_CSV_PATH = "data/matches.csv"
"""Embedded store used when no DATABASE_URL is set."""

DEFAULT_INTERVAL_MIN = 1.0
"""Minutes between two collections in daemon mode."""

MIN_SAFE_INTERVAL_MIN = 0.25
"""Below this the site may block us: accepted, with a WARNING."""

DEFAULT_TIMEOUT_S = 10.0
"""Per-request timeout; docs/feed.md §8 measured p99 ≈ 2 s with 4–16 s spikes."""

DEFAULT_RETRIES = 3
"""Attempts after the first one, for transient feed failures."""

DEFAULT_BACKOFF_S = 0.5
"""Base of the exponential back-off between feed attempts."""

MAX_RETRY_AFTER_S = 30.0
"""Upper bound on a server's Retry-After we agree to wait inside one cycle."""

DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
"""Largest feed body accepted (decompressed); a real 50-event answer is ~1 MB."""

DEFAULT_UNRESOLVED_AFTER_S = 6 * 3600
"""A vanished match not resolved after this long is reported unresolved."""

DEFAULT_LEASE_TTL_S = 90.0
"""How long a lease row stays valid without renewal."""

LOG_MAX_BYTES = 5 * 1024 * 1024
"""Size at which --log-file rotates."""

LOG_BACKUP_COUNT = 5
"""Rotated log files kept."""


# -- Alerts (issue 16) --------------------------------------------------------------------------

DEFAULT_ALERT_AFTER_MIN = 5.0
"""A failure lasting this long (feed down, no event at all) becomes an incident."""

DEFAULT_ALERT_COOLDOWN_MIN = 30.0
"""The same incident is not announced again sooner than this after its last message."""

DEFAULT_ALERT_DISK_MB = 500.0
"""Free space under this, where the store or the spool writes, is an incident."""
DEFAULT_AUDIT_EVERY_MIN = 60.0
"""Minutes between two re-audits of the last hours by the daemon (0: none)."""

AUDIT_RECENT_HOURS = 3
"""Hours the daemon's re-audit covers, one results call per league and hour."""
DEFAULT_ARCHIVE_KEEP_DAYS = 90
"""Days of recorded responses kept (0 = for ever)."""
