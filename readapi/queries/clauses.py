"""Pieces of OpenSearch bool queries, built from validated filter values."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

Occur = Literal["must", "filter", "must_not"]


@dataclass(frozen=True)
class Clause:
    """One clause of a bool query: scored ('must') or not ('filter', 'must_not')."""

    occur: Occur
    body: dict[str, Any]


ClauseBuilder = Callable[[Any], Clause]


def term(field: str) -> ClauseBuilder:
    """Exact match on a keyword, number or boolean field."""
    return lambda value: Clause(occur="filter", body={"term": {field: value}})


def range_bound(
    *, field: str, bound: Literal["gt", "gte", "lt", "lte"]
) -> ClauseBuilder:
    """One end of a range on a numeric or date field."""
    return lambda value: Clause(
        occur="filter", body={"range": {field: {bound: _scalar(value)}}}
    )


# Only plain operators: no field targeting, regexes, fuzziness, slop or prefixes,
# so a search box can never reach a field or a query type it was not given.
TEXT_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"


def text(fields: list[str]) -> ClauseBuilder:
    """Free text over fixed fields, through simple_query_string."""

    def build(value: str) -> Clause:
        # OpenSearch reads a lone "*" as match-all even with PREFIX off; a star
        # means nothing in this search box, so it is only a separator.
        words = value.replace("*", " ").strip()
        if not words:
            return Clause(occur="must", body={"match_none": {}})
        return Clause(
            occur="must",
            body={
                "simple_query_string": {
                    "query": words,
                    "fields": fields,
                    "flags": TEXT_FLAGS,
                    "default_operator": "and",
                    "lenient": True,
                    "analyze_wildcard": False,
                    "auto_generate_synonyms_phrase_query": False,
                }
            },
        )

    return build


def bool_query(*, clauses: Iterable[Clause], base: Iterable[Clause] = ()) -> dict:
    """A bool query of `base` clauses (always applied) and the filter clauses."""
    grouped: dict[str, list[dict]] = {}
    for clause in (*base, *clauses):
        grouped.setdefault(clause.occur, []).append(clause.body)
    return {"bool": grouped}


def has_text(clauses: Iterable[Clause]) -> bool:
    """True when a clause contributes to the score."""
    return any(clause.occur == "must" for clause in clauses)


def _scalar(value: Any) -> Any:
    """Dates and decimals as strings OpenSearch parses exactly."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return value
    return str(value)
