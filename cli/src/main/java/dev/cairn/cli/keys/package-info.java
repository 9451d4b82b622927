/** {@code cairn keys}: offline administration of a service data directory's key hierarchy. */
package dev.cairn.cli.keys;
