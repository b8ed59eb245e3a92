"""Scrapy spiders of Policy Radar."""
