"""`make validate`: Rasa's project validation, stricter on one side and told one thing it cannot see.

Rasa 3.6 prints a warning for a response no story or rule names, but never fails on it, even with
--fail-on-warnings. Here every warning fails the run, except for the responses the code sends
itself (contract.intents.SENT_BY_CODE), which no rule can name, and for the warnings Rasa itself
raises on every project and hides (rasa.utils.common.EXPECTED_WARNINGS).
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings

from contract.intents import SENT_BY_CODE


def _expected(warning: warnings.WarningMessage) -> bool:
    from rasa.utils.common import EXPECTED_WARNINGS

    message = str(warning.message)
    if any(f"'{name}' is not used in any story or rule" in message for name in SENT_BY_CODE):
        return True
    return any(issubclass(warning.category, kind) and re.match(text, message) for kind, text in EXPECTED_WARNINGS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domain", default="domain.yml")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--data", nargs="+", required=True)
    args = parser.parse_args(argv)

    from rasa.cli.utils import validate_files
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_dict(
        config_path=args.config, domain_path=args.domain, training_data_paths=args.data
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validate_files(fail_on_warnings=True, max_history=None, importer=importer)
    unexpected = [w for w in caught if issubclass(w.category, UserWarning) and not _expected(w)]
    for warning in unexpected:
        print(f"validation warning: {warning.message}", file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
