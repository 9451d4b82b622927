package dev.cairn.proxy;

import dev.cairn.proxy.protocol.CancelKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * A compute session that reached ReadyForQuery: the channel, the ParameterStatus/Notice messages to
 * relay to the client, the compute's cancel key (null if it sent none) and the ReadyForQuery bytes.
 */
record BackendHandshake(Channel channel, ByteBuf relayedMessages, CancelKey backendKey, ByteBuf readyForQuery) {}
