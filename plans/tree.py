"""The plan's tree in memory: load every node in one query, derive numbers and anchors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from .models import Node, Plan


@dataclass
class TreeNode:
    node: Node
    number: str
    depth: int
    children: list[TreeNode] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return section_anchor(self.number)


def section_anchor(number: str) -> str:
    """The stable anchor of a section number: 2.1 -> s-2-1."""
    return "s-" + number.replace(".", "-")


def build_tree(nodes: list[Node]) -> list[TreeNode]:
    """Arrange nodes (any order) into a numbered forest, children ordered by position then id."""
    by_parent: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        by_parent[node.parent_id].append(node)
    for siblings in by_parent.values():
        siblings.sort(key=lambda n: (n.position, n.id or 0))

    def build(parent_id: int | None, prefix: str, depth: int) -> list[TreeNode]:
        result = []
        for index, node in enumerate(by_parent.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            item = TreeNode(node=node, number=number, depth=depth)
            item.children = build(node.id, number + ".", depth + 1)
            result.append(item)
        return result

    return build(None, "", 1)


def plan_tree(plan: Plan) -> list[TreeNode]:
    """The plan's working draft as a numbered forest, in one query."""
    return build_tree(list(Node.objects.filter(plan=plan).live()))


def walk(forest: list[TreeNode]) -> Iterator[TreeNode]:
    """Every tree node, depth first, in document order."""
    for item in forest:
        yield item
        yield from walk(item.children)
