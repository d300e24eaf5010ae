package io.citytwin.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.history.Downsampling;
import io.citytwin.history.HistoryMaintenance;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.RetentionPolicy;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryMaintenanceTest {
    static final TenantId CITY = new TenantId("city");
    static final SeriesKey KEY = SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Sensor:1"), Fixtures.term("t"));
    static final String SENSOR = Fixtures.term("Sensor");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void runIfDue_runsOnTheInjectedClock_everyPeriod() {
        FakeClock clock = new FakeClock(T0.plus(Duration.ofDays(10)));
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        List<AttributeRecord> records = new ArrayList<>();
        for (int h = 0; h < 24 * 10; h++) {
            Instant t = T0.plus(Duration.ofHours(h));
            records.add(AttributeRecord.of(
                    KEY, SENSOR, t, Attribute.property((long) h).withObservedAt(t)));
        }
        store.append(records).join();
        List<String> problems = new ArrayList<>();
        HistoryMaintenance m = new HistoryMaintenance(
                store,
                new RetentionPolicy(List.of(new RetentionPolicy.Rule(CITY, null, Duration.ofDays(5)))),
                Downsampling.NONE,
                clock,
                Duration.ofHours(1),
                (p, e) -> problems.add(p));
        assertThat(m.hasWork()).isTrue();
        assertThat(m.runIfDue()).hasValueSatisfying(r -> assertThat(r.deleted()).isEqualTo(24 * 5));
        assertThat(m.runIfDue()).as("not due again at the same instant").isEmpty();
        clock.advance(Duration.ofMinutes(59));
        assertThat(m.runIfDue()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(m.runIfDue()).hasValueSatisfying(r -> assertThat(r.deleted()).isEqualTo(1));
        assertThat(store.read(KEY, IsoTimes.MIN, IsoTimes.MAX, 0)).hasSize(24 * 5 - 1);
        assertThat(problems).isEmpty();
    }

    @Test
    void runIfDue_failure_isReportedAndRetriedNextTime() {
        FakeClock clock = new FakeClock(T0);
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        store.close(); // every call fails
        List<String> problems = new ArrayList<>();
        HistoryMaintenance m = new HistoryMaintenance(
                store,
                new RetentionPolicy(List.of(new RetentionPolicy.Rule(CITY, null, Duration.ofDays(5)))),
                Downsampling.NONE,
                clock,
                Duration.ofHours(1),
                (p, e) -> problems.add(p));
        assertThat(m.runIfDue()).isEmpty();
        assertThat(problems).hasSize(1);
        clock.advance(Duration.ofHours(1));
        m.runIfDue();
        assertThat(problems).hasSize(2);
    }

    @Test
    void noRules_noWork() {
        HistoryMaintenance m = new HistoryMaintenance(
                new InMemoryHistoryStore(),
                RetentionPolicy.KEEP_FOREVER,
                Downsampling.NONE,
                new FakeClock(T0),
                Duration.ofHours(1),
                (p, e) -> {});
        assertThat(m.hasWork()).isFalse();
    }
}
