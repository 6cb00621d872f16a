"""AggregateRelease: every privacy and design rule accepts a valid release and refuses a
violating one naming the field and the source; releases carry no personal data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from messages import statistics as stats
from messages.document import Document, document_class
from messages.rules import LegalRule
from messages.sealed import iter_sealed
from messages.statistics import rules as r
from messages.statistics.models import AggregateRelease
from messages.statistics.vocab import (
    TABLE_DIMENSIONS,
    MethodKind,
    ReleaseKind,
    StatsDimension,
    TableId,
    is_value_of,
)
from messages.vocab import FAMILY_OF, Family, MessageType

Wire = dict[str, Any]
Edit = Callable[[Wire], None]

CONVERSATIONS = stats.example_conversations()
(ROUTES, REVISION), (VICTIMS, RETRACTION), (ASSISTANCE,) = CONVERSATIONS
DOCUMENT = document_class(AggregateRelease)


def wire(document: Document[Any]) -> Wire:
    return json.loads(document.to_json())  # type: ignore[no-any-return]


def parse(raw: Wire) -> Document[Any]:
    return DOCUMENT.model_validate_json(json.dumps(raw))


def body(**values: object) -> Edit:
    return lambda raw: raw["body"].update(values)


def method(**values: object) -> Edit:
    return lambda raw: raw["body"]["method"].update(values)


def ledger(**values: object) -> Edit:
    return lambda raw: raw["body"]["budget_ledger"].update(values)


def cell(index: int, **values: object) -> Edit:
    def edit(raw: Wire) -> None:
        target = raw["body"]["cells"][index]
        for name, value in values.items():
            if value is None:
                target.pop(name, None)
            else:
                target[name] = value

    return edit


def drop(*names: str) -> Edit:
    def edit(raw: Wire) -> None:
        for name in names:
            raw["body"].pop(name, None)

    return edit


def key_value(index: int, part: int, value: str) -> Edit:
    return lambda raw: raw["body"]["cells"][index]["key"][part].update(value=value)


def duplicate_first_cell(raw: Wire) -> None:
    raw["body"]["cells"].append(raw["body"]["cells"][0])


def four_dimensions(raw: Wire) -> None:
    raw["body"]["dimensions"].append("CITIZENSHIP")
    for item in raw["body"]["cells"]:
        item["key"].append({"dimension": "CITIZENSHIP", "value": "PY"})


Violation = tuple[Document[Any], Edit, str | None]


def v(document: Document[Any], edit: Edit, field: str | None = None) -> Violation:
    return (document, edit, field)


# ROUTES is DP_LAPLACE over public keys (NOISY cells, ci 9); VICTIMS is K_THRESHOLD with
# rounding to 5; ASSISTANCE is DP_GAUSSIAN with δ and ρ.
VIOLATIONS: dict[LegalRule, list[Violation]] = {
    r.MAX_DIMENSIONS: [v(VICTIMS, four_dimensions)],
    r.DESIGN_DIMENSIONS: [
        v(VICTIMS, body(dimensions=["SEX", "FORM_OF_EXPLOITATION", "AGE_GROUP"])),
        v(ROUTES, body(table_id="VICTIMS_BY_EXPLOITATION_SEX_AGE")),
    ],
    r.CELL_KEYS: [
        v(ROUTES, key_value(0, 0, "XX"), "cells[0]"),
        v(ROUTES, key_value(0, 2, "FEMALE"), "cells[0]"),
        v(VICTIMS, lambda raw: raw["body"]["cells"][0]["key"].pop(), "cells[0]"),
        v(ROUTES, duplicate_first_cell, "cells[9]"),
        v(ROUTES, key_value(0, 1, "OTHER:M49-5"), "cells[0]"),
    ],
    r.K_MINIMUM: [v(VICTIMS, method(k=10)), v(ROUTES, method(k=5))],
    r.K_THRESHOLD: [v(ROUTES, cell(0, value=10), "cells[0]"), v(VICTIMS, cell(0, value=5))],
    r.ROUNDING_BASE: [v(VICTIMS, method(rounding_base=1)), v(VICTIMS, method(rounding_base=4))],
    r.ROUNDING: [v(VICTIMS, cell(0, value=86), "cells[0]"), v(VICTIMS, cell(4, value=41))],
    r.SUPPRESSED_NULL: [v(VICTIMS, cell(2, value=20)), v(VICTIMS, cell(0, value=None))],
    r.STATUS_METHOD: [
        v(ROUTES, cell(0, status="PUBLISHED", ci95_halfwidth=None), "cells[0]"),
        v(VICTIMS, cell(0, status="NOISY", ci95_halfwidth="4"), "cells[0]"),
    ],
    r.NOISY_ACCURACY: [
        v(ROUTES, cell(0, ci95_halfwidth=None)),
        v(ROUTES, cell(0, ci95_halfwidth="-1")),
        v(VICTIMS, cell(0, ci95_halfwidth="2")),
    ],
    r.DP_EPSILON: [
        v(ROUTES, lambda raw: raw["body"]["method"].pop("epsilon")),
        v(ROUTES, method(epsilon="0")),
        v(VICTIMS, method(epsilon="0.1")),
    ],
    r.DP_DELTA: [
        v(ASSISTANCE, lambda raw: raw["body"]["method"].pop("delta")),
        v(ASSISTANCE, method(delta="1")),
        v(ROUTES, method(keys_public=False)),
        v(ASSISTANCE, method(rho="0"), "method.rho"),
    ],
    r.BUDGET_WITHIN_CAP: [
        v(ROUTES, ledger(period_epsilon_spent="1.1")),
        v(ROUTES, ledger(period_epsilon_spent="-0.1")),
        v(ROUTES, ledger(period_epsilon_cap="0", period_epsilon_spent="0")),
    ],
    r.PREVALENCE_CAVEAT: [v(ROUTES, body(caveats=["NOISE_ADDED"]))],
    r.PROTECTED_PERSONS_EXCLUDED: [v(ROUTES, body(protected_persons_excluded=False))],
    r.CALENDAR_PERIOD: [
        v(ROUTES, body(period={"start": "2025-01-01", "end": "2025-12-30", "granularity": "YEAR"})),
        v(ROUTES, body(period={"start": "2025-02-01", "end": "2026-01-31", "granularity": "YEAR"})),
        v(ASSISTANCE, lambda raw: raw["body"]["period"].update(start="2025-11-01")),
        v(ASSISTANCE, lambda raw: raw["body"]["period"].update(end="2025-12-30")),
        v(ASSISTANCE, lambda raw: raw["body"]["period"].update(granularity="YEAR")),
    ],
    r.RELEASE_KIND: [
        v(ROUTES, body(supersedes="PY-INE-TIP-2024-ROD-1")),
        v(REVISION, drop("supersedes")),
        v(REVISION, drop("change_reason")),
        v(REVISION, body(supersedes="PY-INE-TIP-2025-ROD-2")),
    ],
    r.RETRACTION_CONTENT: [
        v(RETRACTION, lambda raw: raw["body"].update(cells=wire(VICTIMS)["body"]["cells"])),
        v(RETRACTION, lambda raw: raw["body"].update(method=wire(VICTIMS)["body"]["method"])),
        v(REVISION, drop("budget_ledger")),
        v(ROUTES, body(cells=[])),
    ],
    r.REPORTING_STATE: [
        v(ROUTES, body(reporting_state="AR")),
        v(ROUTES, lambda raw: raw["header"]["sender"].update(role="CENTRAL_AUTHORITY")),
    ],
    r.UNIQUE_CODES: [
        v(ROUTES, body(caveats=["DETECTED_VICTIMS_NOT_PREVALENCE"] * 2), "caveats"),
        v(VICTIMS, body(dimensions=["FORM_OF_EXPLOITATION"] * 2), "dimensions"),
    ],
}


def test_every_rule_is_declared_once_and_tested() -> None:
    ids = [rule.rule_id for rule in stats.LEGAL_RULES]
    assert len(ids) == len(set(ids))
    assert set(VIOLATIONS) == set(stats.LEGAL_RULES)
    for rule in stats.LEGAL_RULES:
        assert rule.message_types == (MessageType.AGGREGATE_RELEASE,)
        assert rule.source
        assert rule.text


@pytest.mark.parametrize("rule", stats.LEGAL_RULES, ids=lambda rule: rule.rule_id)
def test_the_valid_examples_satisfy_the_rule(rule: LegalRule) -> None:
    for document, _, _ in VIOLATIONS[rule]:
        assert parse(wire(document)) == document


CASES = [
    pytest.param(rule, index, id=f"{rule.rule_id}-{index}")
    for rule, violations in VIOLATIONS.items()
    for index in range(len(violations))
]


@pytest.mark.parametrize(("rule", "index"), CASES)
def test_a_violation_is_refused_naming_field_and_source(rule: LegalRule, index: int) -> None:
    document, edit, field = VIOLATIONS[rule][index]
    raw = wire(document)
    edit(raw)
    with pytest.raises(ValidationError) as caught:
        parse(raw)
    errors = caught.value.errors()
    expected = field or rule.field
    assert any(expected in e["msg"] and rule.source in e["msg"] for e in errors), errors
    assert all(e["loc"][0] == "body" for e in errors)
    if rule in (r.SUPPRESSED_NULL, r.NOISY_ACCURACY):  # checked on the cell itself
        assert all(e["loc"][:2] == ("body", "cells") for e in errors)


# --- vocabularies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dimension", "value", "accepted"),
    [
        (StatsDimension.CITIZENSHIP, "PY", True),
        (StatsDimension.CITIZENSHIP, "OTHER:M49-005", True),
        (StatsDimension.CITIZENSHIP, "UNKNOWN", True),
        (StatsDimension.CITIZENSHIP, "ALL", True),
        (StatsDimension.CITIZENSHIP, "XK", False),
        (StatsDimension.CITIZENSHIP, "PRY", False),
        (StatsDimension.ADMIN1_OF_EXPLOITATION, "PY-ASU", True),
        (StatsDimension.ADMIN1_OF_EXPLOITATION, "AR-B", False),
        (StatsDimension.ADMIN1_OF_EXPLOITATION, "PY", False),
        (StatsDimension.SEX, "TRANSGENDER_NONCONFORMING", True),
        (StatsDimension.SEX, "ADULT", False),
        (StatsDimension.AGE_GROUP, "CHILD", True),
        (StatsDimension.AGE_GROUP, "0-8", False),
        (StatsDimension.LEG_KIND, "TRANSIT_TO_DESTINATION", True),
        (StatsDimension.JUSTICE_STAGE, "PERSONS_CONVICTED", True),
        (StatsDimension.ASSISTANCE_TYPE, "UNKNOWN", False),
    ],
)
def test_dimension_vocabularies(dimension: StatsDimension, value: str, accepted: bool) -> None:
    assert is_value_of(dimension, value, "PY") is accepted


def test_table_designs_have_at_most_three_dimensions_and_no_child_area_nationality() -> None:
    assert set(TABLE_DIMENSIONS) == set(TableId)
    for dimensions in TABLE_DIMENSIONS.values():
        assert 1 <= len(dimensions) <= 3
        assert len(set(dimensions)) == len(dimensions)
        # A.6 policy 5: CHILD × sub-national area × nationality is never published.
        assert not {
            StatsDimension.AGE_GROUP,
            StatsDimension.ADMIN1_OF_EXPLOITATION,
            StatsDimension.CITIZENSHIP,
        } <= set(dimensions)


def test_a_subnational_table_of_the_reporting_state_is_accepted() -> None:
    raw = wire(VICTIMS)
    raw["body"].update(
        table_id="INCIDENCE_BY_ADMIN1",
        dimensions=["ADMIN1_OF_EXPLOITATION", "FORM_OF_EXPLOITATION"],
        cells=[
            {
                "key": [
                    {"dimension": "ADMIN1_OF_EXPLOITATION", "value": area},
                    {"dimension": "FORM_OF_EXPLOITATION", "value": "SEXUAL_EXPLOITATION"},
                ],
                "value": value,
                "status": "ROUNDED" if value else "SUPPRESSED",
            }
            for area, value in [("PY-ASU", 60), ("PY-11", 25), ("PY-7", None)]
        ],
    )
    parsed = parse(raw)
    assert parsed.body.table_id is TableId.INCIDENCE_BY_ADMIN1
    raw["body"]["cells"][0]["key"][0]["value"] = "AR-X"
    with pytest.raises(ValidationError):
        parse(raw)


def test_a_subset_of_the_design_dimensions_is_a_margin_table() -> None:
    raw = wire(VICTIMS)
    raw["body"].update(
        dimensions=["FORM_OF_EXPLOITATION"],
        cells=[
            {
                "key": [{"dimension": "FORM_OF_EXPLOITATION", "value": "SEXUAL_EXPLOITATION"}],
                "value": 120,
                "status": "ROUNDED",
            }
        ],
    )
    assert parse(raw).body.dimensions == [StatsDimension.FORM_OF_EXPLOITATION]


def test_noisy_values_need_not_be_multiples_of_the_base() -> None:
    raw = wire(ROUTES)
    raw["body"]["cells"][0]["value"] = 47
    assert parse(raw).body.cells[0].value == 47


def test_floats_are_refused() -> None:
    raw = wire(ROUTES)
    raw["body"]["method"]["epsilon"] = 0.25
    with pytest.raises(ValidationError) as caught:
        parse(raw)
    assert caught.value.errors()[0]["loc"] == ("body", "method", "epsilon")


# --- structure and examples ----------------------------------------------------------------


def test_the_family_has_one_body_and_no_sealed_section() -> None:
    assert (AggregateRelease,) == stats.BODIES
    assert AggregateRelease.FAMILY is Family.STATISTICS
    assert FAMILY_OF[AggregateRelease.MESSAGE_TYPE] is Family.STATISTICS
    schema = DOCUMENT.model_json_schema()
    assert not [name for name, d in schema["$defs"].items() if "x-puente-sealed" in d]
    for document in stats.examples():
        assert list(iter_sealed(document)) == []


@pytest.mark.parametrize("document", stats.examples(), ids=lambda d: d.body.release_id)
def test_every_example_validates_and_round_trips(document: Document[Any]) -> None:
    again = DOCUMENT.model_validate_json(document.to_json())
    assert again == document
    assert again.to_json() == document.to_json()


def test_the_examples_show_each_method_status_and_kind() -> None:
    releases = [d.body for d in stats.examples()]
    assert {release.release_kind for release in releases} == set(ReleaseKind)
    kinds = {release.method.kind for release in releases if release.method}
    assert {MethodKind.K_THRESHOLD, MethodKind.DP_LAPLACE, MethodKind.DP_GAUSSIAN} <= kinds
    statuses = {c.status for release in releases for c in release.cells}
    assert len(statuses) == 4
    assert [d.to_json() for d in stats.examples()] == [d.to_json() for d in stats.examples()]
