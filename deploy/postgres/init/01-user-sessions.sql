-- The sessions job's sink table (streaming-sessions/README.md). Runs once, when the volume is empty.
CREATE TABLE IF NOT EXISTS user_sessions (
    user_id       TEXT         NOT NULL,
    session_start TIMESTAMP(3) NOT NULL,
    session_end   TIMESTAMP(3) NOT NULL,
    page_count    BIGINT       NOT NULL,
    first_page    TEXT         NOT NULL,
    last_page     TEXT         NOT NULL,
    PRIMARY KEY (user_id, session_start)
);
