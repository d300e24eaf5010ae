package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.citytwin.command.Command;
import io.citytwin.command.CommandStatus;
import io.citytwin.device.DeviceId;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The command and acknowledgement wire forms; the ack parser is total on arbitrary input. */
class CommandCodecTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void render_writesIdNameValueAndTimes() {
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        Command c = new Command(
                "c-1",
                TenantId.DEFAULT,
                DeviceId.of("l1"),
                EntityId.of("urn:ngsi-ld:Streetlight:l1"),
                "https://example.org/dim",
                "dim",
                Json.freeze(Map.of("level", 30L, "ramp", List.of(1.5, true, "x"))),
                t,
                t.plusSeconds(60),
                CommandStatus.PENDING,
                null,
                t);
        assertThat(new String(CommandCodec.render(c), StandardCharsets.UTF_8))
                .startsWith("{\"id\":\"c-1\",\"name\":\"dim\",\"value\":{")
                .contains("\"ramp\":[1.5,true,\"x\"]")
                .endsWith("\"issuedAt\":\"2026-11-21T10:00:00Z\",\"expiresAt\":\"2026-11-21T10:01:00Z\"}");
    }

    @Test
    void parseAck_okErrorAndPathId() {
        assertThat(CommandCodec.parseAck(bytes("{\"id\":\"c-1\",\"status\":\"ok\",\"x\":[1,{}]}"), null))
                .isEqualTo(new CommandCodec.Ack("c-1", true, null));
        assertThat(CommandCodec.parseAck(bytes("{\"status\":\"ERROR\",\"info\":\"lamp broken\"}"), "c-2"))
                .isEqualTo(new CommandCodec.Ack("c-2", false, "lamp broken"));
        assertThat(CommandCodec.parseAck(bytes("{\"id\":\"c-1\",\"status\":\"OK\"}"), "c-2"))
                .isInstanceOf(CommandCodec.Invalid.class);
        assertThat(CommandCodec.parseAck(bytes("{\"id\":\"c-1\",\"status\":\"MAYBE\"}"), null))
                .isEqualTo(new CommandCodec.Invalid("'status' must be \"OK\" or \"ERROR\", got 'MAYBE'"));
        assertThat(CommandCodec.parseAck(bytes("{\"status\":\"OK\"}"), null))
                .isEqualTo(new CommandCodec.Invalid("'id' is missing"));
        assertThat(CommandCodec.parseAck(bytes("{\"id\":\"c\",\"status\":\"OK\"} {}"), null))
                .isInstanceOf(CommandCodec.Invalid.class);
    }

    @Property(tries = 1000)
    void parseAck_anyBytes_givesAnAckOrAReason(@ForAll @Size(max = 200) byte[] payload) {
        assertTotal(payload);
    }

    @Property(tries = 1000)
    void parseAck_jsonLikeText_givesAnAckOrAReason(@ForAll("ackLike") String text) {
        assertTotal(bytes(text));
    }

    @Property(tries = 300)
    void parseAck_wellFormedAck_roundTrips(
            @ForAll @StringLength(min = 1, max = 40) String id, @ForAll boolean ok, @ForAll("maybeText") String info)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("status", ok ? "OK" : "error");
            if (!info.isEmpty()) {
                g.writeStringField("info", info);
            }
            g.writeEndObject();
        }
        assertThat(CommandCodec.parseAck(out.toByteArray(), null))
                .isEqualTo(new CommandCodec.Ack(id, ok, info.isEmpty() ? null : info));
    }

    private static void assertTotal(byte[] payload) {
        switch (CommandCodec.parseAck(payload, null)) {
            case CommandCodec.Ack a -> assertThat(a.id()).isNotEmpty();
            case CommandCodec.Invalid i -> assertThat(i.reason()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> maybeText() {
        return Arbitraries.strings().ofMaxLength(30);
    }

    @Provide
    Arbitrary<String> ackLike() {
        return Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"id\"",
                        "\"status\"",
                        "\"info\"",
                        "\"OK\"",
                        "\"ERROR\"",
                        ":",
                        ",",
                        "null",
                        "1",
                        "true",
                        "\"c-1\"",
                        " ",
                        "\"\\u00e9\"",
                        "{}")
                .list()
                .ofMaxSize(20)
                .map(parts -> String.join("", parts));
    }
}
