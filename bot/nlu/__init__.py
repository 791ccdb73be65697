"""Custom NLU components (loaded by Rasa from config.yml)."""
