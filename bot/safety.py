"""The safety lines, for the Rasa server's modules (one loader: contract/safety_lines.py)."""

from __future__ import annotations

from contract.safety_lines import Helpline, SafetyLines, has_emergency_line, safety_lines

__all__ = ["Helpline", "SafetyLines", "has_emergency_line", "safety_lines"]
