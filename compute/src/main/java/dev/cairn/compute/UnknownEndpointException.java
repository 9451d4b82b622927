package dev.cairn.compute;

/** No endpoint of that name is registered. */
public class UnknownEndpointException extends RuntimeException {
    public UnknownEndpointException(String name) {
        super("endpoint \"" + name + "\" does not exist");
    }
}
