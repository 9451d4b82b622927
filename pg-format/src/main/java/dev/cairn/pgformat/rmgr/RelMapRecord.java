package dev.cairn.pgformat.rmgr;

import java.util.Arrays;
import java.util.HexFormat;

/** Records of the RelMap resource manager (rmgr 7), per utils/relmapper.h. */
public sealed interface RelMapRecord extends RmgrRecord {
    int UPDATE = 0x00;

    /**
     * UPDATE: the new content of pg_filenode.map for database {@code dbId} in
     * tablespace {@code tsId} (dbId 0 = the shared map in global/).
     */
    record Update(long dbId, long tsId, byte[] mapFile) implements RelMapRecord {
        public Update {
            mapFile = mapFile.clone();
        }

        @Override
        public byte[] mapFile() {
            return mapFile.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Update u && u.dbId == dbId && u.tsId == tsId && Arrays.equals(u.mapFile, mapFile);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(dbId) * 31 + Long.hashCode(tsId) * 17 + Arrays.hashCode(mapFile);
        }

        @Override
        public String toString() {
            return "Update[dbId=" + dbId + ", tsId=" + tsId + ", mapFile=" + mapFile.length + " bytes "
                    + HexFormat.of().formatHex(mapFile, 0, Math.min(16, mapFile.length)) + "...]";
        }
    }
}
