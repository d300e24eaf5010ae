package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL while notifications are pending (receiver down) delivers all of them after a restart
 * (receiver up), in order; the subscription survives the restart.
 */
class SubscriptionCrashIT {
    static final String S = "/ngsi-ld/v1/subscriptions";
    static final String E = "/ngsi-ld/v1/entities";

    @TempDir
    Path dir;

    @Test
    void killDashNine_withPendingNotifications_deliversThemAfterRestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nobody listens there until the receiver starts
        }
        String street = "urn:ngsi-ld:Street:crash";
        String sub = "urn:ngsi-ld:Subscription:crash";
        CrashIT.Child first = CrashIT.Child.start(dir);
        int updates = 30;
        try {
            Api api = new Api(first.port());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", sub);
            body.put("type", "Subscription");
            body.put("entities", List.of(Map.of("type", "Street", "id", street)));
            body.put("notification", Map.of("endpoint", Map.of("uri", "http://127.0.0.1:" + port + "/crash")));
            assertThat(api.post(S, body).status()).isEqualTo(201);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", street);
            e.put("type", "Street");
            e.put("temperature", Map.of("type", "Property", "value", 0));
            assertThat(api.post(E, e).status()).isEqualTo(201);
            for (int i = 1; i < updates; i++) {
                assertThat(api.patch(
                                        E + "/" + street + "/attrs",
                                        Map.of("temperature", Map.of("type", "Property", "value", i)))
                                .status())
                        .isEqualTo(204);
            }
            // every notification is in the outbox (pending) before the kill
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!api.get("/metrics").body().contains("citytwin_notifications_pending " + updates + ".0")) {
                assertThat(System.nanoTime()).as("pending notifications").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            first.kill();
        }
        try (Receiver receiver = new Receiver(port)) {
            CrashIT.Child second = CrashIT.Child.start(dir);
            try {
                List<Receiver.Received> got = receiver.await("/crash", updates);
                // at-least-once: every value arrives, in order; the notifications whose delivery was not yet recorded
                // when the node died come again after the restart: at most one step back (the replay of a suffix
                // already sent, e.g. 28, 29, 28, 29), never a value skipped or out of order otherwise
                List<Integer> values = new ArrayList<>();
                for (Receiver.Received r : got) {
                    values.add(((Number) ((Map<?, ?>) r.data().get(0).get("temperature")).get("value")).intValue());
                }
                int stepsBack = 0;
                for (int i = 1; i < values.size(); i++) {
                    if (values.get(i) < values.get(i - 1)) {
                        stepsBack++;
                        assertThat(values.subList(0, i))
                                .as("a replay repeats values already sent: %s", values)
                                .contains(values.get(i));
                    } else {
                        assertThat(values.get(i) - values.get(i - 1))
                                .as("no value skipped: %s", values)
                                .isLessThanOrEqualTo(1);
                    }
                }
                assertThat(stepsBack)
                        .as("in order but for one replay at the restart: %s", values)
                        .isLessThanOrEqualTo(1);
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < updates; i++) {
                    expected.add(i);
                }
                assertThat(new java.util.TreeSet<>(values)).containsExactlyElementsOf(expected);
                Api api = new Api(second.port());
                assertThat(api.get(S + "/" + sub).status()).isEqualTo(200);
                // the restarted node still notifies
                assertThat(api.patch(
                                        E + "/" + street + "/attrs",
                                        Map.of("temperature", Map.of("type", "Property", "value", 100)))
                                .status())
                        .isEqualTo(204);
                receiver.await("/crash", all -> all.stream().anyMatch(r -> Integer.valueOf(100)
                        .equals(((Number) ((Map<?, ?>) r.data().get(0).get("temperature")).get("value")).intValue())));
            } finally {
                second.kill();
            }
        }
    }
}
