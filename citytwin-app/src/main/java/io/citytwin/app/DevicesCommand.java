package io.citytwin.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.ValueType;
import io.citytwin.device.sqlite.SqliteDeviceRegistry;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code citytwin devices ...}: device registry administration. */
@Command(
        name = "devices",
        mixinStandardHelpOptions = true,
        description = "Device registry administration.",
        subcommands = {DevicesCommand.Import.class})
final class DevicesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Bulk provisioning from a file. The secrets are hashed (PBKDF2, on all cores) and the devices written through the
     * registry of the data directory.
     */
    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Register many devices from a CSV or JSON file, with a progress bar.",
                "JSON: an array of registrations as for POST /iot/v1/devices (id, entityId, entityType,"
                        + " credentials {username+password | token}, format, mapping), each optionally with 'tenant'.",
                "CSV: a header line naming columns among id, entityId, entityType, username, password, token, format,"
                        + " tenant; one device per line (no quoting; mappings need JSON).",
                "Names without a prefix are expanded with the core @context. Existing ids are reported and skipped."
            })
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The .csv or .json file.")
        Path file;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "The node's data directory (default: ./data, or dataDir in the config file).")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (for dataDir).")
        Path config;

        @Option(
                names = "--tenant",
                paramLabel = "NAME",
                description = "Tenant of devices that name none (default: the default tenant).")
        String tenant;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CityTwinConfig c = config == null ? CityTwinConfig.defaults() : CityTwinConfig.load(config);
            Path dir = dataDir != null ? dataDir : c.dataDir();
            TenantId defaultTenant = TenantId.of(tenant);
            List<Map<String, Object>> rows = read(file);
            PrintWriter out = spec.commandLine().getOut();
            Files.createDirectories(dir);
            int imported = 0;
            List<String> problems = new ArrayList<>();
            InstantSource clock = InstantSource.system();
            try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir, clock);
                    ExecutorService hashing =
                            Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
                    ProgressBar bar = new ProgressBarBuilder()
                            .setTaskName("Importing")
                            .setInitialMax(rows.size())
                            .setStyle(ProgressBarStyle.ASCII)
                            .setUnit(" devices", 1)
                            .build()) {
                // hashing is the slow part (PBKDF2, by design): parse and hash in parallel, write in file order
                List<Future<Device>> parsed = new ArrayList<>(rows.size());
                for (Map<String, Object> row : rows) {
                    parsed.add(hashing.submit(() -> parse(row, defaultTenant, clock.instant())));
                }
                for (int i = 0; i < parsed.size(); i++) {
                    try {
                        registry.create(parsed.get(i).get());
                        imported++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        problems.add("entry " + (i + 1) + ": " + message(e.getCause()));
                    } catch (TwinException e) {
                        problems.add("entry " + (i + 1) + ": " + e.detail());
                    }
                    bar.step();
                }
            }
            out.println("Imported " + imported + " of " + rows.size() + " devices into " + dir.toAbsolutePath());
            for (String p : problems) {
                out.println("  skipped " + p);
            }
            out.flush();
            return problems.isEmpty() ? 0 : 1;
        }

        private static String message(Throwable t) {
            return t instanceof TwinException te ? te.detail() : String.valueOf(t.getMessage());
        }

        static List<Map<String, Object>> read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new TwinException(ErrorType.BAD_REQUEST_DATA, "import.missing", "File not found: " + file);
            }
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".json")) {
                try {
                    return new ObjectMapper().readValue(file.toFile(), new TypeReference<>() {});
                } catch (IOException e) {
                    throw new TwinException(
                            ErrorType.BAD_REQUEST_DATA,
                            "import.invalid",
                            file + ": not a JSON array of devices: "
                                    + String.valueOf(e.getMessage()).split("\n")[0]);
                }
            }
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty()) {
                return List.of();
            }
            String[] header = lines.get(0).trim().split(",", -1);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                Map<String, Object> row = new LinkedHashMap<>();
                Map<String, Object> creds = new LinkedHashMap<>();
                for (int k = 0; k < header.length && k < cells.length; k++) {
                    String col = header[k].trim();
                    String v = cells[k].trim();
                    if (v.isEmpty()) {
                        continue;
                    }
                    switch (col) {
                        case "username", "password", "token" -> creds.put(col, v);
                        default -> row.put(col, v);
                    }
                }
                row.put("credentials", creds);
                rows.add(row);
            }
            return rows;
        }

        static Device parse(Map<String, Object> row, TenantId defaultTenant, Instant now) {
            TenantId tenant = row.get("tenant") instanceof String t ? TenantId.of(t) : defaultTenant;
            String id = string(row, "id");
            Credentials credentials;
            if (row.get("credentials") instanceof Map<?, ?> c && c.get("token") instanceof String token) {
                credentials = new Credentials.Token(PasswordHash.forToken(token.toCharArray()));
            } else if (row.get("credentials") instanceof Map<?, ?> c
                    && c.get("username") instanceof String user
                    && c.get("password") instanceof String pw) {
                credentials = new Credentials.UsernamePassword(user, PasswordHash.create(pw.toCharArray()));
            } else {
                throw TwinException.badData(
                        "device.credentials-invalid", "credentials must be username+password or token");
            }
            String format = row.get("format") instanceof String f ? f.toLowerCase(Locale.ROOT) : "json";
            PayloadFormat payloadFormat = format.equals("json") ? PayloadFormat.JSON : PayloadFormat.COMPACT_TEXT;
            List<FieldMapping> mapping = new ArrayList<>();
            if (row.get("mapping") instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getValue() instanceof Map<?, ?> spec) || !(spec.get("attribute") instanceof String a)) {
                        throw TwinException.badData(
                                "device.mapping-invalid", "mapping of '" + e.getKey() + "' needs an 'attribute'");
                    }
                    mapping.add(new FieldMapping(
                            String.valueOf(e.getKey()),
                            expand(a),
                            spec.get("unitCode") instanceof String u ? u : null,
                            spec.get("scale") instanceof Number n ? n.doubleValue() : 1,
                            spec.get("offset") instanceof Number n ? n.doubleValue() : 0,
                            spec.get("type") instanceof String t ? ValueType.parse(t) : ValueType.AUTO,
                            Boolean.TRUE.equals(spec.get("command"))));
                }
            }
            return new Device(
                    new DeviceId(id),
                    tenant,
                    EntityId.of(string(row, "entityId")),
                    expand(string(row, "entityType")),
                    credentials,
                    payloadFormat,
                    mapping,
                    row.get("certificateCn") instanceof String cn ? cn : null,
                    now,
                    now);
        }

        /** A term of the core @context: names without a scheme live in the default vocabulary. */
        private static String expand(String term) {
            return term.indexOf(':') > 0 ? term : Ngsi.DEFAULT_VOCAB + term;
        }

        private static String string(Map<String, Object> row, String name) {
            if (row.get(name) instanceof String s && !s.isEmpty()) {
                return s;
            }
            throw TwinException.badData("device." + name + "-missing", "'" + name + "' must be a non-empty string");
        }
    }
}
