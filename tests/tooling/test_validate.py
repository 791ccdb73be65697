"""`make validate` fails on a response nothing sends, and passes the project as it is."""

from __future__ import annotations

from pathlib import Path

from tooling.validate import main

DOMAIN = """version: "3.1"
intents: [greet]
responses:
  utter_greet:
  - text: Hello.
  utter_forgotten:
  - text: Nobody sends this.
"""
RULES = """version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
"""
NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
"""


def test_a_response_no_rule_sends_fails_validation(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "nlu.yml").write_text(NLU)
    config = Path(__file__).resolve().parents[2] / "config.yml"
    data = [str(tmp_path / "rules.yml"), str(tmp_path / "nlu.yml")]
    assert main(["--domain", str(tmp_path / "domain.yml"), "--config", str(config), "--data", *data]) == 1
    (tmp_path / "domain.yml").write_text(DOMAIN.split("  utter_forgotten")[0])
    assert main(["--domain", str(tmp_path / "domain.yml"), "--config", str(config), "--data", *data]) == 0
