"""Finding the e2e suite's browser: look before installing, and say a recovered failure in one line."""

import pytest

from e2e import chromium


@pytest.fixture
def no_installs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every command the finder would run, running none; curl is taken as present."""
    ran: list[list[str]] = []

    def record(command: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
        ran.append(command)
        return False, "ERROR: Failed to download Chromium (offline)"

    monkeypatch.setattr(chromium, "quietly", record)
    monkeypatch.setattr(chromium, "ensure_curl", lambda: None)
    monkeypatch.setattr(chromium, "managed_chromium", lambda: None)
    monkeypatch.delenv("PLAYGROUND_CHROMIUM", raising=False)
    return ran


def test_a_system_chromium_that_starts_is_used_before_any_download(
    no_installs: list[list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(chromium, "system_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(chromium, "starts", lambda path: True)
    assert chromium.ensure() == "the system Chromium at /usr/bin/chromium"
    assert no_installs == []  # no `playwright install`, no apt-get update
    assert capsys.readouterr().out == ""


def test_a_failed_download_is_one_line(
    no_installs: list[list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(chromium, "system_chromium", lambda: None)
    monkeypatch.setattr(chromium, "can_apt_install", lambda: False)
    with pytest.raises(SystemExit, match="No Chromium was found and none could be installed"):
        chromium.ensure()
    assert no_installs == [[chromium.sys.executable, "-m", "playwright", "install", "chromium"]]
    said = capsys.readouterr().out.splitlines()
    assert said == [
        "+ python -m playwright install chromium",
        "  playwright install chromium failed: ERROR: Failed to download Chromium (offline)",
    ]
