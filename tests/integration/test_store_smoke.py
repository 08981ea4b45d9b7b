from contacthub.ports import ContactQuery


def test_create_search_update_delete(workspace, services):
    ws = workspace.workspace.id
    c = services.contacts.create(ws, {"name": "Élodie Dubois", "emails": ["Elodie@Acme.example"],
                                      "phones": ["+33 6 12 34 56 78"], "company": "Acme Corp", "tags": ["VIP"]})
    assert c.number == 1 and c.first_name == "Élodie" and c.phones[0].e164 == "+33612345678"
    assert [x.id for x in services.contacts.search(ws, ContactQuery(person="elo")).items] == [c.id]
    assert [x.id for x in services.contacts.search(ws, ContactQuery(text="06 12 34")).items] == [c.id]
    assert services.contacts.search(ws, ContactQuery(), with_total=True).total == 1
    c2 = services.contacts.update(ws, c.id, {"name": "Marie Curie", "tags": ["Lead"]})
    assert c2.version == c.version + 1 and c2.first_name == "Marie"
    assert services.contacts.search(ws, ContactQuery(name="dub")).items == []
    assert [t.tag for t in services.contacts.tag_counts(ws)] == ["Lead"]
    services.contacts.delete(ws, c.id)
    assert services.contacts.search(ws, ContactQuery(person="mar"), with_total=True).total == 0
    assert services.contacts.search(ws, ContactQuery(), with_total=True).total == 0
