package io.citytwin.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import io.citytwin.device.Device;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.IngestOutcome;
import io.citytwin.ingest.IngestService;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/*
 * How a device publish reaches the twin without a second network hop, and why a QoS 1 PUBACK means "durable":
 *
 *   HiveMQ network thread -> onInboundPublish -> output.async(...) parks the publish (no PUBACK yet)
 *                         -> IngestService.submit (lane: decode, map, Twin.batchUpsert waits for the group commit)
 *                         -> the future completes -> preventPublishDelivery(reason) + async.resume()
 *                         -> HiveMQ sends the PUBACK (MQTT 5 with the reason code)
 *
 * The publish is never delivered to other subscribers: the twin is the place to read device data from. For QoS 0
 * nothing waits. A failed twin write answers MQTT 5 clients with "implementation specific error"; HiveMQ closes an
 * MQTT 3.1.1 client's connection instead of acknowledging, so the device resends. A malformed payload is
 * acknowledged (sending it again would not help) and lands in the device's dead-letter record.
 */
/** Takes device publishes in-process into the {@link IngestService}. */
final class IngestInterceptor implements PublishInboundInterceptor {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final IngestService ingest;
    private final DeviceSessions sessions;
    private final Refusals refusals;
    private final MqttOptions options;
    private final Counter messagesIn;
    private final @Nullable CommandChannel commands;

    IngestInterceptor(
            IngestService ingest,
            DeviceSessions sessions,
            Refusals refusals,
            MqttOptions options,
            Counter in,
            @Nullable CommandChannel commands) {
        this.ingest = ingest;
        this.commands = commands;
        this.sessions = sessions;
        this.refusals = refusals;
        this.options = options;
        this.messagesIn = in;
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        messagesIn.increment();
        boolean v5 = input.getConnectionInformation().getMqttVersion() == MqttVersion.V_5;
        String who = DeviceTopicAuthorizer.who(input.getConnectionInformation()).orElse("");
        Optional<DeviceTopic> topic = DeviceTopic.parse(input.getPublishPacket().getTopic());
        Optional<Device> device = sessions.device(who);
        if (topic.isEmpty()
                || device.isEmpty()
                || !DeviceSessions.key(topic.get().tenant(), topic.get().device())
                        .equals(who)
                || topic.get().kind().equals("commands")) {
            // HiveMQ runs inbound interceptors before publish authorizers, so the topic ACL is enforced here too:
            // a device publishes only to its own topics (MQTT 3.1.1 clients are disconnected, as for any refusal)
            refusals.refuse(
                    who, "acl-publish", "publish to " + input.getPublishPacket().getTopic());
            output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "Not authorized");
            return;
        }
        Optional<Channel> channel = topic.get().channel();
        ByteBuffer buf = input.getPublishPacket().getPayload().orElse(ByteBuffer.allocate(0));
        byte[] payload = new byte[buf.remaining()];
        buf.duplicate().get(payload);
        Device d = device.get();
        if (channel.isEmpty()) {
            // commands/ack: the device's acknowledgement of a command
            if (commands == null) {
                output.preventPublishDelivery();
            } else {
                commands.onAck(d, who, payload, input.getPublishPacket().getQos() != Qos.AT_MOST_ONCE, output);
            }
            return;
        }
        if (payload.length > options.maxMessageBytes()) {
            refusals.refuse(who, "size", payload.length + " bytes > " + options.maxMessageBytes());
            ingest.refused(
                    d,
                    channel.get(),
                    payload,
                    "payload of " + payload.length + " bytes exceeds the limit of " + options.maxMessageBytes());
            drop(output, v5, AckReasonCode.PAYLOAD_FORMAT_INVALID, "Payload too large");
            return;
        }
        if (!sessions.withinRate(who)) {
            refusals.refuse(who, "rate", "over " + options.messagesPerSecond() + " messages/s");
            ingest.refused(d, channel.get(), payload, "over the rate limit of " + options.messagesPerSecond() + "/s");
            drop(output, v5, AckReasonCode.QUOTA_EXCEEDED, "Rate limit exceeded");
            return;
        }
        if (input.getPublishPacket().getQos() == Qos.AT_MOST_ONCE) {
            output.preventPublishDelivery();
            ingest.submit(d, channel.get(), payload);
            return;
        }
        Async<PublishInboundOutput> async = output.async(
                WRITE_TIMEOUT, TimeoutFallback.FAILURE, AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "Timeout");
        ingest.submit(d, channel.get(), payload).whenComplete((outcome, error) -> {
            try {
                if (outcome instanceof IngestOutcome.Failed) {
                    output.preventPublishDelivery(AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "Not stored");
                } else {
                    output.preventPublishDelivery();
                }
            } finally {
                async.resume();
            }
        });
    }

    /** Drops a publish; MQTT 5 clients learn why, MQTT 3.1.1 clients get a plain PUBACK (no reason codes there). */
    private static void drop(PublishInboundOutput output, boolean v5, AckReasonCode code, String reason) {
        if (v5) {
            output.preventPublishDelivery(code, reason);
        } else {
            output.preventPublishDelivery();
        }
    }
}
