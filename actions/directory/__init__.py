"""The service directory: independent services people can be referred to.

data/services.yml is the source of truth; it is loaded into a SQL database (SQLite by default,
PostgreSQL with DATABASE_URL) when the action server starts, so several action servers can share
one reviewed copy and the same queries serve the bot, the CLI and the benchmarks.

Modules: catalogue (read the file), contacts (phone/email/URL rules), hours (open now), models
(tables), store (engine and loading), listing (read-only view of a service), queries (SQL),
ranking (order and limits), finder (the one entry point actions use), render (per channel),
fallback (static helplines when the database fails), validate and cli (for reviewers).
"""
