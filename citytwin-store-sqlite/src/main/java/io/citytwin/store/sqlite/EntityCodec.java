package io.citytwin.store.sqlite;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * The stored form of an Entity (the `doc` column): a compact, versioned binary encoding, written and read by hand
 * because startup decodes every entity of the city (1,000,000 and more) and this is its hot path.
 *
 *   doc       = version:u8(=1) types attributes-flags:u8 [createdAt] [modifiedAt] attributes
 *   types     = count:varint string*
 *   attributes= count:varint (name:string instances:varint attribute*)*
 *   attribute = kind:u8 flags:u8 value [datasetId:string] [observedAt] [unitCode:string] [createdAt] [modifiedAt]
 *               [subCount:varint (name:string attribute)*]         flags: 1 datasetId, 2 observedAt, 4 unitCode,
 *                                                                          8 createdAt, 16 modifiedAt, 32 subs
 *   value     = json; a GeoProperty stores its GeoJSON object, the JTS geometry is rebuilt on load
 *   json      = 0 null | 1 false | 2 true | 3 long:zigzag-varint | 4 double:8 bytes (raw IEEE bits)
 *             | 5 string | 6 list count:varint json* | 7 object count:varint (key:string json)*
 *   instant   = epochSecond:zigzag-varint nano:varint
 *   string    = header:varint (length << 4 | prefix << 1 | wide) chars
 *
 * Strings: `prefix` (0 = none) names one of PREFIXES, which is cut off before writing; expanded IRIs, which are most
 * of the bytes of an entity, shrink to their local name. `wide` = 0 stores each char as one byte (all chars below
 * U+0100, decoded with ISO-8859-1 at memcpy speed), `wide` = 1 stores UTF-16 code units as two bytes, big endian,
 * which keeps unpaired surrogates exact (UTF-8 would not) and costs less than UTF-8 for CJK text.
 *
 * Compatibility: the leading version byte selects the decoder; PREFIXES and the kind codes are part of version 1
 * and may only be appended to. Decoding yields the canonical Json shape (unmodifiable insertion-ordered maps,
 * Long/Double kept apart, Json.NULL), so a decoded entity equals the encoded one exactly.
 */
/** Encodes entities to the stored binary form and back. Stateless apart from the optional name cache; not shared. */
final class EntityCodec {
    static final int VERSION = 1;

    private static final String[] PREFIXES = {
        "", Ngsi.DEFAULT_VOCAB, Ngsi.CORE, "https://smartdatamodels.org/", "urn:ngsi-ld:", "https://", "http://"
    };
    private static final int PREFIX_COUNT = PREFIXES.length;

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

    private static final int T_NULL = 0;
    private static final int T_FALSE = 1;
    private static final int T_TRUE = 2;
    private static final int T_LONG = 3;
    private static final int T_DOUBLE = 4;
    private static final int T_STRING = 5;
    private static final int T_LIST = 6;
    private static final int T_OBJECT = 7;

    private static final int MAX_CACHED_NAMES = 50_000;

    /** Interns names, types, units and datasetIds across decoded entities, so 1M entities share their names. */
    private final @Nullable HashMap<String, String> names;

    private byte[] buf = new byte[512];
    private int pos;
    private byte[] in = new byte[0];
    private int at;

    /** @param internNames whether to share equal names among decoded entities (for bulk loads) */
    EntityCodec(boolean internNames) {
        this.names = internNames ? new HashMap<>() : null;
    }

    // ---------------------------------------------------------------- encoding

    /** The stored form of {@code e}. The id is not part of it (it is the row key). */
    byte[] encode(Entity e) {
        pos = 0;
        writeByte(VERSION);
        writeVarint(e.types().size());
        for (String t : e.types()) {
            writeString(t);
        }
        writeByte((e.createdAt() != null ? F_CREATED : 0) | (e.modifiedAt() != null ? F_MODIFIED : 0));
        writeInstantIfSet(e.createdAt());
        writeInstantIfSet(e.modifiedAt());
        writeVarint(e.attributes().size());
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            writeString(a.getKey());
            writeVarint(a.getValue().size());
            for (Attribute instance : a.getValue()) {
                writeAttribute(instance);
            }
        }
        return Arrays.copyOf(buf, pos);
    }

    private void writeAttribute(Attribute a) {
        writeByte(kindCode(a.kind()));
        int flags = (a.datasetId() != null ? F_DATASET : 0)
                | (a.observedAt() != null ? F_OBSERVED : 0)
                | (a.unitCode() != null ? F_UNIT : 0)
                | (a.createdAt() != null ? F_CREATED : 0)
                | (a.modifiedAt() != null ? F_MODIFIED : 0)
                | (a.subAttributes().isEmpty() ? 0 : F_SUBS);
        writeByte(flags);
        writeJson(a.value() instanceof GeoValue g ? g.geoJson() : a.value());
        String dataset = a.datasetId();
        if (dataset != null) {
            writeString(dataset);
        }
        writeInstantIfSet(a.observedAt());
        String unit = a.unitCode();
        if (unit != null) {
            writeString(unit);
        }
        writeInstantIfSet(a.createdAt());
        writeInstantIfSet(a.modifiedAt());
        if (!a.subAttributes().isEmpty()) {
            writeVarint(a.subAttributes().size());
            for (Map.Entry<String, Attribute> s : a.subAttributes().entrySet()) {
                writeString(s.getKey());
                writeAttribute(s.getValue());
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
                writeVarint((l << 1) ^ (l >> 63));
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
                        "store.encode-failed",
                        "Not a JSON value: " + v.getClass().getSimpleName());
        }
    }

    private void writeInstantIfSet(@Nullable Instant t) {
        if (t != null) {
            long s = t.getEpochSecond();
            writeVarint((s << 1) ^ (s >> 63));
            writeVarint(t.getNano());
        }
    }

    private void writeString(String s) {
        int prefix = 0;
        for (int p = 1; p < PREFIX_COUNT; p++) {
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

    private void writeByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
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

    /**
     * The entity {@code id} stored as {@code doc}.
     *
     * @throws TwinException InternalError {@code store.corrupt-entity} when {@code doc} is not a valid stored form
     */
    Entity decode(EntityId id, byte[] doc) {
        in = doc;
        at = 0;
        try {
            int version = readByte();
            if (version != VERSION) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "store.unknown-format",
                        "Entity " + id + " is stored in format " + version + ", which this version cannot read");
            }
            int typeCount = readCount();
            ArrayList<String> types = new ArrayList<>(typeCount);
            for (int i = 0; i < typeCount; i++) {
                types.add(readName());
            }
            int flags = readByte();
            Instant created = (flags & F_CREATED) != 0 ? readInstant() : null;
            Instant modified = (flags & F_MODIFIED) != 0 ? readInstant() : null;
            int attrCount = readCount();
            LinkedHashMap<String, List<Attribute>> attrs = LinkedHashMap.newLinkedHashMap(attrCount);
            for (int i = 0; i < attrCount; i++) {
                String name = readName();
                int n = readCount();
                Attribute[] instances = new Attribute[n];
                for (int j = 0; j < n; j++) {
                    instances[j] = readAttribute();
                }
                attrs.put(name, Arrays.asList(instances));
            }
            if (at != in.length) {
                throw new IllegalStateException("Trailing bytes");
            }
            return new Entity(id, types, attrs, created, modified);
        } catch (TwinException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.corrupt-entity", "Entity " + id + " cannot be read", e);
        } finally {
            in = new byte[0];
        }
    }

    private Attribute readAttribute() {
        int code = readByte();
        if (code < 1 || code >= KINDS.length) {
            throw new IllegalStateException("Unknown attribute kind " + code);
        }
        AttributeKind kind = KINDS[code];
        int flags = readByte();
        Object value = readJson();
        if (kind == AttributeKind.GEO_PROPERTY) {
            @SuppressWarnings("unchecked")
            Map<String, Object> geoJson = (Map<String, Object>) value;
            value = new GeoValue(geoJson, GeoJsonGeometry.toGeometry(geoJson));
        }
        String dataset = (flags & F_DATASET) != 0 ? readName() : null;
        Instant observed = (flags & F_OBSERVED) != 0 ? readInstant() : null;
        String unit = (flags & F_UNIT) != 0 ? readName() : null;
        Instant created = (flags & F_CREATED) != 0 ? readInstant() : null;
        Instant modified = (flags & F_MODIFIED) != 0 ? readInstant() : null;
        Map<String, Attribute> subs = Map.of();
        if ((flags & F_SUBS) != 0) {
            int n = readCount();
            LinkedHashMap<String, Attribute> s = LinkedHashMap.newLinkedHashMap(n);
            for (int i = 0; i < n; i++) {
                String name = readName();
                s.put(name, readAttribute());
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
            case T_LONG -> {
                long z = readVarint();
                yield (z >>> 1) ^ -(z & 1);
            }
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
                    String key = readName();
                    map.put(key, readJson());
                }
                yield Collections.unmodifiableMap(map);
            }
            default -> throw new IllegalStateException("Unknown JSON tag " + tag);
        };
    }

    private Instant readInstant() {
        long z = readVarint();
        long seconds = (z >>> 1) ^ -(z & 1);
        return Instant.ofEpochSecond(seconds, readVarint());
    }

    /** A string that recurs across entities (a name, type, key, unit or datasetId), shared when interning. */
    private String readName() {
        String s = readString();
        HashMap<String, String> cache = names;
        if (cache == null) {
            return s;
        }
        String shared = cache.get(s);
        if (shared != null) {
            return shared;
        }
        if (cache.size() < MAX_CACHED_NAMES) {
            cache.put(s, s);
        }
        return s;
    }

    private String readString() {
        long header = readVarint();
        int len = Math.toIntExact(header >>> 4);
        int prefix = (int) (header >>> 1) & 7;
        if (prefix >= PREFIX_COUNT) {
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
        if (n < 0 || n > in.length - at) {
            // every element takes at least one byte, so a larger count is corrupt (and would allocate wildly)
            throw new IllegalStateException("Count " + n + " exceeds the document");
        }
        return (int) n;
    }

    private int readByte() {
        return in[at++] & 0xFF;
    }

    private long readVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in[at++];
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
        if (n < 0 || at + n > in.length) {
            throw new IllegalStateException("Document ends early");
        }
    }
}
