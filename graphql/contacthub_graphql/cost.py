"""A query's cost, computed from the document before anything runs, and a maximum per request.

Depth, alias and token limits don't bound the work: page sizes multiply along nested lists, so
`contacts(first: 100) { tasks(first: 100) { contact { tasks(first: 100) { ... } } } }` stays within the depth
limit yet asks for 1,000,000 tasks. Every object a field may answer costs 1 (scalars are free); a field with a
`first` argument (a connection or a page) costs `first` times 1 plus its selection's cost (its default when
not given; a variable's value when one is used). Plain lists count as one item: the schema bounds them (at
most 10 tags per contact). The sum over the document must stay under `Settings.max_cost`; accepted queries
report it in `extensions.cost`.
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
    is_composite_type,
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


def query_cost(operation: OperationDefinitionNode, schema, fragments: Callable[[str], Any],
               variables: Mapping[str, Any]) -> int:
    """The operation's cost: objects it may answer, nested page sizes multiplied."""
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
                named = get_named_type(definition.type)
                items = outer
                if "first" in definition.args:
                    items = outer * _page_size(selection, definition.args["first"], variables, defaults)
                if is_composite_type(named):
                    total += items
                total += walk(selection.selection_set, named, items, spreads)
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


class MaxQueryCost(SchemaExtension):
    """Refuse documents costing more than `max_cost` while validating (before any resolver runs); report the
    cost of accepted ones in `extensions.cost`."""

    def __init__(self, max_cost: int):
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        limit = self.max_cost
        variables = context.variables if isinstance(context.variables, dict) else {}
        extension = self

        class Rule(ValidationRule):
            def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
                name = context.operation_name
                if name is not None and (node.name is None or node.name.value != name):
                    return  # another operation of the document: it won't run
                cost = query_cost(node, self.context.schema, self.context.get_fragment, variables)
                if cost > limit:
                    self.report_error(GraphQLError(
                        f"The query costs {cost} (each page's `first` multiplies what it selects); the limit "
                        f"is {limit} per request: ask for smaller pages", node))
                else:
                    extension.cost = cost

        context.validation_rules = (*context.validation_rules, Rule)
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None or self.execution_context.pre_execution_errors:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.max_cost}}
