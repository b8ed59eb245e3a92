"""Settings, read in one place: defaults < radar.toml < RADAR_* environment < command-line flags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Everything an operator can configure."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", toml_file="radar.toml", extra="ignore")

    db: Path = Path("data/radar.duckdb")
    demo_file: Path | None = None
    demo_days: int = 60
    demo_crawl_minutes: float = 3.0
    shared_dir: Path = ROOT.parent / "shared"
    models_dir: Path | None = None
    social_registry: Path | None = None
    dashboard_port: int = 8501
    process_batch: int = 2000
    user_agent: str = "PolicyRadar/0.1 (+https://github.com/policy-radar/radar; radar@example.org)"
    lock_timeout: float = 60.0
    admin_password: str | None = None  # first dashboard admin of `radar demo` (else a random one, printed)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init) beat the environment, which beats radar.toml, which beats defaults."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def demo_source(self) -> Path | None:
        """The JSON Lines file `radar demo` ingests: RADAR_DEMO_FILE, else the shared timeline."""
        if self.demo_file:
            return self.demo_file
        timeline = self.shared_dir / "data" / "timeline"
        if timeline.is_dir():
            found = sorted(timeline.glob("*.jsonl*"))
            return found[0] if found else None
        return None


def load_settings(**flags: Any) -> Settings:
    """Build settings, letting only the flags that were actually given override the rest."""
    return Settings(**{k: v for k, v in flags.items() if v is not None})
