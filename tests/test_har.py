"""GET /api/exchanges.har: the log as HAR 1.2, valid against the HAR schema, masked like the API."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.har import assert_valid_har


def send_everything(client: FlaskClient) -> None:
    client.post("/userSignUp", data={"username": "sam", "password": "hunter22"})
    client.post("/userDetails", data={"username": "sam"}, content_type="multipart/form-data")
    client.post("/userDetails", json={"lastname": "king", "password": "hunter22"})
    client.get("/userDetails?pass%77ord=hunter22&firstname=j")
    client.get("/status/302")
    client.options("/userSignUp", headers={"Authorization": "Bearer hunter22", "X-Api-Key": "hunter22"})
    client.post(
        "/userDetails", data=b"lastname=" + b"k" * 10_000, content_type="application/x-www-form-urlencoded"
    )
    client.delete("/make_response/userSignUp")


def test_the_whole_log_is_valid_har_1_2_with_secrets_masked(client: FlaskClient) -> None:
    send_everything(client)
    response = client.get("/api/exchanges.har")
    assert response.headers["Content-Disposition"] == 'attachment; filename="playground-exchanges.har"'
    har = response.json
    assert_valid_har(har)
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "Flask Status Playground"
    assert len(log["entries"]) == 8
    assert "hunter22" not in response.get_data(as_text=True)
    first = log["entries"][0]
    assert first["request"]["postData"]["text"] == "username=sam&password=•••••• (8 chars)"
    assert first["response"]["status"] == 200 and first["response"]["content"]["text"] == "Success"
    assert first["request"]["url"].startswith("http://localhost/userSignUp")
    redirect = log["entries"][4]
    assert redirect["response"]["redirectURL"] == "/status/200"
    cut = log["entries"][6]
    assert cut["request"]["bodySize"] == 10_009 and "comment" in cut["request"]["postData"]


def test_what_is_unknown_is_minus_one(client: FlaskClient) -> None:
    client.post("/userSignUp")
    (entry,) = client.get("/api/exchanges.har").json["log"]["entries"]
    assert entry["request"]["headersSize"] == -1 and entry["response"]["headersSize"] == -1
    timings = entry["timings"]
    assert timings["dns"] == timings["connect"] == timings["ssl"] == timings["blocked"] == -1
    assert entry["time"] == timings["send"] + timings["wait"] + timings["receive"]


def test_the_export_follows_the_live_logs_filters(client: FlaskClient) -> None:
    send_everything(client)
    only_details = client.get("/api/exchanges.har?path=/userDetails").json
    assert {e["request"]["url"].split("?")[0] for e in only_details["log"]["entries"]} == {
        "http://localhost/userDetails"
    }
    errors = client.get("/api/exchanges.har?class=4").json
    assert errors["log"]["entries"] and all(
        400 <= e["response"]["status"] < 500 for e in errors["log"]["entries"]
    )
    assert_valid_har(errors)


def test_one_exchange_as_har(client: FlaskClient) -> None:
    client.post("/userSignUp")
    one = client.get("/api/exchanges/1.har")
    assert one.headers["Content-Disposition"] == 'attachment; filename="playground-exchange-1.har"'
    assert_valid_har(one.json)
    assert client.get("/api/exchanges/2.har").status_code == 404


def test_a_student_export_hides_other_clients(app: Flask) -> None:
    app.test_client().post(
        "/userSignUp", headers={"User-Agent": "Classmate/1"}, environ_base={"REMOTE_ADDR": "10.0.0.7"}
    )
    har = (
        app.test_client()
        .get("/api/exchanges.har", environ_base={"REMOTE_ADDR": "10.0.0.8"})
        .get_data(as_text=True)
    )
    assert "Classmate" not in har and "10.0.0.7" not in har


def test_the_validator_does_reject_a_broken_har() -> None:
    with pytest.raises(AssertionError):
        assert_valid_har({"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [{"time": 1}]}})
