package dev.cairn.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.CairnCommand;
import dev.cairn.kms.Aad;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KeysCommandTest {
    /** Tenants are 128-bit ids; these sort as the names they stand for. */
    static final String ALPHA = "a1000000000000000000000000000001";
    static final String BETA = "b2000000000000000000000000000002";
    static final String GAMMA = "c3000000000000000000000000000003";

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    record Result(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CairnCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    Result keys(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "keys";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--data";
        full[args.length + 2] = data.toString();
        return run(full);
    }

    @BeforeEach
    void createTenants() {
        assertThat(keys("create", ALPHA).exit()).isZero();
        assertThat(keys("create", BETA, "--cmk", "local://beta-cmk").exit()).isZero();
    }

    /** Seals something with a service-side hierarchy so the tenant has DEKs. */
    byte[] sealData(String tenant) {
        KeysLayout layout = KeysLayout.under(data);
        try (KeyHierarchy h = KeyHierarchy.open(KeyHierarchyConfig.builder(data)
                .providers(KmsProviders.of(new LocalKmsProvider(layout.localKms(), true, InstantSource.system())))
                .caller("test-service").build())) {
            h.newDek(Id128.parse(tenant), "wal");
            return h.encrypt(Id128.parse(tenant), Aad.of("page", "rel", 1), "secret page".getBytes());
        }
    }

    String open(String tenant, byte[] sealed) {
        KeysLayout layout = KeysLayout.under(data);
        try (KeyHierarchy h = KeyHierarchy.open(KeyHierarchyConfig.builder(data)
                .providers(KmsProviders.of(new LocalKmsProvider(layout.localKms(), true, InstantSource.system())))
                .build())) {
            return new String(h.decrypt(Id128.parse(tenant), Aad.of("page", "rel", 1), sealed));
        }
    }

    @Test
    void statusHumanAndJson() throws Exception {
        Result human = keys("status");
        assertThat(human.exit()).isZero();
        assertThat(human.out()).contains("TENANT").contains(ALPHA).contains(BETA).contains("active")
                .contains("local://beta-cmk");
        Result json = keys("status", ALPHA, "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.json().get(0).get("tenant").asText()).isEqualTo(ALPHA);
        assertThat(json.json().get(0).get("state").asText()).isEqualTo("active");
        assertThat(json.json().get(0).get("cmk").asText()).isEqualTo("local://default");
    }

    @Test
    void list() throws Exception {
        sealData(ALPHA);
        Result tenants = keys("list");
        assertThat(tenants.exit()).isZero();
        assertThat(tenants.out().lines()).containsExactly(ALPHA, BETA);
        Result one = keys("list", ALPHA);
        assertThat(one.out()).contains(ALPHA + "/dek-1").contains(ALPHA + "/dek-2").contains("page").contains("active");
        JsonNode j = keys("list", ALPHA, "--json").json();
        assertThat(j.get("dekList")).hasSize(2);
        assertThat(j.toString()).doesNotContain("wrapped");
    }

    @Test
    void rotateEveryLevelKeepsDataReadable() throws Exception {
        byte[] sealed = sealData(ALPHA);
        Result kek = keys("rotate", ALPHA, "--kek");
        assertThat(kek.exit()).as(kek.err()).isZero();
        assertThat(kek.out()).contains("rotated kek of tenant " + ALPHA + ": kek-1 -> kek-2");
        Result dek = keys("rotate", ALPHA, "--dek", "page", "--json");
        assertThat(dek.exit()).isZero();
        assertThat(dek.json().get("to").asText()).isEqualTo(ALPHA + "/dek-3");
        Result cmk = keys("rotate", ALPHA, "--cmk");
        assertThat(cmk.exit()).as(cmk.err()).isZero();
        assertThat(cmk.out()).contains("local://default -> local://default");
        Result moved = keys("rotate", ALPHA, "--cmk", "--to", "local://elsewhere", "--json");
        assertThat(moved.exit()).isZero();
        assertThat(moved.json().get("to").asText()).isEqualTo("local://elsewhere");
        assertThat(open(ALPHA, sealed)).isEqualTo("secret page");
        assertThat(keys("verify", ALPHA).exit()).isZero();
    }

    @Test
    void rotateBadArguments() {
        Result none = keys("rotate", ALPHA);
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--cmk").contains("--kek").contains("--dek");
        Result two = keys("rotate", ALPHA, "--kek", "--cmk");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).contains("mutually exclusive");
        Result to = keys("rotate", ALPHA, "--kek", "--to", "local://x");
        assertThat(to.exit()).isEqualTo(2);
        assertThat(to.err()).contains("--to only applies to --cmk");
        Result badRef = keys("rotate", ALPHA, "--cmk", "--to", "nonsense");
        assertThat(badRef.exit()).isEqualTo(2);
        assertThat(badRef.err()).contains("SCHEME://");
    }

    @Test
    void revokeAndRestore() throws Exception {
        byte[] sealed = sealData(ALPHA);
        Result revoke = keys("revoke", ALPHA, "--reason", "ticket 7");
        assertThat(revoke.exit()).isZero();
        assertThat(revoke.out()).contains("tenant " + ALPHA + " revoked: ticket 7");
        Result status = keys("status", ALPHA, "--json");
        assertThat(status.json().get(0).get("state").asText()).isEqualTo("revoked");
        assertThat(status.json().get(0).get("revocationReason").asText()).isEqualTo("ticket 7");
        Result rotate = keys("rotate", ALPHA, "--kek");
        assertThat(rotate.exit()).isEqualTo(4);
        assertThat(rotate.err()).contains("revoked");
        Result restore = keys("restore", ALPHA);
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(open(ALPHA, sealed)).isEqualTo("secret page");

        // The customer disables the CMK: restore is refused with exit 4 until it is enabled again.
        new LocalKmsProvider(KeysLayout.under(data).localKms(), false, InstantSource.system()).disableKey("default");
        assertThat(keys("revoke", ALPHA).exit()).isZero();
        Result refused = keys("restore", ALPHA, "--json");
        assertThat(refused.exit()).isEqualTo(4);
        assertThat(refused.err()).contains("still refuses");
    }

    @Test
    void verifyReportsFailuresWithExitCode() throws Exception {
        sealData(ALPHA);
        Result ok = keys("verify");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains(ALPHA + ": OK  1/1 KEKs, 2/2 DEKs").contains(BETA + ": OK");
        assertThat(ok.err()).contains("verify " + ALPHA + " [").contains("] 3/3");
        new LocalKmsProvider(KeysLayout.under(data).localKms(), false, InstantSource.system()).disableKey("beta-cmk");
        Result bad = keys("verify", "--json");
        assertThat(bad.exit()).isEqualTo(1);
        JsonNode j = bad.json();
        assertThat(j.get(0).get("ok").asBoolean()).isTrue();
        assertThat(j.get(1).get("ok").asBoolean()).isFalse();
        assertThat(j.get(1).get("failures").get(0).asText()).contains("DISABLED");
    }

    @Test
    void auditAndFollow() throws Exception {
        Result audit = keys("audit", "--tenant", BETA);
        assertThat(audit.exit()).isZero();
        assertThat(audit.out()).contains("CREATE_TENANT").contains(BETA).doesNotContain(ALPHA);
        Result last = keys("audit", "--json", "-n", "1");
        assertThat(last.out().lines()).hasSize(1);
        assertThat(JSON.readTree(last.out()).get("operation").asText()).isNotBlank();

        CompletableFuture<Result> follow = CompletableFuture.supplyAsync(
                () -> keys("audit", "--follow", "--follow-idle-exit", "PT1.5S", "--tenant", ALPHA));
        Thread.sleep(300);
        assertThat(keys("rotate", ALPHA, "--kek").exit()).isZero();
        Result followed = follow.get(20, TimeUnit.SECONDS);
        assertThat(followed.exit()).isZero();
        assertThat(followed.out()).contains("CREATE_TENANT").contains("ROTATE_KEK");
    }

    @Test
    void unknownTenantsAndBadArguments() {
        Result unknown = keys("status", GAMMA);
        assertThat(unknown.exit()).isEqualTo(3);
        assertThat(unknown.err()).contains("unknown tenant " + GAMMA);
        for (String[] args : new String[][] {{"rotate", GAMMA, "--kek"}, {"revoke", GAMMA}, {"restore", GAMMA},
                {"verify", GAMMA}, {"list", GAMMA}}) {
            Result r = keys(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(r.err()).contains("unknown tenant " + GAMMA);
        }
        Result invalid = keys("status", "../etc");
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains("invalid tenant id");
        Result dup = keys("create", ALPHA);
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.err()).contains("already has a keyring");
        Result noSub = run("keys");
        assertThat(noSub.exit()).isEqualTo(2);
        assertThat(noSub.err()).contains("missing subcommand");
        Result unknownOpt = keys("status", "--bogus");
        assertThat(unknownOpt.exit()).isEqualTo(2);
        assertThat(unknownOpt.err()).contains("Unknown option");
        Result noData = run("keys", "status", "--data", data.resolve("missing").toString());
        assertThat(noData.exit()).isEqualTo(2);
        assertThat(noData.err()).contains("does not exist");
    }

    @Test
    void emptyDataDirectory() throws Exception {
        Path empty = Files.createDirectory(data.resolve("empty"));
        Result r = run("keys", "status", "--data", empty.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no keys under");
        Result help = run("keys", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("NOT FOR PRODUCTION").contains("rotate").contains("audit");
    }
}
