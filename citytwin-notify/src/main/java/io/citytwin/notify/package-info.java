/**
 * Notification adapters: {@link io.citytwin.notify.NgsiLdNotificationRenderer} renders NGSI-LD notifications with the
 * entity codec; {@link io.citytwin.notify.HttpTransport} POSTs them (java.net.http) and {@link
 * io.citytwin.notify.MqttTransport} publishes them with QoS 1 (HiveMQ MQTT client).
 */
@NullMarked
package io.citytwin.notify;

import org.jspecify.annotations.NullMarked;
