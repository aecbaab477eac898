using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace QueryTags.SignalR.Internal;

/// <summary>The application's hub protocols, each wrapped in <see cref="SkipUnknownMessagesProtocol"/>; for the invalidation hub only.</summary>
internal sealed class SkipUnknownMessagesProtocolResolver : IHubProtocolResolver
{
    private readonly IHubProtocolResolver _inner;
    private readonly Dictionary<IHubProtocol, IHubProtocol> _wrapped;

    public SkipUnknownMessagesProtocolResolver(IHubProtocolResolver inner)
    {
        _inner = inner;
        _wrapped = new Dictionary<IHubProtocol, IHubProtocol>(ReferenceEqualityComparer.Instance);
        foreach (var protocol in inner.AllProtocols)
        {
            _wrapped[protocol] = new SkipUnknownMessagesProtocol(protocol);
        }

        AllProtocols = [.. _wrapped.Values];
    }

    public IReadOnlyList<IHubProtocol> AllProtocols { get; }

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) =>
        _inner.GetProtocol(protocolName, supportedProtocols) is { } protocol
            ? _wrapped.GetValueOrDefault(protocol) ?? new SkipUnknownMessagesProtocol(protocol)
            : null;
}
