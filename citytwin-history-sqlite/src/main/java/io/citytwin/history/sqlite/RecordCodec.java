package io.citytwin.history.sqlite;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * The stored form of history records: one ENTRY per record, packed into CHUNKS (see SqliteHistoryStore).
 *
 *   chunk     = version:u8(=1) count:varint entry*
 *   entry     = second:zigzag-varint nano:varint length:varint payload
 *               second is the time axis' epoch second minus the previous entry's (0 before the first entry), so
 *               one-minute data costs one byte of time; a `recent` row holds one entry on its own (delta from 0)
 *   payload   = modifiedSecond:zigzag-varint (minus the time axis' second) modifiedNano:varint attribute
 *   attribute = kind:u8 flags:u8 value [datasetId:string] [observedAt] [unitCode:string] [createdAt] [modifiedAt]
 *               [subCount:varint (name:string attribute)*]
 *               flags: 1 datasetId, 2 observedAt, 4 unitCode, 8 createdAt, 16 modifiedAt, 32 subs,
 *                      64 observedAt = the entry's time axis (no bytes), 128 modifiedAt = the record's (no bytes)
 *               the top attribute never stores its datasetId: it is the series'
 *   value, json, string, instant: exactly as the twin store's EntityCodec (version 1), copied here because that
 *               class is package-private in citytwin-store-sqlite: tagged JSON, zigzag longs, raw double bits,
 *               strings with a known-prefix cut and a 1-byte/2-byte char form that keeps every UTF-16 unit exact
 *
 * The length before each payload lets a reader skip entries outside the asked range, or before the last N,
 * without decoding their values. The entity type is not in the entry: it is a column of the series.
 */
/** Encodes history entries and chunks. Not thread-safe: one instance per thread or per call. */
final class RecordCodec {
    static final int CHUNK_VERSION = 1;

    private static final byte[] EMPTY = new byte[0];

    private static final String[] PREFIXES = {
        "", Ngsi.DEFAULT_VOCAB, Ngsi.CORE, "https://smartdatamodels.org/", "urn:ngsi-ld:", "https://", "http://"
    };
    private static final AttributeKind[] KINDS = {
        null,
        AttributeKind.PROPERTY,
        AttributeKind.RELATIONSHIP,
        AttributeKind.GEO_PROPERTY,
        AttributeKind.LANGUAGE_PROPERTY,
        AttributeKind.VOCAB_PROPERTY,
        AttributeKind.JSON_PROPERTY,
        AttributeKind.LIST_PROPERTY,
        AttributeKind.LIST_RELATIONSHIP
    };
    private static final int F_DATASET = 1;
    private static final int F_OBSERVED = 2;
    private static final int F_UNIT = 4;
    private static final int F_CREATED = 8;
    private static final int F_MODIFIED = 16;
    private static final int F_SUBS = 32;
    private static final int F_OBSERVED_AXIS = 64;
    private static final int F_MODIFIED_RECORD = 128;

    private static final int T_NULL = 0;
    private static final int T_FALSE = 1;
    private static final int T_TRUE = 2;
    private static final int T_LONG = 3;
    private static final int T_DOUBLE = 4;
    private static final int T_STRING = 5;
    private static final int T_LIST = 6;
    private static final int T_OBJECT = 7;

    /**
     * One entry: the time axis and the encoded payload, a slice of {@code buf} (shared, never mutated).
     *
     * @param second epoch second of the time axis
     * @param nano nano of second of the time axis
     */
    record Entry(long second, int nano, byte[] buf, int off, int len) {
        Instant time() {
            return Instant.ofEpochSecond(second, nano);
        }

        int compareTime(Entry o) {
            int c = Long.compare(second, o.second);
            return c != 0 ? c : Integer.compare(nano, o.nano);
        }

        boolean before(Instant t) {
            return second < t.getEpochSecond() || (second == t.getEpochSecond() && nano < t.getNano());
        }
    }

    private byte[] buf = new byte[256];
    private int pos;
    private byte[] in = EMPTY;
    private int at;
    private int limit;

    // ---------------------------------------------------------------- encoding

    /** The entry of {@code r} on its own (a {@code recent} row). */
    byte[] encodeEntry(AttributeRecord r) {
        byte[] payload = encodePayload(r);
        pos = 0;
        writeEntry(0, r.observedAt().getEpochSecond(), r.observedAt().getNano(), payload, 0, payload.length);
        return Arrays.copyOf(buf, pos);
    }

    /** The payload of {@code r}: everything but the time axis. */
    byte[] encodePayload(AttributeRecord r) {
        pos = 0;
        Instant axis = r.observedAt();
        writeZigzag(Math.subtractExact(r.modifiedAt().getEpochSecond(), axis.getEpochSecond()));
        writeVarint(r.modifiedAt().getNano());
        writeAttribute(r.instance(), axis, r.modifiedAt(), true);
        return Arrays.copyOf(buf, pos);
    }

    /** A chunk of {@code entries}, which must be in time order. */
    byte[] encodeChunk(List<Entry> entries) {
        pos = 0;
        writeByte(CHUNK_VERSION);
        writeVarint(entries.size());
        long previous = 0;
        for (Entry e : entries) {
            writeEntry(previous, e.second, e.nano, e.buf, e.off, e.len);
            previous = e.second;
        }
        return Arrays.copyOf(buf, pos);
    }

    private void writeEntry(long previousSecond, long second, int nano, byte[] payload, int off, int len) {
        writeZigzag(Math.subtractExact(second, previousSecond));
        writeVarint(nano);
        writeVarint(len);
        ensure(len);
        System.arraycopy(payload, off, buf, pos, len);
        pos += len;
    }

    private void writeAttribute(Attribute a, @Nullable Instant axis, @Nullable Instant recordModified, boolean top) {
        writeByte(kindCode(a.kind()));
        Instant observed = a.observedAt();
        Instant modified = a.modifiedAt();
        boolean observedIsAxis = observed != null && observed.equals(axis);
        boolean modifiedIsRecord = modified != null && modified.equals(recordModified);
        int flags = (a.datasetId() != null && !top ? F_DATASET : 0)
                | (observed != null ? (observedIsAxis ? F_OBSERVED_AXIS : F_OBSERVED) : 0)
                | (a.unitCode() != null ? F_UNIT : 0)
                | (a.createdAt() != null ? F_CREATED : 0)
                | (modified != null ? (modifiedIsRecord ? F_MODIFIED_RECORD : F_MODIFIED) : 0)
                | (a.subAttributes().isEmpty() ? 0 : F_SUBS);
        writeByte(flags);
        writeJson(a.value() instanceof GeoValue g ? g.geoJson() : a.value());
        String dataset = a.datasetId();
        if ((flags & F_DATASET) != 0 && dataset != null) {
            writeString(dataset);
        }
        if ((flags & F_OBSERVED) != 0 && observed != null) {
            writeInstant(observed);
        }
        String unit = a.unitCode();
        if (unit != null) {
            writeString(unit);
        }
        Instant created = a.createdAt();
        if (created != null) {
            writeInstant(created);
        }
        if ((flags & F_MODIFIED) != 0 && modified != null) {
            writeInstant(modified);
        }
        if (!a.subAttributes().isEmpty()) {
            writeVarint(a.subAttributes().size());
            for (Map.Entry<String, Attribute> s : a.subAttributes().entrySet()) {
                writeString(s.getKey());
                writeAttribute(s.getValue(), axis, recordModified, false);
            }
        }
    }

    private void writeJson(Object v) {
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
                        "history.encode-failed",
                        "Not a JSON value: " + v.getClass().getSimpleName());
        }
    }

    private void writeInstant(Instant t) {
        writeZigzag(t.getEpochSecond());
        writeVarint(t.getNano());
    }

    private void writeString(String s) {
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
        if (wide) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                buf[pos++] = (byte) (c >>> 8);
                buf[pos++] = (byte) c;
            }
        } else {
            for (int i = from; i < s.length(); i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }
    }

    private void writeByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    private void writeZigzag(long v) {
        writeVarint((v << 1) ^ (v >> 63));
    }

    private void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private void writeFixed64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private static int kindCode(AttributeKind kind) {
        return switch (kind) {
            case PROPERTY -> 1;
            case RELATIONSHIP -> 2;
            case GEO_PROPERTY -> 3;
            case LANGUAGE_PROPERTY -> 4;
            case VOCAB_PROPERTY -> 5;
            case JSON_PROPERTY -> 6;
            case LIST_PROPERTY -> 7;
            case LIST_RELATIONSHIP -> 8;
        };
    }

    // ---------------------------------------------------------------- decoding

    /** The entry of a {@code recent} row. */
    static Entry parseEntry(byte[] data) {
        RecordCodec c = new RecordCodec();
        c.start(data);
        Entry e = c.readEntry(0);
        if (c.at != data.length) {
            throw corrupt(new IllegalStateException("Trailing bytes"));
        }
        return e;
    }

    /** The entries of a chunk, in stored (time) order; payloads are slices of {@code data}. */
    static List<Entry> parseChunk(byte[] data) {
        RecordCodec c = new RecordCodec();
        c.start(data);
        try {
            int version = c.readByte();
            if (version != CHUNK_VERSION) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "history.unknown-format",
                        "A history chunk is stored in format " + version + ", which this version cannot read");
            }
            int n = c.readCount();
            ArrayList<Entry> out = new ArrayList<>(n);
            long previous = 0;
            for (int i = 0; i < n; i++) {
                Entry e = c.readEntry(previous);
                previous = e.second;
                out.add(e);
            }
            if (c.at != data.length) {
                throw new IllegalStateException("Trailing bytes");
            }
            return out;
        } catch (TwinException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    private Entry readEntry(long previousSecond) {
        try {
            long second = Math.addExact(previousSecond, readZigzag());
            int nano = Math.toIntExact(readVarint());
            int len = Math.toIntExact(readVarint());
            checkAvailable(len);
            Entry e = new Entry(second, nano, in, at, len);
            at += len;
            return e;
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    /** The record stored as {@code e} in the series {@code key} of entity type {@code type}. */
    AttributeRecord decode(SeriesKey key, String type, Entry e) {
        start(e.buf);
        at = e.off;
        limit = e.off + e.len;
        try {
            Instant axis = e.time();
            long modSecond = Math.addExact(e.second, readZigzag());
            Instant modified = Instant.ofEpochSecond(modSecond, readVarint());
            Attribute a = readAttribute(axis, modified, key.datasetId());
            if (at != limit) {
                throw new IllegalStateException("Trailing bytes");
            }
            return new AttributeRecord(key, type, axis, modified, a);
        } catch (TwinException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw corrupt(ex);
        } finally {
            in = EMPTY; // do not pin the chunk
        }
    }

    private void start(byte[] data) {
        in = data;
        at = 0;
        limit = data.length;
    }

    private Attribute readAttribute(Instant axis, Instant recordModified, @Nullable String topDataset) {
        int code = readByte();
        if (code < 1 || code >= KINDS.length) {
            throw new IllegalStateException("Unknown attribute kind " + code);
        }
        AttributeKind kind = KINDS[code];
        int flags = readByte();
        Object value = readJson();
        if (kind == AttributeKind.GEO_PROPERTY) {
            value = GeoJson.parse(value);
        }
        String dataset = (flags & F_DATASET) != 0 ? readString() : topDataset;
        Instant observed = (flags & F_OBSERVED) != 0 ? readInstant() : (flags & F_OBSERVED_AXIS) != 0 ? axis : null;
        String unit = (flags & F_UNIT) != 0 ? readString() : null;
        Instant created = (flags & F_CREATED) != 0 ? readInstant() : null;
        Instant modified =
                (flags & F_MODIFIED) != 0 ? readInstant() : (flags & F_MODIFIED_RECORD) != 0 ? recordModified : null;
        Map<String, Attribute> subs = Map.of();
        if ((flags & F_SUBS) != 0) {
            int n = readCount();
            LinkedHashMap<String, Attribute> s = LinkedHashMap.newLinkedHashMap(n);
            for (int i = 0; i < n; i++) {
                String name = readString();
                s.put(name, readAttribute(axis, recordModified, null));
            }
            subs = s;
        }
        return new Attribute(kind, value, dataset, observed, unit, subs, created, modified);
    }

    private Object readJson() {
        int tag = readByte();
        return switch (tag) {
            case T_NULL -> Json.NULL;
            case T_FALSE -> Boolean.FALSE;
            case T_TRUE -> Boolean.TRUE;
            case T_LONG -> readZigzag();
            case T_DOUBLE -> Double.longBitsToDouble(readFixed64());
            case T_STRING -> readString();
            case T_LIST -> {
                int n = readCount();
                if (n == 0) {
                    yield List.of();
                }
                ArrayList<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readJson());
                }
                yield Collections.unmodifiableList(list);
            }
            case T_OBJECT -> {
                int n = readCount();
                if (n == 0) {
                    yield Map.of();
                }
                LinkedHashMap<String, Object> map = LinkedHashMap.newLinkedHashMap(n);
                for (int i = 0; i < n; i++) {
                    String key = readString();
                    map.put(key, readJson());
                }
                yield Collections.unmodifiableMap(map);
            }
            default -> throw new IllegalStateException("Unknown JSON tag " + tag);
        };
    }

    private Instant readInstant() {
        long seconds = readZigzag();
        return Instant.ofEpochSecond(seconds, readVarint());
    }

    private String readString() {
        long header = readVarint();
        int len = Math.toIntExact(header >>> 4);
        int prefix = (int) (header >>> 1) & 7;
        if (prefix >= PREFIXES.length) {
            throw new IllegalStateException("Unknown string prefix " + prefix);
        }
        String body;
        if ((header & 1) == 0) {
            checkAvailable(len);
            body = new String(in, at, len, StandardCharsets.ISO_8859_1);
            at += len;
        } else {
            checkAvailable(2 * len);
            char[] chars = new char[len];
            for (int i = 0; i < len; i++) {
                chars[i] = (char) (((in[at] & 0xFF) << 8) | (in[at + 1] & 0xFF));
                at += 2;
            }
            body = new String(chars);
        }
        return prefix == 0 ? body : PREFIXES[prefix].concat(body);
    }

    private int readCount() {
        long n = readVarint();
        if (n < 0 || n > limit - at) {
            throw new IllegalStateException("Count " + n + " exceeds the data");
        }
        return (int) n;
    }

    private int readByte() {
        checkAvailable(1);
        return in[at++] & 0xFF;
    }

    private long readZigzag() {
        long z = readVarint();
        return (z >>> 1) ^ -(z & 1);
    }

    private long readVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = (byte) readByte();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("Malformed varint");
    }

    private long readFixed64() {
        checkAvailable(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[at++] & 0xFF);
        }
        return v;
    }

    private void checkAvailable(int n) {
        if (n < 0 || at + n > limit) {
            throw new IllegalStateException("Data ends early");
        }
    }

    private static TwinException corrupt(RuntimeException cause) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "history.corrupt-record", "A history record cannot be read", cause);
    }
}
