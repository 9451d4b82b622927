package dev.cairn.cli.admin;

import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of the tenant/timeline/endpoint commands: one place that turns failures into a message and an exit
 * code (2 bad arguments, 1 the service refused or is unreachable).
 */
abstract class AdminCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected abstract void run() throws Exception;

    @Override
    public final Integer call() {
        String name = spec.qualifiedName();
        try {
            run();
            out().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            spec.commandLine().getErr().println(name + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }
}
