"""Release audit of the REST dialects: inputs that used to end in a 500 now get a 4xx (or work) and never
leave a half-written store behind. Each test names the defect it pins down."""
import pytest
from client import ApiClient

# Beyond the Basic Multilingual Plane: 4 bytes in UTF-8 each, and left alone by case and accent folding.
CJK_EXT_B = "\U00020000"
# One character that accent folding (NFKD) expands to 18: a 50-character tag folds to 900 characters.
EXPANDS_WHEN_FOLDED = "\ufdfa"

DIALECT_CREATES = [
    ("letsligo", "Authorization", "/api/contacts", {"name": "Probe"}),
    ("skarbe", "X-Api-Key", "/api/connect/contacts", {"firstName": "Probe"}),
    ("whautomate", "x-api-key", "/v1/contacts", {"name": "Probe", "phoneNumber": "+44 20 7946 0958"}),
]


def _client(workspace, header):
    return ApiClient(workspace.key, header=header)


def _error_shape(dialect, body):
    if dialect == "letsligo":
        return body["@type"] in ("hydra:Error", "ConstraintViolationList")
    return "error" in body


def _contact_count(letsligo) -> int:
    return letsligo.get("/api/contacts").json["hydra:totalItems"]


@pytest.mark.parametrize("dialect,header,path,_fields", DIALECT_CREATES)
def test_deeply_nested_json_is_a_400_not_a_500(workspace, letsligo, dialect, header, path, _fields):
    # Given a body nested deeper than the JSON decoder recurses (it raised RecursionError: a 500)
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    # When it is sent
    reply = _client(workspace, header).post(path, body=body, headers={"Content-Type": "application/json"})
    # Then a 400 in the dialect's own error shape, and nothing is written
    assert reply.status == 400, reply.text
    assert _error_shape(dialect, reply.json)
    assert _contact_count(letsligo) == 0


@pytest.mark.parametrize("dialect,header,path,_fields", DIALECT_CREATES)
def test_body_that_is_not_utf8_is_a_400_not_a_500(workspace, letsligo, dialect, header, path, _fields):
    # Given bytes that are not UTF-8 (API Gateway hands them over base64-encoded; decoding them was a 500)
    body = b'{"name": "\xff\xfe", "firstName": "\xff", "phoneNumber": "123456"}'
    reply = _client(workspace, header).post(path, body=body, headers={"Content-Type": "application/json"})
    # Then a 400 in the dialect's own error shape, and nothing is written
    assert reply.status == 400, reply.text
    assert _error_shape(dialect, reply.json)
    assert _contact_count(letsligo) == 0


@pytest.mark.parametrize("dialect,header,path,fields", DIALECT_CREATES)
def test_long_name_of_four_byte_characters_is_stored_and_found(workspace, letsligo, dialect, header, path, fields):
    # Given a name whose single word is 255 four-byte characters (its index key passed DynamoDB's 1,024-byte
    # sort key limit: the transaction failed with a 500)
    name_field = "firstName" if dialect == "skarbe" else "name"
    word = CJK_EXT_B * 255
    reply = _client(workspace, header).post(path, json={**fields, name_field: word})
    # Then it is created
    assert reply.status in (200, 201), reply.text
    # And found by a prefix of it, and by the whole word
    assert letsligo.get(f"/api/contacts?name={CJK_EXT_B * 3}").json["hydra:totalItems"] == 1
    assert letsligo.get(f"/api/contacts?name={CJK_EXT_B * 100}").json["hydra:totalItems"] == 1


def test_tag_that_folds_to_a_long_key_is_added_and_filtered(workspace):
    wa = _client(workspace, "x-api-key")
    cid = wa.post("/v1/contacts", json={"name": "Tagged", "phoneNumber": "+44 20 7946 0958"}).json["id"]
    long_tag = EXPANDS_WHEN_FOLDED * 50
    # When a 50-character tag whose folded key is 900 characters (2,700 bytes) is added (was a 500)
    added = wa.post(f"/v1/contacts/{cid}/tags/add", json={"tags": [long_tag, "vip"]})
    # Then it is kept, and filtering on it finds the contact
    assert added.status == 200, added.text
    assert added.json["tags"] == [long_tag, "vip"]
    assert [c["id"] for c in wa.get(f"/v1/contacts?tags={long_tag},vip").json] == [cid]
    # And removing it works too
    removed = wa.post(f"/v1/contacts/{cid}/tags/remove", json={"tags": [long_tag]})
    assert removed.status == 200 and removed.json["tags"] == ["vip"]
    assert wa.get(f"/v1/contacts?tags={long_tag}").json == []


def test_long_location_ids_of_four_byte_characters_stay_distinct(workspace):
    wa = _client(workspace, "x-api-key")
    # Given two location ids of 255 four-byte characters that differ only in their last one (was a 500)
    first, second = CJK_EXT_B * 255, CJK_EXT_B * 254 + "x"
    created = [wa.post("/v1/contacts", json={"name": f"At {i}", "phoneNumber": "+44 20 7946 0958",
                                             "location": {"id": loc, "title": "Far"}})
               for i, loc in enumerate((first, second))]
    assert [r.status for r in created] == [200, 200], created[0].text
    # Then each locationId filter finds its own contact only
    assert [c["id"] for c in wa.get(f"/v1/contacts?locationId={first}").json] == [created[0].json["id"]]
    assert [c["id"] for c in wa.get(f"/v1/contacts?locationId={second}").json] == [created[1].json["id"]]


def test_long_searches_never_fail(letsligo, workspace):
    # Search terms whose index prefix would pass the sort key limit are answered, not refused by DynamoDB.
    letsligo.post("/api/contacts", json={"name": "Anna", "emails": ["anna@example.com"]})
    assert letsligo.get(f"/api/contacts?email={CJK_EXT_B * 254}").status == 200
    assert letsligo.get(f"/api/contacts?name={EXPANDS_WHEN_FOLDED * 100}").status == 200
    wa = _client(workspace, "x-api-key")
    assert wa.get(f"/v1/contacts?locationId={CJK_EXT_B * 255}").status == 200
    assert wa.get(f"/v1/contacts?searchText={EXPANDS_WHEN_FOLDED * 100}").status == 200


def test_every_index_key_fits_a_dynamodb_sort_key():
    # moto checks the keys a transaction writes but not a Query's key condition: DynamoDB checks both.
    from contacthub.store import search_index as idx

    worst = ["#" * 2000, CJK_EXT_B * 2000, EXPANDS_WHEN_FOLDED * 2000, "%" * 2000]
    cid = "123e4567-e89b-12d3-a456-426614174000"
    for kind in idx.PREFIX_KINDS + idx.FACET_KINDS:
        for value in worst:
            for key in (idx.entry_key(kind, value, cid), idx.prefix_key(kind, value), idx.exact_key(kind, value)):
                assert len(key.encode("utf-8")) <= 1024, (kind, len(key.encode("utf-8")))
    # Long facet values stay distinct; short ones are unchanged (so existing keys still match).
    assert idx.exact_part(CJK_EXT_B * 255) != idx.exact_part(CJK_EXT_B * 254 + "x")
    assert idx.exact_part("vip#1") == "vip%231" and idx.prefix_part("anna") == "anna"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_task_payload_with_a_non_finite_number_is_refused(letsligo, number):
    # Given a task payload holding a number JSON cannot carry (it was stored and echoed as bare NaN: every
    # later read of the task, and the task list, was no longer valid JSON for a client)
    cid = letsligo.post("/api/contacts", json={"name": "Task Owner"}).json["id"]
    body = ('{"contact": "/api/contacts/%s", "title": "Call", "dueDate": "2025-03-20T10:00:00+00:00", '
            '"payload": {"score": %s}}' % (cid, number))
    reply = letsligo.post("/api/contact_tasks", body=body, headers={"Content-Type": "application/json"})
    # Then a 422 naming the payload, and no task is written
    assert reply.status == 422, reply.text
    assert reply.json["violations"][0]["propertyPath"] == "payload"
    assert letsligo.get("/api/contact_tasks").json["hydra:totalItems"] == 0


WRITES = [  # (dialect header, method, path template, a valid body): every REST write that takes a JSON object
    ("Authorization", "POST", "/api/contacts", {"name": "First"}),
    ("Authorization", "PATCH", "/api/contacts/{letsligo}", {"name": "First"}),
    ("Authorization", "POST", "/api/contacts/prepare", {"text": "Marie Dubois"}),
    ("Authorization", "POST", "/api/contact_tasks", {"contact": "/api/contacts/{letsligo}", "title": "Call",
                                                     "dueDate": "2025-03-20T10:00:00+00:00"}),
    ("X-Api-Key", "POST", "/api/connect/contacts", {"firstName": "First"}),
    ("x-api-key", "POST", "/v1/contacts", {"name": "First", "phoneNumber": "+44 20 7946 0958"}),
    ("x-api-key", "PUT", "/v1/contacts/{whautomate}", {"name": "First", "phoneNumber": "+44 20 7946 0958"}),
    ("x-api-key", "POST", "/v1/contacts/{whautomate}/tags/add", {"tags": ["vip"]}),
]


def _probe(workspace, letsligo, header, method, path, body_text):
    from test_storable_input import stored_items

    existing = letsligo.post("/api/contacts", json={"name": "Existing"}).json
    ids = {"letsligo": existing["id"], "whautomate": existing["id"]}
    before = stored_items(workspace)
    headers = {"Content-Type": "application/merge-patch+json" if method == "PATCH" else "application/json"}
    reply = _client(workspace, header).request(method, path.format(**ids), body=body_text.replace(
        "{letsligo}", ids["letsligo"]), headers=headers)
    return reply, before, stored_items(workspace)


@pytest.mark.parametrize("header,method,path,body", WRITES)
def test_a_body_that_is_not_a_json_object_is_a_400_and_writes_nothing(workspace, letsligo, header, method, path,
                                                                       body):
    # Given a valid body wrapped in an array (powertools kept its first element: "First" was created)
    import json

    reply, before, after = _probe(workspace, letsligo, header, method, path, json.dumps([body, body]))
    # Then a 400 in the dialect's own error shape, and nothing is written
    assert reply.status == 400, reply.text
    assert _error_shape("letsligo" if header == "Authorization" else "other", reply.json)
    assert after == before


@pytest.mark.parametrize("top_level", ["null", "1", "true", '"x"', "[]"])
def test_no_top_level_json_type_but_an_object_is_accepted(workspace, letsligo, top_level):
    reply, before, after = _probe(workspace, letsligo, "Authorization", "POST", "/api/contacts", top_level)
    assert reply.status == 400 and "must be a JSON object" in reply.json["detail"], reply.text
    assert after == before


@pytest.mark.parametrize("header,method,path,body", WRITES)
def test_an_integer_literal_of_thousands_of_digits_is_a_400(workspace, letsligo, header, method, path, body):
    # Given 5,000 digits where a number may go (int() raised ValueError while decoding: a 500)
    import json

    text = json.dumps({**body, "extra": 1}).replace('"extra": 1', '"extra": ' + "9" * 5000)
    reply, before, after = _probe(workspace, letsligo, header, method, path, text)
    assert reply.status == 400, reply.text
    assert _error_shape("letsligo" if header == "Authorization" else "other", reply.json)
    assert after == before


def test_integers_a_store_can_hold_are_still_read(letsligo):
    cid = letsligo.post("/api/contacts", json={"name": "Task Owner"}).json["id"]
    reply = letsligo.post("/api/contact_tasks", json={"contact": f"/api/contacts/{cid}", "title": "Call",
                                                      "dueDate": "2025-03-20T10:00:00+00:00",
                                                      "payload": {"n": -(10 ** 37)}})
    assert reply.status == 201 and reply.json["payload"] == {"n": -(10 ** 37)}, reply.text


@pytest.mark.parametrize("header", ["X-Api-Key", "x-api-key", "Authorization"])
@pytest.mark.parametrize("padding", [" ", "\t", "  "])
def test_an_api_key_with_surrounding_whitespace_is_accepted_in_every_header(workspace, header, padding):
    # Given the key with a trailing (or leading) space (X-Api-Key refused it while Bearer tolerated it)
    value = f"{padding}{workspace.key}{padding}"
    value = f"Bearer {value}" if header == "Authorization" else value
    # When each dialect is called with it
    for path in ("/api/contacts", "/api/connect/me", "/v1/contacts"):
        reply = ApiClient(None).get(path, headers={header: value})
        # Then it is the same workspace as without the spaces
        assert reply.status == 200, (path, reply.text)


def test_a_blank_api_key_is_still_missing(workspace):
    reply = ApiClient(None).get("/v1/contacts", headers={"x-api-key": "   "})
    assert reply.status == 401, reply.text


@pytest.mark.parametrize("media_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"])
def test_an_empty_body_under_any_content_type_is_a_4xx(workspace, media_type):
    # An empty body skipped the content-type check, then powertools refused the type with an unhandled error: 500
    client = ApiClient(workspace.key)
    cid = client.post("/api/contacts", json={"name": "Ana"}).json["id"]
    reply = client.post(f"/api/contacts/{cid}/emails/prepare", body="", headers={"Content-Type": media_type})
    assert 400 <= reply.status < 500, reply.text
