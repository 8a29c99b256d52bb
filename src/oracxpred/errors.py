"""Exceptions of the collector; every message is French and built from data.

    CollectorError
    ├── ConfigError                 bad option or environment value (exit 2)
    ├── FeedError                   a failed poll, never "no matches"
    │   ├── FeedUnavailable  (T)    connection refused, timeout, 5xx, 429
    │   └── FeedFormatError         HTML, truncated JSON, Success:false, no Value, too big
    ├── StoreError
    │   ├── StoreUnavailable (T)    database unreachable: the spool takes over
    │   ├── StoreNotWritable        read-only folder, disk full
    │   └── StoreCorrupted          a file or schema we refuse to touch
    └── LeaseUnavailable            another collector is active

(T) = Transient: the same call may succeed later (dlt's recoverability markers).
"""


class Transient:
    """Marker mixed into errors that a later retry may clear."""


class CollectorError(Exception):
    """Base of every error the CLI turns into a French message and exit code."""


class ConfigError(CollectorError):
    pass


class FeedError(CollectorError):
    pass


class FeedUnavailable(FeedError, Transient):
    pass


class FeedFormatError(FeedError):
    pass


class StoreError(CollectorError):
    pass


class StoreUnavailable(StoreError, Transient):
    pass


class StoreNotWritable(StoreError):
    pass


class StoreCorrupted(StoreError):
    pass


class LeaseUnavailable(CollectorError):
    pass


# -- Feed refusals and mirror failover (issue 16) ---------------------------------------------


class FeedRefusal(FeedError):
    """The site refused us (403, 429). Reported and alerted, never worked around by
    switching host or faking identity."""


class FeedForbidden(FeedRefusal):
    """HTTP 403."""


class FeedThrottled(FeedUnavailable, FeedRefusal):
    """HTTP 429 still answered after the retries (each honoured ``Retry-After``)."""


class FeedHtmlPage(FeedFormatError):
    """An HTML page instead of JSON: a block page or a moved mirror; the next host may work."""
