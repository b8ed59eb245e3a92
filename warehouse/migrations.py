"""Named, recorded, transactional schema migrations: the only way the schema changes."""

from __future__ import annotations

import duckdb

# Append only: a migration that has shipped is never edited, a new one is added after it.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_core",
        """
        CREATE TABLE sources (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            connector VARCHAR NOT NULL,
            url VARCHAR,
            status VARCHAR DEFAULT 'active',
            config JSON,
            updated_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE documents (
            id VARCHAR PRIMARY KEY,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('press', 'social', 'comment')),
            parent_id VARCHAR,
            url VARCHAR NOT NULL,
            title VARCHAR,
            text VARCHAR,
            published_at TIMESTAMPTZ,
            fetched_at TIMESTAMPTZ,
            lang VARCHAR,
            content_hash VARCHAR,
            extra JSON,
            ingested_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE annotations (
            document_id VARCHAR PRIMARY KEY,
            model_version VARCHAR NOT NULL,
            sentiment VARCHAR,
            sentiment_score DOUBLE,
            toxicity VARCHAR,
            toxicity_score DOUBLE,
            topic VARCHAR,
            topics VARCHAR[],
            topic_scores DOUBLE[],
            tokens INTEGER,
            annotated_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE hourly_aggregates (
            hour TIMESTAMPTZ NOT NULL,
            topic VARCHAR NOT NULL,
            sentiment VARCHAR NOT NULL,
            source_kind VARCHAR NOT NULL,
            n_documents INTEGER NOT NULL,
            PRIMARY KEY (hour, topic, sentiment, source_kind)
        );
        CREATE TABLE topic_spikes (
            hour TIMESTAMPTZ NOT NULL,
            topic VARCHAR NOT NULL,
            n_documents INTEGER NOT NULL,
            expected DOUBLE NOT NULL,
            score DOUBLE NOT NULL,
            alert BOOLEAN NOT NULL,
            PRIMARY KEY (hour, topic)
        );
        CREATE INDEX documents_published ON documents (published_at);
        """,
    ),
    (
        "0002_topics",
        """
        CREATE TABLE topics (
            slug VARCHAR PRIMARY KEY,
            name_vi VARCHAR NOT NULL,
            name_en VARCHAR NOT NULL
        );
        """,
    ),
    (
        "0003_raw_pages",
        """
        CREATE TABLE raw_pages (
            document_id VARCHAR PRIMARY KEY,
            url VARCHAR NOT NULL,
            fetched_at TIMESTAMPTZ NOT NULL,
            http_status INTEGER,
            content_type VARCHAR,
            body_bytes INTEGER NOT NULL,
            body_gzip BLOB NOT NULL
        );
        """,
    ),
    (
        "0100_narratives",
        """
        CREATE TABLE narratives (
            id VARCHAR PRIMARY KEY,
            label VARCHAR NOT NULL,
            key_terms VARCHAR[],
            first_seen TIMESTAMPTZ,
            last_seen TIMESTAMPTZ,
            n_documents INTEGER NOT NULL,
            n_duplicates INTEGER NOT NULL,
            sources VARCHAR[],
            kinds VARCHAR[],
            n_negative INTEGER NOT NULL,
            n_neutral INTEGER NOT NULL,
            n_positive INTEGER NOT NULL,
            topics VARCHAR[],
            places VARCHAR[],
            legal_refs VARCHAR[],
            updated_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE narrative_members (
            document_id VARCHAR PRIMARY KEY,
            narrative_id VARCHAR NOT NULL,
            duplicate_of VARCHAR,
            similarity DOUBLE,
            places VARCHAR[],
            legal_refs VARCHAR[],
            key_terms VARCHAR[],
            joined_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE INDEX narrative_members_narrative ON narrative_members (narrative_id);
        CREATE INDEX narratives_last_seen ON narratives (last_seen);
        """,
    ),
    (
        "0101_alerts",
        """
        CREATE TABLE alert_units (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            level VARCHAR NOT NULL CHECK (level IN ('ministry', 'province', 'other')),
            topics VARCHAR[],
            places VARCHAR[],
            spokesperson VARCHAR,
            channels VARCHAR[],
            created_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE alert_subscriptions (
            id VARCHAR PRIMARY KEY,
            who VARCHAR NOT NULL,
            what VARCHAR NOT NULL
                CHECK (what IN ('topic', 'keyword', 'place', 'legal_ref', 'emerging_negative')),
            target VARCHAR,
            sensitivity DOUBLE NOT NULL,
            channels VARCHAR[] NOT NULL,
            quiet_start SMALLINT,
            quiet_end SMALLINT,
            mode VARCHAR NOT NULL CHECK (mode IN ('immediate', 'digest')),
            cooldown_hours DOUBLE NOT NULL,
            paused BOOLEAN NOT NULL DEFAULT false,
            unit_id VARCHAR,
            created_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE alert_events (
            id VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            target VARCHAR NOT NULL,
            event_at TIMESTAMPTZ NOT NULL,
            score DOUBLE NOT NULL,
            title VARCHAR NOT NULL,
            body VARCHAR NOT NULL,
            narrative_id VARCHAR,
            topic VARCHAR,
            places VARCHAR[],
            document_ids VARCHAR[],
            created_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE alert_outbox (
            key VARCHAR PRIMARY KEY,
            event_id VARCHAR NOT NULL,
            subscription_id VARCHAR NOT NULL,
            channel VARCHAR NOT NULL,
            subject VARCHAR NOT NULL,
            body VARCHAR NOT NULL,
            status VARCHAR NOT NULL
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed', 'digest')),
            message_key VARCHAR,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TIMESTAMPTZ,
            last_error VARCHAR,
            created_at TIMESTAMPTZ DEFAULT current_timestamp,
            sending_at TIMESTAMPTZ,
            sent_at TIMESTAMPTZ
        );
        CREATE TABLE alert_audit (
            logged_at TIMESTAMPTZ DEFAULT current_timestamp,
            key VARCHAR,
            subscription_id VARCHAR,
            action VARCHAR NOT NULL,
            detail VARCHAR
        );
        CREATE TABLE alert_feedback (
            key VARCHAR NOT NULL,
            subscription_id VARCHAR NOT NULL,
            useful BOOLEAN NOT NULL,
            note VARCHAR,
            given_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        """,
    ),
    (
        "0200_engagement_snapshots",
        """
        CREATE TABLE engagement_snapshots (
            document_id VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,
            observed_at TIMESTAMPTZ NOT NULL,
            value BIGINT NOT NULL,
            source VARCHAR,
            PRIMARY KEY (document_id, metric, observed_at)
        );
        CREATE INDEX engagement_snapshots_observed ON engagement_snapshots (observed_at);
        """,
    ),
    (
        "0400_users",
        """
        CREATE TABLE users (
            username VARCHAR PRIMARY KEY,
            display_name VARCHAR NOT NULL,
            password_hash VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
            disabled BOOLEAN NOT NULL DEFAULT false,
            created_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE saved_queries (
            username VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            sql VARCHAR NOT NULL,
            saved_at TIMESTAMPTZ DEFAULT current_timestamp,
            PRIMARY KEY (username, name)
        );
        """,
    ),
    (
        "0300_source_health",
        """
        CREATE TABLE source_health (
            source VARCHAR NOT NULL,
            run_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            ok BOOLEAN NOT NULL,
            requests INTEGER NOT NULL,
            feeds_ok INTEGER NOT NULL,
            items_fetched INTEGER NOT NULL,
            items_new INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            http_failures INTEGER NOT NULL,
            detail JSON,
            PRIMARY KEY (source, run_at)
        );
        CREATE TABLE document_syndication (
            document_id VARCHAR PRIMARY KEY,
            syndication_group VARCHAR,
            similarity DOUBLE,
            signature BLOB,
            checked_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE INDEX document_syndication_group ON document_syndication (syndication_group);
        """,
    ),
    (
        "0102_narrative_merges_series_spikes",
        """
        ALTER TABLE narrative_members ADD COLUMN agencies VARCHAR[];
        ALTER TABLE narratives ADD COLUMN agencies VARCHAR[];
        CREATE TABLE narrative_merges (
            narrative_id VARCHAR PRIMARY KEY,
            merged_into VARCHAR NOT NULL,
            similarity DOUBLE,
            merged_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE TABLE series_spikes (
            hour TIMESTAMPTZ NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('place', 'entity', 'legal_ref', 'keyword', 'narrative')),
            key VARCHAR NOT NULL,
            n_documents INTEGER NOT NULL,
            expected DOUBLE NOT NULL,
            score DOUBLE NOT NULL,
            alert BOOLEAN NOT NULL,
            PRIMARY KEY (hour, kind, key)
        );
        CREATE INDEX series_spikes_alert ON series_spikes (alert, hour);
        CREATE TABLE narrative_forecasts (
            narrative_id VARCHAR NOT NULL,
            made_at TIMESTAMPTZ NOT NULL,
            hour TIMESTAMPTZ NOT NULL,
            expected DOUBLE NOT NULL,
            lower INTEGER NOT NULL,
            upper INTEGER NOT NULL,
            PRIMARY KEY (narrative_id, made_at, hour)
        );
        CREATE TABLE alert_subscriptions_0102 (
            id VARCHAR PRIMARY KEY,
            who VARCHAR NOT NULL,
            what VARCHAR NOT NULL
                CHECK (what IN ('topic', 'keyword', 'place', 'entity', 'legal_ref', 'emerging_negative')),
            target VARCHAR,
            sensitivity DOUBLE NOT NULL,
            channels VARCHAR[] NOT NULL,
            quiet_start SMALLINT,
            quiet_end SMALLINT,
            mode VARCHAR NOT NULL CHECK (mode IN ('immediate', 'digest')),
            cooldown_hours DOUBLE NOT NULL,
            paused BOOLEAN NOT NULL DEFAULT false,
            unit_id VARCHAR,
            created_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        INSERT INTO alert_subscriptions_0102 SELECT * FROM alert_subscriptions;
        DROP TABLE alert_subscriptions;
        ALTER TABLE alert_subscriptions_0102 RENAME TO alert_subscriptions;
        """,
    ),
    (
        "0103_narrative_splits",
        """
        CREATE TABLE narrative_splits (
            narrative_id VARCHAR PRIMARY KEY,
            split_from VARCHAR NOT NULL,
            n_moved INTEGER NOT NULL,
            similarity DOUBLE,
            silhouette DOUBLE,
            document_ids VARCHAR[],
            split_at TIMESTAMPTZ DEFAULT current_timestamp
        );
        CREATE INDEX narrative_splits_from ON narrative_splits (split_from);
        """,
    ),
]
# Applied in name order, whatever order they are written in: parallel work appends at the end,
# while a fresh warehouse and an upgraded one must end up with the same history.
MIGRATIONS.sort(key=lambda migration: migration[0])


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations already applied, in order."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT current_timestamp)"
    )
    return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied."""
    done = set(applied(con))
    new: list[str] = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        new.append(name)
    return new
