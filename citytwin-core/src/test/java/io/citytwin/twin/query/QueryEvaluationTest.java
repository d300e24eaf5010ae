package io.citytwin.twin.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;

class QueryEvaluationTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2024-05-02T10:00:00Z");

    private static Attribute attr(AttributeKind kind, Object value) {
        return new Attribute(kind, value, null, null, null, Map.of(), null, null);
    }

    private static Entity entity() {
        Attribute temperature = new Attribute(
                AttributeKind.PROPERTY, 21.5, null, T0, "CEL", Map.of("accuracy", Attribute.property(0.5)), T0, T1);
        Attribute temperatureDs =
                new Attribute(AttributeKind.PROPERTY, 30L, "urn:ds:sensor2", T1, null, Map.of(), null, null);
        GeoValue point = new GeoValue(
                Map.of("type", "Point", "coordinates", List.of(13.4, 52.5)),
                new GeometryFactory().createPoint(new Coordinate(13.4, 52.5)));
        return Entity.of(EntityId.of("urn:ngsi-ld:Lamp:1"), "Lamp")
                .withAttribute("temperature", List.of(temperature, temperatureDs))
                .withInstance("count", Attribute.property(7))
                .withInstance("name", Attribute.property("Lamp seven"))
                .withInstance("on", Attribute.property(true))
                .withInstance("tags", Attribute.property(List.of("red", "tall", 3)))
                .withInstance(
                        "address", Attribute.property(Map.of("addressLocality", "Berlin", "street", Map.of("no", 12))))
                .withInstance("installed", Attribute.property("2023-06-15T08:00:00Z"))
                .withInstance("day", Attribute.property("2023-06-15"))
                .withInstance("opens", Attribute.property("08:30:00"))
                .withInstance("refStreet", Attribute.relationship("urn:ngsi-ld:Street:9"))
                .withInstance("category", attr(AttributeKind.VOCAB_PROPERTY, "https://ex.org/Lighting"))
                .withInstance(
                        "label",
                        attr(AttributeKind.LANGUAGE_PROPERTY, Json.freeze(Map.of("en", "lamp", "de", "Leuchte"))))
                .withInstance("readings", attr(AttributeKind.LIST_PROPERTY, Json.freeze(List.of(1, 2, 3))))
                .withInstance("config", attr(AttributeKind.JSON_PROPERTY, Json.freeze(Map.of("mode", "eco"))))
                .withInstance("location", Attribute.geo(point))
                .withTimes(T0, T1);
    }

    private static boolean test(String q) {
        return QueryParser.parse(q).test(entity());
    }

    @Test
    void exists_and_notExists() {
        assertThat(test("temperature")).isTrue();
        assertThat(test("missing")).isFalse();
        assertThat(test("!missing")).isTrue();
        assertThat(test("!temperature")).isFalse();
        assertThat(test("temperature.accuracy")).isTrue();
        assertThat(test("temperature.nope")).isFalse();
        assertThat(test("address[street][no]")).isTrue();
        assertThat(test("address[nope]")).isFalse();
        assertThat(test("location")).isTrue();
    }

    @Test
    void numbers_compareNumerically_mixingLongAndDouble() {
        assertThat(test("temperature>21")).isTrue();
        assertThat(test("temperature==21.5")).isTrue();
        assertThat(test("count==7")).isTrue();
        assertThat(test("count==7.0")).isTrue();
        assertThat(test("count<7.5")).isTrue();
        assertThat(test("count>=7")).isTrue();
        assertThat(test("count>7")).isFalse();
        assertThat(test("count<=6.99")).isFalse();
        assertThat(test("count==1..10")).isTrue();
        assertThat(test("count==8..10")).isFalse();
        assertThat(test("count==1,7,9")).isTrue();
        assertThat(test("count==\"7\"")).isFalse();
    }

    @Test
    void multiAttribute_anyInstanceMatches() {
        assertThat(test("temperature==30")).isTrue();
        assertThat(test("temperature>25")).isTrue();
        assertThat(test("temperature<22")).isTrue();
        assertThat(test("temperature.datasetId==\"urn:ds:sensor2\"")).isTrue();
        assertThat(test("temperature.datasetId==urn:ds:sensor2")).isTrue();
        assertThat(test("temperature!=21.5")).isTrue(); // the dataset instance holds 30
    }

    @Test
    void strings_compareLexicographically_andBooleansOnlyByEquality() {
        assertThat(test("name==\"Lamp seven\"")).isTrue();
        assertThat(test("name>\"Lamp\"")).isTrue();
        assertThat(test("name<\"Lamp\"")).isFalse();
        assertThat(test("name==\"A\"..\"M\"")).isTrue();
        assertThat(test("on==true")).isTrue();
        assertThat(test("on!=true")).isFalse();
        assertThat(test("on==\"true\"")).isFalse();
        assertThat(test("on==1")).isFalse();
    }

    @Test
    void notEqual_onMissingAttribute_neverMatches() {
        assertThat(test("missing!=1")).isFalse();
        assertThat(test("missing!~=x")).isFalse();
        assertThat(test("missing.observedAt!=2024-01-01T00:00:00Z")).isFalse();
        assertThat(test("count!=1,2")).isTrue();
        assertThat(test("count!=1,7")).isFalse();
        assertThat(test("count!=1..5")).isTrue();
        assertThat(test("count!=5..9")).isFalse();
        assertThat(test("count!=\"x\"")).isTrue(); // type mismatch: not equal
    }

    @Test
    void arrays_matchWhenAnyElementMatches() {
        assertThat(test("tags==\"red\"")).isTrue();
        assertThat(test("tags==3")).isTrue();
        assertThat(test("tags==\"blue\"")).isFalse();
        assertThat(test("tags!=\"red\"")).isFalse();
        assertThat(test("tags!=\"blue\"")).isTrue();
        assertThat(test("tags~=^ta")).isTrue();
        assertThat(test("readings>2")).isTrue();
        assertThat(test("readings>3")).isFalse();
    }

    @Test
    void compoundKeys_walkIntoJsonObjects() {
        assertThat(test("address[addressLocality]==\"Berlin\"")).isTrue();
        assertThat(test("address[addressLocality]!=\"Berlin\"")).isFalse();
        assertThat(test("address[street][no]>=12")).isTrue();
        assertThat(test("address[street][no]!=1")).isTrue();
        assertThat(test("address[nope]!=1")).isFalse();
        assertThat(test("address==\"Berlin\"")).isFalse();
        assertThat(test("config[mode]==\"eco\"")).isTrue();
        assertThat(test("count[x]")).isFalse();
    }

    @Test
    void metadata_comparesInstanceMetadata() {
        assertThat(test("temperature.observedAt>=2024-05-01T10:00:00Z")).isTrue();
        assertThat(test("temperature.observedAt>2024-05-02T10:00:00Z")).isFalse();
        assertThat(test("temperature.observedAt==2024-05-02T12:00:00+02:00")).isTrue();
        assertThat(test("temperature.createdAt==2024-05-01T10:00:00Z")).isTrue();
        assertThat(test("temperature.modifiedAt>2024-05-01T10:00:00Z")).isTrue();
        assertThat(test("temperature.unitCode==\"CEL\"")).isTrue();
        assertThat(test("temperature.unitCode")).isTrue();
        assertThat(test("count.unitCode")).isFalse();
        assertThat(test("count.observedAt")).isFalse();
        assertThat(test("temperature.observedAt==\"2024-05-01T10:00:00Z\"")).isFalse(); // string vs dateTime
    }

    @Test
    void subAttribute_comparesItsValue() {
        assertThat(test("temperature.accuracy<1")).isTrue();
        assertThat(test("temperature.accuracy>1")).isFalse();
    }

    @Test
    void entitySystemTimes_asBareTopLevelNames() {
        assertThat(test("createdAt==2024-05-01T10:00:00Z")).isTrue();
        assertThat(test("modifiedAt>2024-05-01T12:00:00Z")).isTrue();
        assertThat(test("modifiedAt<2024-05-01T12:00:00Z")).isFalse();
        assertThat(QueryParser.parse(Ngsi.CREATED_AT + "<2025-01-01T00:00:00Z").test(entity()))
                .isTrue();
        assertThat(test("createdAt")).isTrue();
        Entity unstored = Entity.of(EntityId.of("urn:x:1"), "T");
        assertThat(QueryParser.parse("createdAt").test(unstored)).isFalse();
    }

    @Test
    void dateTimeLiteral_comparesWithIsoStringValues() {
        assertThat(test("installed<2024-01-01T00:00:00Z")).isTrue();
        assertThat(test("installed==2023-06-15T10:00:00+02:00")).isTrue();
        assertThat(test("name<2024-01-01T00:00:00Z")).isFalse();
        assertThat(test("day==2023-06-15")).isTrue();
        assertThat(test("day>2023-06-14")).isTrue();
        assertThat(test("opens<09:00:00")).isTrue();
        assertThat(test("opens==08:30:00")).isTrue();
        assertThat(test("count<2024-01-01")).isFalse();
    }

    @Test
    void relationship_vocab_language_list_json() {
        assertThat(test("refStreet==urn:ngsi-ld:Street:9")).isTrue();
        assertThat(test("refStreet==\"urn:ngsi-ld:Street:9\"")).isTrue();
        assertThat(test("refStreet==urn:ngsi-ld:Street:1,urn:ngsi-ld:Street:9")).isTrue();
        assertThat(test("refStreet!=urn:ngsi-ld:Street:9")).isFalse();
        assertThat(test("category==https://ex.org/Lighting")).isTrue();
        assertThat(test("label==\"Leuchte\"")).isTrue();
        assertThat(test("label[en]==\"lamp\"")).isTrue();
        assertThat(test("label[en]==\"Leuchte\"")).isFalse();
        assertThat(test("label[fr]")).isFalse();
        assertThat(test("label!=\"lamp\"")).isFalse();
        assertThat(test("readings==2")).isTrue();
        assertThat(test("config[mode]~=^e")).isTrue();
    }

    @Test
    void geoProperty_onlyExists() {
        assertThat(test("location")).isTrue();
        assertThat(test("location==\"Point\"")).isFalse();
        assertThat(test("location!=\"Point\"")).isFalse();
        assertThat(test("location[type]")).isFalse();
    }

    @Test
    void regex_usesFind_andOnlyMatchesStrings() {
        assertThat(test("name~=seven")).isTrue();
        assertThat(test("name~=^seven")).isFalse();
        assertThat(test("name~=^Lamp seven$")).isTrue();
        assertThat(test("name~=(?i)LAMP")).isTrue();
        assertThat(test("name!~=seven")).isFalse();
        assertThat(test("name!~=blue")).isTrue();
        assertThat(test("count~=7")).isFalse();
        assertThat(test("refStreet~=Street")).isTrue();
    }

    @Test
    void logicalOperators_combine() {
        assertThat(test("count==7;name~=Lamp")).isTrue();
        assertThat(test("count==8;name~=Lamp")).isFalse();
        assertThat(test("count==8|name~=Lamp")).isTrue();
        assertThat(test("(count==8|count==7);!missing")).isTrue();
        assertThat(test("count==8|(missing;count==7)")).isFalse();
    }

    @Test
    void mapNames_thenTest_onExpandedEntity() {
        String ex = "https://ex.org/";
        Entity e = Entity.of(EntityId.of("urn:x:1"), ex + "T")
                .withInstance(
                        ex + "temperature",
                        Attribute.property(20)
                                .withObservedAt(T0)
                                .withSubAttributes(Map.of(ex + "accuracy", Attribute.property(1))));
        Query q = QueryParser.parse(
                        "temperature>10;temperature.accuracy==1;temperature.observedAt==2024-05-01T10:00:00Z")
                .mapNames(n -> ex + n);
        assertThat(q.test(e)).isTrue();
        assertThat(QueryParser.parse("temperature>10").test(e)).isFalse();
    }
}
