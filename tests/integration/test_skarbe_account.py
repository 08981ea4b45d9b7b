"""skarbe lead statuses and /me through the real handler."""

from client import ApiClient

LEAD_STATUSES_EXAMPLE = [{"id": 1, "type": "lead", "label": "New Lead", "color": "#3B82F6", "order": 1},
                         {"id": 2, "type": "qualified", "label": "Qualified Lead", "color": "#10B981", "order": 2}]


def test_new_workspace_lead_statuses_match_the_doc(skarbe):
    reply = skarbe.get("/api/connect/contacts/lead-statuses")
    assert reply.status == 200
    assert reply.json[:2] == LEAD_STATUSES_EXAMPLE
    assert [s["order"] for s in reply.json] == list(range(1, len(reply.json) + 1))
    assert all(set(s) == {"id", "type", "label", "color", "order"} for s in reply.json)


def test_lead_statuses_follow_the_pipeline(skarbe, services, workspace):
    ws = workspace.workspace.id
    added = services.pipeline.create(ws, "Nurturing", "#f59e0b", position=0)
    statuses = skarbe.get("/api/connect/contacts/lead-statuses").json
    assert statuses[0] == {"id": added.number, "type": "lead", "label": "Nurturing", "color": "#F59E0B", "order": 1}
    assert [s["label"] for s in statuses[1:3]] == ["New Lead", "Qualified Lead"]
    assert [s["order"] for s in statuses] == [1, 2, 3, 4, 5]


def test_me_reports_the_keys_user_and_workspace(skarbe, other_skarbe):
    assert skarbe.get("/api/connect/me").json == {"details": {"name": "John Admin", "email": "john@acme.example"},
                                                  "workspace": {"name": "Acme Corporation"}}
    theirs = other_skarbe.get("/api/connect/me").json
    assert theirs == {"details": {"name": "Hank Scorpio", "email": "hank@globex.example"},
                      "workspace": {"name": "Globex"}}


def test_each_key_reports_its_own_user(services, workspace):
    second = services.workspaces.create_key("Acme Corporation", "Jane Ops", "jane@acme.example")
    me = ApiClient(second.key, header="X-Api-Key").get("/api/connect/me").json
    assert me == {"details": {"name": "Jane Ops", "email": "jane@acme.example"}, "workspace": {"name": "Acme Corporation"}}


def test_unknown_paths_and_methods_answer_in_the_error_shape(skarbe):
    from contacthub.api.skarbe.handler import lambda_handler
    from client import LambdaContext

    event = {"resource": "/api/connect/contacts", "path": "/api/connect/contacts", "httpMethod": "DELETE",
             "headers": {"X-Api-Key": skarbe.key}, "multiValueHeaders": {"X-Api-Key": [skarbe.key]},
             "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
             "requestContext": {"resourcePath": "/api/connect/contacts", "httpMethod": "DELETE", "stage": "test",
                                "requestId": "r", "identity": {"sourceIp": "127.0.0.1"}},
             "body": None, "isBase64Encoded": False}
    reply = lambda_handler(event, LambdaContext())
    assert reply["statusCode"] in (404, 405) and '"error"' in reply["body"]
