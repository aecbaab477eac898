namespace QueryTags.SignalR.Internal;

/// <summary>One transport and protocol, and how many connections of this node use them now.</summary>
internal sealed class ConnectionKind(string transport, string protocol)
{
    public string Transport { get; } = transport;

    public string Protocol { get; } = protocol;

    /// <summary>Open connections; changed with <see cref="Interlocked"/>.</summary>
    public long Open;
}
