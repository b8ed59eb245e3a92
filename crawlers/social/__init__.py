"""Social and comment connectors: Telegram, XenForo forums, Reddit, file imports and more."""
