/** Envelope encryption under customer-managed keys (CMK -> KEK -> DEK). */
package dev.cairn.kms;
