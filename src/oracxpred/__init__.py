"""OracXPred Collector: stores every finished 1xBet virtual-football match exactly once."""

__version__ = "0.1.0"
