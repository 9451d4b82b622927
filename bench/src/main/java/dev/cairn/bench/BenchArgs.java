package dev.cairn.bench;

/** A benchmark's {@code --name value} options (args[0] is the benchmark's name). */
final class BenchArgs {
    private BenchArgs() {
    }

    static long longArg(String[] args, String name, long dflt) {
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Long.parseLong(args[i + 1]);
            }
        }
        return dflt;
    }

    static int intArg(String[] args, String name, int dflt) {
        return Math.toIntExact(longArg(args, name, dflt));
    }
}
