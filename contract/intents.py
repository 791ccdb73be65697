"""Intent, entity and response names the code relies on (the rest live only in the domain)."""

from __future__ import annotations

DANGER = "danger_now"
NATION = "inform_nation"
DELETE_CHAT = "delete_chat"
FALLBACK = "nlu_fallback"
FIND_HELP = "find_help"
LANGUAGE_HELP = "ask_language_help"

# The entity the danger detector sets, holding the kind of danger (contract/danger.py).
DANGER_ENTITY = "danger"

UTTER_DANGER = "utter_danger"
UTTER_DELETED = "utter_chat_deleted"
UTTER_CONFIRM_DELETE = "utter_confirm_delete"
# The payloads that delete a conversation: asked for, then confirmed (data/rules/conversation.yml).
DELETE_PAYLOAD = f"/{DELETE_CHAT}"
CONFIRM_PAYLOAD = "/affirm"
UTTER_DEFAULT = "utter_default"

# Intents answered by a response of their own whose name is not utter_answer_<topic>.
RESPONSE_FOR = {DELETE_CHAT: UTTER_CONFIRM_DELETE, DANGER: UTTER_DANGER, FALLBACK: UTTER_DEFAULT}

# Custom actions the Rasa server calls by name.
ACTION_REFER = "action_refer"

# Responses no rule names because code sends them: the low-confidence reply (action_fallback_choice)
# and Rasa's own action_default_fallback. `make validate` (tooling/validate.py) knows them as used.
UTTER_FALLBACK_ACK = "utter_fallback_ack"
UTTER_FALLBACK_CHOOSE = "utter_fallback_choose"
UTTER_FALLBACK_ALSO = "utter_fallback_also"
UTTER_FALLBACK_HELPLINE = "utter_fallback_helpline"
SENT_BY_CODE = (UTTER_DEFAULT, UTTER_FALLBACK_ACK, UTTER_FALLBACK_CHOOSE, UTTER_FALLBACK_ALSO, UTTER_FALLBACK_HELPLINE)
