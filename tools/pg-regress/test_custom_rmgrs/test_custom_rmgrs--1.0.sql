\echo Use "CREATE EXTENSION test_custom_rmgrs" to load this file. \quit

-- writes one WAL record of the experimental rmgr (id 128) carrying the message; returns its LSN
CREATE FUNCTION test_custom_rmgrs_insert_wal_record(message text) RETURNS pg_lsn
    AS 'MODULE_PATHNAME' LANGUAGE C STRICT VOLATILE;
