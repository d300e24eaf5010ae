package io.citytwin.http;

import io.citytwin.command.Command;
import io.citytwin.command.CommandService;
import io.citytwin.device.Authentication;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.ValueType;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.CommandCodec;
import io.citytwin.ingest.DeadLetter;
import io.citytwin.ingest.DeviceHealth;
import io.citytwin.ingest.IngestOutcome;
import io.citytwin.ingest.IngestService;
import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device API under {@code /iot/v1/devices}: the registry (create, get, list, update, delete) and HTTP telemetry
 * ({@code POST /iot/v1/devices/{id}/telemetry}), which authenticates the device, decodes its payload in the device's
 * format, maps the fields to twin attributes and applies them to the device's entity (created on first telemetry).
 *
 * <p>Names in a device registration (entity type, mapped attributes) are expanded with the request's @context when
 * the device is registered, so telemetry never needs a context. Secrets are hashed before they are stored and never
 * returned. A refused device gets one generic 401; the reason is counted in {@code citytwin_ingest_http_total} and
 * logged once per device and reason, not per request.
 */
final class DeviceHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHandlers.class);
    private static final String DEVICES = "/iot/v1/devices/";

    private final DeviceRegistry registry;
    private final DeviceAuthenticator authenticator;
    private final InstantSource clock;
    private final Responses out;
    private final ApiLimits limits;
    private final int hashIterations;
    private final IngestService ingest;
    private final MeterRegistry metrics;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> loggedRefusals = new ConcurrentHashMap<>();
    private @Nullable CommandService commands;

    DeviceHandlers(
            DeviceRegistry registry,
            DeviceAuthenticator authenticator,
            IngestService ingest,
            InstantSource clock,
            Responses out,
            ApiLimits limits,
            int hashIterations,
            MeterRegistry metrics) {
        this.registry = registry;
        this.ingest = ingest;
        this.authenticator = authenticator;
        this.clock = clock;
        this.out = out;
        this.limits = limits;
        this.hashIterations = hashIterations;
        this.metrics = metrics;
    }

    /** Serves device commands through {@code service} and keeps its device index current. */
    void commands(CommandService service) {
        this.commands = service;
    }

    // ------------------------------------------------------------------ registry

    void create(ApiRequest r) {
        Device d = registry.create(parse(r, r.bodyObject(), null));
        if (commands != null) {
            commands.deviceChanged(d);
        }
        r.ctx.header("Location", DEVICES + d.id().value());
        out.plainJson(r, 201, render(d, r.ldContext()));
    }

    void get(ApiRequest r) {
        out.plainJson(r, 200, render(find(r), r.ldContext()));
    }

    void list(ApiRequest r) {
        int limit = r.intParam("limit", limits.defaultLimit(), 1);
        if (limit > limits.maxLimit()) {
            throw new TwinException(
                    ErrorType.TOO_MANY_RESULTS,
                    "device.limit-too-high",
                    "limit " + limit + " exceeds the maximum of " + limits.maxLimit());
        }
        int offset = r.intParam("offset", 0, 0);
        LdContext ctx = r.ldContext();
        List<Object> devices = new ArrayList<>();
        for (Device d : registry.list(r.tenant, offset, limit)) {
            devices.add(render(d, ctx));
        }
        r.ctx.header("NGSILD-Results-Count", Long.toString(registry.count(r.tenant)));
        out.plainJson(r, 200, devices);
    }

    /** PATCH: the given members replace the stored ones; credentials given are re-hashed. */
    void update(ApiRequest r) {
        Device current = find(r);
        Map<String, Object> merged = new LinkedHashMap<>(render(current, null));
        merged.remove("credentials");
        merged.putAll(r.bodyObject());
        Device next = parse(r, merged, current);
        Device stored = registry.update(next);
        authenticator.invalidate(next.tenant(), next.id());
        if (commands != null) {
            commands.deviceChanged(stored);
        }
        r.ctx.status(204);
    }

    void delete(ApiRequest r) {
        DeviceId id = deviceId(r);
        registry.delete(r.tenant, id);
        authenticator.invalidate(r.tenant, id);
        ingest.forget(r.tenant, id);
        if (commands != null) {
            commands.deviceRemoved(r.tenant, id);
        }
        r.ctx.status(204);
    }

    // ------------------------------------------------------------------ telemetry

    /**
     * POST /iot/v1/devices/{id}/telemetry. Credentials: {@code Authorization: Bearer <token>} for token devices,
     * {@code Authorization: Basic} for username/password devices. 204 when every field was applied; 207 with the
     * per-field problems when some were not; 400 when the payload cannot be decoded; 401 for any refusal. Answered
     * only once the change is durable.
     */
    void telemetry(ApiRequest r) {
        receive(r, Channel.TELEMETRY);
    }

    /** POST /iot/v1/devices/{id}/attrs: static attributes (no observedAt); otherwise as {@link #telemetry}. */
    void attrs(ApiRequest r) {
        receive(r, Channel.ATTRS);
    }

    private void receive(ApiRequest r, Channel channel) {
        Device device = authenticate(r);
        byte[] body = r.bytes();
        IngestOutcome outcome = ingest.ingest(device, channel, body);
        switch (outcome) {
            case IngestOutcome.Malformed m -> {
                count("malformed");
                throw TwinException.badData(
                        "telemetry.malformed", "Payload of device " + device.id() + " is " + m.reason());
            }
            case IngestOutcome.Failed f -> {
                count("failed");
                throw f.error();
            }
            case IngestOutcome.Applied a
            when a.readings() == 0 -> {
                count("empty");
                r.ctx.status(204);
            }
            case IngestOutcome.Applied a
            when a.problems().isEmpty() -> {
                count("accepted");
                r.ctx.status(204);
            }
            case IngestOutcome.Applied a -> {
                count(a.attributes() == 0 ? "rejected-fields" : "partial");
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("readings", a.readings());
                report.put("problems", a.problems());
                out.plainJson(r, a.attributes() == 0 ? 400 : 207, report);
            }
        }
    }

    // ------------------------------------------------------------------ commands

    /**
     * GET /iot/v1/devices/{id}/commands (device credentials, as telemetry): the device's open commands, oldest first,
     * as {@code [{"id", "name", "value", "issuedAt", "expiresAt"}]}; those not delivered before are delivered now.
     */
    void pollCommands(ApiRequest r) {
        Device device = authenticate(r);
        List<Object> list = new ArrayList<>();
        for (Command c : requireCommands().poll(device.tenant(), device.id())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("value", c.value());
            m.put("issuedAt", c.issuedAt().toString());
            m.put("expiresAt", c.expiresAt().toString());
            list.add(m);
        }
        out.plainJson(r, 200, list);
    }

    /**
     * POST /iot/v1/devices/{id}/commands/{cmd}/ack (device credentials): {@code {"status": "OK"|"ERROR", "info"}}.
     * 204 recorded; 404 unknown command; 409 already finished (expired or acknowledged before); 400 malformed.
     */
    void ackCommand(ApiRequest r) {
        Device device = authenticate(r);
        String id = r.ctx.pathParam("cmd");
        switch (CommandCodec.parseAck(r.bytes(), id)) {
            case CommandCodec.Invalid i -> throw TwinException.badData("command.ack-invalid", i.reason());
            case CommandCodec.Ack a -> {
                switch (requireCommands().ack(device.tenant(), device.id(), a.id(), a.ok(), a.info())) {
                    case RECORDED -> r.ctx.status(204);
                    case FINISHED ->
                        throw new TwinException(
                                ErrorType.ALREADY_EXISTS,
                                "command.finished",
                                "Command '" + id + "' has already finished");
                    case UNKNOWN ->
                        throw TwinException.notFound(
                                "command.not-found", "Device '" + device.id() + "' has no command '" + id + "'");
                }
            }
        }
    }

    /** GET /iot/v1/devices/{id}/commands/{cmd} (operators): a command with its status, while it is kept. */
    void command(ApiRequest r) {
        Device d = find(r);
        String id = r.ctx.pathParam("cmd");
        Command c = requireCommands()
                .find(d.tenant(), d.id(), id)
                .orElseThrow(() -> TwinException.notFound(
                        "command.not-found", "Device '" + d.id() + "' has no command '" + id + "'"));
        LdContext ctx = r.ldContext();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("device", c.device().value());
        m.put("entityId", c.entityId().value());
        m.put("attribute", ctx.compactIri(c.attribute()));
        m.put("name", c.name());
        m.put("value", c.value());
        m.put("status", c.status().name());
        if (c.info() != null) {
            m.put("info", c.info());
        }
        m.put("issuedAt", c.issuedAt().toString());
        m.put("expiresAt", c.expiresAt().toString());
        m.put("updatedAt", c.updatedAt().toString());
        out.plainJson(r, 200, m);
    }

    private CommandService requireCommands() {
        CommandService c = commands;
        if (c == null) {
            throw TwinException.notFound("http.no-such-endpoint", "Device commands are not enabled");
        }
        return c;
    }

    /** GET /iot/v1/devices/{id}/health: state, last seen, counters (since the node started). */
    void health(ApiRequest r) {
        Device d = find(r);
        DeviceHealth h =
                ingest.health(d.tenant(), d.id()).orElse(new DeviceHealth(DeviceHealth.State.UNKNOWN, null, 0, 0));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id().value());
        m.put("state", h.state().name().toLowerCase(Locale.ROOT));
        h.lastSeenAt().ifPresent(t -> m.put("lastSeen", t.toString()));
        m.put("messagesReceived", h.messages());
        m.put("errors", h.errors());
        out.plainJson(r, 200, m);
    }

    /** GET /iot/v1/devices/{id}/deadletters: the payloads not applied, oldest first (bounded per device). */
    void deadLetters(ApiRequest r) {
        Device d = find(r);
        List<Object> list = new ArrayList<>();
        for (DeadLetter l : ingest.deadLetters(d.tenant(), d.id())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receivedAt", l.receivedAt().toString());
            m.put("channel", l.channel().name().toLowerCase(Locale.ROOT));
            m.put("reason", l.reason());
            m.put("size", l.size());
            m.put("payload", l.excerpt());
            list.add(m);
        }
        out.plainJson(r, 200, list);
    }

    private Device authenticate(ApiRequest r) {
        String path = r.ctx.pathParam("id");
        String auth = r.ctx.header("Authorization");
        Authentication result;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            result = authenticator.authenticateToken(
                    r.tenant, path, auth.substring(7).trim().toCharArray(), null);
        } else if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String userPass;
            try {
                userPass =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                userPass = "";
            }
            int colon = userPass.indexOf(':');
            result = colon <= 0
                    ? new Authentication.Refused(Authentication.Reason.MALFORMED)
                    : authenticator.authenticate(
                            userPass.substring(0, colon),
                            userPass.substring(colon + 1).toCharArray(),
                            null);
            // a username is global: the device must also be the one addressed, in the tenant addressed
            if (result instanceof Authentication.Accepted a
                    && (!a.device().id().value().equals(path)
                            || !a.device().tenant().equals(r.tenant))) {
                result = new Authentication.Refused(Authentication.Reason.BAD_CREDENTIALS);
            }
        } else {
            result = new Authentication.Refused(Authentication.Reason.MALFORMED);
        }
        return switch (result) {
            case Authentication.Accepted a -> a.device();
            case Authentication.Refused refused -> {
                String reason = refused.reason().name().toLowerCase(Locale.ROOT);
                count("refused-" + reason);
                if (loggedRefusals.putIfAbsent(r.tenant + "/" + path + "/" + reason, Boolean.TRUE) == null) {
                    LOG.warn("Refused telemetry for device '{}' of tenant '{}': {}", path, r.tenant, reason);
                }
                r.ctx.header("WWW-Authenticate", "Bearer realm=\"citytwin\", Basic realm=\"citytwin\"");
                throw new TwinException(ErrorType.UNAUTHORIZED, "device.unauthorized", "The device is not authorized");
            }
        };
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("citytwin.ingest.http")
                        .description("HTTP telemetry requests by outcome")
                        .tag("outcome", o)
                        .register(metrics))
                .increment();
    }

    // ------------------------------------------------------------------ JSON <-> Device

    private Device find(ApiRequest r) {
        DeviceId id = deviceId(r);
        return registry.get(r.tenant, id)
                .orElseThrow(() -> TwinException.notFound("device.not-found", "Device '" + id + "' does not exist"));
    }

    private static DeviceId deviceId(ApiRequest r) {
        String raw = r.ctx.pathParam("id");
        if (!DeviceId.isValid(raw)) {
            throw TwinException.badData("device.id-invalid", "Invalid device id '" + raw + "'");
        }
        return new DeviceId(raw);
    }

    /**
     * A device from its JSON registration; {@code current} (for updates) supplies the id, the creation time and the
     * credentials when the body gives none.
     */
    private Device parse(ApiRequest r, Map<String, Object> body, @Nullable Device current) {
        LdContext ctx = r.ldContext();
        String id = current != null ? current.id().value() : string(body, "id");
        if (current != null && body.containsKey("id") && !current.id().value().equals(body.get("id"))) {
            throw TwinException.badData("device.id-mismatch", "The id in the body differs from the id in the URL");
        }
        if (!DeviceId.isValid(id)) {
            throw TwinException.badData("device.id-invalid", "Invalid device id '" + id + "'");
        }
        String entityId = string(body, "entityId");
        String entityType = string(body, "entityType");
        Credentials credentials = body.containsKey("credentials") || current == null
                ? credentials(body.get("credentials"))
                : current.credentials();
        String format = body.get("format") == null ? "json" : string(body, "format");
        PayloadFormat payloadFormat =
                switch (format.toLowerCase(Locale.ROOT)) {
                    case "json" -> PayloadFormat.JSON;
                    case "compact", "compact_text", "ul", "ultralight" -> PayloadFormat.COMPACT_TEXT;
                    default ->
                        throw TwinException.badData(
                                "device.format-invalid", "format must be json or compact, got '" + format + "'");
                };
        List<FieldMapping> mapping = new ArrayList<>();
        Object m = body.get("mapping");
        if (m != null) {
            if (!(m instanceof Map<?, ?> mm)) {
                throw TwinException.badData(
                        "device.mapping-invalid", "mapping must be an object: {deviceField: {...}}");
            }
            for (Map.Entry<?, ?> e : mm.entrySet()) {
                mapping.add(fieldMapping(String.valueOf(e.getKey()), e.getValue(), ctx));
            }
        }
        java.time.Instant now = clock.instant();
        return new Device(
                new DeviceId(id),
                r.tenant,
                EntityId.of(entityId),
                ctx.expandTerm(entityType),
                credentials,
                payloadFormat,
                mapping,
                body.get("certificateCn") instanceof String cn ? cn : null,
                current != null ? current.createdAt() : now,
                now);
    }

    private static FieldMapping fieldMapping(String field, Object spec, LdContext ctx) {
        if (!(spec instanceof Map<?, ?> s)) {
            throw TwinException.badData(
                    "device.mapping-invalid", "mapping of '" + field + "' must be an object with at least 'attribute'");
        }
        if (!(s.get("attribute") instanceof String attribute)) {
            throw TwinException.badData("device.mapping-invalid", "mapping of '" + field + "' needs an 'attribute'");
        }
        ValueType type = ValueType.AUTO;
        if (s.get("type") instanceof String t) {
            try {
                type = ValueType.parse(t);
            } catch (IllegalArgumentException e) {
                throw TwinException.badData(
                        "device.mapping-type-invalid",
                        "type of '" + field
                                + "' must be one of auto, number, integer, boolean, string, datetime, json,"
                                + " geo:point");
            }
        }
        Object command = s.get("command");
        if (command != null && !(command instanceof Boolean)) {
            throw TwinException.badData(
                    "device.mapping-command-invalid", "command of '" + field + "' must be true or false");
        }
        return new FieldMapping(
                field,
                ctx.expandTerm(attribute),
                s.get("unitCode") instanceof String u ? u : null,
                number(s.get("scale"), 1, field),
                number(s.get("offset"), 0, field),
                type,
                Boolean.TRUE.equals(command));
    }

    private static double number(@Nullable Object v, double dflt, String field) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw TwinException.badData("device.mapping-invalid", "scale and offset of '" + field + "' must be numbers");
    }

    private Credentials credentials(@Nullable Object c) {
        if (!(c instanceof Map<?, ?> m)) {
            throw TwinException.badData(
                    "device.credentials-missing", "credentials must be {\"username\", \"password\"} or {\"token\"}");
        }
        if (m.get("token") instanceof String token) {
            return new Credentials.Token(PasswordHash.forToken(token.toCharArray()));
        }
        if (m.get("username") instanceof String user && m.get("password") instanceof String password) {
            return new Credentials.UsernamePassword(user, PasswordHash.create(password.toCharArray(), hashIterations));
        }
        throw TwinException.badData(
                "device.credentials-invalid", "credentials must be {\"username\", \"password\"} or {\"token\"}");
    }

    private static String string(Map<String, Object> body, String name) {
        Object v = body.get(name);
        if (v instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw TwinException.badData("device." + name + "-missing", "'" + name + "' must be a non-empty string");
    }

    /** The device as JSON, without secrets; names compacted to {@code ctx} (null: kept expanded, for merging). */
    private static Map<String, Object> render(Device d, @Nullable LdContext ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id().value());
        m.put("entityId", d.entityId().value());
        m.put("entityType", ctx == null ? d.entityType() : ctx.compactIri(d.entityType()));
        Map<String, Object> creds = new LinkedHashMap<>();
        switch (d.credentials()) {
            case Credentials.UsernamePassword up -> creds.put("username", up.username());
            case Credentials.Token t -> creds.put("kind", "token");
        }
        m.put("credentials", creds);
        m.put("format", d.format() == PayloadFormat.JSON ? "json" : "compact");
        Map<String, Object> mapping = new LinkedHashMap<>();
        for (FieldMapping f : d.mapping()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("attribute", ctx == null ? f.attribute() : ctx.compactIri(f.attribute()));
            if (f.unitCode() != null) {
                spec.put("unitCode", f.unitCode());
            }
            spec.put("scale", f.scale());
            spec.put("offset", f.offset());
            spec.put("type", f.type().label());
            if (f.command()) {
                spec.put("command", true);
            }
            mapping.put(f.deviceField(), spec);
        }
        m.put("mapping", mapping);
        if (d.certificateCn() != null) {
            m.put("certificateCn", d.certificateCn());
        }
        m.put("createdAt", d.createdAt().toString());
        m.put("modifiedAt", d.modifiedAt().toString());
        return m;
    }
}
