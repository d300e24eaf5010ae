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
    /** Device key to the client id of its connection subscribed to its commands topic. */
    private final Map<String, String> readyClients = new ConcurrentHashMap<>();
    /** The reverse of {@link #readyClients}, to forget a connection when it closes. */
    private final Map<String, String> clientDevices = new ConcurrentHashMap<>();

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

    /** The device {@code key} subscribed to its commands on connection {@code clientId}. */
    void ready(String key, String clientId) {
        String old = readyClients.put(key, clientId);
        if (old != null && !old.equals(clientId)) {
            clientDevices.remove(old);
        }
        clientDevices.put(clientId, key);
    }

    /** Connection {@code clientId} closed. */
    void gone(String clientId) {
        String key = clientDevices.remove(clientId);
        if (key != null) {
            readyClients.remove(key, clientId);
        }
    }

    /** The client id of the device's connection subscribed to its commands, if it has one. */
    Optional<String> readyClient(String key) {
        return Optional.ofNullable(readyClients.get(key));
    }

    boolean withinRate(String key) {
        Session s = sessions.get(key);
        return s != null && s.limiter.tryAcquire(System.nanoTime());
    }
}
