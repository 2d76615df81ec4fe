"""The command line's help: what a teacher reads in a terminal, as plain text."""

import pytest

from playground.serving.cli import main


def test_help_shows_no_restructuredtext_marks(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--help"])
    assert ended.value.code == 0
    shown = capsys.readouterr().out
    assert "flask-status-playground: serve the playground" in shown
    assert "`" not in shown, "reStructuredText backticks in --help"
