"""Alerts: subscriptions, routing to responsible units, a transactional outbox and an apprise sender."""
