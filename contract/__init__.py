"""What the Rasa server (`bot/`) and the action server (`actions/`) must agree on, defined once.

A leaf package: it imports neither Rasa, nor Sanic, nor rasa-sdk, nor `bot/` or `actions/`, so
both processes can import it and a test (tests/contract/test_layers.py) keeps it that way.
"""
