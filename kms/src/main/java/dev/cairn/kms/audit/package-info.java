/** The key audit log: one JSON line per wrap, unwrap, rotation, revocation and restore; never key material. */
package dev.cairn.kms.audit;
