package dev.cairn.kms;

/** What an operator may know about a DEK (never its material). */
public record DekInfo(DekId id, String purpose, long kekId, long noncesReserved, boolean active, boolean retired,
                      String created) {
}
