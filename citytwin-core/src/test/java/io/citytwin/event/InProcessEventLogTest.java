package io.citytwin.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InProcessEventLogTest {
    static ChangeEvent event(int i) {
        EntityId id = EntityId.of("urn:x:" + i);
        return new ChangeEvent(
                TenantId.DEFAULT, id, ChangeKind.CREATED, null, Entity.of(id, "T"), Set.of(), Instant.EPOCH);
    }

    static List<ChangeEvent> events(int from, int n) {
        List<ChangeEvent> l = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            l.add(event(i));
        }
        return l;
    }

    private static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 500 && !cond.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }

    @Test
    void consumer_receivesEveryEventInOrder_withOffsets() throws Exception {
        try (InProcessEventLog log = new InProcessEventLog(1024, (n, e) -> {})) {
            List<Long> offsets = new CopyOnWriteArrayList<>();
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            log.subscribe("c", 0, (first, batch) -> {
                for (int i = 0; i < batch.size(); i++) {
                    offsets.add(first + i);
                }
                got.addAll(batch);
            });
            for (int i = 0; i < 50; i++) {
                log.append(events(i * 10, 10));
            }
            await(() -> got.size() == 500);
            for (int i = 0; i < 500; i++) {
                assertThat(offsets.get(i)).isEqualTo(i);
                assertThat(got.get(i).entityId().value()).isEqualTo("urn:x:" + i);
            }
            assertThat(log.endOffset()).isEqualTo(500);
        }
    }

    @Test
    void slowConsumer_neverBlocksAppend_andIsToldWhenItOverran() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong overrunTo = new AtomicLong(-1);
        List<ChangeEvent> got = new CopyOnWriteArrayList<>();
        try (InProcessEventLog log = new InProcessEventLog(64, (n, e) -> {})) {
            log.subscribe("slow", 0, new EventLog.Consumer() {
                @Override
                public void accept(long firstOffset, List<ChangeEvent> events) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    got.addAll(events);
                }

                @Override
                public void overrun(long fromOffset, long toOffset) {
                    overrunTo.set(toOffset);
                }
            });
            log.append(events(0, 1));
            Thread.sleep(50); // the consumer now sits in accept()
            long t0 = System.nanoTime();
            for (int i = 1; i < 1000; i++) {
                log.append(events(i, 1));
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
            release.countDown();
            await(() -> overrunTo.get() >= 0
                    && !got.isEmpty()
                    && got.get(got.size() - 1).entityId().value().equals("urn:x:999"));
            assertThat(overrunTo.get()).isEqualTo(1000 - 64);
        }
    }

    @Test
    void throwingConsumer_isReported_andTheLogGoesOn() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<ChangeEvent> good = new CopyOnWriteArrayList<>();
        try (InProcessEventLog log = new InProcessEventLog(128, (n, e) -> errors.add(n))) {
            log.subscribe("bad", 0, (f, b) -> {
                throw new IllegalStateException("boom");
            });
            log.subscribe("good", 0, (f, b) -> good.addAll(b));
            log.append(events(0, 3));
            await(() -> good.size() == 3 && !errors.isEmpty());
            assertThat(errors).contains("bad");
        }
    }

    @Test
    void subscription_fromEndOffset_seesOnlyNewEvents() throws Exception {
        try (InProcessEventLog log = new InProcessEventLog(128, (n, e) -> {})) {
            log.append(events(0, 5));
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            EventLog.Subscription s = log.subscribe("late", log.endOffset(), (f, b) -> got.addAll(b));
            log.append(events(5, 2));
            await(() -> got.size() == 2);
            assertThat(got.get(0).entityId().value()).isEqualTo("urn:x:5");
            assertThat(s.position()).isEqualTo(7);
            s.close();
        }
    }

    /**
     * A journal in a list: events {@code [retainedFrom, end)} are readable; reads can be made to fail; commits are
     * kept in a map. Appending to it and to the log in the same order is the contract a store fulfils.
     */
    static final class ListJournal implements EventJournal {
        final List<ChangeEvent> all = new CopyOnWriteArrayList<>();
        final java.util.Map<String, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();
        volatile long retainedFrom;
        volatile int failuresLeft;

        @Override
        public long endOffset() {
            return all.size();
        }

        @Override
        public Batch read(long fromOffset, int max) {
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new IllegalStateException("disk on fire");
            }
            long from = Math.max(fromOffset, retainedFrom);
            int to = (int) Math.min(all.size(), from + max);
            return new Batch(from, from >= to ? List.of() : all.subList((int) from, to));
        }

        @Override
        public java.util.OptionalLong committed(String name) {
            Long c = commits.get(name);
            return c == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(c);
        }

        @Override
        public void commit(String name, long offset) {
            commits.merge(name, offset, Math::max);
        }
    }

    @Test
    void withJournal_consumerResumingBeforeTheRing_readsTheJournalThenTheRing() throws Exception {
        ListJournal journal = new ListJournal();
        journal.all.addAll(events(0, 100)); // written before this "restart"
        journal.commit("history", 40);
        try (InProcessEventLog log = new InProcessEventLog(16, (n, e) -> {}, journal)) {
            assertThat(log.endOffset()).isEqualTo(100);
            assertThat(log.committed("history")).hasValue(40);
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            List<Long> firsts = new CopyOnWriteArrayList<>();
            EventLog.Subscription sub =
                    log.subscribe("history", log.committed("history").orElseThrow(), (first, batch) -> {
                        firsts.add(first);
                        got.addAll(batch);
                    });
            List<ChangeEvent> more = events(100, 40);
            journal.all.addAll(more);
            log.append(more); // 40 > ring capacity 16: the consumer reads the older ones from the journal too
            await(() -> got.size() == 100);
            for (int i = 0; i < 100; i++) {
                assertThat(got.get(i).entityId().value()).isEqualTo("urn:x:" + (40 + i));
            }
            assertThat(firsts.get(0)).isEqualTo(40);
            sub.commit(140);
            assertThat(journal.commits).containsEntry("history", 140L);
        }
    }

    @Test
    void withJournal_eventsEverySubscriptionRead_areReleased_andStillReadableFromTheJournal() throws Exception {
        ListJournal journal = new ListJournal();
        try (InProcessEventLog log = new InProcessEventLog(64, (n, e) -> {}, journal)) {
            List<ChangeEvent> fast = new CopyOnWriteArrayList<>();
            List<ChangeEvent> slow = new CopyOnWriteArrayList<>();
            CountDownLatch gate = new CountDownLatch(1);
            log.subscribe("fast", 0, (first, batch) -> fast.addAll(batch));
            log.subscribe("slow", 0, (first, batch) -> {
                slow.addAll(batch);
                try {
                    gate.await(); // holds its position after its first batch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<ChangeEvent> first = events(0, 10);
            journal.all.addAll(first);
            log.append(first);
            await(() -> fast.size() == 10 && slow.size() == 10);
            await(() -> log.held() == 0); // both took them: nothing left for the ring to keep alive

            List<ChangeEvent> second = events(10, 10);
            journal.all.addAll(second);
            log.append(second);
            await(() -> fast.size() == 20);
            assertThat(log.held()).isEqualTo(10); // the slow one has not read these yet

            gate.countDown();
            await(() -> slow.size() == 20);
            await(() -> log.held() == 0);

            List<ChangeEvent> late = new CopyOnWriteArrayList<>(); // a consumer resuming from offset 0 gets them all
            log.subscribe("late", 0, (f, batch) -> late.addAll(batch));
            await(() -> late.size() == 20);
            for (int i = 0; i < 20; i++) {
                assertThat(late.get(i).entityId().value()).isEqualTo("urn:x:" + i);
            }
        }
    }

    @Test
    void withoutJournal_theRingKeepsWhatWasRead_forLaterSubscriptions() throws Exception {
        try (InProcessEventLog log = new InProcessEventLog(64, (n, e) -> {})) {
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            log.subscribe("c", 0, (first, batch) -> got.addAll(batch));
            log.append(events(0, 20));
            await(() -> got.size() == 20);
            assertThat(log.held()).isEqualTo(20);
            List<ChangeEvent> late = new CopyOnWriteArrayList<>();
            log.subscribe("late", 0, (first, batch) -> late.addAll(batch));
            await(() -> late.size() == 20);
        }
    }

    @Test
    void withJournal_eventsReleasedFromTheJournal_areAnOverrun() throws Exception {
        ListJournal journal = new ListJournal();
        journal.all.addAll(events(0, 50));
        journal.retainedFrom = 30;
        try (InProcessEventLog log = new InProcessEventLog(16, (n, e) -> {}, journal)) {
            List<long[]> overruns = new CopyOnWriteArrayList<>();
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            log.subscribe("late", 10, new EventLog.Consumer() {
                @Override
                public void accept(long firstOffset, List<ChangeEvent> events) {
                    got.addAll(events);
                }

                @Override
                public void overrun(long fromOffset, long toOffset) {
                    overruns.add(new long[] {fromOffset, toOffset});
                }
            });
            await(() -> got.size() == 20);
            assertThat(overruns).hasSize(1);
            assertThat(overruns.get(0)).containsExactly(10, 30);
            assertThat(got.get(0).entityId().value()).isEqualTo("urn:x:30");
        }
    }

    @Test
    void withJournal_aFailingRead_isReportedAndRetried_withoutLosingEvents() throws Exception {
        ListJournal journal = new ListJournal();
        journal.all.addAll(events(0, 20));
        journal.failuresLeft = 1;
        List<String> errors = new CopyOnWriteArrayList<>();
        try (InProcessEventLog log =
                new InProcessEventLog(16, (n, e) -> errors.add(n + ": " + e.getMessage()), journal)) {
            List<ChangeEvent> got = new CopyOnWriteArrayList<>();
            log.subscribe("c", 0, (first, batch) -> got.addAll(batch));
            await(() -> got.size() == 20);
            assertThat(errors).containsExactly("c: disk on fire");
            assertThat(got.get(0).entityId().value()).isEqualTo("urn:x:0");
        }
    }
}
