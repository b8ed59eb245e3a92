"""Collection layer: Scrapy spiders, source registry, feed parsing and article extraction."""
