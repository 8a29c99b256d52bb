"""Storage backends behind one ``Store`` interface (``base.py``)."""
