"""scalable_moto's version guard and install: a moto upgrade must fail here, loudly, until reviewed."""
import moto
import pytest

from contacthub_local import scalable_moto


def test_installed_moto_is_the_one_the_patches_were_written_for():
    scalable_moto.check_compatible()  # on failure: review the patched functions against the new moto


@pytest.fixture
def unpatched():
    was_installed = scalable_moto.installed()
    scalable_moto.uninstall()
    yield
    (scalable_moto.install if was_installed else scalable_moto.uninstall)()


def test_install_refuses_another_moto_version(unpatched, monkeypatch):
    monkeypatch.setattr(moto, "__version__", "5.2.6")
    with pytest.raises(scalable_moto.IncompatibleMoto, match="moto 5.2.6 is installed"):
        scalable_moto.install()
    assert not scalable_moto.installed()


def test_install_refuses_changed_internals(unpatched, monkeypatch):
    path = "moto.dynamodb.models.table.Table.query"
    monkeypatch.setitem(scalable_moto._EXPECTED_SOURCES, path, "0" * 64)
    with pytest.raises(scalable_moto.IncompatibleMoto, match="Table.query: source changed"):
        scalable_moto.install()
    monkeypatch.setitem(scalable_moto._EXPECTED_SOURCES, "moto.dynamodb.models.table.Table.vanished", "0" * 64)
    with pytest.raises(scalable_moto.IncompatibleMoto, match="Table.vanished: missing"):
        scalable_moto.check_compatible()


def test_install_is_idempotent_and_reversible(unpatched):
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    scalable_moto.install()
    patched_query = Table.query
    scalable_moto.install()
    assert Table.query is patched_query is not original_query
    assert DynamoDBBackend.transact_write_items is scalable_moto._transact_write_items
    scalable_moto.check_compatible()  # still compares moto's own sources once patched
    scalable_moto.uninstall()
    assert Table.query is original_query


def test_items_and_stream_records_are_not_kept_for_the_dashboard(unpatched):
    """moto's BaseModel lists every instance; per-call models must not pile up while the patches are on."""
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamRecord

    def grown_by_writes() -> tuple[int, int]:
        with mock_aws():  # which empties the lists when it ends: count inside
            items, records = len(Item.instances_tracked), len(StreamRecord.instances_tracked)
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            for n in range(20):
                client.put_item(TableName="t", Item={"pk": {"S": str(n % 5)}, "n": {"N": str(n)}})
                client.get_item(TableName="t", Key={"pk": {"S": str(n % 5)}})
            return len(Item.instances_tracked) - items, len(StreamRecord.instances_tracked) - records

    assert all(grown_by_writes())  # moto as released keeps them
    scalable_moto.install()
    assert grown_by_writes() == (0, 0)
    scalable_moto.uninstall()
    assert all(grown_by_writes())  # and does again once uninstalled
