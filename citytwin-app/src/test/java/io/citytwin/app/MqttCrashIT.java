package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a node (child JVM, SIGKILL) while devices stream QoS 1 telemetry over the embedded broker, restarts it on the
 * same data directory and checks that every reading whose PUBACK arrived is in the twin. Each reading carries its own
 * field ({@code r<i>}), which a device without a mapping passes through as its own attribute, so each acknowledged
 * reading is checked individually.
 */
class MqttCrashIT {
    @TempDir
    Path dir;

    @Test
    void killDashNine_duringAQos1Stream_losesNoPubackedReading() throws Exception {
        int mqttPort = MqttIT.freePort();
        Path config = dir.resolve("citytwin.yaml");
        Files.writeString(config, "mqtt:\n  messagesPerSecond: 100000\n  burst: 100000\n");
        Path data = dir.resolve("data");
        String[] args = {
            "serve",
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--mqtt-port",
            Integer.toString(mqttPort),
            "--data-dir",
            data.toString(),
            "--config",
            config.toString()
        };
        CrashIT.Child first = CrashIT.Child.start(new StringBuilder(), args);
        Api api = new Api(first.port());
        int devices = 16; // many small entities: each reading adds an attribute, and entities are rewritten whole
        for (int d = 0; d < devices; d++) {
            assertThat(api.post(
                                    "/iot/v1/devices",
                                    Map.of(
                                            "id",
                                            "crash-" + d,
                                            "entityId",
                                            "urn:ngsi-ld:Sensor:crash-" + d,
                                            "entityType",
                                            "Sensor",
                                            "credentials",
                                            Map.of("token", "tok-0123456789abcdef-" + d)))
                            .status())
                    .isEqualTo(201);
        }
        Map<Integer, Set<Integer>> acked = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch enough = new CountDownLatch(1);
        List<Thread> streams = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            int device = d;
            Set<Integer> mine = ConcurrentHashMap.newKeySet();
            acked.put(device, mine);
            Mqtt5AsyncClient c = Mqtt5Client.builder()
                    .identifier("crash-client-" + d)
                    .serverHost("127.0.0.1")
                    .serverPort(mqttPort)
                    .buildAsync();
            c.connectWith()
                    .simpleAuth()
                    .username("default/crash-" + d)
                    .password(("tok-0123456789abcdef-" + d).getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .send()
                    .get(30, TimeUnit.SECONDS);
            streams.add(Thread.ofVirtual().start(() -> {
                Semaphore inflight = new Semaphore(8);
                for (int i = 0; !stop.get(); i++) {
                    try {
                        if (!inflight.tryAcquire(5, TimeUnit.SECONDS)) {
                            return; // the node is gone
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    int reading = i;
                    c.publishWith()
                            .topic("citytwin/default/devices/crash-" + device + "/telemetry")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload(("{\"r" + reading + "\": " + reading + "}").getBytes(StandardCharsets.UTF_8))
                            .send()
                            .whenComplete((result, error) -> {
                                inflight.release();
                                if (error == null && success(result)) {
                                    mine.add(reading);
                                    if (total.incrementAndGet() >= 1_000) {
                                        enough.countDown();
                                    }
                                }
                            });
                }
            }));
        }
        assertThat(enough.await(120, TimeUnit.SECONDS))
                .as("1,000 acknowledged readings")
                .isTrue();
        first.kill();
        stop.set(true);
        for (Thread t : streams) {
            t.join(30_000);
        }

        CrashIT.Child second = CrashIT.Child.start(new StringBuilder(), args);
        try {
            Api after = new Api(second.port());
            int checked = 0;
            for (int d = 0; d < devices; d++) {
                Map<String, Object> e = after.get(
                                "/ngsi-ld/v1/entities/urn:ngsi-ld:Sensor:crash-" + d + "?options=keyValues")
                        .obj();
                for (int reading : acked.get(d)) {
                    assertThat(e.get("r" + reading))
                            .as("PUBACKed reading %d of device %d", reading, d)
                            .isEqualTo(reading);
                    checked++;
                }
            }
            assertThat(checked).isGreaterThanOrEqualTo(1_000);
        } finally {
            second.kill();
        }
    }

    private static boolean success(Mqtt5PublishResult result) {
        if (result.getError().isPresent() || !(result instanceof Mqtt5PublishResult.Mqtt5Qos1Result q)) {
            return false;
        }
        Mqtt5PubAckReasonCode code = q.getPubAck().getReasonCode();
        return code == Mqtt5PubAckReasonCode.SUCCESS || code == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS;
    }
}
