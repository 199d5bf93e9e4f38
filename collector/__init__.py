"""HTTP in: the aiohttp collector, its config and its command line."""

from collector.app import create_app
from collector.config import Config, TenantConfig, load_config

__all__ = ["Config", "TenantConfig", "create_app", "load_config"]
