package dev.cairn.pgruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS user that PostgreSQL runs as. PostgreSQL refuses to run as root, so
 * when Cairn itself runs as root (CI, containers) servers and tools run as an
 * unprivileged user ({@code postgres} unless {@code CAIRN_PG_USER} says
 * otherwise) and the data directories are owned by it.
 */
public record ServerUser(String name, boolean switchNeeded) {

    public static ServerUser current() {
        boolean root = "root".equals(System.getProperty("user.name"));
        String configured = System.getenv("CAIRN_PG_USER");
        String name = configured != null && !configured.isBlank() ? configured : "postgres";
        return root ? new ServerUser(name, true) : new ServerUser(System.getProperty("user.name"), false);
    }

    /** The command, prefixed so that it runs as this user. */
    public List<String> wrap(List<String> command) {
        if (!switchNeeded) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives a file tree to this user (a no-op when no user switch is needed). */
    public void own(Path root) {
        if (!switchNeeded) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(name);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + root + " to user " + name, e);
        }
    }
}
