package io.citytwin.history.sqlite;

import static io.citytwin.testkit.history.HistoryStoreContract.assertSameRecord;
import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

/**
 * decode(encode(r)) == r for generated history records, alone (a {@code recent} row) and packed into a chunk;
 * jqwik prints the seed of a failing run to replay it.
 */
class RecordCodecPropertyTest {
    private static final String TYPE = Fixtures.term("Sensor");

    @Property(tries = 300)
    void decode_encodedEntry_givesTheRecordBackExactly(@ForAll("records") AttributeRecord r) {
        RecordCodec codec = new RecordCodec();
        RecordCodec.Entry e = RecordCodec.parseEntry(codec.encodeEntry(r));
        assertThat(e.time()).isEqualTo(r.observedAt());
        assertSameRecord(codec.decode(r.key(), TYPE, e), r);
    }

    @Property(tries = 100)
    void decode_chunkOfEncodedEntries_givesTheRecordsBackInOrder(
            @ForAll("attributes") List<Attribute> attributes, @ForAll("instantLists") List<Instant> times) {
        SeriesKey key = SeriesKey.of(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:1"), Fixtures.term("t"));
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < Math.min(attributes.size(), times.size()); i++) {
            Attribute a = attributes.get(i);
            Attribute plain = new Attribute(
                    a.kind(), a.value(), null, a.observedAt(), a.unitCode(), a.subAttributes(), a.createdAt(), null);
            records.add(
                    new AttributeRecord(key, TYPE, times.get(i), times.get(i).plusMillis(i), plain));
        }
        records.sort(Comparator.comparing(AttributeRecord::observedAt));
        RecordCodec codec = new RecordCodec();
        List<RecordCodec.Entry> entries = new ArrayList<>();
        for (AttributeRecord r : records) {
            byte[] payload = codec.encodePayload(r);
            entries.add(new RecordCodec.Entry(
                    r.observedAt().getEpochSecond(), r.observedAt().getNano(), payload, 0, payload.length));
        }
        List<RecordCodec.Entry> parsed = RecordCodec.parseChunk(codec.encodeChunk(entries));
        assertThat(parsed).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            assertSameRecord(codec.decode(key, TYPE, parsed.get(i)), records.get(i));
        }
    }

    @Provide
    Arbitrary<AttributeRecord> records() {
        Arbitrary<String> local = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(
                        local,
                        iris(),
                        attribute(2),
                        instants(),
                        instants(),
                        Arbitraries.integers().between(0, 3))
                .as((id, name, a, t, m, mode) -> {
                    SeriesKey key = new SeriesKey(
                            new TenantId("t-" + id), EntityId.of("urn:ngsi-ld:X:" + id), name, a.datasetId());
                    // exercise the flags: observedAt = the time axis, modifiedAt = the record's, or neither
                    Instant observed = a.observedAt();
                    Instant axis = mode % 2 == 0 && observed != null ? observed : t;
                    Instant modifiedAttr = a.modifiedAt();
                    Instant modified = mode >= 2 && modifiedAttr != null ? modifiedAttr : m;
                    return new AttributeRecord(key, TYPE, axis, modified, a);
                });
    }

    @Provide
    Arbitrary<List<Attribute>> attributes() {
        return attribute(1).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Instant>> instantLists() {
        return Arbitraries.oneOf(
                instants().list().ofMaxSize(30),
                Arbitraries.integers().between(0, 1440).list().ofMaxSize(30).map(l -> l.stream()
                        .map(m -> Instant.parse("2026-03-01T00:00:00Z").plusSeconds(60L * m))
                        .toList()));
    }

    private static Arbitrary<String> iris() {
        Arbitrary<String> local = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        return Arbitraries.oneOf(
                local.map(s -> Ngsi.DEFAULT_VOCAB + s),
                local.map(s -> Ngsi.CORE + s),
                local.map(s -> "http://example.org/" + s),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(16).filter(s -> !s.isBlank()));
    }

    private static Arbitrary<String> anyString() {
        return Arbitraries.strings().all().ofMaxLength(16); // unpaired surrogates and U+0000 included
    }

    private static Arbitrary<Instant> instants() {
        return Combinators.combine(
                        Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    private static Arbitrary<Attribute> attribute(int depth) {
        Arbitrary<Map<String, Attribute>> subs = depth == 0
                ? Arbitraries.just(Map.of())
                : Arbitraries.maps(iris(), attribute(depth - 1)).ofMaxSize(2);
        Arbitrary<@Nullable String> datasets = iris().injectNull(0.6);
        Arbitrary<@Nullable String> units = Arbitraries.of("CEL", "KWH", "C62").injectNull(0.5);
        return Arbitraries.of(AttributeKind.class).flatMap(kind -> Combinators.combine(
                        value(kind),
                        datasets,
                        instants().injectNull(0.5),
                        units,
                        subs,
                        instants().injectNull(0.5),
                        instants().injectNull(0.5))
                .as((v, ds, obs, unit, s, c, m) -> new Attribute(kind, v, ds, obs, unit, s, c, m)));
    }

    private static Arbitrary<Object> value(AttributeKind kind) {
        return switch (kind) {
            case PROPERTY -> json(2).filter(v -> v != Json.NULL);
            case JSON_PROPERTY -> json(2);
            case RELATIONSHIP, VOCAB_PROPERTY -> Arbitraries.oneOf(iris().map(s -> (Object) s), stringList());
            case LIST_RELATIONSHIP -> stringList();
            case LIST_PROPERTY -> json(1).list().ofMaxSize(4).map(Json::freeze);
            case LANGUAGE_PROPERTY ->
                Arbitraries.maps(Arbitraries.of("en", "de", "zh", "@none"), anyString())
                        .ofMaxSize(3)
                        .map(Json::freeze);
            case GEO_PROPERTY ->
                Combinators.combine(
                                Arbitraries.doubles().between(-180, 180),
                                Arbitraries.doubles().between(-90, 90))
                        .as((lon, lat) -> (Object) Fixtures.point(lon, lat));
        };
    }

    private static Arbitrary<Object> stringList() {
        return iris().list().ofMaxSize(3).map(l -> (Object) List.copyOf(l));
    }

    private static Arbitrary<Object> json(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                anyString().map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles()
                        .withSpecialValue(-0.0)
                        .withSpecialValue(Double.NaN)
                        .withSpecialValue(Double.POSITIVE_INFINITY)
                        .map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(Json.NULL));
        if (depth == 0) {
            return scalar;
        }
        List<Tuple.Tuple2<Integer, Arbitrary<Object>>> choices = List.of(
                Tuple.of(6, scalar),
                Tuple.of(1, json(depth - 1).list().ofMaxSize(4).map(l -> (Object) l)),
                Tuple.of(
                        1,
                        Arbitraries.maps(anyString(), json(depth - 1))
                                .ofMaxSize(4)
                                .map(m -> (Object) m)));
        return Arbitraries.frequencyOf(choices).map(Json::freeze);
    }
}
