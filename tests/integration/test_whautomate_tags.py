"""whautomate tags/add and tags/remove, and the workspace tag and location catalogues they keep exact."""


def _counts(services, ws):
    return {t.tag.casefold(): t.count for t in services.contacts.tag_counts(ws)}


def _locations(services, ws):
    return {(loc.id, loc.title): loc.count for loc in services.contacts.location_counts(ws)}


def test_add_and_remove_tags(whautomate):
    cid = whautomate.post("/v1/contacts", json={"name": "Tag Me", "phoneNumber": "0611111111", "tags": ["VIP"]}).json["id"]
    # Given tags with stray spaces and case variants
    added = whautomate.post(f"/v1/contacts/{cid}/tags/add", json={"tags": ["  vip ", "Paid  plan", "paid plan", "new"]})
    # Then they are trimmed and de-duplicated case-insensitively, the first spelling kept
    assert added.status == 200, added.text
    assert added.json == {"id": cid, "tags": ["VIP", "Paid plan", "new"]}
    removed = whautomate.post(f"/v1/contacts/{cid}/tags/remove", json={"tags": ["PAID PLAN", "absent"]})
    assert removed.status == 200 and removed.json == {"id": cid, "tags": ["VIP", "new"]}
    assert whautomate.get(f"/v1/contacts/{cid}").json["tags"] == ["VIP", "new"]
    # Empty lists are no-ops
    assert whautomate.post(f"/v1/contacts/{cid}/tags/add", json={"tags": []}).json["tags"] == ["VIP", "new"]
    assert whautomate.post(f"/v1/contacts/{cid}/tags/remove", json={"tags": []}).json["tags"] == ["VIP", "new"]
    # Up to the bound of 10 tags
    full = whautomate.post(f"/v1/contacts/{cid}/tags/add", json={"tags": [f"t{i}" for i in range(8)]})
    assert full.status == 200 and len(full.json["tags"]) == 10
    over = whautomate.post(f"/v1/contacts/{cid}/tags/add", json={"tags": ["one-too-many"]})
    assert over.status == 400 and over.json["field"] == "tags"
    assert whautomate.post(f"/v1/contacts/{cid}/tags/add", json={"tags": ["vip"]}).status == 200  # already there


def test_tag_catalogue_counts_stay_exact(whautomate, workspace, services):
    ws = workspace.workspace.id
    a = whautomate.post("/v1/contacts", json={"name": "A", "phoneNumber": "0611111111", "tags": ["vip", "paid"]}).json
    b = whautomate.post("/v1/contacts", json={"name": "B", "phoneNumber": "0622222222", "tags": ["VIP"]}).json
    assert _counts(services, ws) == {"vip": 2, "paid": 1}

    whautomate.post(f"/v1/contacts/{b['id']}/tags/add", json={"tags": ["paid", "vip", "new"]})
    assert _counts(services, ws) == {"vip": 2, "paid": 2, "new": 1}
    whautomate.post(f"/v1/contacts/{b['id']}/tags/add", json={"tags": ["NEW"]})  # no change, no double count
    assert _counts(services, ws) == {"vip": 2, "paid": 2, "new": 1}

    whautomate.post(f"/v1/contacts/{a['id']}/tags/remove", json={"tags": ["Paid", "never-there"]})
    assert _counts(services, ws) == {"vip": 2, "paid": 1, "new": 1}
    whautomate.post(f"/v1/contacts/{a['id']}/tags/remove", json={"tags": ["paid"]})  # already gone
    assert _counts(services, ws) == {"vip": 2, "paid": 1, "new": 1}

    # PUT replaces the whole set; omitting tags clears them
    whautomate.put(f"/v1/contacts/{a['id']}", json={"name": "A", "phoneNumber": "0611111111", "tags": ["new", "fresh"]})
    assert _counts(services, ws) == {"vip": 1, "paid": 1, "new": 2, "fresh": 1}
    whautomate.put(f"/v1/contacts/{b['id']}", json={"name": "B", "phoneNumber": "0622222222"})
    assert _counts(services, ws) == {"new": 1, "fresh": 1}

    # a rejected write changes no count
    assert whautomate.post(f"/v1/contacts/{a['id']}/tags/add", json={"tags": [f"x{i}" for i in range(9)]}).status == 400
    assert _counts(services, ws) == {"new": 1, "fresh": 1}

    whautomate.delete(f"/v1/contacts/{a['id']}")
    assert _counts(services, ws) == {}
    assert whautomate.get("/v1/contacts?tags=new").json == []


def test_location_catalogue_counts_stay_exact(whautomate, workspace, services):
    ws = workspace.workspace.id
    paris = {"id": "paris", "title": "Paris"}
    a = whautomate.post("/v1/contacts", json={"name": "A", "phoneNumber": "0611111111", "location": paris}).json
    b = whautomate.post("/v1/contacts", json={"name": "B", "phoneNumber": "0622222222", "location": paris}).json
    assert _locations(services, ws) == {("paris", "Paris"): 2}
    whautomate.put(f"/v1/contacts/{a['id']}", json={"name": "A", "phoneNumber": "0611111111",
                                                    "location": {"id": "lyon", "title": "Lyon"}})
    assert _locations(services, ws) == {("paris", "Paris"): 1, ("lyon", "Lyon"): 1}
    whautomate.put(f"/v1/contacts/{b['id']}", json={"name": "B", "phoneNumber": "0622222222",
                                                    "location": {"id": "paris", "title": "Paris 1er"}})
    assert _locations(services, ws) == {("paris", "Paris 1er"): 1, ("lyon", "Lyon"): 1}  # title follows
    whautomate.delete(f"/v1/contacts/{b['id']}")
    whautomate.put(f"/v1/contacts/{a['id']}", json={"name": "A", "phoneNumber": "0611111111"})
    assert _locations(services, ws) == {}
