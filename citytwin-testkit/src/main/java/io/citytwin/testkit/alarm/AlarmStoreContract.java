package io.citytwin.testkit.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmPage;
import io.citytwin.alarm.AlarmQuery;
import io.citytwin.alarm.AlarmState;
import io.citytwin.alarm.AlarmStore;
import io.citytwin.alarm.Severity;
import io.citytwin.twin.TenantId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link AlarmStore} port, run against every adapter: subclass it and implement {@link
 * #open(Path)}. Adapters that forget on close override {@link #durable()} to return false.
 */
public abstract class AlarmStoreContract {
    protected static final TenantId CITY_A = new TenantId("city-a");
    protected static final TenantId CITY_B = new TenantId("city-b");
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456789Z");

    @TempDir
    protected Path dir;

    /** Opens the store in {@code dir}; opening it again after close must see the same data when durable. */
    protected abstract AlarmStore open(Path dir);

    protected boolean durable() {
        return true;
    }

    /** An alarm with every optional member set. */
    public static Alarm full(TenantId tenant, String id, String type, AlarmState state, Instant last) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("value", 0.4);
        details.put("threshold", "< 20.0");
        details.put("count", 3L);
        details.put("window", Map.of("size", "PT10M"));
        details.put("note", "é ✓");
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("type", "Point");
        location.put("coordinates", List.of(13.4, 52.5));
        return new Alarm(
                id,
                tenant,
                type,
                Severity.CRITICAL,
                state,
                "urn:ngsi-ld:Streetlight:" + id.hashCode(),
                "Streetlight",
                "urn:ngsi-ld:District:d1",
                location,
                "lighting.lamp-failure",
                "Lamp dark",
                2,
                T0,
                last,
                state == AlarmState.ACTIVE ? null : last,
                state == AlarmState.ACTIVE ? null : "alice",
                state == AlarmState.CLEARED ? last : null,
                state == AlarmState.CLEARED ? "rule:x" : null,
                state == AlarmState.ACTIVE ? null : "checked",
                details);
    }

    /** An alarm with nothing optional. */
    public static Alarm bare(TenantId tenant, String id, String originator, String type, Severity s, Instant last) {
        return new Alarm(
                id,
                tenant,
                type,
                s,
                AlarmState.ACTIVE,
                originator,
                "Thing",
                null,
                null,
                "api",
                "",
                1,
                last,
                last,
                null,
                null,
                null,
                null,
                null,
                Map.of());
    }

    private static AlarmQuery all() {
        return new AlarmQuery(EnumSet.allOf(AlarmState.class), Set.of(), Set.of(), Set.of(), null, null, null, 100, 0);
    }

    @Test
    void save_thenFind_returnsAnEqualAlarm() {
        try (AlarmStore s = open(dir)) {
            Alarm a = full(CITY_A, "urn:ngsi-ld:Alert:1", "lighting.lamp-failure", AlarmState.ACKNOWLEDGED, T0);
            s.save(a);
            assertThat(s.find(CITY_A, a.id())).contains(a);
            assertThat(s.find(CITY_B, a.id())).isEmpty();
            Alarm bare = bare(CITY_A, "urn:ngsi-ld:Alert:2", "urn:x:1", "device.offline", Severity.MINOR, T0);
            s.save(bare);
            assertThat(s.find(CITY_A, bare.id())).contains(bare);
        }
    }

    @Test
    void save_sameId_replaces() {
        try (AlarmStore s = open(dir)) {
            Alarm a = full(CITY_A, "urn:ngsi-ld:Alert:1", "lighting.lamp-failure", AlarmState.ACTIVE, T0);
            s.save(a);
            Alarm c = full(CITY_A, a.id(), a.type(), AlarmState.CLEARED, T0.plusSeconds(60));
            s.save(c);
            assertThat(s.find(CITY_A, a.id())).contains(c);
            assertThat(s.query(CITY_A, all()).total()).isEqualTo(1);
        }
    }

    @Test
    void findOpen_onlyOpenAlarmsOfThatOriginatorAndType() {
        try (AlarmStore s = open(dir)) {
            s.save(bare(CITY_A, "urn:a:1", "urn:x:1", "water.leak", Severity.MAJOR, T0));
            Alarm cleared = full(CITY_A, "urn:a:2", "water.contamination", AlarmState.CLEARED, T0);
            s.save(cleared);
            assertThat(s.findOpen(CITY_A, "urn:x:1", "water.leak"))
                    .map(Alarm::id)
                    .contains("urn:a:1");
            assertThat(s.findOpen(CITY_A, "urn:x:1", "water.contamination")).isEmpty();
            assertThat(s.findOpen(CITY_A, cleared.originator(), "water.contamination"))
                    .isEmpty();
            assertThat(s.findOpen(CITY_B, "urn:x:1", "water.leak")).isEmpty();
        }
    }

    @Test
    void query_filtersOrdersNewestFirst_andPages() {
        try (AlarmStore s = open(dir)) {
            s.save(bare(CITY_A, "urn:a:1", "urn:x:1", "water.leak", Severity.MAJOR, T0));
            s.save(bare(CITY_A, "urn:a:2", "urn:x:2", "lighting.day-burner", Severity.MINOR, T0.plusSeconds(10)));
            s.save(full(CITY_A, "urn:a:3", "lighting.lamp-failure", AlarmState.CLEARED, T0.plusSeconds(20)));
            s.save(bare(CITY_B, "urn:b:1", "urn:x:1", "water.leak", Severity.MAJOR, T0.plusSeconds(30)));

            assertThat(s.query(CITY_A, AlarmQuery.OPEN).alarms())
                    .extracting(Alarm::id)
                    .containsExactly("urn:a:2", "urn:a:1");
            AlarmPage page = s.query(CITY_A, all().page(1, 1));
            assertThat(page.alarms()).extracting(Alarm::id).containsExactly("urn:a:2");
            assertThat(page.total()).isEqualTo(3);
            assertThat(s.query(
                                    CITY_A,
                                    new AlarmQuery(
                                            Set.of(),
                                            Set.of(Severity.MINOR, Severity.CRITICAL),
                                            Set.of("lighting"),
                                            Set.of(),
                                            null,
                                            null,
                                            null,
                                            10,
                                            0))
                            .alarms())
                    .extracting(Alarm::id)
                    .containsExactly("urn:a:3", "urn:a:2");
            assertThat(s.query(
                                    CITY_A,
                                    new AlarmQuery(
                                            Set.of(),
                                            Set.of(),
                                            Set.of(),
                                            Set.of("urn:ngsi-ld:District:d1"),
                                            null,
                                            null,
                                            T0.plusSeconds(5),
                                            10,
                                            0))
                            .alarms())
                    .extracting(Alarm::id)
                    .containsExactly("urn:a:3");
            assertThat(s.query(
                                    CITY_A,
                                    new AlarmQuery(
                                            Set.of(),
                                            Set.of(),
                                            Set.of(),
                                            Set.of(),
                                            "urn:x:1",
                                            "water.leak",
                                            null,
                                            10,
                                            0))
                            .alarms())
                    .extracting(Alarm::id)
                    .containsExactly("urn:a:1");
            assertThat(s.query(CITY_A, all().page(0, 0)).total()).isEqualTo(3);
        }
    }

    @Test
    void open_listsOpenAlarmsOfEveryTenant() {
        try (AlarmStore s = open(dir)) {
            s.save(bare(CITY_A, "urn:a:1", "urn:x:1", "water.leak", Severity.MAJOR, T0));
            s.save(full(CITY_A, "urn:a:2", "water.leak", AlarmState.CLEARED, T0));
            s.save(bare(CITY_B, "urn:b:1", "urn:x:1", "water.leak", Severity.MAJOR, T0));
            assertThat(s.open()).extracting(Alarm::id).containsExactlyInAnyOrder("urn:a:1", "urn:b:1");
        }
    }

    @Test
    void reopen_keepsEveryAlarm() {
        if (!durable()) {
            return;
        }
        Alarm a = full(CITY_A, "urn:ngsi-ld:Alert:1", "lighting.lamp-failure", AlarmState.ACTIVE, T0);
        try (AlarmStore s = open(dir)) {
            s.save(a);
        }
        try (AlarmStore s = open(dir)) {
            assertThat(s.find(CITY_A, a.id())).contains(a);
            assertThat(s.findOpen(CITY_A, a.originator(), a.type())).contains(a);
        }
    }
}
