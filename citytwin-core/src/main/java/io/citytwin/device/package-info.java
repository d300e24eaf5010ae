/**
 * The device registry: which devices may feed the twin, how they prove who they are, and how their payloads map onto
 * twin attributes. {@link io.citytwin.device.Device} is the registered device, {@link
 * io.citytwin.device.DeviceRegistry} the storage port, {@link io.citytwin.device.DeviceAuthenticator} the credential
 * check that protocol adapters (MQTT CONNECT, HTTP ingestion) call, backed by {@link
 * io.citytwin.device.CredentialCache}. Secrets are never stored or printed: only {@link
 * io.citytwin.device.PasswordHash}es are.
 */
@NullMarked
package io.citytwin.device;

import org.jspecify.annotations.NullMarked;
