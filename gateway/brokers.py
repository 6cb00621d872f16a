"""Operations: provision the states' brokers and link them by exchange federation.

A state's broker is a :class:`StateBroker`: a vhost on a RabbitMQ node (a node of its own in
production; in the tests, several states may share a node, each in its own vhost). Setting up
the federation takes, through the node's management HTTP API (the ``rabbitmq_management``
plugin; the standard library's urllib, no client library):

1. :func:`provision`: the state's vhost, its gateway user with permissions on its own
   ``puente.*`` names only (:func:`gateway_permissions`), and its topology
   (:class:`gateway.topology.Topology`), declared with the gateway's own credentials.
2. :func:`link` for each ordered pair of states (upstream -> downstream): on the upstream, a
   federation user that may only touch the federation queue and exchange of that one link
   (:func:`federation_permissions`); on the downstream, a federation upstream named after the
   upstream state (``"exchange": "puente.outbound"``) and the policy that federates
   ``puente.federation`` from every upstream of the vhost.
3. :func:`wait_for_links` until every link runs: only a link that has been up once has bound
   its queue on the upstream's ``puente.outbound``; before that, what the upstream's gateway
   sends to the downstream state lands in the upstream's ``puente.unroutable`` queue (see
   ``docs/deployment.md``).

:func:`suspend_link` and :func:`resume_link` cut and restore one link (the upstream refuses the
link's user; messages wait in the upstream's federation queue), :func:`topology_drift` compares
what a broker holds with the declarations, and :func:`deprovision` removes a state's vhost and
users.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aio_pika

from gateway.topology import (
    DEAD_EXCHANGE,
    FEDERATION_EXCHANGE,
    OUTBOUND_EXCHANGE,
    UNROUTABLE_EXCHANGE,
    UNROUTABLE_QUEUE,
    Binding,
    ClassicQueue,
    Declarer,
    Exchange,
    QuorumQueue,
    Topology,
    dead_letter_queue_name,
    inbound_queue_name,
)
from messages.errors import PuenteError

__all__ = [
    "FEDERATION_POLICY",
    "Credentials",
    "ManagementError",
    "Node",
    "Permissions",
    "StateBroker",
    "TopicPermissions",
    "deprovision",
    "federation_permissions",
    "gateway_permissions",
    "link",
    "link_status",
    "provision",
    "requeue_unroutable",
    "resume_link",
    "suspend_link",
    "topology_drift",
    "unlink",
    "wait_for_links",
]

FEDERATION_POLICY = "puente-federation"
"""The policy, on each state's vhost, that federates ``puente.federation`` from every upstream."""


class ManagementError(PuenteError):
    """The management API refused or failed a request."""

    code = "broker-management"

    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        self.status = status
        super().__init__(f"{method} {path}: HTTP {status}: {detail}")


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)

    @classmethod
    def generate(cls, user: str) -> Credentials:
        """A user with a fresh random password."""
        return cls(user, secrets.token_urlsafe(24))


@dataclass(frozen=True)
class Node:
    """A RabbitMQ node: its AMQP and management ports and an administrator's credentials."""

    name: str
    """The Erlang node name (``rabbit@localhost``), for ``rabbitmqctl -n``."""
    host: str = "127.0.0.1"
    amqp_port: int = 5672
    management_port: int = 15672
    admin: Credentials = Credentials("guest", "guest")

    def amqp_url(self, credentials: Credentials, vhost: str) -> str:
        user = urllib.parse.quote(credentials.user, safe="")
        password = urllib.parse.quote(credentials.password, safe="")
        path = urllib.parse.quote(vhost, safe="")
        return f"amqp://{user}:{password}@{self.host}:{self.amqp_port}/{path}"

    @property
    def management(self) -> Management:
        return Management(self)


class Management:
    """A small client of one node's management HTTP API."""

    def __init__(self, node: Node, *, timeout: float = 15.0) -> None:
        self._base = f"http://{node.host}:{node.management_port}/api"
        token = base64.b64encode(f"{node.admin.user}:{node.admin.password}".encode()).decode()
        self._authorization = f"Basic {token}"
        self._timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request; the decoded JSON answer (None if empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is built from a Node (http)
            self._base + path, data=data, method=method
        )
        request.add_header("Authorization", self._authorization)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise ManagementError(method, path, error.code, detail) from error
        return json.loads(payload) if payload else None

    @staticmethod
    def quote(name: str) -> str:
        return urllib.parse.quote(name, safe="")

    # --- read -------------------------------------------------------------------------------

    def cluster_name(self) -> str:
        return str(self.request("GET", "/cluster-name")["name"])

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def queue(self, vhost: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self.get(f"/queues/{self.quote(vhost)}/{self.quote(name)}")
        return result

    def queues(self, vhost: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.get(f"/queues/{self.quote(vhost)}")
        return result

    def federation_links(self, vhost: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.get(f"/federation-links/{self.quote(vhost)}")
        return result

    def connections(self, user: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get("/connections")
        return [c for c in found if user is None or c.get("user") == user]

    # --- write ------------------------------------------------------------------------------

    def put_vhost(self, vhost: str) -> None:
        self.request("PUT", f"/vhosts/{self.quote(vhost)}", {})

    def delete_vhost(self, vhost: str) -> None:
        self.request("DELETE", f"/vhosts/{self.quote(vhost)}")

    def put_user(self, credentials: Credentials, *, tags: str = "") -> None:
        body = {"password": credentials.password, "tags": tags}
        self.request("PUT", f"/users/{self.quote(credentials.user)}", body)

    def delete_user(self, user: str) -> None:
        self.request("DELETE", f"/users/{self.quote(user)}")

    def set_permissions(self, vhost: str, user: str, permissions: Permissions) -> None:
        """Set the user's permissions on ``vhost``, and its topic permissions if any."""
        body = {
            "configure": permissions.configure,
            "write": permissions.write,
            "read": permissions.read,
        }
        self.request("PUT", f"/permissions/{self.quote(vhost)}/{self.quote(user)}", body)
        for topic in permissions.topics:
            self.set_topic_permissions(vhost, user, topic)

    def set_topic_permissions(self, vhost: str, user: str, topic: TopicPermissions) -> None:
        body = {"exchange": topic.exchange, "write": topic.write, "read": topic.read}
        self.request("PUT", f"/topic-permissions/{self.quote(vhost)}/{self.quote(user)}", body)

    def clear_permissions(self, vhost: str, user: str) -> None:
        self.request("DELETE", f"/permissions/{self.quote(vhost)}/{self.quote(user)}")

    def set_parameter(self, component: str, vhost: str, name: str, value: object) -> None:
        path = f"/parameters/{component}/{self.quote(vhost)}/{self.quote(name)}"
        self.request("PUT", path, {"value": value})

    def clear_parameter(self, component: str, vhost: str, name: str) -> None:
        self.request("DELETE", f"/parameters/{component}/{self.quote(vhost)}/{self.quote(name)}")

    def set_policy(
        self, vhost: str, name: str, *, pattern: str, apply_to: str, definition: object
    ) -> None:
        body = {"pattern": pattern, "apply-to": apply_to, "definition": definition, "priority": 0}
        self.request("PUT", f"/policies/{self.quote(vhost)}/{self.quote(name)}", body)

    def close_user_connections(self, user: str, reason: str) -> None:
        """Close every connection of ``user`` on this node (tracked at once, not from stats)."""
        request = f"/connections/username/{self.quote(user)}"
        self.request("DELETE", request, headers={"X-Reason": reason})


@dataclass(frozen=True)
class TopicPermissions:
    """What routing keys a user may publish with (``write``) and bind with (``read``) on one
    topic exchange: regular expressions. RabbitMQ checks them on topic exchanges only."""

    exchange: str
    write: str
    read: str


NOTHING = "^$"
"""A permission that matches no name and no routing key but the empty one."""
STATE_KEY = "^[A-Z]{2}$"
"""A routing key that is a state code (no dot, no wildcard)."""


@dataclass(frozen=True)
class Permissions:
    """A user's permissions on one vhost: regular expressions over resource names, and its
    topic permissions."""

    configure: str
    write: str
    read: str
    topics: tuple[TopicPermissions, ...] = ()


def _names(*names: str) -> str:
    return "^(" + "|".join(re.escape(name) for name in names) + ")$"


def gateway_permissions(state: str) -> Permissions:
    """What ``state``'s gateway may do on its own vhost, and nothing more.

    - configure: declare its own ``puente.*`` objects;
    - write: publish to ``puente.outbound`` and ``puente.dead`` (its dead letters), and what
      declaring and binding require (a queue.bind writes to the queue; an exchange declared
      with an alternate exchange, and a queue with a dead-letter exchange, need write on
      those);
    - read: consume its inbound and dead-letter queues and the unroutable queue, and the
      exchanges its queues are bound to (a queue.bind reads from the exchange; an exchange
      declared with an alternate exchange needs read on itself).

    RabbitMQ matches a permission against a name whether it is an exchange's or a queue's:
    ``puente.unroutable`` names both. On ``puente.outbound`` (a topic exchange) it may publish
    with a state code as routing key and bind nothing.
    """
    inbound, dead = inbound_queue_name(state), dead_letter_queue_name(state)
    return Permissions(
        topics=(TopicPermissions(OUTBOUND_EXCHANGE, write=STATE_KEY, read=NOTHING),),
        configure=_names(
            OUTBOUND_EXCHANGE,
            UNROUTABLE_EXCHANGE,
            FEDERATION_EXCHANGE,
            DEAD_EXCHANGE,
            inbound,
            dead,
        ),
        write=_names(OUTBOUND_EXCHANGE, DEAD_EXCHANGE, UNROUTABLE_QUEUE, inbound, dead),
        read=_names(
            OUTBOUND_EXCHANGE, UNROUTABLE_QUEUE, FEDERATION_EXCHANGE, DEAD_EXCHANGE, inbound, dead
        ),
    )


def federation_queue_prefix(downstream_cluster: str, downstream_vhost: str) -> str:
    """The name the federation plugin gives its queue (and, plus a suffix, its exchange) on the
    upstream for a link from ``puente.outbound`` to a downstream ``puente.federation``:
    ``federation: puente.outbound -> <cluster>:<vhost>:puente.federation``.

    This is the naming of rabbitmq-server's rabbit_federation_upstream (3.x); a link whose
    names no longer match is refused by the upstream, which the link's status shows.
    """
    return f"federation: {OUTBOUND_EXCHANGE} -> {downstream_cluster}:{downstream_vhost}:" + (
        FEDERATION_EXCHANGE
    )


def federation_permissions(
    downstream_state: str, downstream_cluster: str, downstream_vhost: str
) -> Permissions:
    """What one federation link's user may do on the upstream's vhost: declare, bind and
    consume its own federation queue and exchange, and bind that exchange to
    ``puente.outbound`` with the downstream state's code as binding key and no other (a topic
    permission): a peer pulls what is addressed to it, never a copy of what is addressed to
    another state. No other link's queue, no publishing anywhere."""
    inbound_queue_name(downstream_state)  # a state code, or ValueError
    own = "^" + re.escape(federation_queue_prefix(downstream_cluster, downstream_vhost))
    return Permissions(
        configure=own,
        write=own,
        read=f"^{re.escape(OUTBOUND_EXCHANGE)}$|{own}",
        topics=(TopicPermissions(OUTBOUND_EXCHANGE, write=NOTHING, read=f"^{downstream_state}$"),),
    )


@dataclass(frozen=True)
class StateBroker:
    """Where one state's topology lives: a vhost of a node, and the names of its users."""

    state: str
    node: Node
    vhost: str
    gateway: Credentials
    user_prefix: str = "puente"
    """Prefix of the federation users this state's vhost creates for its peers' links."""
    delivery_limit: int | None = None

    @property
    def topology(self) -> Topology:
        if self.delivery_limit is None:
            return Topology(self.state)
        return Topology(self.state, delivery_limit=self.delivery_limit)

    @property
    def gateway_url(self) -> str:
        """The AMQP URL the state's gateway connects with."""
        return self.node.amqp_url(self.gateway, self.vhost)

    def federation_user(self, downstream: StateBroker) -> str:
        """The user, on this (upstream) node, of the link that ``downstream`` pulls from here."""
        return f"{self.user_prefix}-federation-{self.state}-to-{downstream.state}"


async def provision(broker: StateBroker) -> None:
    """Create the state's vhost and gateway user and declare its topology (idempotent).

    The topology is declared with the gateway's own credentials: provisioning checks that its
    permissions suffice, and the gateway declares the same objects again at every start.
    """
    management = broker.node.management
    management.put_vhost(broker.vhost)
    management.put_user(broker.gateway)
    management.set_permissions(broker.vhost, broker.gateway.user, gateway_permissions(broker.state))
    connection = await aio_pika.connect(broker.gateway_url)
    async with connection:
        channel = await connection.channel()
        await Declarer(channel).declare(broker.topology)


def link(
    upstream: StateBroker, downstream: StateBroker, *, reconnect_delay: float = 5
) -> Credentials:
    """Let ``downstream`` receive what ``upstream``'s gateway sends to it (idempotent).

    On the upstream's node: the link's own federation user, with :func:`federation_permissions`
    on the upstream's vhost (a new password each time). On the downstream's vhost: the
    federation upstream named after the upstream state and the federation policy. Returns
    the link user's credentials (they are also in the upstream's URI on the downstream).
    """
    up, down = upstream.node.management, downstream.node.management
    credentials = Credentials.generate(upstream.federation_user(downstream))
    up.put_user(credentials)
    up.set_permissions(
        upstream.vhost,
        credentials.user,
        federation_permissions(downstream.state, down.cluster_name(), downstream.vhost),
    )
    definition = {
        "uri": upstream.node.amqp_url(credentials, upstream.vhost),
        "exchange": OUTBOUND_EXCHANGE,
        "ack-mode": "on-confirm",  # the upstream forgets a message once the downstream has it
        "trust-user-id": False,
        "max-hops": 1,
        "reconnect-delay": reconnect_delay,
    }
    down.set_parameter("federation-upstream", downstream.vhost, upstream.state, definition)
    down.set_policy(
        downstream.vhost,
        FEDERATION_POLICY,
        pattern=f"^{re.escape(FEDERATION_EXCHANGE)}$",
        apply_to="exchanges",
        definition={"federation-upstream-set": "all"},
    )
    return credentials


def unlink(upstream: StateBroker, downstream: StateBroker) -> None:
    """Remove the link (its upstream and its user). Messages waiting in the upstream's
    federation queue stay there until the queue is deleted by an operator."""
    downstream.node.management.clear_parameter(
        "federation-upstream", downstream.vhost, upstream.state
    )
    upstream.node.management.delete_user(upstream.federation_user(downstream))


def link_status(downstream: StateBroker) -> dict[str, str]:
    """The status of each of ``downstream``'s links, by upstream state (``running``, ...)."""
    return {
        str(entry["upstream"]): str(entry["status"])
        for entry in downstream.node.management.federation_links(downstream.vhost)
        if entry.get("exchange") == FEDERATION_EXCHANGE
    }


async def wait_for_links(
    downstream: StateBroker, upstreams: Iterable[str], *, timeout: float = 30
) -> None:
    """Wait until ``downstream``'s links from every state of ``upstreams`` run."""
    wanted = set(upstreams)
    deadline = time.monotonic() + timeout
    while True:
        status = link_status(downstream)
        if all(status.get(state) == "running" for state in wanted):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{downstream.state}'s federation links: {status}")
        await asyncio.sleep(0.1)


def suspend_link(upstream: StateBroker, downstream: StateBroker) -> None:
    """Cut one link as a network failure would: the upstream refuses the link's user and drops
    its connection. What the upstream's gateway sends meanwhile waits in the upstream's
    federation queue; the downstream retries every ``reconnect-delay`` seconds."""
    user = upstream.federation_user(downstream)
    management = upstream.node.management
    management.clear_permissions(upstream.vhost, user)
    management.close_user_connections(user, "federation link suspended by an operator")


def resume_link(upstream: StateBroker, downstream: StateBroker) -> None:
    """Restore a link cut by :func:`suspend_link`: the link reconnects by itself."""
    management = upstream.node.management
    management.set_permissions(
        upstream.vhost,
        upstream.federation_user(downstream),
        federation_permissions(
            downstream.state, downstream.node.management.cluster_name(), downstream.vhost
        ),
    )


def requeue_unroutable(broker: StateBroker, *, name: str = "puente-requeue-unroutable") -> None:
    """Send what waits in the state's ``puente.unroutable`` queue to ``puente.outbound`` again,
    each with its routing key (the recipient state), once its link is up.

    A dynamic shovel (the ``rabbitmq_shovel`` plugin) does it on the broker, acking each
    message only once its new copy is confirmed, and deletes itself after as many messages as
    the queue held when it started: a message still unroutable goes back to the queue, once.
    """
    management, vhost = broker.node.management, broker.vhost
    local = "amqp:///" + urllib.parse.quote(vhost, safe="")
    management.set_parameter(
        "shovel",
        vhost,
        name,
        {
            "src-uri": local,
            "src-queue": UNROUTABLE_QUEUE,
            "src-delete-after": "queue-length",
            "dest-uri": local,
            "dest-exchange": OUTBOUND_EXCHANGE,  # no dest key: each keeps its routing key
            "ack-mode": "on-confirm",
        },
    )


def deprovision(broker: StateBroker, peers: Iterable[StateBroker] = ()) -> None:
    """Delete the state's vhost (its queues with them), its gateway user and the federation
    users of its links with ``peers`` on its node. Missing ones are not an error."""
    management = broker.node.management
    users = [broker.gateway.user] + [broker.federation_user(peer) for peer in peers]
    for user in users:
        _ignore_missing(management.delete_user, user)
    _ignore_missing(management.delete_vhost, broker.vhost)


def _ignore_missing(action: Any, name: str) -> None:
    try:
        action(name)
    except ManagementError as error:
        if error.status != 404:
            raise


def topology_drift(broker: StateBroker) -> list[str]:
    """How the objects on the state's vhost differ from its declarations (empty: none).

    RabbitMQ refuses a redeclaration with other settings only for some arguments; this
    compares every one, and that every binding exists.
    """
    management, vhost = broker.node.management, broker.vhost
    problems: list[str] = []
    for declaration in broker.topology:
        try:
            if isinstance(declaration, Exchange):
                found = management.get(
                    f"/exchanges/{management.quote(vhost)}/{_q(declaration.name)}"
                )
                expected: Mapping[str, object] = {
                    "type": declaration.kind.value,
                    "durable": True,
                    "arguments": dict(declaration.arguments),
                }
            elif isinstance(declaration, ClassicQueue | QuorumQueue):
                found = management.queue(vhost, declaration.name)
                expected = {
                    "type": "quorum" if isinstance(declaration, QuorumQueue) else "classic",
                    "durable": True,
                    "arguments": (
                        dict(declaration.arguments) if isinstance(declaration, QuorumQueue) else {}
                    ),
                }
            else:
                _check_binding(management, vhost, declaration, problems)
                continue
        except ManagementError as error:
            if error.status != 404:
                raise
            problems.append(f"missing: {declaration!r}")
            continue
        for key, value in expected.items():
            if found.get(key) != value:
                problems.append(f"{declaration.name}: {key} is {found.get(key)!r}, not {value!r}")
    return problems


def _q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def _check_binding(
    management: Management, vhost: str, binding: Binding, problems: list[str]
) -> None:
    path = f"/bindings/{_q(vhost)}/e/{_q(binding.exchange)}/q/{_q(binding.queue)}"
    keys = {entry["routing_key"] for entry in management.get(path)}
    if binding.routing_key not in keys:
        problems.append(f"missing: {binding!r}")
