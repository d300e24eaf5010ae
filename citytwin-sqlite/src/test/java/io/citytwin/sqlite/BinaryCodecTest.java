package io.citytwin.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BinaryCodecTest {
    private static BinaryReader readerOf(BinaryWriter w) {
        byte[] b = w.toByteArray();
        BinaryReader r = new BinaryReader(false);
        r.reset(b, 0, b.length);
        return r;
    }

    @Test
    void writeString_knownPrefix_isCutAndNamedInTheHeader() {
        BinaryWriter w = new BinaryWriter(1, "t");
        w.writeString("urn:ngsi-ld:ab");
        // header = length 2 << 4 | prefix 4 << 1 | narrow
        assertThat(w.toByteArray()).containsExactly(0x28, 'a', 'b');
    }

    @Test
    void writeZigzag_smallNegative_takesOneByte() {
        BinaryWriter w = new BinaryWriter(16, "t");
        w.writeZigzag(-1);
        w.writeFixed64(1);
        assertThat(w.toByteArray()).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Property(tries = 200)
    void readString_anyString_givesItBack(@ForAll String s) {
        BinaryWriter w = new BinaryWriter(4, "t");
        w.writeString(s);
        w.writeString("https://smartdatamodels.org/" + s);
        BinaryReader r = readerOf(w);
        assertThat(r.readString()).isEqualTo(s);
        assertThat(r.readName()).isEqualTo("https://smartdatamodels.org/" + s);
        assertThat(r.atEnd()).isTrue();
    }

    @Property(tries = 200)
    void readNumbers_anyValues_giveThemBack(@ForAll long v, @ForAll long seconds, @ForAll double d) {
        BinaryWriter w = new BinaryWriter(4, "t");
        w.writeVarint(v);
        w.writeZigzag(v);
        Instant t = Instant.ofEpochSecond(Math.floorMod(seconds, 400_000_000_000L) - 200_000_000_000L, 999_999_999);
        w.writeInstant(t);
        w.writeJson(d);
        BinaryReader r = readerOf(w);
        assertThat(r.readVarint()).isEqualTo(v);
        assertThat(r.readZigzag()).isEqualTo(v);
        assertThat(r.readInstant()).isEqualTo(t);
        assertThat(r.readJson()).isEqualTo(d);
    }

    @Test
    void readJson_nestedValue_givesTheCanonicalShapeBack() {
        Object v = Map.of("a", List.of(1L, 2.5, "x", true, false, Json.NULL), "b", Map.of());
        BinaryWriter w = new BinaryWriter(4, "t");
        w.writeJson(v);
        for (AttributeKind k : AttributeKind.values()) {
            w.writeKind(k);
        }
        BinaryReader r = readerOf(w);
        assertThat(r.readJson()).isEqualTo(v);
        for (AttributeKind k : AttributeKind.values()) {
            assertThat(r.readKind()).isEqualTo(k);
        }
        assertThat(r.atEnd()).isTrue();
    }

    @Test
    void writeJson_notAJsonValue_failsWithThePrefixedCode() {
        BinaryWriter w = new BinaryWriter(4, "t");
        assertThatThrownBy(() -> w.writeJson(new Object()))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("t.encode-failed"));
    }

    @Test
    void read_beyondTheSlice_fails() {
        BinaryReader r = new BinaryReader(true);
        r.reset(new byte[] {5, (byte) 0x80, 1}, 0, 2);
        assertThat(r.readByte()).isEqualTo(5);
        assertThatThrownBy(r::readVarint).isInstanceOf(IllegalStateException.class);
    }
}
