"""A node's settings: from the environment (``PUENTE_*``), then a TOML file, then defaults.

``PUENTE_CONFIG`` (or ``puente node ... --config``) names the file; the environment wins over
it, so a deployment can keep secrets out of the file. Secrets (the key-ring passphrase) are
never logged or shown in ``repr``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from messages.types import StateCode


class NodeSettings(BaseSettings):
    """Everything a node needs to start."""

    model_config = SettingsConfigDict(env_prefix="PUENTE_", extra="forbid", frozen=True)

    state: StateCode
    """This node's state (ISO 3166-1 alpha-2)."""
    data_dir: Path = Path("var/puente")
    """Where the key ring, the data key and (by default) the SQLite database live."""
    database_url: str | None = None
    """``sqlite+aiosqlite:///path`` (default: ``<data_dir>/node.db``) or
    ``postgresql+psycopg://user:pw@host/db``."""
    amqp_url: str | None = None
    """This state's broker, e.g. ``amqp://gateway:pw@127.0.0.1:5672/puente-AR``; unset means the
    in-process transport (the embedded demo)."""
    keyring_path: Path | None = None
    """Default ``<data_dir>/keyring.json``."""
    data_key_path: Path | None = None
    """Default ``<data_dir>/data-key.json``."""
    directory_path: Path | None = None
    """The federation directory (TUF repository metadata); default ``<data_dir>/directory``."""
    passphrase: SecretStr | None = None
    """Unlocks the key ring and the data key (``PUENTE_PASSPHRASE``)."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    token_lifetime_days: int = Field(default=90, ge=1, le=3650)
    """The longest an API token may live."""
    session_lifetime_minutes: int = Field(default=480, ge=5, le=1440)
    """A password login's token."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config = os.environ.get("PUENTE_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'node.db'}"

    @property
    def resolved_keyring_path(self) -> Path:
        return self.keyring_path or self.data_dir / "keyring.json"

    @property
    def resolved_data_key_path(self) -> Path:
        return self.data_key_path or self.data_dir / "data-key.json"

    @property
    def resolved_directory_path(self) -> Path:
        return self.directory_path or self.data_dir / "directory"


def load_settings(**overrides: Any) -> NodeSettings:
    """Settings from the environment and the config file, with explicit overrides on top."""
    return NodeSettings(**overrides)
