"""Command-line tools that talk to a running server (no Rasa imports)."""
