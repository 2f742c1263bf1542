-- Which migrations have been applied. Two collector replicas migrating at once both record a
-- migration; the insert's deduplication token (the version) keeps one row, ReplacingMergeTree the rest.
CREATE TABLE IF NOT EXISTS {{database}}.firefly_schema_migrations
(
    Version String,
    Checksum String,
    AppliedAt DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY Version
SETTINGS non_replicated_deduplication_window = 1000;
