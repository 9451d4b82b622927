package dev.cairn.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest (falls back to "dev" when run from classes). */
final class CairnVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CairnCommand.class.getPackage().getImplementationVersion();
        return new String[] {"cairn " + (v == null ? "dev" : v)};
    }
}
