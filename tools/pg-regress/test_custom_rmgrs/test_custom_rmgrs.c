/*
 * A custom WAL resource manager for PostgreSQL 15, whose test module of this name only arrived in 16:
 * loaded with shared_preload_libraries = 'test_custom_rmgrs', it registers the experimental rmgr id
 * (RM_EXPERIMENTAL_ID, 128) and offers test_custom_rmgrs_insert_wal_record(text) RETURNS pg_lsn, which
 * writes one record of that rmgr carrying the text. Stock PostgreSQL replays it as a no-op; Cairn's
 * pageserver knows no such rmgr, which is what its tests of a record it cannot apply need.
 */
#include "postgres.h"

#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "access/xloginsert.h"
#include "fmgr.h"
#include "utils/pg_lsn.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

#define CAIRN_TEST_RMGR_ID RM_EXPERIMENTAL_ID
#define CAIRN_TEST_RMGR_MESSAGE 0x00

static void cairn_test_rmgr_redo(XLogReaderState *record);
static void cairn_test_rmgr_desc(StringInfo buf, XLogReaderState *record);
static const char *cairn_test_rmgr_identify(uint8 info);

/* not const: PostgreSQL 15's RegisterCustomRmgr takes a plain pointer */
static RmgrData cairn_test_rmgr = {
	.rm_name = "test_custom_rmgrs",
	.rm_redo = cairn_test_rmgr_redo,
	.rm_desc = cairn_test_rmgr_desc,
	.rm_identify = cairn_test_rmgr_identify,
};

void
_PG_init(void)
{
	/* fails unless loaded through shared_preload_libraries, as rmgrs must be known before recovery */
	RegisterCustomRmgr(CAIRN_TEST_RMGR_ID, &cairn_test_rmgr);
}

static void
cairn_test_rmgr_redo(XLogReaderState *record)
{
	uint8		info = XLogRecGetInfo(record) & ~XLR_INFO_MASK;

	if (info != CAIRN_TEST_RMGR_MESSAGE)
		elog(PANIC, "test_custom_rmgrs: unknown record type %u", info);
}

/* the record's data is the text itself */
static void
cairn_test_rmgr_desc(StringInfo buf, XLogReaderState *record)
{
	appendStringInfo(buf, "message (%u bytes): ", XLogRecGetDataLen(record));
	appendBinaryStringInfo(buf, XLogRecGetData(record), XLogRecGetDataLen(record));
}

static const char *
cairn_test_rmgr_identify(uint8 info)
{
	return (info & ~XLR_INFO_MASK) == CAIRN_TEST_RMGR_MESSAGE ? "MESSAGE" : NULL;
}

PG_FUNCTION_INFO_V1(test_custom_rmgrs_insert_wal_record);

Datum
test_custom_rmgrs_insert_wal_record(PG_FUNCTION_ARGS)
{
	text	   *message = PG_GETARG_TEXT_PP(0);
	XLogRecPtr	lsn;

	XLogBeginInsert();
	XLogRegisterData(VARDATA_ANY(message), VARSIZE_ANY_EXHDR(message));
	lsn = XLogInsert(CAIRN_TEST_RMGR_ID, CAIRN_TEST_RMGR_MESSAGE);
	/* made durable like a commit, so the record reaches the safekeepers (and the pageserver) at once */
	XLogFlush(lsn);
	PG_RETURN_LSN(lsn);
}
