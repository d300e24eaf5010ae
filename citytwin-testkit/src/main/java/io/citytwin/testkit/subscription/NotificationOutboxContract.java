package io.citytwin.testkit.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.subscription.Notification;
import io.citytwin.subscription.NotificationOutbox;
import io.citytwin.subscription.NotificationOutbox.Pending;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionKey;
import io.citytwin.twin.TenantId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link NotificationOutbox} port, run against every adapter: subclass it and implement {@link
 * #open(Path)}. Adapters that forget on close override {@link #durable()} to return false.
 */
public abstract class NotificationOutboxContract {
    protected static final TenantId CITY_A = new TenantId("city-a");
    protected static final Instant AT = Instant.parse("2026-02-01T10:00:00.123456789Z");

    @TempDir
    protected Path dir;

    protected abstract NotificationOutbox open(Path dir);

    protected boolean durable() {
        return true;
    }

    protected static Notification notification(String sub, String endpoint, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("NGSILD-Tenant", CITY_A.value());
        headers.put("X-Ü", "ä");
        return new Notification(
                CITY_A, SubscriptionId.of(sub), endpoint, headers, body.getBytes(StandardCharsets.UTF_8), AT);
    }

    private NotificationOutbox reopen(NotificationOutbox o) {
        if (!durable()) {
            return o;
        }
        o.close();
        return open(dir);
    }

    @Test
    void append_assignsIncreasingSeqs_andReadsBackInOrder() {
        NotificationOutbox o = open(dir);
        List<Notification> in = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            in.add(notification("urn:s:" + (i % 3), "http://h:1/" + (i % 2), "{\"n\":" + i + "}"));
        }
        List<Pending> stored = o.append(in);
        assertThat(stored).hasSize(50);
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).seq()).isGreaterThan(stored.get(i - 1).seq());
        }
        o = reopen(o);
        assertThat(o.size()).isEqualTo(50);
        List<Pending> read = o.read(0, 1000);
        assertThat(read).containsExactlyElementsOf(stored);
        assertThat(o.read(stored.get(9).seq(), 5)).containsExactlyElementsOf(stored.subList(10, 15));
        o.close();
    }

    @Test
    void remove_deletedStayDeletedAfterReopen_andSeqsAreNotReused() {
        NotificationOutbox o = open(dir);
        List<Pending> stored = o.append(List.of(
                notification("urn:s:1", "http://h:1/a", "1"),
                notification("urn:s:1", "http://h:1/a", "2"),
                notification("urn:s:1", "http://h:1/a", "3")));
        o.remove(List.of(stored.get(0).seq(), stored.get(2).seq(), 999_999L));
        o = reopen(o);
        assertThat(o.read(0, 10)).containsExactly(stored.get(1));
        o.remove(List.of(stored.get(1).seq()));
        o = reopen(o);
        assertThat(o.size()).isZero();
        List<Pending> more = o.append(List.of(notification("urn:s:1", "http://h:1/a", "4")));
        assertThat(more.get(0).seq()).isGreaterThan(stored.get(2).seq());
        o.close();
    }

    @Test
    void removeSubscription_removesOnlyItsNotifications() {
        NotificationOutbox o = open(dir);
        List<Pending> stored = o.append(List.of(
                notification("urn:s:1", "http://h:1/a", "1"),
                notification("urn:s:2", "http://h:1/a", "2"),
                notification("urn:s:1", "http://h:1/b", "3")));
        assertThat(o.removeSubscription(new SubscriptionKey(CITY_A, SubscriptionId.of("urn:s:1"))))
                .isEqualTo(2);
        o = reopen(o);
        assertThat(o.read(0, 10)).containsExactly(stored.get(1));
        o.close();
    }

    @Test
    void append_concurrently_everyNotificationStoredOnceWithDistinctSeqs() throws Exception {
        NotificationOutbox o = open(dir);
        ConcurrentLinkedQueue<Long> seqs = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    for (Pending p :
                            o.append(List.of(notification("urn:s:" + thread, "http://h:1/" + thread, "x" + i)))) {
                        seqs.add(p.seq());
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(seqs).hasSize(100).doesNotHaveDuplicates();
        assertThat(o.size()).isEqualTo(100);
        o.close();
    }
}
