package dev.cairn.proxy.protocol;

/** The SQLSTATE codes the proxy answers with; names follow PostgreSQL's errcodes.txt. */
public enum SqlState {
    INVALID_PASSWORD("28P01"),
    INVALID_AUTHORIZATION_SPECIFICATION("28000"),
    INVALID_CATALOG_NAME("3D000"),
    INSUFFICIENT_PRIVILEGE("42501"),
    SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION("08004"),
    CONNECTION_FAILURE("08006"),
    PROTOCOL_VIOLATION("08P01"),
    FEATURE_NOT_SUPPORTED("0A000"),
    TOO_MANY_CONNECTIONS("53300"),
    CANNOT_CONNECT_NOW("57P03"),
    INTERNAL_ERROR("XX000"),
    /**
     * Cairn's own (class XC, implementation-defined): the pageserver stopped at a WAL record it cannot apply,
     * so the endpoint takes no new commits until that is fixed.
     */
    STORAGE_INGEST_STOPPED("XC001");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
