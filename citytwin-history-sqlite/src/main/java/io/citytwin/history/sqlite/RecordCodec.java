package io.citytwin.history.sqlite;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.sqlite.BinaryReader;
import io.citytwin.sqlite.BinaryWriter;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoJson;
import java.time.Instant;
import java.util.ArrayList;
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
 *               [instanceId:string]   only when the record's instanceId is not the derived one (AttributeRecord);
 *               payloads written before instance ids existed end after the attribute, so they read back as derived
 *   attribute = kind flags:u8 value [datasetId:string] [observedAt] [unitCode:string] [createdAt] [modifiedAt]
 *               [subCount:varint (name:string attribute)*]
 *               flags: 1 datasetId, 2 observedAt, 4 unitCode, 8 createdAt, 16 modifiedAt, 32 subs,
 *                      64 observedAt = the entry's time axis (no bytes), 128 modifiedAt = the record's (no bytes)
 *               the top attribute never stores its datasetId: it is the series'
 *   kind, value (json), string, instant, varint: the shared encoding of io.citytwin.sqlite.BinaryWriter (its
 *               version 1, also used by the twin store's EntityCodec): tagged JSON, zigzag longs, raw double bits,
 *               strings with a known-prefix cut and a 1-byte/2-byte char form that keeps every UTF-16 unit exact
 *
 * The length before each payload lets a reader skip entries outside the asked range, or before the last N,
 * without decoding their values. The entity type is not in the entry: it is a column of the series.
 */
/** Encodes history entries and chunks. Not thread-safe: one instance per thread or per call. */
final class RecordCodec {
    static final int CHUNK_VERSION = 1;

    private static final int F_DATASET = 1;
    private static final int F_OBSERVED = 2;
    private static final int F_UNIT = 4;
    private static final int F_CREATED = 8;
    private static final int F_MODIFIED = 16;
    private static final int F_SUBS = 32;
    private static final int F_OBSERVED_AXIS = 64;
    private static final int F_MODIFIED_RECORD = 128;

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

    private final BinaryWriter out = new BinaryWriter(256, "history");
    private final BinaryReader in = new BinaryReader(false);

    // ---------------------------------------------------------------- encoding

    /** The entry of {@code r} on its own (a {@code recent} row). */
    byte[] encodeEntry(AttributeRecord r) {
        byte[] payload = encodePayload(r);
        out.reset();
        writeEntry(0, r.observedAt().getEpochSecond(), r.observedAt().getNano(), payload, 0, payload.length);
        return out.toByteArray();
    }

    /** The payload of {@code r}: everything but the time axis. */
    byte[] encodePayload(AttributeRecord r) {
        out.reset();
        Instant axis = r.observedAt();
        out.writeZigzag(Math.subtractExact(r.modifiedAt().getEpochSecond(), axis.getEpochSecond()));
        out.writeVarint(r.modifiedAt().getNano());
        writeAttribute(r.instance(), axis, r.modifiedAt(), true);
        if (!r.hasDerivedInstanceId()) {
            out.writeString(r.instanceId());
        }
        return out.toByteArray();
    }

    /** A chunk of {@code entries}, which must be in time order. */
    byte[] encodeChunk(List<Entry> entries) {
        out.reset();
        out.writeByte(CHUNK_VERSION);
        out.writeVarint(entries.size());
        long previous = 0;
        for (Entry e : entries) {
            writeEntry(previous, e.second, e.nano, e.buf, e.off, e.len);
            previous = e.second;
        }
        return out.toByteArray();
    }

    private void writeEntry(long previousSecond, long second, int nano, byte[] payload, int off, int len) {
        out.writeZigzag(Math.subtractExact(second, previousSecond));
        out.writeVarint(nano);
        out.writeVarint(len);
        out.writeBytes(payload, off, len);
    }

    private void writeAttribute(Attribute a, @Nullable Instant axis, @Nullable Instant recordModified, boolean top) {
        out.writeKind(a.kind());
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
        out.writeByte(flags);
        out.writeJson(a.value() instanceof GeoValue g ? g.geoJson() : a.value());
        String dataset = a.datasetId();
        if ((flags & F_DATASET) != 0 && dataset != null) {
            out.writeString(dataset);
        }
        if ((flags & F_OBSERVED) != 0 && observed != null) {
            out.writeInstant(observed);
        }
        String unit = a.unitCode();
        if (unit != null) {
            out.writeString(unit);
        }
        Instant created = a.createdAt();
        if (created != null) {
            out.writeInstant(created);
        }
        if ((flags & F_MODIFIED) != 0 && modified != null) {
            out.writeInstant(modified);
        }
        if (!a.subAttributes().isEmpty()) {
            out.writeVarint(a.subAttributes().size());
            for (Map.Entry<String, Attribute> s : a.subAttributes().entrySet()) {
                out.writeString(s.getKey());
                writeAttribute(s.getValue(), axis, recordModified, false);
            }
        }
    }

    // ---------------------------------------------------------------- decoding

    /** The entry of a {@code recent} row. */
    static Entry parseEntry(byte[] data) {
        BinaryReader in = new BinaryReader(false);
        in.reset(data, 0, data.length);
        Entry e = readEntry(in, 0);
        if (!in.atEnd()) {
            throw corrupt(new IllegalStateException("Trailing bytes"));
        }
        return e;
    }

    /** The entries of a chunk, in stored (time) order; payloads are slices of {@code data}. */
    static List<Entry> parseChunk(byte[] data) {
        BinaryReader in = new BinaryReader(false);
        in.reset(data, 0, data.length);
        try {
            int version = in.readByte();
            if (version != CHUNK_VERSION) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "history.unknown-format",
                        "A history chunk is stored in format " + version + ", which this version cannot read");
            }
            int n = in.readCount();
            ArrayList<Entry> out = new ArrayList<>(n);
            long previous = 0;
            for (int i = 0; i < n; i++) {
                Entry e = readEntry(in, previous);
                previous = e.second;
                out.add(e);
            }
            if (!in.atEnd()) {
                throw new IllegalStateException("Trailing bytes");
            }
            return out;
        } catch (TwinException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    private static Entry readEntry(BinaryReader in, long previousSecond) {
        try {
            long second = Math.addExact(previousSecond, in.readZigzag());
            int nano = Math.toIntExact(in.readVarint());
            int len = Math.toIntExact(in.readVarint());
            int off = in.position();
            in.skip(len);
            return new Entry(second, nano, in.data(), off, len);
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    /** The record stored as {@code e} in the series {@code key} of entity type {@code type}. */
    AttributeRecord decode(SeriesKey key, String type, Entry e) {
        in.reset(e.buf, e.off, e.len);
        try {
            Instant axis = e.time();
            long modSecond = Math.addExact(e.second, in.readZigzag());
            Instant modified = Instant.ofEpochSecond(modSecond, in.readVarint());
            Attribute a = readAttribute(axis, modified, key.datasetId());
            if (in.atEnd()) {
                return new AttributeRecord(key, type, axis, modified, a);
            }
            String instanceId = in.readString();
            if (!in.atEnd()) {
                throw new IllegalStateException("Trailing bytes");
            }
            return new AttributeRecord(key, type, axis, modified, a, instanceId);
        } catch (TwinException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw corrupt(ex);
        } finally {
            in.release(); // do not pin the chunk
        }
    }

    /** Only the value of the entry's attribute (what aggregation needs), as {@link Attribute#value()} holds it. */
    Object decodeValue(Entry e) {
        in.reset(e.buf, e.off, e.len);
        try {
            in.readZigzag();
            in.readVarint();
            AttributeKind kind = in.readKind();
            in.readByte();
            Object value = in.readJson();
            return kind == AttributeKind.GEO_PROPERTY ? GeoJson.parse(value) : value;
        } catch (TwinException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw corrupt(ex);
        } finally {
            in.release();
        }
    }

    private Attribute readAttribute(Instant axis, Instant recordModified, @Nullable String topDataset) {
        AttributeKind kind = in.readKind();
        int flags = in.readByte();
        Object value = in.readJson();
        if (kind == AttributeKind.GEO_PROPERTY) {
            value = GeoJson.parse(value);
        }
        String dataset = (flags & F_DATASET) != 0 ? in.readString() : topDataset;
        Instant observed = (flags & F_OBSERVED) != 0 ? in.readInstant() : (flags & F_OBSERVED_AXIS) != 0 ? axis : null;
        String unit = (flags & F_UNIT) != 0 ? in.readString() : null;
        Instant created = (flags & F_CREATED) != 0 ? in.readInstant() : null;
        Instant modified =
                (flags & F_MODIFIED) != 0 ? in.readInstant() : (flags & F_MODIFIED_RECORD) != 0 ? recordModified : null;
        Map<String, Attribute> subs = Map.of();
        if ((flags & F_SUBS) != 0) {
            int n = in.readCount();
            LinkedHashMap<String, Attribute> s = LinkedHashMap.newLinkedHashMap(n);
            for (int i = 0; i < n; i++) {
                String name = in.readString();
                s.put(name, readAttribute(axis, recordModified, null));
            }
            subs = s;
        }
        return new Attribute(kind, value, dataset, observed, unit, subs, created, modified);
    }

    private static TwinException corrupt(RuntimeException cause) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "history.corrupt-record", "A history record cannot be read", cause);
    }
}
