/**
 * Test support for the device registry: the in-memory fake {@link
 * io.citytwin.testkit.device.InMemoryDeviceRegistry} and the port contract {@link
 * io.citytwin.testkit.device.DeviceRegistryContract} that every adapter's tests subclass.
 */
@NullMarked
package io.citytwin.testkit.device;

import org.jspecify.annotations.NullMarked;
