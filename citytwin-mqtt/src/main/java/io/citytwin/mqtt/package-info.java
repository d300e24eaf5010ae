/**
 * Devices over MQTT: the embedded HiveMQ CE broker ({@link io.citytwin.mqtt.MqttBroker}) with an in-process
 * extension that authenticates devices against the registry at CONNECT, lets a device publish and subscribe only on
 * its own topics, enforces per-device size and rate limits, and hands publishes to the shared {@link
 * io.citytwin.ingest.IngestService} without a second network hop (a QoS 1 PUBACK leaves only once the change is
 * durable); and the external broker client ({@link io.citytwin.mqtt.ExternalBrokerClient}) for brokers such as
 * Mosquitto, EMQX or HiveMQ.
 *
 * <p>Topics: {@code citytwin/{tenant}/devices/{deviceId}/telemetry}, {@code .../attrs} (device to twin) and {@code
 * .../commands} (twin to device); {@code default} names the default tenant.
 */
@NullMarked
package io.citytwin.mqtt;

import org.jspecify.annotations.NullMarked;
