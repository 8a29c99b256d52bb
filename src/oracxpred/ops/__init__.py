"""Operations: mirror diagnostics (``doctor``) and alerts; nothing here runs in ``core/``."""
