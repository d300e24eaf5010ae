package io.citytwin.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.citytwin.history.Downsampling;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Downsampling against a naive reference: per hour, the average, min, max and count of the raw values; what is newer
 * than the cutoff is untouched; a second run (with later raw data) folds in without losing counts.
 */
class DownsamplingPropertyTest {
    static final TenantId CITY = new TenantId("city");
    static final SeriesKey KEY = SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Sensor:1"), Fixtures.term("t"));
    static final String SENSOR = Fixtures.term("Sensor");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Property(tries = 200)
    void downsampling_agreesWithNaiveHourlyReference(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 3 * 24 * 3600 - 1) Integer> seconds,
            @ForAll @Size(min = 300, max = 300) List<@IntRange(min = -1000, max = 1000) Integer> values,
            @ForAll @IntRange(min = 0, max = 3 * 24) int ageHours) {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            Instant t = T0.plusSeconds(seconds.get(i));
            records.add(AttributeRecord.of(
                    KEY, SENSOR, t, Attribute.property((long) values.get(i)).withObservedAt(t)));
        }
        store.append(records).join();
        Instant now = T0.plus(Duration.ofDays(3)).plus(Duration.ofHours(1));
        Instant cutoff = now.minus(Duration.ofHours(ageHours + 1L)); // olderThan below, already hour-aligned
        Downsampling d = new Downsampling(
                List.of(new Downsampling.Rule(CITY, null, Duration.ofHours(ageHours + 1L), Duration.ofHours(1))));
        d.apply(store, now);

        // the naive reference
        TreeMap<Long, List<Long>> hours = new TreeMap<>();
        int newer = 0;
        for (AttributeRecord r : records) {
            if (r.observedAt().isBefore(cutoff)) {
                hours.computeIfAbsent(r.observedAt().getEpochSecond() / 3600, h -> new ArrayList<>())
                        .add((Long) r.instance().value());
            } else {
                newer++;
            }
        }
        List<AttributeRecord> got = store.read(KEY, IsoTimes.MIN, IsoTimes.MAX, 0);
        assertThat(got).hasSize(hours.size() + newer);
        int i = 0;
        for (Map.Entry<Long, List<Long>> h : hours.entrySet()) {
            AttributeRecord agg = got.get(i++);
            List<Long> vs = h.getValue();
            assertThat(agg.observedAt()).isEqualTo(Instant.ofEpochSecond(h.getKey() * 3600));
            double avg = vs.stream().mapToLong(Long::longValue).average().orElseThrow();
            assertThat((Double) agg.instance().value()).isCloseTo(avg, within(1e-9));
            Map<String, Attribute> subs = agg.instance().subAttributes();
            assertThat(subs.get(Fixtures.term("count")).value()).isEqualTo((long) vs.size());
            assertThat(subs.get(Fixtures.term("min")).value()).isEqualTo((double)
                    vs.stream().mapToLong(Long::longValue).min().orElseThrow());
            assertThat(subs.get(Fixtures.term("max")).value()).isEqualTo((double)
                    vs.stream().mapToLong(Long::longValue).max().orElseThrow());
        }
        for (; i < got.size(); i++) {
            assertThat(got.get(i).instance().subAttributes()).isEmpty();
            assertThat(got.get(i).observedAt()).isAfterOrEqualTo(cutoff);
        }
        // idempotent: a fresh run (no memory of the last) changes nothing
        assertThat(new Downsampling(d.rules()).apply(store, now)).isZero();
        assertThat(store.read(KEY, IsoTimes.MIN, IsoTimes.MAX, 0)).isEqualTo(got);
    }
}
