package io.citytwin.mqtt;

import io.citytwin.device.DeviceId;
import io.citytwin.ingest.Channel;
import io.citytwin.twin.TenantId;
import java.util.Optional;

/**
 * A parsed device topic {@code citytwin/{tenant}/devices/{deviceId}/{kind}}. Parsed by hand (no regex: called per
 * message).
 *
 * @param tenant the tenant ({@code default} is the default tenant)
 * @param device the device id
 * @param kind {@code telemetry}, {@code attrs}, {@code commands} or {@code commands/ack}
 */
record DeviceTopic(TenantId tenant, DeviceId device, String kind) {
    static final String PREFIX = "citytwin/";
    private static final String DEVICES = "/devices/";

    /** The topic, if {@code topic} is a well-formed device topic. */
    static Optional<DeviceTopic> parse(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int t = PREFIX.length();
        int slash = topic.indexOf('/', t);
        if (slash <= t || !topic.startsWith(DEVICES, slash)) {
            return Optional.empty();
        }
        String tenant = topic.substring(t, slash);
        int d = slash + DEVICES.length();
        int end = topic.indexOf('/', d);
        if (end <= d) {
            return Optional.empty();
        }
        String device = topic.substring(d, end);
        String kind = topic.substring(end + 1);
        if (!DeviceId.isValid(device)
                || !(kind.equals("telemetry")
                        || kind.equals("attrs")
                        || kind.equals("commands")
                        || kind.equals("commands/ack"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeviceTopic(TenantId.of(tenant), new DeviceId(device), kind));
        } catch (io.citytwin.twin.TwinException invalidTenant) {
            return Optional.empty();
        }
    }

    /** The topic of {@code kind} for a device. */
    static String of(TenantId tenant, DeviceId device, String kind) {
        return PREFIX + tenant.value() + DEVICES + device.value() + "/" + kind;
    }

    /** The ingest channel of a device-to-twin topic, empty for the others. */
    Optional<Channel> channel() {
        return switch (kind) {
            case "telemetry" -> Optional.of(Channel.TELEMETRY);
            case "attrs" -> Optional.of(Channel.ATTRS);
            default -> Optional.empty();
        };
    }
}
