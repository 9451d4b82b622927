package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A service's refusals as a table: which exception type answers with which status and error code. Rows are
 * tried in order (put subtypes before their supertypes); the first whose type matches the exception, or for a
 * {@link #causedBy} row any exception in its cause chain, gives the answer with that exception's message.
 * Wrappers named by {@link #unwrapping} are looked through first. What no row matches is a 500 "internal".
 */
public final class ErrorTable implements Function<Throwable, ApiError> {
    private record Row(Class<? extends Throwable> type, int status, String code, boolean anyCause) {
    }

    private final List<Class<? extends Throwable>> wrappers = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    /** Looks through these wrappers (e.g. ExecutionException) to their cause before matching. */
    @SafeVarargs
    public final ErrorTable unwrapping(Class<? extends Throwable>... types) {
        wrappers.addAll(List.of(types));
        return this;
    }

    /** An exception of {@code type} answers {@code status} with {@code code}. */
    public ErrorTable map(Class<? extends Throwable> type, int status, String code) {
        rows.add(new Row(type, status, code, false));
        return this;
    }

    /** An exception of {@code type} anywhere in the cause chain answers {@code status} with {@code code}. */
    public ErrorTable causedBy(Class<? extends Throwable> type, int status, String code) {
        rows.add(new Row(type, status, code, true));
        return this;
    }

    @Override
    public ApiError apply(Throwable e) {
        Throwable t = unwrap(e);
        for (Row row : rows) {
            for (Throwable c = t; c != null; c = row.anyCause ? c.getCause() : null) {
                if (row.type.isInstance(c)) {
                    return new ApiError(row.status, row.code, message(c));
                }
            }
        }
        return ErrorMapper.INTERNAL.apply(t);
    }

    private Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && isWrapper(t)) {
            t = t.getCause();
        }
        return t;
    }

    private boolean isWrapper(Throwable t) {
        for (Class<? extends Throwable> w : wrappers) {
            if (w.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
