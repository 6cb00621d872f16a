"""The node's HTTP API: one router per resource, dependencies for sessions and authorization."""
