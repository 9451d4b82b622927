package dev.cairn.pgformat;

/**
 * Identifies a relation's storage (RelFileNode in PostgreSQL 15, RelFileLocator
 * from 16): tablespace OID, database OID, relfilenode number.
 */
public record RelFileLocator(long spcOid, long dbOid, long relNumber) {

    public static final long GLOBALTABLESPACE_OID = 1664;
    public static final long DEFAULTTABLESPACE_OID = 1663;

    @Override
    public String toString() {
        return spcOid + "/" + dbOid + "/" + relNumber;
    }
}
