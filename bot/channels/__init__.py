"""Input channels. Each one only parses its own wire format and hands over to bot.gateway."""
