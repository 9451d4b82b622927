package dev.cairn.proxy.splice;

/** A bpf(2) or socket call behind the kernel splice failed; errno is 0 where no system call was made. */
public final class BpfException extends Exception {
    private final String operation;
    private final int errno;

    BpfException(String operation, int errno, String message) {
        super(operation + ": " + message);
        this.operation = operation;
        this.errno = errno;
    }

    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }
}
