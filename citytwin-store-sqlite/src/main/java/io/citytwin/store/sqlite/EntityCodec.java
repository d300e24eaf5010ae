package io.citytwin.store.sqlite;

import io.citytwin.sqlite.BinaryReader;
import io.citytwin.sqlite.BinaryWriter;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   attribute = kind value-flags:u8 value [datasetId:string] [observedAt] [unitCode:string] [createdAt] [modifiedAt]
 *               [subCount:varint (name:string attribute)*]         flags: 1 datasetId, 2 observedAt, 4 unitCode,
 *                                                                          8 createdAt, 16 modifiedAt, 32 subs
 *   value     = json; a GeoProperty stores its GeoJSON object, the JTS geometry is rebuilt on load
 *   kind, json, string, instant, varint: the shared encoding of io.citytwin.sqlite.BinaryWriter (its version 1)
 *
 * Compatibility: the leading version byte selects the decoder; the shared encoding is part of version 1 and may only
 * be appended to. Decoding yields the canonical Json shape, so a decoded entity equals the encoded one exactly.
 */
/** Encodes entities to the stored binary form and back. Stateless apart from the optional name cache; not shared. */
final class EntityCodec {
    static final int VERSION = 1;

    private static final int F_DATASET = 1;
    private static final int F_OBSERVED = 2;
    private static final int F_UNIT = 4;
    private static final int F_CREATED = 8;
    private static final int F_MODIFIED = 16;
    private static final int F_SUBS = 32;

    private final BinaryWriter out = new BinaryWriter(512, "store");
    /** Interns names, types, units and datasetIds across decoded entities when asked, so 1M entities share them. */
    private final BinaryReader in;

    /** @param internNames whether to share equal names among decoded entities (for bulk loads) */
    EntityCodec(boolean internNames) {
        this.in = new BinaryReader(internNames);
    }

    // ---------------------------------------------------------------- encoding

    /** The stored form of {@code e}. The id is not part of it (it is the row key). */
    byte[] encode(Entity e) {
        out.reset();
        out.writeByte(VERSION);
        out.writeVarint(e.types().size());
        for (String t : e.types()) {
            out.writeString(t);
        }
        out.writeByte((e.createdAt() != null ? F_CREATED : 0) | (e.modifiedAt() != null ? F_MODIFIED : 0));
        writeInstantIfSet(e.createdAt());
        writeInstantIfSet(e.modifiedAt());
        out.writeVarint(e.attributes().size());
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            out.writeString(a.getKey());
            out.writeVarint(a.getValue().size());
            for (Attribute instance : a.getValue()) {
                writeAttribute(instance);
            }
        }
        return out.toByteArray();
    }

    private void writeAttribute(Attribute a) {
        out.writeKind(a.kind());
        int flags = (a.datasetId() != null ? F_DATASET : 0)
                | (a.observedAt() != null ? F_OBSERVED : 0)
                | (a.unitCode() != null ? F_UNIT : 0)
                | (a.createdAt() != null ? F_CREATED : 0)
                | (a.modifiedAt() != null ? F_MODIFIED : 0)
                | (a.subAttributes().isEmpty() ? 0 : F_SUBS);
        out.writeByte(flags);
        out.writeJson(a.value() instanceof GeoValue g ? g.geoJson() : a.value());
        String dataset = a.datasetId();
        if (dataset != null) {
            out.writeString(dataset);
        }
        writeInstantIfSet(a.observedAt());
        String unit = a.unitCode();
        if (unit != null) {
            out.writeString(unit);
        }
        writeInstantIfSet(a.createdAt());
        writeInstantIfSet(a.modifiedAt());
        if (!a.subAttributes().isEmpty()) {
            out.writeVarint(a.subAttributes().size());
            for (Map.Entry<String, Attribute> s : a.subAttributes().entrySet()) {
                out.writeString(s.getKey());
                writeAttribute(s.getValue());
            }
        }
    }

    private void writeInstantIfSet(@Nullable Instant t) {
        if (t != null) {
            out.writeInstant(t);
        }
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The entity {@code id} stored as {@code doc}.
     *
     * @throws TwinException InternalError {@code store.corrupt-entity} when {@code doc} is not a valid stored form
     */
    Entity decode(EntityId id, byte[] doc) {
        in.reset(doc, 0, doc.length);
        try {
            int version = in.readByte();
            if (version != VERSION) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "store.unknown-format",
                        "Entity " + id + " is stored in format " + version + ", which this version cannot read");
            }
            int typeCount = in.readCount();
            ArrayList<String> types = new ArrayList<>(typeCount);
            for (int i = 0; i < typeCount; i++) {
                types.add(in.readName());
            }
            int flags = in.readByte();
            Instant created = (flags & F_CREATED) != 0 ? in.readInstant() : null;
            Instant modified = (flags & F_MODIFIED) != 0 ? in.readInstant() : null;
            int attrCount = in.readCount();
            LinkedHashMap<String, List<Attribute>> attrs = LinkedHashMap.newLinkedHashMap(attrCount);
            for (int i = 0; i < attrCount; i++) {
                String name = in.readName();
                int n = in.readCount();
                Attribute[] instances = new Attribute[n];
                for (int j = 0; j < n; j++) {
                    instances[j] = readAttribute();
                }
                attrs.put(name, Arrays.asList(instances));
            }
            if (!in.atEnd()) {
                throw new IllegalStateException("Trailing bytes");
            }
            return new Entity(id, types, attrs, created, modified);
        } catch (TwinException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.corrupt-entity", "Entity " + id + " cannot be read", e);
        } finally {
            in.release();
        }
    }

    private Attribute readAttribute() {
        AttributeKind kind = in.readKind();
        int flags = in.readByte();
        Object value = in.readJson();
        if (kind == AttributeKind.GEO_PROPERTY) {
            @SuppressWarnings("unchecked")
            Map<String, Object> geoJson = (Map<String, Object>) value;
            value = new GeoValue(geoJson, GeoJsonGeometry.toGeometry(geoJson));
        }
        String dataset = (flags & F_DATASET) != 0 ? in.readName() : null;
        Instant observed = (flags & F_OBSERVED) != 0 ? in.readInstant() : null;
        String unit = (flags & F_UNIT) != 0 ? in.readName() : null;
        Instant created = (flags & F_CREATED) != 0 ? in.readInstant() : null;
        Instant modified = (flags & F_MODIFIED) != 0 ? in.readInstant() : null;
        Map<String, Attribute> subs = Map.of();
        if ((flags & F_SUBS) != 0) {
            int n = in.readCount();
            LinkedHashMap<String, Attribute> s = LinkedHashMap.newLinkedHashMap(n);
            for (int i = 0; i < n; i++) {
                String name = in.readName();
                s.put(name, readAttribute());
            }
            subs = s;
        }
        return new Attribute(kind, value, dataset, observed, unit, subs, created, modified);
    }
}
