"""The service each state runs: API, storage, users and roles, case workflows, CLI and demo.

The top of the dependency chain: messages <- crypto <- gateway <- national_node.
"""
