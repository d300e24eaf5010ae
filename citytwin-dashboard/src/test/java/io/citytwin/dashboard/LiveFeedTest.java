package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveFeedTest {
    private static View view() {
        return new View(new MapIndex.Box(0, 0, 1, 1), 12, Set.of(MapLayer.LIGHTING));
    }

    @Test
    void slowClient_isToldToResync_andBroadcastNeverBlocks() {
        DashboardOptions o = DashboardOptions.defaults().withQueue(3, Duration.ofSeconds(15));
        try (InProcessEventLog log = new InProcessEventLog();
                LiveFeed feed =
                        new LiveFeed(log, new MapIndex(), () -> {}, o, InstantSource.system(), new ObjectMapper())) {
            LiveFeed.Client c = feed.open(TenantId.DEFAULT, view());
            for (int i = 0; i < 10; i++) {
                feed.broadcast("alarm", "{\"n\":" + i + "}"); // nobody reads: the queue fills up
                c.flush(i * 10_000L);
            }
            assertThat(c.resyncPending.get()).isTrue();
            assertThat(c.resyncs.get()).isPositive();
            assertThat(c.queue.size()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void broadcasts_coalescePerId_andGoOutTogetherOncePerFlush() {
        try (InProcessEventLog log = new InProcessEventLog();
                LiveFeed feed = new LiveFeed(
                        log,
                        new MapIndex(),
                        () -> {},
                        DashboardOptions.defaults(),
                        InstantSource.system(),
                        new ObjectMapper())) {
            LiveFeed.Client c = feed.open(TenantId.DEFAULT, view());
            feed.broadcast("alarm", "{\"id\":\"a1\",\"state\":\"active\"}");
            feed.broadcast("alarm", "{\"id\":\"a2\",\"state\":\"active\"}");
            feed.broadcast("alarm", "{\"id\":\"a1\",\"state\":\"cleared\"}");
            feed.broadcast("incident", "{\"id\":\"a1\",\"status\":\"new\"}"); // same id, other event: kept
            c.flush(1_000);
            assertThat(c.queue).hasSize(1);
            assertThat(c.queue.peek())
                    .isEqualTo(LiveFeed.frame("alarm", "{\"id\":\"a2\",\"state\":\"active\"}")
                            + LiveFeed.frame("alarm", "{\"id\":\"a1\",\"state\":\"cleared\"}")
                            + LiveFeed.frame("incident", "{\"id\":\"a1\",\"status\":\"new\"}"));
            feed.broadcast("alarm", "{\"id\":\"a3\"}");
            c.flush(1_100); // within the flush interval: nothing more yet
            assertThat(c.queue).hasSize(1);
            c.flush(1_600);
            assertThat(c.queue).hasSize(2);
        }
    }

    @Test
    void tooManyBroadcasts_becomeOneReload() {
        DashboardOptions o = DashboardOptions.defaults().withMaxEvents(5);
        try (InProcessEventLog log = new InProcessEventLog();
                LiveFeed feed =
                        new LiveFeed(log, new MapIndex(), () -> {}, o, InstantSource.system(), new ObjectMapper())) {
            LiveFeed.Client c = feed.open(TenantId.DEFAULT, view());
            for (int i = 0; i < 50; i++) {
                feed.broadcast("alarm", "{\"id\":\"a" + i + "\"}");
            }
            feed.broadcast("incident", "{\"id\":\"i1\"}");
            c.flush(1_000);
            assertThat(c.queue).hasSize(1);
            assertThat(c.queue.peek())
                    .isEqualTo(LiveFeed.frame("reload", "{\"events\":[\"alarm\"]}")
                            + LiveFeed.frame("incident", "{\"id\":\"i1\"}"));
        }
    }

    @Test
    void frames_followTheEventStreamFormat() {
        assertThat(LiveFeed.frame("alarm", "{\"a\":1}")).isEqualTo("event: alarm\ndata: {\"a\":1}\n\n");
        assertThat(LiveFeed.frame("x", "line1\nline2")).isEqualTo("event: x\ndata: line1\ndata: line2\n\n");
    }

    @Test
    void badEventNames_areRefused() {
        try (InProcessEventLog log = new InProcessEventLog();
                LiveFeed feed = new LiveFeed(
                        log,
                        new MapIndex(),
                        () -> {},
                        DashboardOptions.defaults(),
                        InstantSource.system(),
                        new ObjectMapper())) {
            assertThatThrownBy(() -> feed.broadcast("bad\nname", "{}")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
