/** Unwrapped keys held in memory for a bounded time and zeroed when evicted. */
package dev.cairn.kms.cache;
