"""Witness protection at the node: the data-minimisation rules of domain model A.5 that only a
node can enforce. The schema already leaves no free-text field outside sealed sections, gives
the host's messages no sealed section and fixes the handling; the lifecycle keeps one token per
case and checks who sends what. The node adds:

1. **Per-counterpart tokens** (rule 1). The node issues every token (256 random bits, never
   derived from anything). A protected person is known to each counterpart state by its own
   token; the node keeps the mapping (its handle of the person, and the token per counterpart)
   sealed: one link per case, encrypted under the case's key beside the case's timeline. A
   message names the person by its case's token, which the node fills in; any other token is
   refused before anything is sent, a token of another counterpart as
   ``wp-token-per-counterpart``, any other as ``wp-token-of-case`` (409). A message of another
   family (an MLA request naming a protected witness, rule 3) is refused in the same way if it
   names a person by a token the node uses with another counterpart.
2. **Nothing identifying outside sealed sections** (rules 2, 5). A message whose values outside
   its sealed sections contain a name, a document number or a date of birth from the sealed
   dossiers of the case (or of the draft itself) is refused, naming the field, never the value
   (422). The node reads the dossiers for this check itself; they are never shown.
3. **The case reference is the node's** (rules 1, 5): a user may not choose it (422).
4. **Who sees the mapping**: only users who may read witness-protection cases (the protection
   unit); each link opened for a user is recorded in the access log.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from crypto.at_rest import UnreadableBlob
from messages.errors import FieldProblem
from messages.registry import BODY_OF
from messages.vocab import AuthorityRole, Family, MessageType
from messages.witness_protection.lifecycle import WPCase
from national_node.auth import Principal
from national_node.cases import (
    CaseContext,
    DraftInvalid,
    MessageDraft,
    TransitionRefused,
    load_facts,
)
from national_node.sealing import section_aad
from national_node.store import Case, CaseEntry, Direction, SealedSection
from national_node.workflows.drafts import section_paths, values_at

LINK_RECORDED: Final = "WP_TOKEN_LINKED"
"""The trigger of a token link's entry in the case timeline."""
LINK_PATH: Final = "wp_token_link"
LINK_AUDIENCE: Final = frozenset({AuthorityRole.WP_UNIT})
PER_COUNTERPART_GUARD: Final = "wp-token-per-counterpart"
OF_CASE_GUARD: Final = "wp-token-of-case"
RULES_SOURCE: Final = "domain model A.5"


def new_token() -> str:
    """A fresh token: 'wpt_' and 256 random bits (base64url)."""
    return "wpt_" + secrets.token_urlsafe(32)


def new_person() -> str:
    """A fresh handle of a protected person at this node (never sent to anyone)."""
    return "wpp_" + secrets.token_urlsafe(16)


# --- the sealed mapping ----------------------------------------------------------------------


@dataclass(frozen=True)
class TokenLink:
    """How one counterpart knows a protected person: the token of one case."""

    case_id: str
    case_ref: str
    counterpart_state: str
    wp_token: str
    person: str | None
    """This node's handle of the person; None for a received case not linked to one."""
    entry_id: int | None
    """The link's entry in the case timeline; None when the token is only the case's own."""


def _aad(case_id: str, entry_id: int) -> bytes:
    return section_aad(case_id, f"local-{entry_id}", LINK_PATH)


def facts_of(ctx: CaseContext, case: Case) -> WPCase:
    facts = load_facts(ctx, case)
    assert isinstance(facts, WPCase)  # noqa: S101 - a witness-protection case's facts
    return facts


async def mapping(session: AsyncSession, ctx: CaseContext) -> list[TokenLink]:
    """Every witness-protection case's token with its counterpart and person, for the node's
    own checks (crypto-shredded cases have none)."""
    cases = (
        await session.exec(select(Case).where(Case.family == str(Family.WITNESS_PROTECTION)))
    ).all()
    rows = await session.exec(
        select(CaseEntry, SealedSection)
        .join(SealedSection, col(SealedSection.entry_id) == col(CaseEntry.id))
        .where(CaseEntry.trigger == LINK_RECORDED, SealedSection.path == LINK_PATH)
        .order_by(col(CaseEntry.id))
    )
    recorded: dict[str, tuple[int, bytes]] = {}
    for entry, section in rows.all():
        assert entry.id is not None  # noqa: S101 - a stored row
        recorded[entry.case_id] = (entry.id, section.blob or b"")  # the latest link counts
    links = []
    for case in cases:
        try:
            key = ctx.key_of(case)
            if case.id in recorded:
                entry_id, blob = recorded[case.id]
                link = json.loads(key.open(blob, _aad(case.id, entry_id)))
                links.append(
                    TokenLink(
                        case.id,
                        case.case_ref,
                        case.counterpart_state,
                        link["wp_token"],
                        link["person"],
                        entry_id,
                    )
                )
                continue
            token = facts_of(ctx, case).wp_token
        except UnreadableBlob:
            continue
        if token is not None:
            links.append(
                TokenLink(case.id, case.case_ref, case.counterpart_state, token, None, None)
            )
    return links


async def _record_link(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    principal: Principal,
    *,
    person: str,
    token: str,
) -> TokenLink:
    now = int(ctx.clock().timestamp())
    entry = CaseEntry(
        case_id=case.id,
        at=now,
        direction=Direction.LOCAL,
        trigger=LINK_RECORDED,
        actor_id=principal.user_id,
        state_after=case.state,
    )
    session.add(entry)
    await session.flush()
    assert entry.id is not None  # noqa: S101 - assigned by the flush
    plaintext = json.dumps({"person": person, "wp_token": token}).encode()
    session.add(
        SealedSection(
            entry_id=entry.id,
            path=LINK_PATH,
            audience=" ".join(sorted(str(role) for role in LINK_AUDIENCE)),
            blob=ctx.key_of(case).seal(plaintext, _aad(case.id, entry.id)),
        )
    )
    return TokenLink(case.id, case.case_ref, case.counterpart_state, token, person, entry.id)


def _refused(guard: str, why: str, what: str = "message") -> TransitionRefused:
    return TransitionRefused(f"{what} refused: {guard}: {why}", [guard])


_TOKEN: Final = re.compile(r"wpt_[A-Za-z0-9_-]{22,64}")


async def check_counterpart_tokens(
    session: AsyncSession, ctx: CaseContext, case: Case, draft: MessageDraft
) -> None:
    """Refuse a draft (of any family) that names a protected person by a token this node uses
    with another counterpart than the case's (rule 1: tokens cannot be linked across
    relationships)."""
    named = set(_TOKEN.findall(json.dumps(draft.body)))
    if not named:
        return
    for link in await mapping(session, ctx):
        if link.wp_token in named and link.counterpart_state != case.counterpart_state:
            raise _refused(
                PER_COUNTERPART_GUARD,
                f"a wp_token in the message names a protected person to "
                f"{link.counterpart_state}; each counterpart knows a person by its own token "
                f"({RULES_SOURCE} rule 1)",
            )


async def link_person(
    session: AsyncSession,
    ctx: CaseContext,
    case: Case,
    principal: Principal,
    *,
    same_person_as: Case | None = None,
) -> TokenLink:
    """Link ``case`` to a protected person (the one of ``same_person_as``, or a new one) and
    give it the token its counterpart knows the person by: the case's own if it has one (a
    message was exchanged), else the token of the person's other case with the same
    counterpart (one token per relationship), else a fresh one. In the caller's transaction."""
    links = await mapping(session, ctx)
    by_case = {link.case_id: link for link in links}
    mine = by_case.get(case.id)
    if same_person_as is None:
        if mine is not None and mine.person is not None:
            return mine
        person = new_person()
    else:
        if same_person_as.id == case.id:
            raise DraftInvalid([FieldProblem("same_person_as", "a case is not linked to itself")])
        other = by_case.get(same_person_as.id)
        if other is None:
            raise _refused(
                OF_CASE_GUARD,
                "the other case names no person yet: link it to a person or send its request first",
                "link",
            )
        if other.person is None:
            other = await _record_link(
                session, ctx, same_person_as, principal, person=new_person(), token=other.wp_token
            )
        assert other.person is not None  # noqa: S101 - just linked
        person = other.person
        if mine is not None and mine.person == person:
            return mine
        if mine is not None and mine.person is not None:
            raise _refused(
                "one-person-per-case",
                "this case is already linked to another protected person",
                "link",
            )
    token = mine.wp_token if mine is not None else None
    if token is None:
        same_relationship = [
            link.wp_token
            for link in links
            if link.person == person and link.counterpart_state == case.counterpart_state
        ]
        token = same_relationship[0] if same_relationship else new_token()
    return await _record_link(session, ctx, case, principal, person=person, token=token)


async def person_links(
    session: AsyncSession, ctx: CaseContext, case: Case, reader: Principal, now: int
) -> tuple[str | None, list[TokenLink]]:
    """The person ``case`` is linked to and every link of that person (just the case's own if
    it is linked to none), each opening recorded as ``reader``'s access."""
    links = await mapping(session, ctx)
    mine = next((link for link in links if link.case_id == case.id), None)
    person = mine.person if mine is not None else None
    if person is not None:
        shown = [link for link in links if link.person == person]
    else:
        shown = [mine] if mine is not None else []
    for link in shown:
        path = LINK_PATH if link.entry_id is not None else "wp_token"
        session.add(reader.opened(link.case_id, path, now, link.entry_id))
    return person, shown


# --- nothing identifying outside sealed sections -----------------------------------------------

_NAME_FIELDS: Final = frozenset({"family_names", "given_names"})
_NUMBER_FIELDS: Final = frozenset({"number"})
_DATE_FIELDS: Final = frozenset({"date_of_birth"})
_PARTICLES: Final = frozenset({"del", "los", "las", "dos", "das", "van", "von", "der"})
_WORD: Final = re.compile(r"[a-z0-9]+")
_ISO_TIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+Z)?$")


def _normal(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class DossierTerms:
    """What identifies the person in sealed dossiers, normalised (never shown or logged)."""

    names: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    """Document numbers and dates of birth, letters and digits only."""

    def __or__(self, other: DossierTerms) -> DossierTerms:
        return DossierTerms(self.names | other.names, self.numbers | other.numbers)


def dossier_terms(sealed: Any) -> DossierTerms:
    """The names, document numbers and dates of birth in a sealed section's content."""
    names: set[str] = set()
    numbers: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and key in _NAME_FIELDS:
                    names.update(
                        w
                        for w in _WORD.findall(_normal(item))
                        if len(w) >= 3 and w not in _PARTICLES
                    )
                elif isinstance(item, str) and key in _NUMBER_FIELDS:
                    compact = "".join(_WORD.findall(_normal(item)))
                    if len(compact) >= 4:
                        numbers.add(compact)
                elif isinstance(item, str) and key in _DATE_FIELDS:
                    year, month, day = item.split("-") if item.count("-") == 2 else ("", "", "")
                    numbers.update({f"{year}{month}{day}", f"{day}{month}{year}"} - {""})
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(sealed)
    return DossierTerms(frozenset(names), frozenset(numbers))


def _sealed_paths(message_type: MessageType) -> list[str]:
    return section_paths(BODY_OF[message_type], lambda kind: True)


def _outside(value: Any, path: str, sealed: set[str]) -> Iterator[tuple[str, str]]:
    """Every string outside the sealed paths, with its path."""
    if path in sealed:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _outside(item, f"{path}.{key}" if path else key, sealed)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _outside(item, f"{path}[{index}]", sealed)
    elif isinstance(value, str):
        yield path, value


def identifying_values(draft: MessageDraft, terms: DossierTerms) -> list[FieldProblem]:
    """Each value of ``draft`` outside its sealed sections that holds one of ``terms``."""
    data = json.loads(draft.model_dump_json())
    sealed = {f"body.{path.replace('[]', '')}" for path in _sealed_paths(draft.message_type)}
    sealed.add("body.wp_token")  # issued by the node: random
    problems = []
    for path, text in _outside(data, "", sealed):
        if _ISO_TIME.match(text):
            continue
        normal = _normal(text)
        words = set(_WORD.findall(normal))
        compact = "".join(_WORD.findall(normal))
        if words & terms.names:
            what = "a name"
        elif any(number in compact for number in terms.numbers):
            what = "a document number or date of birth"
        else:
            continue
        problems.append(
            FieldProblem(
                path,
                f"holds {what} from the protected person's sealed dossier: identifying data "
                f"travels only inside sealed sections ({RULES_SOURCE} rules 2, 5)",
            )
        )
    return problems


async def case_dossier_terms(session: AsyncSession, ctx: CaseContext, case: Case) -> DossierTerms:
    """The terms of every sealed section of the case's messages (the node's own reading)."""
    rows = await session.exec(
        select(CaseEntry, SealedSection)
        .join(SealedSection, col(SealedSection.entry_id) == col(CaseEntry.id))
        .where(CaseEntry.case_id == case.id, col(CaseEntry.message_id).is_not(None))
    )
    key = ctx.key_of(case)
    terms = DossierTerms()
    for entry, section in rows.all():
        aad = section_aad(case.id, str(entry.message_id), section.path)
        terms = terms | dossier_terms(json.loads(key.open(section.blob or b"", aad)))
    return terms


def _draft_terms(draft: MessageDraft) -> DossierTerms:
    terms = DossierTerms()
    for path in _sealed_paths(draft.message_type):
        for sealed in values_at(draft.body, path):
            terms = terms | dossier_terms(sealed)
    return terms


# --- the family's rules at the node ----------------------------------------------------------


class WitnessProtectionRules:
    """The node's rules for witness-protection messages (see the module's docstring)."""

    def check_new_case(self, ctx: CaseContext, draft: MessageDraft) -> None:
        if draft.case_ref is not None:
            raise DraftInvalid(
                [
                    FieldProblem(
                        "case_ref",
                        "a witness-protection case's reference is generated by the node, so "
                        f"that it says nothing of the person ({RULES_SOURCE} rules 1, 5): "
                        "leave it out",
                    )
                ]
            )

    async def prepare(
        self,
        session: AsyncSession,
        ctx: CaseContext,
        case: Case,
        draft: MessageDraft,
        principal: Principal,
        *,
        sending: bool,
    ) -> MessageDraft:
        draft = await self._with_token(session, ctx, case, draft, principal, sending=sending)
        terms = _draft_terms(draft) | await case_dossier_terms(session, ctx, case)
        problems = identifying_values(draft, terms)
        if problems:
            raise DraftInvalid(problems)
        return draft

    async def _with_token(
        self,
        session: AsyncSession,
        ctx: CaseContext,
        case: Case,
        draft: MessageDraft,
        principal: Principal,
        *,
        sending: bool,
    ) -> MessageDraft:
        """The draft naming the person by the case's token (issued now if the case has none
        and the message is being sent)."""
        links = await mapping(session, ctx)
        mine = next((link for link in links if link.case_id == case.id), None)
        expected = mine.wp_token if mine is not None else None
        given = draft.body.get("wp_token")
        if given is not None and given != expected:
            owner = next((link for link in links if link.wp_token == given), None)
            if owner is not None and owner.counterpart_state != case.counterpart_state:
                raise _refused(
                    PER_COUNTERPART_GUARD,
                    f"the wp_token names the person to {owner.counterpart_state}; each "
                    f"counterpart knows a person by its own token ({RULES_SOURCE} rule 1)",
                )
            raise _refused(
                OF_CASE_GUARD,
                "the wp_token is not this case's: the node issues tokens; leave wp_token out "
                "and the node names the person by the case's token",
            )
        if expected is None and sending:
            expected = (
                await _record_link(
                    session, ctx, case, principal, person=new_person(), token=new_token()
                )
            ).wp_token
        # Not sending and no token yet: check the draft with a token like the one to be issued.
        body = {**draft.body, "wp_token": expected or new_token()}
        return draft.model_copy(update={"body": body})


class CounterpartTokenRules:
    """The node's rule for messages of other families that may name a protected person by
    token (an MLA request's hearing of a protected witness): only by the counterpart's own."""

    def check_new_case(self, ctx: CaseContext, draft: MessageDraft) -> None:
        return None

    async def prepare(
        self,
        session: AsyncSession,
        ctx: CaseContext,
        case: Case,
        draft: MessageDraft,
        principal: Principal,
        *,
        sending: bool,
    ) -> MessageDraft:
        await check_counterpart_tokens(session, ctx, case, draft)
        return draft


RULES: Final = WitnessProtectionRules()
COUNTERPART_TOKENS: Final = CounterpartTokenRules()
