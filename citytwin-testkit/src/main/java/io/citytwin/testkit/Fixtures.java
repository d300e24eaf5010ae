package io.citytwin.testkit;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * Builders of test entities. All names and types are expanded IRIs, as the core holds them. Every builder is
 * deterministic: the same arguments give equal entities.
 */
public final class Fixtures {
    /** The expanded type of the Smart Data Models Streetlight. */
    public static final String STREETLIGHT = "https://smartdatamodels.org/dataModel.Streetlighting/Streetlight";
    /** The expanded type used by {@link #small}. */
    public static final String DEVICE = "https://smartdatamodels.org/dataModel.Device/Device";

    private static final GeometryFactory GEOMETRY = new GeometryFactory(new PrecisionModel(), 4326);

    private Fixtures() {}

    /** {@code name} expanded with the core context's default vocabulary. */
    public static String term(String name) {
        return Ngsi.DEFAULT_VOCAB + name;
    }

    /** A GeoJSON Point at {@code lon}, {@code lat} with its JTS geometry. */
    public static GeoValue point(double lon, double lat) {
        return new GeoValue(
                Map.of("type", "Point", "coordinates", List.of(lon, lat)),
                GEOMETRY.createPoint(new Coordinate(lon, lat)));
    }

    /**
     * A streetlight holding at least one attribute of every kind and every kind of metadata: a Property with
     * observedAt, unitCode and a sub-attribute; a Relationship; a GeoProperty Point; a LanguageProperty; a
     * VocabProperty; a JsonProperty (nested, with Long, Double, null and booleans); a ListProperty; a
     * ListRelationship; and a multi-instance Property (default instance plus two datasetIds). No system times (see
     * {@link #withSystemTimes}).
     */
    public static Entity streetlight(String id, double lon, double lat) {
        Instant observed = Instant.parse("2026-03-01T18:30:00.123456789Z");
        LinkedHashMap<String, List<Attribute>> attrs = new LinkedHashMap<>();
        Attribute reliability = Attribute.property(0.9);
        attrs.put(
                term("powerState"),
                List.of(new Attribute(
                        AttributeKind.PROPERTY,
                        "on",
                        null,
                        observed,
                        null,
                        Map.of(term("reliability"), reliability),
                        null,
                        null)));
        attrs.put(
                term("powerConsumption"),
                List.of(new Attribute(AttributeKind.PROPERTY, 42L, null, observed, "KWH", Map.of(), null, null)));
        attrs.put(term("illuminanceLevel"), List.of(Attribute.property(0.75)));
        attrs.put(term("refStreetlightGroup"), List.of(Attribute.relationship("urn:ngsi-ld:StreetlightGroup:g1")));
        attrs.put(Ngsi.LOCATION, List.of(Attribute.geo(point(lon, lat))));
        attrs.put(
                term("name"),
                List.of(new Attribute(
                        AttributeKind.LANGUAGE_PROPERTY,
                        Json.freeze(Map.of("en", "Lamp 1", "de", "Leuchte 1", "zh", "路灯 1")),
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null)));
        attrs.put(
                term("lanternModel"),
                List.of(new Attribute(
                        AttributeKind.VOCAB_PROPERTY, term("LED"), null, null, null, Map.of(), null, null)));
        LinkedHashMap<String, Object> config = new LinkedHashMap<>();
        config.put("dimming", List.of(100L, 80L, 30.5));
        config.put("schedule", Map.of("on", "18:00"));
        config.put("note", null);
        config.put("enabled", true);
        config.put("max", 9_007_199_254_740_993L);
        attrs.put(
                term("controllerConfig"),
                List.of(new Attribute(
                        AttributeKind.JSON_PROPERTY, Json.freeze(config), null, null, null, Map.of(), null, null)));
        attrs.put(
                term("lampHistory"),
                List.of(new Attribute(
                        AttributeKind.LIST_PROPERTY,
                        Json.freeze(List.of(1L, 2.5, "replaced")),
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null)));
        attrs.put(
                term("refNeighbours"),
                List.of(new Attribute(
                        AttributeKind.LIST_RELATIONSHIP,
                        List.of("urn:ngsi-ld:Streetlight:n1", "urn:ngsi-ld:Streetlight:n2"),
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null)));
        attrs.put(
                term("temperature"),
                List.of(
                        new Attribute(AttributeKind.PROPERTY, 21.5, null, observed, "CEL", Map.of(), null, null),
                        new Attribute(
                                AttributeKind.PROPERTY,
                                22L,
                                "urn:ngsi-ld:Dataset:sensor-a",
                                observed,
                                "CEL",
                                Map.of(),
                                null,
                                null),
                        new Attribute(
                                AttributeKind.PROPERTY,
                                -3.25,
                                "urn:ngsi-ld:Dataset:sensor-b",
                                null,
                                null,
                                Map.of(),
                                null,
                                null)));
        return new Entity(EntityId.of(id), List.of(STREETLIGHT), attrs, null, null);
    }

    /** A small device entity with one numeric Property {@code n} and a location; for volume tests. */
    public static Entity small(String id, long n) {
        LinkedHashMap<String, List<Attribute>> attrs = new LinkedHashMap<>();
        attrs.put(term("n"), List.of(Attribute.property(n)));
        attrs.put(Ngsi.LOCATION, List.of(Attribute.geo(point(13.4 + (n % 1000) * 1e-4, 52.5))));
        return new Entity(EntityId.of(id), List.of(DEVICE), attrs, null, null);
    }

    /**
     * {@code entity} with system times everywhere: the entity, each attribute and each sub-attribute get {@code
     * created} as createdAt and {@code modified} as modifiedAt.
     */
    public static Entity withSystemTimes(Entity entity, Instant created, Instant modified) {
        LinkedHashMap<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, List<Attribute>> e : entity.attributes().entrySet()) {
            ArrayList<Attribute> instances = new ArrayList<>(e.getValue().size());
            for (Attribute a : e.getValue()) {
                instances.add(stampAttribute(a, created, modified));
            }
            attrs.put(e.getKey(), instances);
        }
        return new Entity(entity.id(), entity.types(), attrs, created, modified);
    }

    private static Attribute stampAttribute(Attribute a, @Nullable Instant created, @Nullable Instant modified) {
        LinkedHashMap<String, Attribute> subs = new LinkedHashMap<>();
        for (Map.Entry<String, Attribute> e : a.subAttributes().entrySet()) {
            subs.put(e.getKey(), stampAttribute(e.getValue(), created, modified));
        }
        return new Attribute(a.kind(), a.value(), a.datasetId(), a.observedAt(), a.unitCode(), subs, created, modified);
    }
}
