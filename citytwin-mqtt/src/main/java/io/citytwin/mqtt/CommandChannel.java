package io.citytwin.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.interceptor.suback.SubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.publish.PublishService;
import com.hivemq.extension.sdk.api.services.publish.PublishToClientResult;
import io.citytwin.command.Command;
import io.citytwin.command.CommandService;
import io.citytwin.command.CommandTransport;
import io.citytwin.device.Device;
import io.citytwin.ingest.CommandCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/*
 * Commands over the embedded broker, in-process (no client connection of our own):
 *
 *   device CONNECTs, SUBSCRIBEs to citytwin/{tenant}/devices/{id}/commands (the ACL allows nothing else)
 *     -> SUBACK outbound (the subscription is in place) -> the device is "ready" on that client id
 *     -> CommandService.deviceReady: every open command is published to it (PublishService.publishToClient, QoS 1)
 *   a command issued while the device is ready is published at once; otherwise it stays queued until the next SUBACK
 *   the device publishes {"id", "status", "info"} on .../commands/ack -> CommandService.ack (off the network thread)
 *   the connection closes -> not ready any more
 */
/** The embedded broker's side of device commands: transport, readiness tracking, acknowledgements. */
final class CommandChannel implements CommandTransport, SubackOutboundInterceptor, ClientLifecycleEventListener {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final CommandService commands;
    private final DeviceSessions sessions;
    private final Refusals refusals;
    private volatile @Nullable PublishService publisher;

    CommandChannel(CommandService commands, DeviceSessions sessions, Refusals refusals) {
        this.commands = commands;
        this.sessions = sessions;
        this.refusals = refusals;
    }

    void start(PublishService service) {
        this.publisher = service;
    }

    @Override
    public CompletableFuture<Boolean> deliver(Command c) {
        PublishService p = publisher;
        String client =
                sessions.readyClient(DeviceSessions.key(c.tenant(), c.device())).orElse(null);
        if (p == null || client == null) {
            return CompletableFuture.completedFuture(false);
        }
        var publish = Builders.publish()
                .topic(DeviceTopic.of(c.tenant(), c.device(), "commands"))
                .qos(Qos.AT_LEAST_ONCE)
                .contentType("application/json")
                .payload(ByteBuffer.wrap(CommandCodec.render(c)))
                .build();
        try {
            return p.publishToClient(publish, client)
                    .thenApply(r -> r == PublishToClientResult.SUCCESSFUL)
                    .exceptionally(e -> false);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    @Override
    public void onOutboundSuback(SubackOutboundInput input, SubackOutboundOutput output) {
        boolean granted = false;
        for (SubackReasonCode code : input.getSubackPacket().getReasonCodes()) {
            granted |= code == SubackReasonCode.GRANTED_QOS_0
                    || code == SubackReasonCode.GRANTED_QOS_1
                    || code == SubackReasonCode.GRANTED_QOS_2;
        }
        String who = DeviceTopicAuthorizer.who(input.getConnectionInformation()).orElse(null);
        if (!granted || who == null) {
            return;
        }
        sessions.ready(who, input.getClientInformation().getClientId());
        sessions.device(who).ifPresent(d -> Thread.ofVirtual().start(() -> commands.deviceReady(d.tenant(), d.id())));
    }

    /** A publish on the device's own {@code commands/ack} topic: records the acknowledgement off the network thread. */
    void onAck(Device device, String who, byte[] payload, boolean qos1, PublishInboundOutput output) {
        Async<PublishInboundOutput> async = qos1 ? output.async(ACK_TIMEOUT, TimeoutFallback.SUCCESS) : null;
        output.preventPublishDelivery();
        Thread.ofVirtual().start(() -> {
            try {
                switch (CommandCodec.parseAck(payload, null)) {
                    case CommandCodec.Ack a -> {
                        if (commands.ack(device.tenant(), device.id(), a.id(), a.ok(), a.info())
                                == CommandService.AckResult.UNKNOWN) {
                            refusals.refuse(who, "command-ack-unknown", "acknowledgement of unknown command " + a.id());
                        }
                    }
                    case CommandCodec.Invalid i -> refusals.refuse(who, "command-ack-invalid", i.reason());
                }
            } finally {
                if (async != null) {
                    async.resume();
                }
            }
        });
    }

    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {}

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {}

    @Override
    public void onDisconnect(DisconnectEventInput input) {
        sessions.gone(input.getClientInformation().getClientId());
    }
}
