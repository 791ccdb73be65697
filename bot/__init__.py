"""Code loaded by the Rasa server: channels, redaction, pseudonymous ids, safety net, stores."""
