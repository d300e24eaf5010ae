package io.citytwin.mqtt;

import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.twin.TenantId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices that authenticated on the embedded broker, by tenant and id, with their rate limiters. The
 * registration seen at CONNECT is used until the device reconnects.
 */
final class DeviceSessions {
    /** Connection attribute holding {@code tenant/deviceId} of an authenticated connection. */
    static final String ATTRIBUTE = "citytwin.device";

    private record Session(Device device, RateLimiter limiter) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final MqttOptions options;

    DeviceSessions(MqttOptions options) {
        this.options = options;
    }

    static String key(TenantId tenant, DeviceId id) {
        return tenant.value() + "/" + id.value();
    }

    void connected(Device device) {
        String key = key(device.tenant(), device.id());
        Session old = sessions.get(key);
        RateLimiter limiter = old != null
                ? old.limiter
                : new RateLimiter(options.messagesPerSecond(), options.burst(), System.nanoTime());
        sessions.put(key, new Session(device, limiter));
    }

    Optional<Device> device(String key) {
        Session s = sessions.get(key);
        return s == null ? Optional.empty() : Optional.of(s.device);
    }

    boolean withinRate(String key) {
        Session s = sessions.get(key);
        return s != null && s.limiter.tryAcquire(System.nanoTime());
    }
}
