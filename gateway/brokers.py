"""Operations: provision the states' brokers and link them by dynamic shovels.

A state's broker is a :class:`StateBroker`: a vhost on a RabbitMQ node (a node of its own in
production; in the tests, several states may share a node, each in its own vhost). Setting up
the federation of states takes, through each node's management HTTP API (the
``rabbitmq_management`` and ``rabbitmq_shovel_management`` plugins; the standard library's
urllib, no client library):

1. :func:`provision`: the state's vhost, its gateway user with permissions on its own
   ``puente.*`` names only (:func:`gateway_permissions`), and its topology
   (:class:`gateway.topology.Topology`), declared with the gateway's own credentials.
2. :func:`link` for each ordered pair of states (upstream -> downstream), in two halves, one
   for each state's operator:

   - :func:`open_link`, on the upstream's broker: the queue ``puente.to.<DOWN>`` bound to
     ``puente.outbound`` with the downstream's state code, and the link's own user, who may
     read that queue and nothing else (:func:`link_permissions`). From then on, what the
     upstream's gateway sends to the downstream waits there.
   - :func:`pull_link`, on the downstream's broker: a dynamic shovel (``puente-from-<UP>``)
     that consumes that queue as the link's user and publishes to the downstream's
     ``puente.federation``, acking upstream only once the downstream confirmed.

3. :func:`wait_for_links` until every shovel runs.

:func:`suspend_link` and :func:`resume_link` cut and restore one link (the upstream refuses
the link's user; messages wait in ``puente.to.<DOWN>``), :func:`requeue_unroutable` sends on
what waited in ``puente.unroutable``, :func:`topology_drift` compares what a broker holds with
the declarations, and :func:`deprovision` removes a state's vhost and users.
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
    link_declarations,
    link_queue_name,
)
from messages.errors import PuenteError

__all__ = [
    "Credentials",
    "ManagementError",
    "Node",
    "Permissions",
    "StateBroker",
    "deprovision",
    "gateway_permissions",
    "link",
    "link_permissions",
    "link_status",
    "open_link",
    "provision",
    "pull_link",
    "requeue_unroutable",
    "resume_link",
    "suspend_link",
    "topology_drift",
    "unlink",
    "wait_for_links",
]


class ManagementError(PuenteError):
    """The management API refused or failed a request."""

    code = "broker-management"

    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        self.status = status
        # A refused shovel definition is echoed back, with the password in its URIs.
        detail = re.sub(r"(amqps?://[^:/@\s]*:)[^@\s]*@", r"\1***@", detail)
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

    def shovels(self, vhost: str) -> list[dict[str, Any]]:
        """The status of the vhost's shovels (the rabbitmq_shovel_management plugin)."""
        result: list[dict[str, Any]] = self.get(f"/shovels/{self.quote(vhost)}")
        return result

    # --- write ------------------------------------------------------------------------------

    def put_vhost(self, vhost: str) -> None:
        self.request("PUT", f"/vhosts/{self.quote(vhost)}", {})

    def delete_vhost(self, vhost: str) -> None:
        self.request("DELETE", f"/vhosts/{self.quote(vhost)}")

    def put_queue(self, vhost: str, name: str, *, arguments: Mapping[str, object]) -> None:
        """Declare a durable queue (idempotent; other settings are refused)."""
        body = {"durable": True, "auto_delete": False, "arguments": dict(arguments)}
        self.request("PUT", f"/queues/{self.quote(vhost)}/{self.quote(name)}", body)

    def delete_queue(self, vhost: str, name: str) -> None:
        self.request("DELETE", f"/queues/{self.quote(vhost)}/{self.quote(name)}")

    def bind_queue(self, vhost: str, exchange: str, queue: str, routing_key: str) -> None:
        """Bind ``queue`` to ``exchange`` (a binding that exists already is kept as it is)."""
        path = f"/bindings/{self.quote(vhost)}/e/{self.quote(exchange)}/q/{self.quote(queue)}"
        self.request("POST", path, {"routing_key": routing_key})

    def put_user(self, credentials: Credentials, *, tags: str = "") -> None:
        body = {"password": credentials.password, "tags": tags}
        self.request("PUT", f"/users/{self.quote(credentials.user)}", body)

    def delete_user(self, user: str) -> None:
        self.request("DELETE", f"/users/{self.quote(user)}")

    def set_permissions(self, vhost: str, user: str, permissions: Permissions) -> None:
        body = {
            "configure": permissions.configure,
            "write": permissions.write,
            "read": permissions.read,
        }
        self.request("PUT", f"/permissions/{self.quote(vhost)}/{self.quote(user)}", body)

    def clear_permissions(self, vhost: str, user: str) -> None:
        self.request("DELETE", f"/permissions/{self.quote(vhost)}/{self.quote(user)}")

    def set_parameter(self, component: str, vhost: str, name: str, value: object) -> None:
        path = f"/parameters/{component}/{self.quote(vhost)}/{self.quote(name)}"
        self.request("PUT", path, {"value": value})

    def clear_parameter(self, component: str, vhost: str, name: str) -> None:
        self.request("DELETE", f"/parameters/{component}/{self.quote(vhost)}/{self.quote(name)}")

    def close_user_connections(self, user: str, reason: str) -> None:
        """Close every connection of ``user`` on this node (tracked at once, not from stats)."""
        request = f"/connections/username/{self.quote(user)}"
        self.request("DELETE", request, headers={"X-Reason": reason})


@dataclass(frozen=True)
class Permissions:
    """A user's permissions on one vhost: regular expressions over resource names."""

    configure: str
    write: str
    read: str


NOTHING = "^$"
"""A permission that matches no name (but the empty one, which names nothing here)."""


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
    ``puente.unroutable`` names both. The ``puente.to.<PEER>`` queues are not the gateway's.
    """
    inbound, dead = inbound_queue_name(state), dead_letter_queue_name(state)
    return Permissions(
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


def link_permissions(downstream_state: str) -> Permissions:
    """What one link's user may do on the upstream's vhost: consume the queue of what is
    addressed to the downstream state. Nothing else: no declaring, no binding, no publishing,
    no other peer's queue."""
    return Permissions(
        configure=NOTHING, write=NOTHING, read=_names(link_queue_name(downstream_state))
    )


@dataclass(frozen=True)
class StateBroker:
    """Where one state's topology lives: a vhost of a node, and the names of its users."""

    state: str
    node: Node
    vhost: str
    gateway: Credentials
    user_prefix: str = "puente"
    """Prefix of the link users this state's broker creates for its peers."""
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

    def link_user(self, downstream: StateBroker) -> str:
        """The user, on this (upstream) broker, of the link that ``downstream`` pulls from."""
        return f"{self.user_prefix}-link-{self.state}-to-{downstream.state}"


def shovel_name(upstream_state: str) -> str:
    """The name, on a downstream's vhost, of the shovel that pulls from ``upstream_state``."""
    return f"puente-from-{upstream_state}"


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


def open_link(upstream: StateBroker, downstream: StateBroker) -> Credentials:
    """The upstream's half of a link (idempotent; a new password each time): the queue of what
    is addressed to the downstream, bound to ``puente.outbound``, and the link's user. Returns
    the credentials to hand to the downstream's operator."""
    management = upstream.node.management
    queue, binding = link_declarations(downstream.state)
    management.put_queue(upstream.vhost, queue.name, arguments={})
    management.bind_queue(upstream.vhost, binding.exchange, binding.queue, binding.routing_key)
    credentials = Credentials.generate(upstream.link_user(downstream))
    management.put_user(credentials)
    management.set_permissions(upstream.vhost, credentials.user, link_permissions(downstream.state))
    return credentials


def pull_link(
    upstream: StateBroker,
    downstream: StateBroker,
    credentials: Credentials,
    *,
    reconnect_delay: float = 5,
    prefetch: int = 1000,
) -> None:
    """The downstream's half of a link (idempotent): a dynamic shovel, on the downstream's
    broker, from the upstream's ``puente.to.<DOWN>`` (as the link's user) to the
    downstream's ``puente.federation``. Each message keeps its routing key (the downstream's
    state code) and its properties; no header is added. ``ack-mode: on-confirm``: the
    upstream forgets a message only once the downstream's broker confirmed it."""
    local = "amqp:///" + urllib.parse.quote(downstream.vhost, safe="")
    definition = {
        "src-protocol": "amqp091",
        "src-uri": upstream.node.amqp_url(credentials, upstream.vhost),
        "src-queue": link_queue_name(downstream.state),
        "src-prefetch-count": prefetch,
        "dest-protocol": "amqp091",
        "dest-uri": local,
        "dest-exchange": FEDERATION_EXCHANGE,
        "dest-add-forward-headers": False,
        "ack-mode": "on-confirm",
        "reconnect-delay": reconnect_delay,
    }
    downstream.node.management.set_parameter(
        "shovel", downstream.vhost, shovel_name(upstream.state), definition
    )


def link(
    upstream: StateBroker, downstream: StateBroker, *, reconnect_delay: float = 5
) -> Credentials:
    """Both halves of a link (:func:`open_link`, :func:`pull_link`): ``downstream`` receives
    what ``upstream``'s gateway sends to it. Returns the link user's credentials."""
    credentials = open_link(upstream, downstream)
    pull_link(upstream, downstream, credentials, reconnect_delay=reconnect_delay)
    return credentials


def unlink(upstream: StateBroker, downstream: StateBroker) -> None:
    """Remove the link's shovel and user. The queue ``puente.to.<DOWN>`` stays on the
    upstream, bound, with what waits in it: delete it once empty if the peer is gone for good
    (then what is sent to that state goes to ``puente.unroutable``)."""
    _ignore_missing(
        lambda name: downstream.node.management.clear_parameter("shovel", downstream.vhost, name),
        shovel_name(upstream.state),
    )
    _ignore_missing(upstream.node.management.delete_user, upstream.link_user(downstream))


def link_status(downstream: StateBroker) -> dict[str, str]:
    """The state of each of ``downstream``'s shovels, by upstream state (``running``,
    ``starting``, ``terminated``)."""
    prefix = shovel_name("")
    return {
        str(entry["name"])[len(prefix) :]: str(entry.get("state"))
        for entry in downstream.node.management.shovels(downstream.vhost)
        if str(entry.get("name", "")).startswith(prefix)
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
            raise TimeoutError(f"{downstream.state}'s links: {status}")
        await asyncio.sleep(0.1)


def suspend_link(upstream: StateBroker, downstream: StateBroker) -> None:
    """Cut one link as a network failure would: the upstream refuses the link's user and drops
    its connection. What the upstream's gateway sends meanwhile waits in ``puente.to.<DOWN>``;
    the shovel retries every ``reconnect-delay`` seconds."""
    user = upstream.link_user(downstream)
    management = upstream.node.management
    management.clear_permissions(upstream.vhost, user)
    management.close_user_connections(user, "link suspended by an operator")


def resume_link(upstream: StateBroker, downstream: StateBroker) -> None:
    """Restore a link cut by :func:`suspend_link`: the shovel reconnects by itself."""
    upstream.node.management.set_permissions(
        upstream.vhost, upstream.link_user(downstream), link_permissions(downstream.state)
    )


def requeue_unroutable(broker: StateBroker, *, name: str = "puente-requeue-unroutable") -> None:
    """Send what waits in the state's ``puente.unroutable`` queue to ``puente.outbound`` again,
    each with its routing key (the recipient state), once its link exists.

    A dynamic shovel does it on the broker, acking each message only once its new copy is
    confirmed, and deletes itself after as many messages as the queue held when it started: a
    message still unroutable goes back to the queue, once.
    """
    local = "amqp:///" + urllib.parse.quote(broker.vhost, safe="")
    broker.node.management.set_parameter(
        "shovel",
        broker.vhost,
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
    """Delete the state's vhost (its queues and shovels with it), its gateway user and the
    users of its links to ``peers``. Missing ones are not an error."""
    management = broker.node.management
    users = [broker.gateway.user] + [broker.link_user(peer) for peer in peers]
    for user in users:
        _ignore_missing(management.delete_user, user)
    _ignore_missing(management.delete_vhost, broker.vhost)


def _ignore_missing(action: Any, name: str) -> None:
    try:
        action(name)
    except ManagementError as error:
        if error.status != 404:
            raise


def topology_drift(broker: StateBroker, peers: Iterable[str] = ()) -> list[str]:
    """How the objects on the state's vhost differ from its declarations, and from the link
    declarations for ``peers`` (empty: none).

    RabbitMQ refuses a redeclaration with other settings, but bindings have none: this also
    checks that every binding exists.
    """
    management, vhost = broker.node.management, broker.vhost
    declarations = [*broker.topology]
    for peer in peers:
        declarations += link_declarations(peer)
    problems: list[str] = []
    for declaration in declarations:
        try:
            if isinstance(declaration, Exchange):
                found = management.get(f"/exchanges/{_q(vhost)}/{_q(declaration.name)}")
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
