"""Network edge towards the 1xBet feed and results service."""
