package dev.cairn.pgformat.rmgr;

import java.util.List;

/** Records of the MultiXact resource manager (rmgr 6), per access/multixact.h. */
public sealed interface MultiXactRecord extends RmgrRecord {
    int ZERO_OFF_PAGE = 0x00;
    int ZERO_MEM_PAGE = 0x10;
    int CREATE_ID = 0x20;
    int TRUNCATE_ID = 0x30;

    /** A pg_multixact/offsets page was zeroed. */
    record ZeroOffsetPage(int pageNumber) implements MultiXactRecord {
    }

    /** A pg_multixact/members page was zeroed. */
    record ZeroMemberPage(int pageNumber) implements MultiXactRecord {
    }

    /** A new multixact {@code multi} whose members start at {@code offset} in the members SLRU. */
    record CreateId(long multi, long offset, List<Member> members) implements MultiXactRecord {
    }

    /** The SLRUs were truncated: offsets [startTruncOff, endTruncOff), members [startTruncMemb, endTruncMemb). */
    record TruncateId(long oldestMultiDb, long startTruncOff, long endTruncOff, long startTruncMemb,
                      long endTruncMemb) implements MultiXactRecord {
    }

    /** A MultiXactMember: an xid and its lock mode (MultiXactStatus). */
    record Member(long xid, int status) {
        /** The short name pg_waldump prints for the status. */
        public String statusName() {
            return switch (status) {
                case 0 -> "keysh";
                case 1 -> "sh";
                case 2 -> "fornokeyupd";
                case 3 -> "forupd";
                case 4 -> "nokeyupd";
                case 5 -> "upd";
                default -> "unk";
            };
        }

        /** True for the statuses of an updating member (ISUPDATE_from_mxstatus). */
        public boolean isUpdate() {
            return status > 3;
        }
    }
}
