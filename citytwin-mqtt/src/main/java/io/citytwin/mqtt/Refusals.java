package io.citytwin.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the MQTT adapters refuse: counted in {@code citytwin_mqtt_refused_total{reason}} and logged once per
 * device (or username) and reason, not per message, so that a misbehaving device cannot flood the log.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final int MAX_LOGGED = 100_000;

    private final MeterRegistry metrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> logged = new ConcurrentHashMap<>();

    Refusals(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /**
     * @param who the device ({@code tenant/id}) or the presented username
     * @param reason a short stable reason ({@code bad-credentials}, {@code acl-publish}, {@code rate}, ...)
     * @param detail for the log line
     */
    void refuse(String who, String reason, String detail) {
        counters.computeIfAbsent(reason, r -> Counter.builder("citytwin.mqtt.refused")
                        .description("MQTT connections, publishes and subscriptions refused, by reason")
                        .tag("reason", r)
                        .register(metrics))
                .increment();
        if (logged.size() < MAX_LOGGED && logged.putIfAbsent(who + " " + reason, Boolean.TRUE) == null) {
            LOG.warn("MQTT: refused {} ({}): {} (logged once per device and reason)", who, reason, detail);
        }
    }

    long count(String reason) {
        Counter c = counters.get(reason);
        return c == null ? 0 : (long) c.count();
    }
}
