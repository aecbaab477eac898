using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// A hub protocol as SignalR's, except that a complete message of a type it does not know reads as a ping. The
/// protocols consume such a message and report "no message"; with a maximum message size set, SignalR's connection
/// handler then keeps the message in its buffer and parses it again on every read, so the connection stops
/// answering, forever. A ping does nothing but count as a sign of life, which the message is.
/// </summary>
internal sealed class SkipUnknownMessagesProtocol(IHubProtocol inner) : IHubProtocol
{
    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var length = input.Length;
        if (inner.TryParseMessage(ref input, binder, out message))
        {
            return true;
        }

        // Nothing consumed: the message is incomplete, wait for more bytes. Something consumed: a whole message was
        // read and dropped.
        if (input.Length < length)
        {
            message = PingMessage.Instance;
            return true;
        }

        return false;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}
