"""Channel-neutral text messaging: encodings and budgets, lock-screen rules, the composer, keywords
and the per-conversation state (STOP, numbered options, MORE pages). The Twilio transports
(bot/channels/sms.py, bot/channels/whatsapp.py) only parse, sign-check and answer in TwiML."""
