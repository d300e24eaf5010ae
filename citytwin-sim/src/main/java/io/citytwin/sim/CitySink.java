package io.citytwin.sim;

import java.util.List;
import java.util.Map;

/**
 * Where the simulated city goes: the port between the simulator and a CityTwin node (over HTTP, or MQTT for
 * telemetry). Implementations are thread-safe.
 */
public interface CitySink extends AutoCloseable {

    /** Creates or updates twin entities (NGSI-LD normalized, as {@link CityEntities} makes them); blocks. */
    void upsertEntities(List<Map<String, Object>> entities);

    /** Registers devices in the device registry; devices that exist already are left as they are; blocks. */
    void provision(List<SimDevice> devices);

    /** Sends one message; may return before it is delivered (see {@link #flush()}). */
    void send(Telemetry message);

    /** Waits until every message sent so far was answered. */
    void flush();

    /** Messages answered with success, refused (malformed on purpose, or otherwise), and failed to deliver. */
    Stats stats();

    @Override
    void close();

    /** Counters of a sink. */
    record Stats(long accepted, long rejected, long failed) {}
}
