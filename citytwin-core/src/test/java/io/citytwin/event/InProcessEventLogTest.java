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
}
