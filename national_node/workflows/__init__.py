"""Case workflows of each family at a node: what a family adds to the generic case operations
(national_node.cases) — its checks, timers and conveniences."""
