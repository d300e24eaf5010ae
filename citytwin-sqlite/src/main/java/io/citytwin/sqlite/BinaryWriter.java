package io.citytwin.sqlite;

import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/*
 * The binary encoding of values shared by the stored forms of the SQLite stores (the twin store's entity documents,
 * the history store's entries), version 1 of both:
 *
 *   varint    = unsigned LEB128: 7 bits per byte, least significant group first, high bit = more bytes follow
 *   zigzag    = varint of (v << 1) ^ (v >> 63), so that small negative numbers stay short
 *   fixed64   = 8 bytes, big endian
 *   instant   = epochSecond:zigzag nano:varint
 *   json      = 0 null | 1 false | 2 true | 3 long:zigzag | 4 double:fixed64 (raw IEEE bits)
 *             | 5 string | 6 list count:varint json* | 7 object count:varint (key:string json)*
 *   string    = header:varint (length << 4 | prefix << 1 | wide) chars
 *   kind      = u8: 1 Property, 2 Relationship, 3 GeoProperty, 4 LanguageProperty, 5 VocabProperty,
 *               6 JsonProperty, 7 ListProperty, 8 ListRelationship
 *
 * Strings: `prefix` (0 = none) names one of PREFIXES, which is cut off before writing; expanded IRIs, which are most
 * of the bytes of an entity, shrink to their local name. `wide` = 0 stores each char as one byte (all chars below
 * U+0100, decoded with ISO-8859-1 at memcpy speed), `wide` = 1 stores UTF-16 code units as two bytes, big endian,
 * which keeps unpaired surrogates exact (UTF-8 would not) and costs less than UTF-8 for CJK text.
 *
 * Compatibility: PREFIXES, the JSON tags and the kind codes are part of the stored formats and may only be
 * appended to. References: varints and zigzag as in Protocol Buffers, https://protobuf.dev/programming-guides/encoding/
 */
/**
 * Writes the shared binary encoding (varints, instants, prefixed strings, JSON values, attribute kinds) into a
 * growing buffer; {@link BinaryReader} reads it back. Not thread-safe: one instance per thread or per call.
 */
public final class BinaryWriter {
    /** IRI prefixes cut off strings; index 0 is no prefix. Part of the stored formats: append only. */
    static final String[] PREFIXES = {
        "", Ngsi.DEFAULT_VOCAB, Ngsi.CORE, "https://smartdatamodels.org/", "urn:ngsi-ld:", "https://", "http://"
    };

    static final int T_NULL = 0;
    static final int T_FALSE = 1;
    static final int T_TRUE = 2;
    static final int T_LONG = 3;
    static final int T_DOUBLE = 4;
    static final int T_STRING = 5;
    static final int T_LIST = 6;
    static final int T_OBJECT = 7;

    private final String errorCodePrefix;
    private byte[] buf;
    private int pos;

    /**
     * @param initialCapacity the initial buffer size in bytes, positive; it grows as needed
     * @param errorCodePrefix the prefix of the error code for values that are not JSON, e.g. {@code store} for
     *     {@code store.encode-failed}
     */
    public BinaryWriter(int initialCapacity, String errorCodePrefix) {
        if (initialCapacity <= 0) {
            throw new IllegalArgumentException("initialCapacity must be positive");
        }
        this.buf = new byte[initialCapacity];
        this.errorCodePrefix = errorCodePrefix;
    }

    /** Empties the buffer (keeping its capacity), to write the next value from position 0. */
    public void reset() {
        pos = 0;
    }

    /** The bytes written since the last {@link #reset()}, as a new array. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Writes the low 8 bits of {@code v}. */
    public void writeByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    /** Writes {@code len} bytes of {@code b} from {@code off}, as they are. */
    public void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** Writes {@code v} as an unsigned varint (1 to 10 bytes). */
    public void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** Writes {@code v} zigzag-encoded, so that values near zero of either sign are short. */
    public void writeZigzag(long v) {
        writeVarint((v << 1) ^ (v >> 63));
    }

    /** Writes {@code v} as 8 bytes, big endian. */
    public void writeFixed64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
    }

    /** Writes {@code t} exactly (epoch second and nano of second). */
    public void writeInstant(Instant t) {
        writeZigzag(t.getEpochSecond());
        writeVarint(t.getNano());
    }

    /** Writes {@code s} with its known IRI prefix cut off, one or two bytes per char (see the format above). */
    public void writeString(String s) {
        int prefix = 0;
        for (int p = 1; p < PREFIXES.length; p++) {
            if (s.startsWith(PREFIXES[p])) {
                prefix = p;
                break;
            }
        }
        int from = PREFIXES[prefix].length();
        int len = s.length() - from;
        boolean wide = false;
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                wide = true;
                break;
            }
        }
        writeVarint(((long) len << 4) | (prefix << 1) | (wide ? 1 : 0));
        ensure(wide ? 2 * len : len);
        byte[] b = buf;
        int p = pos;
        if (wide) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                b[p++] = (byte) (c >>> 8);
                b[p++] = (byte) c;
            }
        } else {
            for (int i = from; i < s.length(); i++) {
                b[p++] = (byte) s.charAt(i);
            }
        }
        pos = p;
    }

    /**
     * Writes a value of the {@link Json} model (String, Long, Double, Boolean, {@link Json#NULL}, List, Map with
     * String keys), recursively.
     *
     * @throws TwinException InternalError {@code <errorCodePrefix>.encode-failed} for anything else
     */
    public void writeJson(Object v) {
        switch (v) {
            case String s -> {
                writeByte(T_STRING);
                writeString(s);
            }
            case Long l -> {
                writeByte(T_LONG);
                writeZigzag(l);
            }
            case Double d -> {
                writeByte(T_DOUBLE);
                writeFixed64(Double.doubleToRawLongBits(d));
            }
            case Boolean b -> writeByte(b ? T_TRUE : T_FALSE);
            case Json.Null n -> writeByte(T_NULL);
            case List<?> list -> {
                writeByte(T_LIST);
                writeVarint(list.size());
                for (Object o : list) {
                    writeJson(o);
                }
            }
            case Map<?, ?> map -> {
                writeByte(T_OBJECT);
                writeVarint(map.size());
                for (Map.Entry<?, ?> m : map.entrySet()) {
                    writeString((String) m.getKey());
                    writeJson(m.getValue());
                }
            }
            default ->
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        errorCodePrefix + ".encode-failed",
                        "Not a JSON value: " + v.getClass().getSimpleName());
        }
    }

    /** Writes the one-byte code of {@code kind}. */
    public void writeKind(AttributeKind kind) {
        writeByte(
                switch (kind) {
                    case PROPERTY -> 1;
                    case RELATIONSHIP -> 2;
                    case GEO_PROPERTY -> 3;
                    case LANGUAGE_PROPERTY -> 4;
                    case VOCAB_PROPERTY -> 5;
                    case JSON_PROPERTY -> 6;
                    case LIST_PROPERTY -> 7;
                    case LIST_RELATIONSHIP -> 8;
                });
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
