"""The action server (rasa-sdk): referrals from the service directory."""
