"""The challenges' known mistakes, shared by the challenge tests and the class's results tests: where
each starting code first fails and why, and plausible wrong answers with the mistake each is named by.
"""

from playground.lab.challenges import get_challenge


def solution(challenge_id: str) -> str:
    return get_challenge(challenge_id).solution


def start(challenge_id: str) -> str:
    return get_challenge(challenge_id).starting_code


STARTS = {
    "accepted-202": (0, "answered 201 instead of 202"),
    "json-body": (0, "answered 200 without a JSON body (Content-Type: application/json)"),
    "method-not-allowed-405": (0, "answered 500 (TypeError) instead of 405"),
    "missing-field-422": (0, "answered 400 instead of 422"),
    "created-location": (0, "answered 201 without Location"),
    "see-other-303": (0, "answered 201 instead of 303"),
    "taken-username-409": (1, "answered 200 instead of 409"),
    "not-found-json-404": (0, "answered 500 (KeyError) instead of 404"),
    "delete-204": (0, "answered 200 instead of 204"),
    "not-modified-304": (0, "answered 200 without ETag"),
    "wrong-password-401": (1, "answered 403 instead of 401"),
    "rate-limit-429": (0, "answered 200 instead of 429"),
    "cookie-make-response": (0, "answered 200 without a username cookie"),
}
"""Where each starting code first fails, and why: what its task says is wrong with it."""


# Plausible wrong answers: each an edit of the solution (or of the starting code), the check it fails
# first, and the mistake that check names.
TAKEN = (
    "        if username in passwords:\n"
    '            return "That username is taken", 409, {"Access-Control-Allow-Origin": "*"}\n'
)
RATE = '            return "Too many sign-ups", 429, {"Retry-After": str(wait)}\n'
WRONG = [
    (
        "accepted-202",
        "only for the tutorial's username",
        start,
        [
            (
                '        return "Success", 201',
                '        if username == "sam":\n'
                '            return "Success", 202\n'
                '        return "Success", 201',
            )
        ],
        0,
        "answered 201 instead of 202",
    ),
    (
        "accepted-202",
        "changed the sign-up's status",
        start,
        [('return "Success", 200,', 'return "Success", 202,')],
        0,
        "answered 201 instead of 202",
    ),
    (
        "accepted-202",
        "changed the body too",
        solution,
        [('return "Success", 202', 'return "Accepted", 202')],
        0,
        "answered 202 without the body Success",
    ),
    (
        "json-body",
        "JSON text sent as HTML",
        solution,
        [
            (
                "return jsonify(username=username), 200",
                "return '{\"username\": \"' + username + '\"}', 200",
            )
        ],
        0,
        "answered 200 without a JSON body (Content-Type: application/json)",
    ),
    (
        "json-body",
        "the whole form echoed",
        solution,
        [("jsonify(username=username)", "jsonify(request.form)")],
        0,
        "answered 200 echoing the password",
    ),
    (
        "json-body",
        "the header dropped",
        solution,
        [
            (
                'return jsonify(username=username), 200, {"Access-Control-Allow-Origin": "*"}',
                "return jsonify(username=username)",
            )
        ],
        1,
        "answered 200 without Access-Control-Allow-Origin: *",
    ),
    (
        "method-not-allowed-405",
        "abort(405) in the view",
        start,
        [
            ("Flask, make_response", "Flask, abort, make_response"),
            ('        return "Success", 201\n', '        return "Success", 201\n    abort(405)\n'),
        ],
        0,
        "answered 405 without Allow",
    ),
    (
        "method-not-allowed-405",
        "an Allow that lists GET",
        start,
        [
            (
                '        return "Success", 201\n',
                '        return "Success", 201\n'
                '    return "Method Not Allowed", 405, {"Allow": "GET, POST"}\n',
            )
        ],
        0,
        "answered 405 with an Allow that lists a refused method",
    ),
    (
        "missing-field-422",
        "400 naming the field",
        solution,
        [("field=field), 422", "field=field), 400")],
        0,
        "answered 400 instead of 422",
    ),
    (
        "missing-field-422",
        "422 without naming the field",
        solution,
        [
            (
                'jsonify(error=f"{field} is missing", field=field)',
                'jsonify(error="A field is missing")',
            )
        ],
        0,
        "answered 422 without naming the missing field",
    ),
    (
        "missing-field-422",
        "422 naming every field",
        solution,
        [
            (
                'jsonify(error=f"{field} is missing", field=field)',
                'jsonify(error="username, firstname and lastname are required")',
            )
        ],
        0,
        "answered 422 naming a field that was sent",
    ),
    (
        "missing-field-422",
        "only lastname handled",
        start,
        [
            ("Flask, make_response", "Flask, jsonify, make_response"),
            (
                '        lastname = request.form["lastname"]\n',
                '        if "lastname" not in request.form:\n'
                '            return jsonify(error="lastname is missing"), 422\n'
                '        lastname = request.form["lastname"]\n',
            ),
        ],
        1,
        "answered 201 instead of 422",
    ),
    (
        "created-location",
        "a Location hard-coded",
        solution,
        [
            (
                'url_for("user_page", username=username)',
                '"/users/sam"',
            )
        ],
        0,
        "answered 201 with a Location that isn't the user's page",
    ),
    (
        "created-location",
        "200 with a Location",
        solution,
        [('"Success", 201', '"Success", 200')],
        0,
        "answered 200 instead of 201",
    ),
    (
        "see-other-303",
        "redirect()'s default 302",
        solution,
        [("username=username), 303)", "username=username))")],
        0,
        "answered 302 instead of 303",
    ),
    (
        "see-other-303",
        "303 without Location",
        solution,
        [
            (
                'redirect(url_for("user_page", username=username), 303)',
                '"See Other", 303',
            )
        ],
        0,
        "answered 303 without Location",
    ),
    (
        "taken-username-409",
        "400 for a taken username",
        solution,
        [('taken", 409', 'taken", 400')],
        1,
        "answered 400 instead of 409",
    ),
    (
        "taken-username-409",
        "only the tutorial's username taken",
        start,
        [
            (
                "        passwords[username] = password\n",
                '        if username == "sam":\n'
                '            return "That username is taken", 409\n'
                "        passwords[username] = password\n",
            )
        ],
        1,
        "answered 200 instead of 409",
    ),
    (
        "taken-username-409",
        "every sign-up after the first refused",
        solution,
        [("        if username in passwords:\n", "        if passwords:\n")],
        0,
        "answered 409 instead of 200",
    ),
    (
        "not-found-json-404",
        "a JSON 404 from the view, no handler",
        start,
        [
            (
                "def user_page(username):\n",
                "def user_page(username):\n"
                "    if username not in users:\n"
                '        return jsonify(error="not found"), 404\n',
            )
        ],
        1,
        "answered 404 without a JSON body",
    ),
    (
        "not-found-json-404",
        "a handler that forgets its status",
        solution,
        [
            (
                '    return jsonify(error="not found"), 404\n',
                '    return jsonify(error="not found")\n',
            )
        ],
        0,
        "answered 200 instead of 404",
    ),
    (
        "delete-204",
        "200 with an empty body",
        solution,
        [('return "", 204', 'return "", 200')],
        0,
        "answered 200 instead of 204",
    ),
    (
        "delete-204",
        "204 without deleting",
        solution,
        [("    del users[username]\n", "")],
        1,
        "answered 200 instead of 404",
    ),
    (
        "not-modified-304",
        "one ETag for every page",
        solution,
        [("response.add_etag()", 'response.set_etag("v1")')],
        1,
        "answered 304 instead of 200",
    ),
    (
        "not-modified-304",
        "304 for any If-None-Match",
        solution,
        [
            (
                "    return response.make_conditional(request)\n",
                '    if "If-None-Match" in request.headers:\n        return "", 304\n    return response\n',
            )
        ],
        1,
        "answered 304 instead of 200",
    ),
    (
        "wrong-password-401",
        "401 without WWW-Authenticate",
        solution,
        [
            (
                ', 401, {"WWW-Authenticate": \'Basic realm="accounts"\'}',
                ", 401",
            )
        ],
        1,
        "answered 401 without WWW-Authenticate",
    ),
    (
        "wrong-password-401",
        "only the tutorial's user lets in",
        solution,
        [
            (
                'auth.type != "basic" or passwords.get(auth.username) != auth.password',
                'auth.username != "sam" or auth.password != "secret"',
            )
        ],
        0,
        "answered 401 instead of 200",
    ),
    (
        "wrong-password-401",
        "a Bearer token lets in",
        solution,
        [(' or auth.type != "basic"', "")],
        2,
        "answered 200 instead of 401",
    ),
    (
        "rate-limit-429",
        "429 without Retry-After",
        solution,
        [(RATE, '            return "Too many sign-ups", 429\n')],
        0,
        "answered 429 without Retry-After",
    ),
    (
        "rate-limit-429",
        "one count for every address",
        solution,
        [
            ("recent.get(request.remote_addr, [])", 'recent.get("all", [])'),
            ("recent[request.remote_addr] =", 'recent["all"] ='),
        ],
        1,
        "answered 429 instead of 200",
    ),
    (
        "rate-limit-429",
        "a Retry-After in words",
        solution,
        [
            ('{"Retry-After": str(wait)}', '{"Retry-After": "in a minute"}'),
        ],
        0,
        "answered 429 with a Retry-After that is neither seconds nor a date",
    ),
    (
        "cookie-make-response",
        "a cookie without HttpOnly",
        solution,
        [("httponly=True, ", "")],
        1,
        "answered 200 with a cookie without HttpOnly",
    ),
    (
        "cookie-make-response",
        "SameSite=None",
        solution,
        [('samesite="Lax"', 'samesite="None"')],
        1,
        "answered 200 with a cookie without SameSite=Lax or Strict",
    ),
    (
        "cookie-make-response",
        "the tutorial's username in the cookie",
        solution,
        [('"username", username,', '"username", "sam",')],
        0,
        "answered 200 with a cookie that isn't the username sent",
    ),
]
