package dev.cairn.kms.store;

import dev.cairn.common.AtomicFile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.kms.KeyringCorruptException;
import dev.cairn.common.Id128;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Keyrings as checksummed JSON files, one per tenant, replaced atomically ({@link AtomicFile}). */
public final class FileKeyringStore implements KeyringStore {
    private static final String SUFFIX = ".keyring";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final KeysLayout layout;

    public FileKeyringStore(KeysLayout layout) {
        this.layout = layout;
    }

    @Override
    public List<Id128> tenants() {
        Path dir = layout.tenantsDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Id128> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> !AtomicFile.isTemporary(f))
                    .map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .forEach(n -> out.add(Id128.parse(n.substring(0, n.length() - SUFFIX.length()))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(null);
        return out;
    }

    @Override
    public Optional<TenantKeyring> load(Id128 tenant) {
        Path file = layout.tenantKeyring(tenant);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        TenantKeyring k;
        try {
            k = JSON.readValue(ChecksummedFile.decode(bytes), TenantKeyring.class);
        } catch (IllegalArgumentException | IOException e) {
            throw new KeyringCorruptException(tenant, file, e.getMessage(), e);
        }
        if (k.format() != TenantKeyring.FORMAT || !tenant.toString().equals(k.tenant())) {
            throw new KeyringCorruptException(tenant, file, "format " + k.format() + " for tenant " + k.tenant(), null);
        }
        return Optional.of(k);
    }

    @Override
    public TenantKeyring save(TenantKeyring keyring) {
        TenantKeyring next = keyring.withGeneration(keyring.generation() + 1);
        Path file = layout.tenantKeyring(Id128.parse(next.tenant()));
        try {
            AtomicFile.write(file, ChecksummedFile.encode(JSON.writeValueAsBytes(next)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return next;
    }
}
