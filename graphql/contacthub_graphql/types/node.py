"""Global object identification: every object a client may refetch has a `nodeId` that `node`/`nodes` take.

A node id is the unpadded URL-safe base64 of `<Type>:<key>` (`Contact:<uuid>`), unique across types. `id`
stays the UUID the REST dialects share; the key of a tag is its case-folded name, of a location its id.
"""

import base64
import binascii

import strawberry


def encode_node_id(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def decode_node_id(node_id: str) -> tuple[str, str] | None:
    """(type name, key), or None when it isn't a node id of this API."""
    try:
        text = base64.urlsafe_b64decode(node_id + "=" * (-len(node_id) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    type_name, colon, key = text.partition(":")
    return (type_name, key) if colon and type_name and key else None


@strawberry.interface(description="An object that can be fetched again by its `nodeId` (`node`, `nodes`).")
class Node:
    @strawberry.field(description="Unique across every type: base64 of `<Type>:<id>`. Pass it to `node(id:)`.")
    def node_id(self) -> strawberry.ID:
        return strawberry.ID(encode_node_id(type(self).__name__, self.node_key()))

    def node_key(self) -> str:
        raise NotImplementedError
