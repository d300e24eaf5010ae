package io.citytwin.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventLog;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.Fixtures;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.history.InMemoryHistoryStore;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HistoryWriterTest {
    private static final TenantId CITY = new TenantId("city");
    private static final EntityId LAMP = EntityId.of("urn:ngsi-ld:Device:lamp-1");
    private static final Instant FAR = Instant.parse("3000-01-01T00:00:00Z");

    @Test
    void resumeOffset_takesTheLaterOfStoreAndLog_andTheEndWhenNeitherIsKnown() {
        assertThat(HistoryWriter.resumeOffset(OptionalLong.empty(), OptionalLong.empty(), 42))
                .isEqualTo(42);
        assertThat(HistoryWriter.resumeOffset(OptionalLong.of(10), OptionalLong.empty(), 42))
                .isEqualTo(10);
        assertThat(HistoryWriter.resumeOffset(OptionalLong.of(10), OptionalLong.of(17), 42))
                .as("the store committed a batch the log's commit had not recorded yet")
                .isEqualTo(17);
        assertThat(HistoryWriter.resumeOffset(OptionalLong.of(20), OptionalLong.of(17), 42))
                .isEqualTo(20);
        assertThat(HistoryWriter.resumeOffset(OptionalLong.empty(), OptionalLong.of(99), 42))
                .as("a stored offset beyond the log's end belongs to an older twin store")
                .isEqualTo(42);
        assertThat(HistoryWriter.resumeOffset(OptionalLong.of(5), OptionalLong.of(99), 42))
                .isEqualTo(5);
    }

    @Test
    void restart_afterTheStoreCommittedButNotTheLog_storesEveryInstanceExactlyOnce() {
        FakeClock clock = new FakeClock(Instant.parse("2026-05-01T00:00:00Z"));
        InMemoryTwinRepository repository = new InMemoryTwinRepository(clock);
        Twin twin = new Twin(repository, clock);
        EventLog log = repository.events();
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        log.subscribe("probe", 0, (first, events) -> seen.addAll(events));
        twin.create(CITY, Fixtures.small(LAMP.value(), 0));
        for (int i = 1; i <= 9; i++) {
            clock.advance(Duration.ofSeconds(1));
            twin.updateAttributes(CITY, LAMP, Map.of(Fixtures.term("n"), List.of(Attribute.property(i))));
        }
        long end = log.endOffset();
        waitFor(() -> seen.size() == end);

        // the state a kill leaves behind: the store holds the first 4 events' records with their offset,
        // the log never heard the commit (a consumer name without any commit)
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        List<AttributeRecord> before = new ArrayList<>();
        for (ChangeEvent e : seen.subList(0, 4)) {
            before.addAll(HistoryWriter.records(e));
        }
        store.append(before, 4).join();

        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (HistoryWriter writer = new HistoryWriter(log, store, (p, c) -> problems.add(p))) {
            writer.start();
            writer.flush();
        }
        List<AttributeRecord> n = store.read(SeriesKey.of(CITY, LAMP, Fixtures.term("n")), Instant.EPOCH, FAR, 0);
        assertThat(n)
                .extracting(r -> ((Number) r.instance().value()).intValue())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(store.logOffset()).hasValue(end);
        assertThat(log.committed(HistoryWriter.CONSUMER)).hasValue(end);
        assertThat(problems).isEmpty();
        repository.close();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
