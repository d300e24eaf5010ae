package io.citytwin.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.history.TemporalMatch;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalMatchTest {
    static final EntityId ID = EntityId.of("urn:ngsi-ld:Sensor:1");
    static final String SENSOR = Fixtures.term("Sensor");
    static final TenantId CITY = new TenantId("city");

    static AttributeRecord rec(String attr, Object value, String at) {
        Instant t = Instant.parse(at);
        return AttributeRecord.of(
                SeriesKey.of(CITY, ID, Fixtures.term(attr)),
                SENSOR,
                t,
                Attribute.property(value).withObservedAt(t));
    }

    static Query q(String text) {
        return QueryParser.parse(text).mapNames(Fixtures::term);
    }

    static boolean matches(List<AttributeRecord> seed, List<AttributeRecord> window, String query) {
        return TemporalMatch.matches(ID, List.of(SENSOR), seed, window, AttributeRecord::observedAt, q(query), null);
    }

    @Test
    void matches_whenTheStateAtSomeInstantSatisfiesQ() {
        AttributeRecord t10 = rec("t", 10L, "2026-01-01T00:00:00Z");
        AttributeRecord t20 = rec("t", 20L, "2026-01-01T01:00:00Z");
        assertThat(matches(List.of(), List.of(t10), "t>15")).isFalse();
        assertThat(matches(List.of(), List.of(t20, t10), "t>15")).isTrue();
        assertThat(matches(List.of(t20), List.of(), "t>15"))
                .as("the state at the window's start")
                .isTrue();
    }

    @Test
    void conjunction_needsBothAtTheSameInstant_notAtDifferentOnes() {
        // t high early, h high late: never both at once
        List<AttributeRecord> window = List.of(
                rec("t", 30L, "2026-01-01T00:00:00Z"),
                rec("h", 10L, "2026-01-01T00:00:00Z"),
                rec("t", 5L, "2026-01-01T01:00:00Z"),
                rec("h", 90L, "2026-01-01T01:00:00Z"));
        assertThat(matches(List.of(), window, "t>20;h>50")).isFalse();
        assertThat(matches(List.of(), window, "t>20|h>50")).isTrue();
        assertThat(matches(List.of(), window, "t<10;h>50")).isTrue();
    }

    @Test
    void noQuery_matchesAlways() {
        assertThat(TemporalMatch.matches(
                        ID, List.of(SENSOR), List.of(), List.of(), AttributeRecord::observedAt, null, null))
                .isTrue();
    }
}
