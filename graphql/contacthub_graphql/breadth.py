"""A bound on how many list items a document can ask for, checked while validating (before any resolver runs).

Depth, alias and token limits don't bound the answer's size: page sizes multiply along nested lists, so
`contacts(first: 100) { tasks(first: 100) { contact { tasks(first: 100) { ... } } } }` stays within the depth
limit yet asks for 1,000,000 tasks (a 46 MB answer from one request). Each field with a `first` argument
counts `first` times the items of the lists around it (its default when not given; a variable's value when
one is used); the total over the document must stay under the limit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension


def _page_size(field: FieldNode, argument: Any, variables: Mapping[str, Any],
               defaults: Mapping[str, Any]) -> int:
    node = next((a.value for a in field.arguments or () if a.name.value == "first"), None)
    value: Any = argument.default_value
    if isinstance(node, IntValueNode):
        value = int(node.value)
    elif isinstance(node, VariableNode):
        name = node.name.value
        value = variables.get(name, defaults.get(name, value))
    return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else 0


def list_items(operation: OperationDefinitionNode, schema, fragments: Callable[[str], Any],
               variables: Mapping[str, Any]) -> int:
    """Items the operation may return through paginated (`first`) fields, nested page sizes multiplied."""
    defaults = {d.variable.name.value: int(d.default_value.value) for d in operation.variable_definitions or ()
                if isinstance(d.default_value, IntValueNode)}
    root = schema.get_root_type(operation.operation)

    def walk(selection_set: SelectionSetNode | None, parent: Any, outer: int, spreads: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                fields = getattr(parent, "fields", None) or {}
                definition = fields.get(selection.name.value)
                if definition is None:
                    continue  # introspection or an unknown field (validation reports that)
                items = outer
                if "first" in definition.args:
                    items = outer * _page_size(selection, definition.args["first"], variables, defaults)
                    total += items
                total += walk(selection.selection_set, get_named_type(definition.type), items, spreads)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                typed = schema.get_type(condition.name.value) if condition else parent
                total += walk(selection.selection_set, typed, outer, spreads)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments(name)
                if fragment is None or name in spreads:
                    continue  # unknown or cyclic: validation reports it
                typed = schema.get_type(fragment.type_condition.name.value)
                total += walk(fragment.selection_set, typed, outer, spreads | {name})
        return total

    return walk(operation.selection_set, root, 1, frozenset())


class MaxListItems(SchemaExtension):
    """Refuse documents whose nested page sizes could return more than `max_items` list items."""

    def __init__(self, max_items: int):
        self.max_items = max_items

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        limit = self.max_items
        variables = context.variables if isinstance(context.variables, dict) else {}

        class Rule(ValidationRule):
            def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
                found = list_items(node, self.context.schema, self.context.get_fragment, variables)
                if found > limit:
                    self.report_error(GraphQLError(
                        f"The query asks for up to {found} list items (nested page sizes multiply); the limit "
                        f"is {limit}: ask for smaller pages", node))

        context.validation_rules = (*context.validation_rules, Rule)
        yield
