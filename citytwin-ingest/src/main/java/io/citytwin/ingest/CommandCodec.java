package io.citytwin.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.citytwin.command.Command;
import io.citytwin.twin.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The wire form of commands and their acknowledgements (MQTT payloads and HTTP bodies), JSON:
 *
 * <pre>
 * command: {"id": "...", "name": "dim", "value": 30, "issuedAt": "2026-...Z", "expiresAt": "2026-...Z"}
 * ack:     {"id": "...", "status": "OK" | "ERROR", "info": "optional text"}
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class CommandCodec {
    /** Largest acknowledgement accepted, in bytes. */
    public static final int MAX_ACK_BYTES = 8_192;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(MAX_ACK_BYTES)
                    .build())
            .build();

    private CommandCodec() {}

    /** A parsed acknowledgement, or why it is not one. */
    public sealed interface AckResult {}

    /**
     * A device's answer to a command.
     *
     * @param id the command id
     * @param ok true for status OK, false for ERROR
     * @param info the device's explanation, or null
     */
    public record Ack(String id, boolean ok, @Nullable String info) implements AckResult {}

    /** Not an acknowledgement. */
    public record Invalid(String reason) implements AckResult {}

    /** The JSON of a command as sent to the device. */
    public static byte[] render(Command c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("name", c.name());
            g.writeFieldName("value");
            write(g, c.value());
            g.writeStringField("issuedAt", c.issuedAt().toString());
            g.writeStringField("expiresAt", c.expiresAt().toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes a canonical {@link Json} value. */
    static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            case Json.Null n -> g.writeNull();
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    write(g, o);
                }
                g.writeEndArray();
            }
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> g.writeString(String.valueOf(v));
        }
    }

    /**
     * Parses an acknowledgement: a JSON object with {@code status} ({@code OK} or {@code ERROR}, any case), an
     * optional {@code info} string and the command {@code id} (a string; optional when {@code idFromPath} gives it,
     * and then it must match). Other members are ignored.
     */
    public static AckResult parseAck(byte[] payload, @Nullable String idFromPath) {
        if (payload.length > MAX_ACK_BYTES) {
            return new Invalid("acknowledgement larger than " + MAX_ACK_BYTES + " bytes");
        }
        String id = null;
        String status = null;
        String info = null;
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Invalid("an acknowledgement must be a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return new Invalid("'id' must be a string");
                        }
                        id = p.getText();
                    }
                    case "status" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return new Invalid("'status' must be \"OK\" or \"ERROR\"");
                        }
                        status = p.getText();
                    }
                    case "info" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            info = null;
                        } else if (v == JsonToken.VALUE_STRING) {
                            info = p.getText();
                        } else {
                            return new Invalid("'info' must be a string");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return new Invalid("an acknowledgement must be one JSON object");
            }
        } catch (IOException e) {
            return new Invalid("not valid JSON: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage()));
        }
        if (idFromPath != null) {
            if (id != null && !id.equals(idFromPath)) {
                return new Invalid("'id' differs from the command id in the path");
            }
            id = idFromPath;
        }
        if (id == null || id.isEmpty()) {
            return new Invalid("'id' is missing");
        }
        if (status == null) {
            return new Invalid("'status' is missing");
        }
        return switch (status.toUpperCase(Locale.ROOT)) {
            case "OK" -> new Ack(id, true, info);
            case "ERROR" -> new Ack(id, false, info);
            default -> new Invalid("'status' must be \"OK\" or \"ERROR\", got '" + status + "'");
        };
    }
}
