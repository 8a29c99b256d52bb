"""SQL backends (SQLAlchemy Core): PostgreSQL, MariaDB/MySQL, SQLite."""
